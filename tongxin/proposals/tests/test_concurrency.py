"""Two people acting on the same proposal at the same moment, in real concurrent transactions:
exactly one succeeds and the other gets a clear conflict (PostgreSQL; SQLite serialises writers)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tongxin.core.errors import Conflict
from tongxin.proposals.models import Proposal, ProposalEvent
from tongxin.proposals.workflow import State

from .factories import act, joint_proposal, make_cast

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_file_and_reject_exactly_one_wins(world):
    cast = make_cast(world)
    p = act(joint_proposal(cast, State.SUBMITTED), "cosign", world.li_na)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(name, payload):
        from django.db import connections

        try:
            mine = Proposal.objects.get(pk=p.pk)
            barrier.wait(timeout=10)
            act(mine, name, world.zhang_min, **payload)
            outcomes[name] = "ok"
        except Conflict as exc:
            outcomes[name] = exc.code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("file", {})),
        threading.Thread(target=run, args=("reject", {"reason_code": "R10"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "ok"], outcomes
    winner = next(name for name, result in outcomes.items() if result == "ok")
    fresh = Proposal.objects.get(pk=p.pk)
    assert fresh.state == {"file": State.FILED, "reject": State.NOT_FILED}[winner]
    assert ProposalEvent.objects.filter(proposal=p, name__in=["file", "reject"]).count() == 1
