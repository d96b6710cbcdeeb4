"""The transition table, driven through the real service: every allowed (state, action) pair
passes and every other pair is refused with 409 invalid_transition."""

from __future__ import annotations

import pytest

from tongxin.core.errors import Conflict
from tongxin.opinions import services
from tongxin.opinions.models import BulletinIssue, OpinionEvent
from tongxin.opinions.workflow import OUTCOME_RANK, STAYING_ACTIONS, TRANSITIONS, State

from .factories import in_state, payload_for

ACTIONS = [name for name in TRANSITIONS if name != "send"]
PAIRS = [(state, action) for state in State.values for action in ACTIONS]


def _actor(world, action):
    return world.wang_wei if action in ("submit", "withdraw") else world.liu_yang


@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_transition_table(world, state, action):
    report = in_state(state, world.wang_wei, world.liu_yang)
    assert report.state == state
    t = TRANSITIONS[action]
    payload = payload_for(action, report)
    if state in t.sources:
        after = services.opinion_transition(
            report=report, name=action, actor=_actor(world, action), payload=payload
        )
        if action in STAYING_ACTIONS:
            assert after.state == state
        elif action in ("record_adoption", "record_instruction", "record_feedback"):
            expected = t.target if OUTCOME_RANK[t.target] > OUTCOME_RANK[state] else state
            assert after.state == expected
        else:
            assert after.state == t.target
        event = OpinionEvent.objects.filter(report=report).latest("id")
        assert (event.name, event.from_state) in {
            (action, state),
            ("upstream_adoption", state),
        } or action == "forward"
    else:
        with pytest.raises(Conflict) as exc:
            services.opinion_transition(
                report=report, name=action, actor=_actor(world, action), payload=payload
            )
        assert exc.value.code == "invalid_transition"
        report.refresh_from_db()
        assert report.state == state


@pytest.mark.parametrize("state", State.values)
def test_send_only_through_the_issue(world, state):
    report = in_state(state, world.wang_wei, world.liu_yang)
    with pytest.raises(Conflict) as exc:
        services.opinion_transition(report=report, name="send", actor=world.liu_yang)
    assert exc.value.code == "invalid_transition"


def test_sending_an_issue_sends_every_report_in_it(world):
    first = in_state("adopted", world.wang_wei, world.liu_yang)
    second = in_state("received", world.li_na, world.liu_yang)
    services.opinion_transition(
        report=second,
        name="adopt",
        actor=world.liu_yang,
        payload={"issue_id": first.issue_id, "mode": "combined"},
    )
    issue = BulletinIssue.objects.get(pk=first.issue_id)
    services.bulletin_send(issue=issue, actor=world.liu_yang, recipients=["government"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.SENT, State.SENT)
    with pytest.raises(Conflict):
        services.bulletin_send(issue=issue, actor=world.liu_yang)


def test_outcome_states_never_move_backwards(world):
    report = in_state("instructed", world.wang_wei, world.liu_yang)
    after = services.opinion_transition(
        report=report,
        name="record_adoption",
        actor=world.liu_yang,
        payload=payload_for("record_adoption", report),
    )
    assert after.state == State.INSTRUCTED
