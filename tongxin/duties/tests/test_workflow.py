"""Table-driven: every allowed transition passes; every other (state, action) pair is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tongxin.core.errors import Conflict
from tongxin.duties.models import AssessmentCycle, AssessmentEvent, DutyClaim, DutyClaimEvent, DutyEvent
from tongxin.duties.services import assessment_transition, claim_transition
from tongxin.duties.workflow import CLAIM_TRANSITIONS, TRANSITIONS, ClaimState, CycleState

from .conftest import membership_of

pytestmark = pytest.mark.django_db

CYCLE_PAIRS = [(s, n) for s in CycleState.values for n in TRANSITIONS]
CLAIM_PAIRS = [(s, n) for s in ClaimState.values for n in CLAIM_TRANSITIONS]


@pytest.mark.parametrize(("state", "name"), CYCLE_PAIRS)
def test_cycle_table(world, state, name):
    cycle = AssessmentCycle.objects.create(committee=world.committee, year=2026, state=state)
    t = TRANSITIONS[name]
    if state in t.sources:
        assessment_transition(actor=world.zhao_lei, cycle=cycle, name=name)
        cycle.refresh_from_db()
        assert cycle.state == t.target
        assert AssessmentEvent.objects.filter(
            cycle=cycle, name=name, from_state=state, to_state=t.target
        ).exists()
    else:
        with pytest.raises(Conflict) as exc:
            assessment_transition(actor=world.zhao_lei, cycle=cycle, name=name)
        assert exc.value.code == "invalid_transition"
        cycle.refresh_from_db()
        assert cycle.state == state


@pytest.mark.parametrize(("state", "name"), CLAIM_PAIRS)
def test_claim_table(world, state, name):
    m = membership_of(world.wang_wei)
    claim = DutyClaim.objects.create(
        membership=m, kind="contact_masses", occurred_on=dt.date(2026, 5, 1), title="走访", state=state
    )
    t = CLAIM_TRANSITIONS[name]
    actor = world.wang_wei if name == "withdraw" else world.zhao_lei
    if state in t.sources:
        claim_transition(actor=actor, claim=claim, name=name, note="理由")
        claim.refresh_from_db()
        assert claim.state == t.target
        assert DutyClaimEvent.objects.filter(claim=claim, name=name).exists()
        assert DutyEvent.objects.filter(dedupe_key=f"duties.claim:{claim.pk}").exists() == (name == "approve")
    else:
        with pytest.raises(Conflict):
            claim_transition(actor=actor, claim=claim, name=name, note="理由")


def test_workflow_tables_are_consistent():
    """The same checks core/checks.py runs on `TRANSITIONS`, for the claims machine as well."""
    from tongxin.duties import access
    from tongxin.duties.workflow import (
        CLAIM_INITIAL_STATE,
        CLAIM_TERMINAL_STATES,
        INITIAL_STATE,
        TERMINAL_STATES,
    )

    for states, initial, terminal, table in (
        (CycleState, INITIAL_STATE, TERMINAL_STATES, TRANSITIONS),
        (ClaimState, CLAIM_INITIAL_STATE, CLAIM_TERMINAL_STATES, CLAIM_TRANSITIONS),
    ):
        reachable = {initial} | {t.target for t in table.values()}
        exits = {s for t in table.values() for s in t.sources}
        assert set(states.values) == reachable
        assert set(states.values) - exits <= set(terminal)
        assert all(callable(getattr(access, t.permission)) for t in table.values())
