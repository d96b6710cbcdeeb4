"""The 并案 desk's clusters are computed once per session text version and index build, shown with
their time, recomputed on 重新计算, and never offer a member that is no longer mergeable."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tongxin.similarity import queries, services

from .conftest import SCHOOL, TOILETS, TOILETS_AGAIN, make


@pytest.fixture
def desk(world: Any) -> dict[str, Any]:
    toilets = make(world, TOILETS)
    again = make(world, TOILETS_AGAIN, author=world.li_na)
    third = make(
        world,
        {**TOILETS_AGAIN, "title": "关于公厕指示牌统一设置的建议"},
        author=world.sun_li,
        state="submitted",
    )
    school = make(world, SCHOOL, author=world.sun_li)
    services.index_rebuild(committee_id=world.committee.pk)
    return {"toilets": toilets, "again": again, "third": third, "school": school}


def members(result: queries.SessionClusters) -> list[set[int]]:
    return [{p.pk for p in c.members} for c in result.clusters]


def test_second_load_is_cached_and_shows_the_same_clusters(world, desk, monkeypatch):
    first = queries.session_clusters(session=world.session)
    assert first.cached is False
    assert members(first) == [{desk["toilets"].pk, desk["again"].pk, desk["third"].pk}]
    calls = []
    monkeypatch.setattr(queries, "_compute_clusters", lambda *a: calls.append(a) or [])
    second = queries.session_clusters(session=world.session)
    assert second.cached is True
    assert calls == []
    assert second.computed_at == first.computed_at
    assert members(second) == members(first)
    # 重新计算 computes again (here: the stubbed computation, which finds nothing).
    again = queries.session_clusters(session=world.session, refresh=True)
    assert again.cached is False
    assert len(calls) == 1


def test_a_text_edit_invalidates_and_a_merge_only_drops_members(world, desk):
    queries.session_clusters(session=world.session)
    services.cluster_merge(
        actor=world.zhang_min,
        session=world.session,
        lead_id=desk["toilets"].pk,
        member_ids=[desk["third"].pk],
    )
    after_merge = queries.session_clusters(session=world.session)
    assert after_merge.cached is True
    assert members(after_merge) == [{desk["toilets"].pk, desk["again"].pk}]
    new = make(world, {**TOILETS, "title": "关于公厕开放时间的建议"}, author=world.li_na, state="submitted")
    services.index_proposal(proposal_id=new.pk)
    fresh = queries.session_clusters(session=world.session)
    assert fresh.cached is False
    assert new.pk in set().union(*members(fresh))


def test_desk_page_shows_the_time_and_recomputes_for_the_office_only(world, desk, client_for):
    office = client_for(world.zhang_min)
    html = office.get(reverse("similarity:clusters", args=[world.session.pk])).content.decode()
    assert "计算于" in html
    assert "重新计算" in html
    url = reverse("similarity:recompute", args=[world.session.pk])
    assert office.post(url).status_code == 302
    assert client_for(world.wang_wei).post(url).status_code == 403
    assert client_for(world.outsider).post(url).status_code == 404
    assert office.get(url).status_code == 405


def test_api_reports_computed_at_and_refreshes(world, desk, api_for):
    api = api_for(world.zhang_min)
    url = f"/api/v1/sessions/{world.session.pk}/merge-suggestions"
    first = api.get(url).json()
    assert first["computed_at"]
    assert api.get(url).json()["computed_at"] == first["computed_at"]
    assert api.get(url, refresh="true").json()["computed_at"] >= first["computed_at"]
