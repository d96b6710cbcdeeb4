"""The workflow table, table-driven: every allowed (state, action) pair passes through the one
transition service, and every other pair is refused with `invalid_transition`, changing nothing."""

from __future__ import annotations

import pytest

from tongxin.core.errors import Conflict
from tongxin.proposals import access, workflow
from tongxin.proposals.models import Proposal, ProposalEvent
from tongxin.proposals.workflow import TRANSITIONS, State

from .factories import act, in_state, make_cast
from .scenarios import ALLOWED, scenario


def test_table_passes_the_system_check(monkeypatch):
    from django.apps import apps

    from tongxin.core.checks import check_workflow_tables

    # Only this app's table: other apps' tables are their own tests' business.
    monkeypatch.setattr(apps, "get_app_configs", lambda: [apps.get_app_config("proposals")])
    assert check_workflow_tables() == []


def test_every_permission_is_a_named_access_rule_with_a_docstring():
    for t in TRANSITIONS.values():
        rule = getattr(access, t.permission)
        assert callable(rule), t.permission
        assert rule.__doc__, t.permission


def test_every_state_is_initial_reachable_or_terminal():
    targets = {t.target for t in TRANSITIONS.values()} | {workflow.INITIAL_STATE}
    assert set(State) <= targets
    exits = {s for t in TRANSITIONS.values() for s in t.sources}
    assert set(State) - exits <= workflow.TERMINAL_STATES


@pytest.mark.parametrize(("action", "state"), ALLOWED)
def test_allowed_pair_passes(world, action, state):
    cast = make_cast(world)
    s = scenario(action, state, cast)
    assert s.proposal.state == state
    events_before = ProposalEvent.objects.filter(proposal=s.proposal).count()
    version = s.proposal.version
    result = act(s.proposal, action, s.actor, **s.payload)
    assert result.state == s.expect
    assert result.version == version + 1
    event = ProposalEvent.objects.filter(proposal=s.proposal, name=action).latest("id")
    assert (event.from_state, event.to_state) == (state, s.expect)
    assert event.actor_id == s.actor.pk
    assert ProposalEvent.objects.filter(proposal=s.proposal).count() == events_before + 1


@pytest.mark.parametrize("state", list(State))
def test_every_other_pair_is_refused(world, state):
    cast = make_cast(world)
    proposal = in_state(cast, state)
    refused = [name for name, t in TRANSITIONS.items() if state not in t.sources]
    assert refused, state
    events = ProposalEvent.objects.filter(proposal=proposal).count()
    for name in refused:
        with pytest.raises(Conflict) as caught:
            act(proposal, name, world.zhang_min)
        assert caught.value.code == "invalid_transition", name
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert (fresh.state, fresh.version) == (proposal.state, proposal.version)
    assert ProposalEvent.objects.filter(proposal=proposal).count() == events


def test_unknown_action_is_not_found(world):
    from tongxin.core.errors import NotFound

    proposal = in_state(make_cast(world), State.SUBMITTED)
    with pytest.raises(NotFound):
        act(proposal, "approve_everything", world.zhang_min)
