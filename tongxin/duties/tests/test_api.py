"""The duty-record API: the record with its traced score, rules, checklists, assessments, claims."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tongxin.duties.kinds import DutyKind as K
from tongxin.duties.models import AssessmentCycle

from .conftest import membership_of

pytestmark = pytest.mark.django_db


def test_record_traces_points_to_events(world, api_for, record):
    m = membership_of(world.wang_wei)
    e = record(m, K.MEETING_ATTENDED, meeting_kind="plenary")
    data = api_for(world.wang_wei).get(f"/api/v1/members/{m.pk}/duties", year=2026).json()
    assert [x["id"] for x in data["events"]] == [e.pk]
    assert Decimal(data["score"]["total"]) == Decimal("50")
    assert data["score"]["lines"][0]["event_id"] == e.pk
    assert {r["code"] for r in data["checklist"]} == {
        "research",
        "proposal",
        "opinion",
        "household",
        "deed",
        "group_report",
    }
    assert api_for(world.wang_wei).get(f"/api/v1/members/{m.pk}/duties", year=1900).status_code == 422


def test_presets_rules_and_checklists(world, api_for, record):
    staff = api_for(world.zhao_lei)
    assert {p["code"] for p in staff.get("/api/v1/score-rules/presets").json()} >= {
        "tongcheng",
        "jinan",
        "minhang",
        "hefei",
        "default",
    }
    rules = staff.post("/api/v1/score-rules/preset", {"year": 2026, "preset": "jinan"}).json()
    assert (rules["preset"], Decimal(rules["base_score"])) == ("jinan", Decimal("70"))
    assert staff.post("/api/v1/score-rules/preset", {"year": 2026, "preset": "nope"}).status_code == 422
    assert (
        staff.post("/api/v1/checklists/preset", {"year": 2026, "preset": "three"}).json()["items"][0]["code"]
        == "plenary"
    )
    m = membership_of(world.wang_wei)
    record(m, K.MEETING_ATTENDED, meeting_kind="plenary")
    mine = api_for(world.wang_wei).get("/api/v1/checklists", year=2026).json()["mine"]
    assert mine[0] == {"code": "plenary", "label": "参加一次全体会议", "threshold": 1, "done": 1, "met": True}
    summary = staff.get("/api/v1/checklists", year=2026).json()["summary"]
    assert summary[0]["members_met"] == 1


def test_assessment_list_rankings_and_cycle(world, api_for, record):
    staff = api_for(world.zhao_lei)
    wang, li = membership_of(world.wang_wei), membership_of(world.li_na)
    wang.participating_unit = world.party
    wang.save()
    record(wang, K.MEETING_ATTENDED, meeting_kind="plenary")
    record(li, K.RESEARCH)
    assert staff.post("/api/v1/assessments/2026/recompute").json()["members"] == 3
    page = staff.get("/api/v1/assessments", year=2026, limit=2).json()
    assert len(page["items"]) == 2
    assert page["next_after"] is not None
    assert page["items"][0]["lines"]
    ranking = staff.get("/api/v1/assessments/rankings", year=2026, by="member").json()
    assert ranking[0]["name"] == "王伟"
    units = staff.get("/api/v1/assessments/rankings", year=2026, by="participating_unit").json()
    assert units == [{"id": world.party.pk, "name": "九三学社", "members": 1, "average": "50.00"}]
    assert staff.get("/api/v1/assessments/rankings", year=2026, by="x").status_code == 422
    assert staff.post("/api/v1/assessments/2026/actions/start").status_code == 404
    assert staff.post("/api/v1/assessments", {"year": 2026}).json()["state"] == "open"
    assert staff.post("/api/v1/assessments", {"year": 2026}).status_code == 409
    for action in ("start", "lock", "open_review"):
        assert staff.post(f"/api/v1/assessments/2026/actions/{action}").status_code == 200
    r = staff.post("/api/v1/assessments/2026/actions/archive")
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")


def test_review_window_query_and_report(world, api_for, record):
    staff, member = api_for(world.zhao_lei), api_for(world.wang_wei)
    m = membership_of(world.wang_wei)
    e = record(m, K.RESEARCH)
    assert member.post("/api/v1/duties/queries", {"year": 2026, "message": "不是我去的"}).status_code == 409
    staff.post("/api/v1/assessments", {"year": 2026})
    for action in ("start", "lock", "open_review"):
        staff.post(f"/api/v1/assessments/2026/actions/{action}")
    q = member.post("/api/v1/duties/queries", {"year": 2026, "message": "不是我去的", "event_id": e.pk})
    assert q.status_code == 201
    staff.post("/api/v1/assessments/2026/actions/open_reports")
    r = staff.post("/api/v1/assessments/2026/actions/grade")
    assert (r.status_code, r.json()["code"]) == (409, "blocked")
    answer = staff.post(
        f"/api/v1/duties/queries/{q.json()['id']}/answer", {"reply": "核实有误，已撤销", "void_event": True}
    )
    assert answer.json()["state"] == "answered"
    rep = member.put("/api/v1/duties/reports", {"year": 2026, "body": "一年来……", "submit": True})
    assert rep.json()["submitted_at"] is not None
    assert member.put("/api/v1/duties/reports", {"year": 2026, "body": "改"}).status_code == 409
    assert staff.post("/api/v1/assessments/2026/actions/grade").status_code == 200
    data = member.get(f"/api/v1/members/{m.pk}/duties", year=2026).json()
    assert Decimal(data["score"]["total"]) == Decimal("0")
    assert data["events"][0]["voided"] is True
    # Graded: the year's result no longer moves and the rules are frozen.
    assert staff.post("/api/v1/score-rules/preset", {"year": 2026, "preset": "jinan"}).status_code == 409
    assert AssessmentCycle.objects.get(year=2026).state == "graded"


def test_claims_flow(world, api_for):
    member, staff = api_for(world.wang_wei), api_for(world.zhao_lei)
    r = member.post(
        "/api/v1/duties/claims",
        {"kind": "commendation", "occurred_on": "2026-09-01", "title": "省级优秀政协委员"},
    )
    assert (r.status_code, set(r.json()["fields"])) == (422, {"level"})
    r = member.post(
        "/api/v1/duties/claims",
        {
            "kind": "commendation",
            "occurred_on": "2026-09-01",
            "title": "省级优秀政协委员",
            "level": "provincial",
        },
    )
    cid = r.json()["id"]
    assert staff.post(f"/api/v1/duties/claims/{cid}/actions/reject", {"note": ""}).status_code == 422
    assert staff.post(f"/api/v1/duties/claims/{cid}/actions/approve", {}).json()["state"] == "approved"
    assert member.post(f"/api/v1/duties/claims/{cid}/actions/withdraw").status_code == 409
    m = membership_of(world.wang_wei)
    data = member.get(f"/api/v1/members/{m.pk}/duties", year=2026).json()
    assert data["events"][0]["kind"] == "commendation"
    assert Decimal(data["score"]["total"]) == Decimal("8")
    assert api_for(world.outsider).post(f"/api/v1/duties/claims/{cid}/actions/approve").status_code == 404
    assert (
        member.post(
            "/api/v1/duties/claims", {"kind": "speech", "occurred_on": "2030-01-01", "title": ""}
        ).status_code
        == 422
    )
