"""Similarity: index persistence, the visibility filter on every result, copies, clusters and merge,
unit suggestions, search, and the access matrix of every page and endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.proposals.models import Proposal, Proposer
from tongxin.proposals.tests.factories import act
from tongxin.similarity import indexes, queries, services
from tongxin.textsim import SimilarityIndex

from .conftest import SCHOOL, TOILETS, TOILETS_AGAIN, make

PERSONAS = [
    "wang_wei", "li_na", "sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei", "zhou_qiang",
    "sysadmin", "secadmin", "auditadmin", "outsider",
]  # fmt: skip


@pytest.fixture
def corpus(world: Any) -> dict[str, Any]:
    """Two filed toilet proposals by different members, a school one, and li_na's private toilet draft."""
    toilets = make(world, TOILETS)
    again = make(world, TOILETS_AGAIN, author=world.li_na)
    school = make(world, SCHOOL, author=world.sun_li)
    secret = make(
        world, {**TOILETS_AGAIN, "title": "关于公厕指引系统的私人草稿"}, author=world.li_na, state="draft"
    )
    services.index_rebuild(committee_id=world.committee.pk)
    return {"toilets": toilets, "again": again, "school": school, "secret": secret}


def ids(items: list[queries.SimilarItem]) -> list[int]:
    return [i.proposal.pk for i in items]


# --- index management ---------------------------------------------------------------------------


def test_index_is_persisted_and_updated_incrementally(world, index_dir: Path):
    p = make(world, TOILETS)
    assert services.index_rebuild(committee_id=world.committee.pk) == 1
    path = indexes.index_path(world.committee.pk)
    assert path.exists()
    assert path.parent == index_dir
    q = make(world, TOILETS_AGAIN, author=world.li_na)
    assert services.index_proposal(proposal_id=q.pk) is True
    # A fresh process reads the file, which already holds the new proposal.
    indexes.forget()
    loaded = SimilarityIndex.load(path)
    assert set(loaded.ids) == {p.pk, q.pk}
    assert indexes.get(world.committee.pk).similar_to(q.pk, k=1)[0][0] == p.pk


def test_index_is_built_lazily_from_the_database(world):
    p = make(world, TOILETS)
    assert not indexes.index_path(world.committee.pk).exists()
    assert p.pk in indexes.get(world.committee.pk)
    assert indexes.index_path(world.committee.pk).exists()


def test_editing_a_proposal_replaces_its_indexed_text(world):
    p = make(world, SCHOOL, state="draft")
    services.index_rebuild(committee_id=world.committee.pk)
    Proposal.objects.filter(pk=p.pk).update(**TOILETS)
    services.index_proposal(proposal_id=p.pk)
    hits = queries.similar_for_text(
        user=world.wang_wei, title=TOILETS_AGAIN["title"], body=TOILETS_AGAIN["analysis"]
    )
    assert ids(hits) == [p.pk]


def test_rebuild_command_indexes_every_committee(world, capsys):
    from django.core.management import call_command

    make(world, TOILETS)
    call_command("similarity_rebuild", "--committee", str(world.committee.pk))
    assert "1 proposals indexed" in capsys.readouterr().out


# --- similar proposals: the access filter -------------------------------------------------------


def test_similar_for_draft_shows_only_what_the_user_may_see(world, corpus):
    text = {"title": TOILETS["title"], "body": TOILETS["analysis"] + TOILETS["suggestions"]}
    # wang_wei sees his own proposal but neither li_na's submitted one (not his) nor her draft.
    mine = ids(queries.similar_for_text(user=world.wang_wei, **text))
    assert corpus["toilets"].pk in mine
    assert corpus["again"].pk not in mine
    assert corpus["secret"].pk not in mine
    # The office sees every submitted proposal, never a member's draft.
    office = ids(queries.similar_for_text(user=world.zhang_min, **text))
    assert corpus["toilets"].pk in office
    assert corpus["again"].pk in office
    assert corpus["secret"].pk not in office
    assert (
        office.index(corpus["toilets"].pk) < office.index(corpus["school"].pk)
        if corpus["school"].pk in office
        else True
    )
    # li_na sees her own draft; another committee's member sees nothing of this committee.
    assert corpus["secret"].pk in ids(queries.similar_for_text(user=world.li_na, **text))
    assert queries.similar_for_text(user=world.outsider, **text) == []
    assert queries.similar_for_text(user=world.sysadmin, **text) == []


def test_similar_item_carries_the_reply_gist_and_year(world, corpus):
    from tongxin.proposals.tests.factories import REPLY

    p = corpus["toilets"]
    p = act(p, "assign", world.zhang_min, mode="lead", lead_unit_id=world.unit.pk)
    p = act(p, "sign_for", world.zhou_qiang)
    p = act(p, "draft_reply", world.zhou_qiang, **REPLY)
    act(p, "approve_reply", world.zhang_min)
    items = queries.similar_for_text(
        user=world.zhang_min, title=TOILETS_AGAIN["title"], body=TOILETS_AGAIN["analysis"]
    )
    item = next(i for i in items if i.proposal.pk == p.pk)
    assert item.reply_gist.startswith("经研究")
    assert item.year == p.created_at.year


# --- copies and clusters ------------------------------------------------------------------------


def test_copies_for_session_flags_the_same_text_from_two_members(world, corpus):
    copy = make(world, TOILETS, author=world.li_na, state="submitted")
    flags = queries.copies_for_session(world.session)
    pairs = {frozenset((f.a.pk, f.b.pk)) for f in flags}
    assert frozenset((corpus["toilets"].pk, copy.pk)) in pairs
    assert all(corpus["school"].pk not in p for p in pairs)
    assert (
        next(
            f for f in flags if frozenset((f.a.pk, f.b.pk)) == frozenset((corpus["toilets"].pk, copy.pk))
        ).kind
        == "duplicate"
    )


def test_session_clusters_group_same_topic_and_lead_is_filed(world, corpus):
    clusters = queries.session_clusters(session=world.session).clusters
    assert len(clusters) == 1
    c = clusters[0]
    assert {p.pk for p in c.members} == {corpus["toilets"].pk, corpus["again"].pk}
    assert c.lead is not None
    assert c.lead.state == "filed"
    assert c.members[0] == c.lead
    assert 0 < c.mean_score <= 1


def test_cluster_merge_goes_through_the_workflow_and_keeps_every_proposer(world, corpus):
    lead, member = corpus["toilets"], corpus["again"]
    result = services.cluster_merge(
        actor=world.zhang_min, session=world.session, lead_id=lead.pk, member_ids=[member.pk]
    )
    member.refresh_from_db()
    assert result.pk == lead.pk
    assert member.state == "merged"
    assert member.merged_into_id == lead.pk
    assert member.events.filter(name="merge").exists()
    assert Proposer.objects.filter(proposal=member, person=world.li_na.person).exists()
    # The merged member's proposer now sees the lead (proposals' visibility of a merge group).
    assert lead.pk in ids(
        queries.similar_for_text(user=world.li_na, title=TOILETS["title"], body=TOILETS["analysis"])
    )
    assert queries.session_clusters(session=world.session).clusters == []


def test_cluster_merge_is_all_or_nothing_and_office_only(world, corpus):
    lead = corpus["toilets"]
    # Merged first, then a withdrawn proposal is refused: the first merge must be undone too.
    draft_one = act(make(world, SCHOOL, author=world.li_na, state="submitted"), "withdraw", world.li_na)
    with pytest.raises(Conflict):
        services.cluster_merge(
            actor=world.zhang_min,
            session=world.session,
            lead_id=lead.pk,
            member_ids=[corpus["again"].pk, draft_one.pk],
        )
    corpus["again"].refresh_from_db()
    assert corpus["again"].state == "filed"
    with pytest.raises(Forbidden):
        services.cluster_merge(
            actor=world.wang_wei, session=world.session, lead_id=lead.pk, member_ids=[corpus["again"].pk]
        )
    with pytest.raises(Invalid):
        services.cluster_merge(actor=world.zhang_min, session=world.session, lead_id=lead.pk, member_ids=[])
    with pytest.raises(Invalid):
        services.cluster_merge(
            actor=world.zhang_min, session=world.session, lead_id=999999, member_ids=[corpus["again"].pk]
        )


# --- unit suggestions ---------------------------------------------------------------------------


def test_unit_suggestions_rank_units_of_similar_past_proposals_with_reasons(world, corpus):
    from tongxin.proposals.tests.factories import unit_with_staff

    school_unit, _ = unit_with_staff(world, "城关区教育局", "jiaoyuju")
    act(corpus["toilets"], "assign", world.zhang_min, mode="lead", lead_unit_id=world.unit.pk)
    act(corpus["school"], "assign", world.zhang_min, mode="lead", lead_unit_id=school_unit.pk)
    new = make(world, {**TOILETS_AGAIN, "title": "关于公厕指引牌的建议"}, author=world.sun_li)
    services.index_proposal(proposal_id=new.pk)
    suggestions = queries.unit_suggestions(user=world.zhang_min, proposal=new)
    assert suggestions[0].unit == world.unit
    assert suggestions[0].lead_count >= 1
    assert corpus["toilets"].pk in [p.pk for p, _s in suggestions[0].proposals]


# --- search -------------------------------------------------------------------------------------


def _search(user: Any, q: str, **kw: Any) -> list[Any]:
    return list(queries.search(user=user, filters=queries.SearchFilters(q=q, **kw)))


def test_search_matches_chinese_terms_without_segmentation_and_respects_visibility(world, corpus):
    assert {p.pk for p in _search(world.zhang_min, "公厕 地图")} == {corpus["toilets"].pk, corpus["again"].pk}
    assert {p.pk for p in _search(world.wang_wei, "公厕")} == {corpus["toilets"].pk}
    assert {p.pk for p in _search(world.li_na, "私人草稿")} == {corpus["secret"].pk}
    assert _search(world.zhang_min, "私人草稿") == []
    assert _search(world.outsider, "公厕") == []
    assert _search(world.sysadmin, "公厕") == []


def test_search_filters_by_type_session_state_and_unit(world, corpus):
    act(corpus["toilets"], "assign", world.zhang_min, mode="lead", lead_unit_id=world.unit.pk)
    assert {p.pk for p in _search(world.zhang_min, "公厕", unit_id=world.unit.pk)} == {corpus["toilets"].pk}
    assert {p.pk for p in _search(world.zhang_min, "公厕", state="filed")} == {corpus["again"].pk}
    assert _search(world.zhang_min, "公厕", session_id=world.session.pk + 1000) == []
    assert _search(world.zhang_min, "公厕", kind="reply") == []
    assert _search(world.zhang_min, "公厕", kind="opinion") == []


def test_highlight_escapes_and_marks_every_term():
    out = queries.highlight("在<b>老城区</b>设置公厕指示牌，公厕", ["公厕", "<b>"])
    assert "<mark>公厕</mark>" in out
    assert "&lt;b&gt;" in out
    assert "<b>" not in out.replace("<mark>&lt;b&gt;</mark>", "")


# --- access matrix: pages -----------------------------------------------------------------------

BUSINESS = {
    "wang_wei",
    "li_na",
    "sun_li",
    "zhang_min",
    "liu_yang",
    "chen_jing",
    "zhao_lei",
    "zhou_qiang",
    "outsider",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_member_pages_matrix(world, corpus, client_for, persona):
    client = client_for(getattr(world, persona))
    expected = 200 if persona in BUSINESS else 403
    for url in (
        reverse("similarity:check") + "?title=公厕指引",
        reverse("similarity:similar_panel") + "?title=公厕指引",
        reverse("similarity:search") + "?q=公厕",
    ):
        assert client.get(url).status_code == expected, url


CLUSTERS = dict.fromkeys(PERSONAS, 403) | {"zhang_min": 200, "outsider": 404}
UNITS = dict.fromkeys(PERSONAS, 404) | {
    "zhang_min": 200, "wang_wei": 403, "sun_li": 403, "liu_yang": 403, "chen_jing": 403, "zhao_lei": 403,
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_office_pages_matrix(world, corpus, client_for, persona):
    client = client_for(getattr(world, persona))
    assert (
        client.get(reverse("similarity:clusters", args=[world.session.pk])).status_code == CLUSTERS[persona]
    )
    assert client.get(reverse("similarity:units", args=[corpus["toilets"].pk])).status_code == UNITS[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_matrix(world, corpus, api_for, persona):
    api = api_for(getattr(world, persona))
    business = 200 if persona in BUSINESS else 403
    assert (
        api.post("/api/v1/similar", {"title": "公厕指引", "body": "", "kind": "proposal"}).status_code
        == business
    )
    assert api.get("/api/v1/search", q="公厕").status_code == business
    assert api.get(f"/api/v1/sessions/{world.session.pk}/merge-suggestions").status_code == CLUSTERS[persona]
    assert api.get(f"/api/v1/proposals/{corpus['toilets'].pk}/unit-suggestions").status_code == UNITS[persona]
    similar = (
        200 if persona in {"wang_wei", "sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"} else 404
    )
    if persona in {"sysadmin", "secadmin", "auditadmin"}:
        similar = 403
    assert api.get(f"/api/v1/proposals/{corpus['toilets'].pk}/similar").status_code == similar


# --- API payloads and bad input -----------------------------------------------------------------


def test_api_payloads(world, corpus, api_for):
    office = api_for(world.zhang_min)
    body = office.get(f"/api/v1/proposals/{corpus['toilets'].pk}/similar").json()
    assert [r["id"] for r in body][:1] == [corpus["again"].pk]
    assert "contact_phone" not in str(body)
    merge = office.get(f"/api/v1/sessions/{world.session.pk}/merge-suggestions").json()
    assert {m["id"] for m in merge["clusters"][0]["members"]} == {corpus["toilets"].pk, corpus["again"].pk}
    found = office.get("/api/v1/search", q="公厕", limit=1).json()
    assert len(found["items"]) == 1
    assert found["next_after"] is not None
    assert "<mark>公厕</mark>" in found["items"][0]["highlight"]
    rest = office.get("/api/v1/search", q="公厕", limit=1, after=found["next_after"]).json()
    assert len(rest["items"]) == 1
    assert rest["items"][0]["id"] != found["items"][0]["id"]


def test_api_bad_input_is_422_never_500(world, api_for):
    office = api_for(world.zhang_min)
    assert office.get("/api/v1/search").status_code == 422
    assert office.get("/api/v1/search", q="公厕", type="secret").status_code == 422
    assert office.get("/api/v1/search", q="公厕", limit=1000).status_code == 422
    assert office.post("/api/v1/similar", {"title": "x" * 500}).status_code == 422
    assert office.get("/api/v1/proposals/999999/similar").status_code == 404


def test_merge_page_posts_a_cluster_into_the_workflow(world, corpus, client_for):
    client = client_for(world.zhang_min)
    url = reverse("similarity:clusters", args=[world.session.pk])
    page = client.get(url)
    assert "并案" in page.content.decode()
    response = client.post(
        reverse("similarity:merge", args=[world.session.pk]),
        {"lead": corpus["toilets"].pk, "members": [corpus["again"].pk], "note": "同一主题"},
    )
    assert response.status_code == 302
    corpus["again"].refresh_from_db()
    assert corpus["again"].merged_into_id == corpus["toilets"].pk
    bad = client.post(reverse("similarity:merge", args=[world.session.pk]), {"lead": "x", "members": ["y"]})
    assert bad.status_code == 302


def test_search_page_htmx_partial_and_bad_params(world, corpus, client_for):
    client = client_for(world.zhang_min)
    full = client.get(reverse("similarity:search"), {"q": "公厕", "limit": "abc", "session": "x"})
    assert full.status_code == 200
    part = client.get(reverse("similarity:search"), {"q": "公厕"}, HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert "<mark>公厕</mark>" in html
    assert "<html" not in html


def test_query_bounds(world, corpus, client_for, django_assert_max_num_queries):
    client = client_for(world.zhang_min)
    for _ in range(3):
        make(
            world, {**TOILETS, "title": TOILETS["title"] + "（补充）"}, author=world.sun_li, state="submitted"
        )
    services.index_rebuild(committee_id=world.committee.pk)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("similarity:clusters", args=[world.session.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("similarity:search"), {"q": "公厕"}).status_code == 200
    with django_assert_max_num_queries(15):
        assert (
            client.get(reverse("similarity:similar_panel"), {"title": "公厕指引", "body": "地图"}).status_code
            == 200
        )


def test_panel_accepts_the_proposals_draft_form_fields(world, corpus, client_for):
    client = client_for(world.wang_wei)
    html = client.get(
        reverse("similarity:similar_panel"),
        {"title": "", "suggestions": TOILETS_AGAIN["suggestions"]},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert TOILETS["title"] in html
    assert TOILETS_AGAIN["title"] not in html
