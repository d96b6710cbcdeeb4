"""What search and similar proposals may show beyond a user's own proposals: public proposals with their
public replies (a 不公开 reply only to those who may read its proposal), and meetings with their minutes
for those who may open the meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tongxin.meetings import services as meeting_services
from tongxin.proposals.models import Proposal, Reply
from tongxin.proposals.tests.factories import REPLY, act, unit_with_staff
from tongxin.similarity import queries, services

from .conftest import SCHOOL, TOILETS, TOILETS_AGAIN, make


def replied(world: Any, proposal: Proposal, *, publicity: str) -> Proposal:
    """Assigned to the world's unit, answered with `publicity`, the reply approved by the office."""
    p = act(proposal, "assign", world.zhang_min, mode="lead", lead_unit_id=world.unit.pk)
    p = act(p, "sign_for", world.zhou_qiang)
    p = act(p, "draft_reply", world.zhou_qiang, **{**REPLY, "publicity": publicity})
    return act(p, "approve_reply", world.zhang_min)


def search(user: Any, q: str, **kw: Any) -> list[Any]:
    return list(queries.search(user=user, filters=queries.SearchFilters(q=q, **kw)))


@pytest.fixture
def answered(world: Any) -> dict[str, Proposal]:
    """li_na's public toilet proposal and sun_li's school proposal answered 不公开."""
    public = replied(world, make(world, TOILETS_AGAIN, author=world.li_na), publicity="public")
    private = replied(world, make(world, SCHOOL, author=world.sun_li), publicity="not_public")
    services.index_rebuild(committee_id=world.committee.pk)
    return {"public": public, "private": private}


def test_public_proposal_and_its_reply_gist_reach_every_member(world, answered):
    assert answered["public"].is_public is True
    assert answered["private"].is_public is False
    items = queries.similar_for_text(user=world.wang_wei, title=TOILETS["title"], body=TOILETS["analysis"])
    item = next(i for i in items if i.proposal.pk == answered["public"].pk)
    assert item.reply_gist.startswith("经研究")
    # The not-public one is neither listed nor quoted to another member.
    school = queries.similar_for_text(user=world.wang_wei, title=SCHOOL["title"], body=SCHOOL["analysis"])
    assert answered["private"].pk not in [i.proposal.pk for i in school]


def test_not_public_reply_is_read_only_by_those_who_may_read_the_proposal(world, answered):
    words = "经研究"
    private_reply = Reply.objects.get(proposal=answered["private"])
    public_reply = Reply.objects.get(proposal=answered["public"])
    assert {r.pk for r in search(world.wang_wei, words, kind="reply")} == {public_reply.pk}
    assert {r.pk for r in search(world.sun_li, words, kind="reply")} == {public_reply.pk, private_reply.pk}
    assert {r.pk for r in search(world.zhang_min, words, kind="reply")} == {public_reply.pk, private_reply.pk}
    assert {r.pk for r in search(world.zhou_qiang, words, kind="reply")} == {
        public_reply.pk,
        private_reply.pk,
    }
    assert search(world.outsider, words, kind="reply") == []
    # A reply marked 不公开 on a proposal that is otherwise public (a later round) stays hidden.
    Reply.objects.filter(pk=public_reply.pk).update(publicity=Reply.Publicity.NOT_PUBLIC)
    assert search(world.wang_wei, words, kind="reply") == []
    items = queries.similar_for_text(user=world.wang_wei, title=TOILETS["title"], body=TOILETS["analysis"])
    item = next(i for i in items if i.proposal.pk == answered["public"].pk)
    assert item.reply_gist == ""
    li_na = queries.similar_for_text(user=world.li_na, title=TOILETS["title"], body=TOILETS["analysis"])
    assert next(i for i in li_na if i.proposal.pk == answered["public"].pk).reply_gist.startswith("经研究")


def test_public_proposal_is_found_but_not_linked_for_another_member(world, answered, api_for):
    body = api_for(world.wang_wei).get("/api/v1/search", q="公厕").json()
    hit = next(h for h in body["items"] if h["id"] == answered["public"].pk)
    assert hit["url"] == ""
    own = api_for(world.li_na).get("/api/v1/search", q="公厕").json()
    assert next(h for h in own["items"] if h["id"] == answered["public"].pk)["url"].endswith(
        f"/proposals/{answered['public'].pk}/"
    )


def test_unit_filter_on_replies(world, answered):
    other_unit, _staff = unit_with_staff(world, "城关区教育局", "jiaoyuju")
    assert len(search(world.zhang_min, "经研究", kind="reply", unit_id=world.unit.pk)) == 2
    assert search(world.zhang_min, "经研究", kind="reply", unit_id=other_unit.pk) == []


# --- meetings -----------------------------------------------------------------------------------


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def meetings(world: Any) -> dict[str, Any]:
    """A notified meeting with everyone invited and minutes, and a draft one nobody is told of yet."""
    notified = meeting_services.meeting_create(
        actor=world.chen_jing,
        kind_code="plenary",
        title="城市公厕建设专题协商会",
        starts_at=at(20),
        ends_at=at(20, 17),
    )
    meeting_services.meeting_invite(actor=world.chen_jing, meeting=notified, by="everyone")
    notified = meeting_services.meeting_transition(actor=world.chen_jing, meeting=notified, name="notify")
    meeting_services.meeting_update_record(
        actor=world.chen_jing, meeting=notified, minutes="会议认为老城区公厕指引亟待改进。", outcomes=""
    )
    draft = meeting_services.meeting_create(
        actor=world.chen_jing,
        kind_code="plenary",
        title="筹备中的公厕调研座谈",
        starts_at=at(22),
        ends_at=at(22, 17),
    )
    return {"notified": notified, "draft": draft}


def test_meetings_are_searched_by_title_and_minutes_within_visibility(world, meetings):
    n, d = meetings["notified"].pk, meetings["draft"].pk
    assert {m.pk for m in search(world.chen_jing, "公厕", kind="meeting")} == {n, d}
    assert {m.pk for m in search(world.wang_wei, "公厕", kind="meeting")} == {n}
    assert {m.pk for m in search(world.wang_wei, "指引 亟待", kind="meeting")} == {n}  # minutes only
    assert search(world.outsider, "公厕", kind="meeting") == []
    assert search(world.sysadmin, "公厕", kind="meeting") == []
    assert search(world.chen_jing, "公厕", kind="meeting", session_id=world.session.pk) == []
    assert {m.pk for m in search(world.chen_jing, "公厕", kind="meeting", state="draft")} == {d}


def test_meeting_hits_in_the_api_and_page(world, meetings, api_for, client_for):
    body = api_for(world.wang_wei).get("/api/v1/search", q="亟待", type="meeting").json()
    assert [h["id"] for h in body["items"]] == [meetings["notified"].pk]
    assert body["items"][0]["url"].endswith(f"/meetings/{meetings['notified'].pk}/")
    assert "<mark>亟待</mark>" in body["items"][0]["highlight"]
    html = (
        client_for(world.wang_wei)
        .get("/similarity/search/", {"q": "公厕", "type": "meeting"})
        .content.decode()
    )
    assert "城市公厕建设专题协商会" in html
    assert "筹备中的公厕调研座谈" not in html


# --- the PostgreSQL bigram index ----------------------------------------------------------------


def test_when_the_bigram_index_is_used():
    assert queries.uses_bigram_index(["公厕指引"]) is True
    assert queries.uses_bigram_index(["公厕", "地图"]) is True
    assert queries.uses_bigram_index(["公厕"]) is False
    assert queries.uses_bigram_index(["厕", "图"]) is False


def test_bigram_index_exists_on_postgresql_and_narrows_exactly(world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the bigram index is PostgreSQL only; SQLite keeps the LIKE scan")
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'similarity_proposal_bigrams'")
        row = cur.fetchone()
        assert row is not None
        assert "tongxin_bigrams" in row[0]
        cur.execute("SELECT tongxin_bigrams('公厕AB')")
        assert sorted(cur.fetchone()[0]) == sorted(["公厕", "厕a", "ab"])
    p = make(world, TOILETS)
    make(world, SCHOOL)
    # Bigrams of a term split across two fields never make a false hit: the exact match follows.
    assert {x.pk for x in search(world.zhang_min, "公厕指引 地图应用")} == {p.pk}
    assert search(world.zhang_min, "建议一统") == []
