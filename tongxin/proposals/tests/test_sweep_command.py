"""`tongxin proposals_sweep`: the daily run cron or a systemd timer calls (README, Production)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from tongxin.proposals.models import Notification, Rating
from tongxin.proposals.workflow import State

from .factories import act, joint_proposal, make_cast


def _sweep(*args: str) -> str:
    out = StringIO()
    call_command("proposals_sweep", *args, stdout=out)
    return out.getvalue().strip()


def test_enqueued_sweep_closes_lapsed_ratings_and_reminds_once(world):
    cast = make_cast(world)
    with time_machine.travel(dt.datetime(2026, 2, 12, 9, 0, tzinfo=dt.UTC)):
        handling = joint_proposal(cast, State.IN_HANDLING)  # reply due 12 May 2026
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)):
        replied = act(
            joint_proposal(cast, State.REPLIED),
            "rate",
            world.wang_wei,
            attitude="satisfied",
            result="satisfied",
        )
    # Enqueued for the task workers (the tests' backend runs it at once).
    assert _sweep("--enqueue", "--date", "2026-05-13").startswith("2026-05-13: enqueued ")
    replied.refresh_from_db()
    assert replied.state == State.EVALUATED  # li_na stayed silent past 23 March
    assert Rating.objects.get(proposal=replied, proposer__person_id=world.li_na.person_id).no_response
    overdue = Notification.objects.filter(proposal=handling, key__startswith="overdue:")
    assert set(overdue.values_list("recipient_id", flat=True)) == {cast.lead_staff.pk, world.zhang_min.pk}
    notices = Notification.objects.count()
    # Twice the same day (a retried timer, or inline after enqueued): nothing is written twice.
    assert _sweep("--date", "2026-05-13") == "2026-05-13: 0"
    _sweep("--enqueue", "--date", "2026-05-13")
    assert Notification.objects.count() == notices
    assert Rating.objects.filter(proposal=replied).count() == 2


def test_today_by_default_and_bad_dates_refused(world):
    with time_machine.travel(dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)):
        assert _sweep() == "2026-06-01: 0"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _sweep("--date", "2026-13-45")
