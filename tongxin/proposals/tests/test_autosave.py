"""Autosave racing the member's own 提交 (issue 3: drafts save automatically; a phone may send an
autosave just as the member presses submit)."""

from __future__ import annotations

import pytest

from tongxin.core.errors import Conflict
from tongxin.proposals import services
from tongxin.proposals.models import Proposal, ProposalVersion
from tongxin.proposals.workflow import State

from .factories import act, draft


def test_autosave_retries_once_when_another_save_changed_the_draft_first(world):
    p = draft(world)
    stale = Proposal.objects.get(pk=p.pk)  # what the autosave request read
    services.proposal_update_draft(proposal=p, actor=world.wang_wei, changes={"analysis": "另一个标签页"})
    with pytest.raises(Conflict):  # without the retry the stale write is refused
        services.proposal_update_draft(
            proposal=stale,
            actor=world.wang_wei,
            changes={"analysis": "手机"},
        )
    stale = Proposal.objects.get(pk=p.pk)
    services.proposal_update_draft(proposal=p, actor=world.wang_wei, changes={"analysis": "又一次"})
    saved = services.proposal_autosave(proposal=stale, actor=world.wang_wei, changes={"analysis": "自动保存"})
    assert saved is not None
    p.refresh_from_db()
    assert p.analysis == "自动保存"
    assert p.state == State.DRAFT


def test_autosave_after_submit_saves_nothing_and_says_so(world, client_for):
    p = draft(world)
    stale = Proposal.objects.get(pk=p.pk)
    act(p, "submit", world.wang_wei)
    versions = ProposalVersion.objects.filter(proposal=p).count()
    assert (
        services.proposal_autosave(proposal=stale, actor=world.wang_wei, changes={"analysis": "迟到"}) is None
    )
    # The page: the htmx autosave gets 286 (htmx stops polling) and a calm status, not a 409 page.
    response = client_for(world.wang_wei).post(
        f"/proposals/{p.pk}/autosave/",
        {"title": p.title, "analysis": "迟到的自动保存"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 286
    body = response.content.decode()
    assert "已提交，草稿不再自动保存" in body
    assert f'href="/proposals/{p.pk}/"' in body
    p.refresh_from_db()
    assert p.state == State.SUBMITTED
    assert p.analysis != "迟到的自动保存"
    assert ProposalVersion.objects.filter(proposal=p).count() == versions


def test_api_patch_after_submit_is_a_clear_conflict(world, api_for):
    p = act(draft(world), "submit", world.wang_wei)
    r = api_for(world.wang_wei).patch(f"/api/v1/proposals/{p.pk}", {"analysis": "迟到"})
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition"
