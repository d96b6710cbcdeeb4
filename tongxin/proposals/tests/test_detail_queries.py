"""The proposal page and the API detail stay within 15 SQL queries (issue 3) for every persona that
can see a proposal, at every stage of a rich proposal's life: three proposers, suggested units, an
attachment, a reviewer's edit beside the original, a proposal merged into it, a lead and a co-unit,
progress notes, a reply, ratings, a key-proposal nomination and a long timeline.

The counts include what every request costs (the session read and its sliding-expiry write, the
signed-in user and roles, or the API token), so they are what a server really runs."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongxin.proposals import services
from tongxin.proposals.models import Proposal
from tongxin.proposals.workflow import State

from .factories import REPLY, act, draft, make_cast

LIMIT = 15


def _count(call: Any) -> tuple[int, Any]:
    # The connection's query log is a bounded deque: clear it so a long set-up cannot push the
    # measured queries out of it.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    return len(ctx), response


@pytest.fixture
def rich(world: Any) -> Any:
    cast = make_cast(world)
    conftest = importlib.import_module("conftest")
    extra = conftest._member(world.committee, world.term, world.sector, "赵六", "zhaoliu")
    w = world
    p = draft(w, cosigners=[w.li_na, w.sun_li], suggested_unit_ids=[cast.lead_unit.pk, cast.co_unit.pk])
    services.attachment_add(
        proposal=p, actor=w.wang_wei, upload=SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 survey")
    )
    p = act(p, "submit", w.wang_wei)
    services.proposal_review_edit(
        proposal=p, actor=w.zhang_min, changes={"title": "关于完善全区公厕指引系统的建议", "note": "规范案由"}
    )
    p = act(Proposal.objects.get(pk=p.pk), "cosign", w.li_na)
    p = act(p, "cosign", w.sun_li)
    p = act(p, "file", w.zhang_min)
    member = act(draft(w, extra, title="关于增设公厕标识的建议"), "submit", extra)
    act(member, "merge", w.zhang_min, into=p.pk)
    p = Proposal.objects.get(pk=p.pk)
    p = act(p, "designate_key", w.zhang_min, step="nominate", reason="群众关注")
    p = act(
        p, "assign", w.zhang_min, mode="lead", lead_unit_id=cast.lead_unit.pk, co_unit_ids=[cast.co_unit.pk]
    )
    p = act(p, "sign_for", cast.lead_staff)
    p = act(p, "sign_for", cast.co_staff)
    p = act(
        p,
        "add_progress",
        cast.lead_staff,
        kind="pre_contact",
        text="已电话联系提案人",
        happened_on="2026-11-20",
    )
    p = act(p, "add_progress", cast.lead_staff, kind="progress", text="已现场调研", happened_on="2026-11-20")
    p = act(p, "submit_co_opinion", cast.co_staff, text="同意主办单位意见。")
    p = act(p, "draft_reply", cast.lead_staff, **REPLY)
    assert p.state == State.REPLY_DRAFTED
    p = act(p, "countersign", cast.co_staff)
    p = act(p, "approve_reply", w.zhang_min)
    p = act(p, "rate", w.wang_wei, attitude="satisfied", result="satisfied")
    p = act(p, "rate", w.li_na, attitude="satisfied", result="basically", comment="基本解决")
    assert p.state == State.REPLIED  # sun_li and 赵六 (merged in) have still to rate
    return cast, p, extra, member


def _viewers(cast: Any, extra: Any) -> dict[str, Any]:
    w = cast.world
    return {
        "author": w.wang_wei,
        "cosigner": w.li_na,
        "leader_cosigner": w.sun_li,
        "merged_proposer": extra,
        "proposal_office": w.zhang_min,
        "information_office": w.liu_yang,
        "secretariat": w.chen_jing,
        "member_affairs": w.zhao_lei,
        "lead_unit": cast.lead_staff,
        "co_unit": cast.co_staff,
    }


def _check(cast: Any, extra: Any, pk: int, client_for: Any, api_for: Any) -> dict[str, tuple[int, int]]:
    counts = {}
    for name, user in _viewers(cast, extra).items():
        browser = client_for(user)
        page, response = _count(lambda b=browser: b.get(f"/proposals/{pk}/"))
        assert response.status_code == 200, (name, response.status_code)
        api = api_for(user)
        n_api, response = _count(lambda a=api: a.get(f"/api/v1/proposals/{pk}"))
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = (page, n_api)
    over = {name: c for name, c in counts.items() if max(c) > LIMIT}
    assert not over, over
    return counts


def test_rich_proposal_detail_within_15_queries_for_every_viewer(world, rich, client_for, api_for):
    cast, p, extra, member = rich
    office = world.zhang_min
    # REPLIED: replies, ratings, the merge group (赵六 rates through the lead), attachments, versions.
    counts = _check(cast, extra, p.pk, client_for, api_for)
    assert counts["author"][0] > 7  # the page really loads its relations (the bound can fail)
    data = api_for(world.wang_wei).get(f"/api/v1/proposals/{p.pk}").json()
    assert len(data["proposers"]) == 3
    assert data["merged_member_ids"] == [member.pk]
    assert data["original"]["title"] == "关于完善城市公厕指引系统的建议"
    assert data["version_count"] >= 2
    assert sorted(data["suggested_unit_ids"]) == sorted([cast.lead_unit.pk, cast.co_unit.pk])
    assert len(data["replies"]) == 1
    assert len(data["ratings"]) == 2
    assert "rate" in api_for(extra).get(f"/api/v1/proposals/{p.pk}").json()["available_actions"]
    # EVALUATED, then CLOSED with an excellent nomination: the office's closing actions.
    p = act(p, "rate", world.sun_li, attitude="satisfied", result="satisfied")
    p = act(p, "rate", extra, attitude="basically", result="satisfied")
    assert p.state == State.EVALUATED
    _check(cast, extra, p.pk, client_for, api_for)
    p = act(p, "close", office)
    p = act(p, "nominate_excellent", office, step="nominate", year=2026, reason="成效显著")
    _check(cast, extra, p.pk, client_for, api_for)


def test_each_stage_within_15_queries(world, client_for, api_for):
    """Submitted (the office's review forms load their choices), filed (the assign form's units),
    a reassignment request (units again) and a drafted reply, each for every viewer who sees it."""
    cast = make_cast(world)
    w = world
    p = draft(w, cosigners=[w.li_na], suggested_unit_ids=[cast.lead_unit.pk])
    p = act(p, "submit", w.wang_wei)
    viewers = {"author": w.wang_wei, "cosigner": w.li_na, "office": w.zhang_min, "leader": w.sun_li}
    stages = []

    def check(stage: str, extra_viewers: dict[str, Any] | None = None) -> None:
        for name, user in {**viewers, **(extra_viewers or {})}.items():
            browser, api = client_for(user), api_for(user)
            n, response = _count(lambda b=browser: b.get(f"/proposals/{p.pk}/"))
            assert response.status_code == 200
            n_api, response = _count(lambda a=api: a.get(f"/api/v1/proposals/{p.pk}"))
            assert response.status_code == 200
            stages.append((stage, name, n, n_api))

    check("submitted")
    p = act(p, "cosign", w.li_na)
    p = act(p, "file", w.zhang_min)
    check("filed")
    p = act(
        p, "assign", w.zhang_min, mode="lead", lead_unit_id=cast.lead_unit.pk, co_unit_ids=[cast.co_unit.pk]
    )
    p = act(p, "request_reassignment", cast.co_staff, reason="不属于本单位职责")
    units = {"lead": cast.lead_staff, "co": cast.co_staff}
    check("reassignment_requested", units)
    p = act(p, "decide_reassignment", w.zhang_min, approve=False, note="属于会办范围")
    p = act(p, "sign_for", cast.lead_staff)
    p = act(p, "sign_for", cast.co_staff)
    p = act(p, "submit_co_opinion", cast.co_staff, text="同意")
    p = act(p, "draft_reply", cast.lead_staff, **REPLY)
    check("reply_drafted", units)
    over = [row for row in stages if max(row[2], row[3]) > LIMIT]
    assert not over, over
