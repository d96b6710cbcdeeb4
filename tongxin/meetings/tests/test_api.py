"""The meetings API: payloads, the actions, error codes, bad input."""

from __future__ import annotations

import pytest

from tongxin.meetings import signin
from tongxin.meetings.models import Attendance

from .conftest import attendance_of

pytestmark = pytest.mark.django_db


def test_create_invite_notify_and_list(world, api_for):
    staff = api_for(world.chen_jing)
    r = staff.post(
        "/api/v1/meetings",
        {
            "kind_code": "standing",
            "starts_at": "2026-11-25T09:00:00+08:00",
            "ends_at": "2026-11-25T17:00:00+08:00",
            "sittings": 2,
        },
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert (data["numbered_name"], len(data["sittings"]), data["state"]) == ("十届一次常委会议", 2, "draft")
    mid = data["id"]
    assert staff.post(f"/api/v1/meetings/{mid}/actions/notify").json()["code"] == "blocked"
    assert staff.post(f"/api/v1/meetings/{mid}/invitations", {"by": "everyone"}).json() == {"added": 3}
    assert staff.post(f"/api/v1/meetings/{mid}/actions/notify").status_code == 200
    page = api_for(world.wang_wei).get("/api/v1/meetings").json()
    assert [m["id"] for m in page["items"]] == [mid]
    assert page["next_after"] is None
    invited = staff.get(f"/api/v1/meetings/{mid}/invitations", limit=2).json()
    assert len(invited["items"]) == 2
    assert invited["next_after"] is not None


def test_leave_then_decide_then_sign_in_flow(world, make_meeting, api_for):
    meeting = make_meeting("plenary", sittings=2)
    member = api_for(world.wang_wei)
    r = member.post(f"/api/v1/meetings/{meeting.pk}/actions/request_leave", {"reason": "外地出差"})
    assert r.json()["my_attendance"]["state"] == "leave_pending"
    a = attendance_of(meeting, world.wang_wei)
    r = api_for(world.chen_jing).post(
        f"/api/v1/meetings/{meeting.pk}/actions/decide_leave", {"attendance_id": a.pk, "approve": True}
    )
    assert r.status_code == 200
    a.refresh_from_db()
    assert a.state == "leave_approved"
    other = make_meeting("standing")
    sitting = other.sittings.get()
    code = api_for(world.chen_jing).get(f"/api/v1/meetings/{other.pk}/sittings/{sitting.pk}/sign-in").json()
    assert len(code["code"]) == 6
    assert "/meetings/sign-in/" in code["url"]
    r = api_for(world.li_na).post(
        f"/api/v1/meetings/{other.pk}/actions/sign_in", {"sitting_id": sitting.pk, "token": code["token"]}
    )
    assert r.json()["my_attendance"]["state"] == "present"
    again = api_for(world.li_na).post(
        f"/api/v1/meetings/{other.pk}/actions/sign_in", {"sitting_id": sitting.pk, "token": code["token"]}
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_signed_in")


def test_error_codes(world, make_meeting, api_for):
    meeting = make_meeting("plenary", sittings=2)
    s1, s2 = meeting.sittings.all()
    member = api_for(world.wang_wei)
    r = member.post(
        f"/api/v1/meetings/{meeting.pk}/actions/sign_in",
        {"sitting_id": s2.pk, "token": signin.make_token(s1.pk)},
    )
    assert (r.status_code, r.json()["code"]) == (422, "token_other_sitting")
    r = member.post(f"/api/v1/meetings/{meeting.pk}/actions/request_leave", {"reason": ""})
    assert (r.status_code, r.json()["fields"]) == (422, {"reason": ["请填写请假事由。"]})
    member.post(f"/api/v1/meetings/{meeting.pk}/actions/confirm")
    r = member.post(f"/api/v1/meetings/{meeting.pk}/actions/confirm")
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")
    assert member.post(f"/api/v1/meetings/{meeting.pk}/actions/fly").status_code == 404
    staff = api_for(world.chen_jing)
    assert (
        staff.post(
            f"/api/v1/meetings/{meeting.pk}/actions/decide_leave", {"attendance_id": 999999, "approve": True}
        ).status_code
        == 422
    )
    assert (
        staff.post(
            f"/api/v1/meetings/{meeting.pk}/actions/mark_attendance", {"attendance_id": "x"}
        ).status_code
        == 422
    )
    assert staff.post("/api/v1/meetings", {"kind_code": "plenary"}).status_code == 422
    assert staff.get("/api/v1/meetings", limit=1000).status_code == 422
    assert (
        staff.post(
            f"/api/v1/meetings/{meeting.pk}/invitations", {"by": "sector", "ids": [424242]}
        ).status_code
        == 422
    )


def test_mark_speech_minutes_close(world, make_meeting, api_for):
    meeting = make_meeting("plenary")
    staff = api_for(world.chen_jing)
    a = attendance_of(meeting, world.wang_wei)
    assert (
        staff.post(
            f"/api/v1/meetings/{meeting.pk}/actions/mark_attendance", {"attendance_id": a.pk, "late": True}
        ).status_code
        == 200
    )
    r = staff.post(
        f"/api/v1/meetings/{meeting.pk}/actions/record_speech",
        {"membership_id": a.membership_id, "mode": "plenary", "title": "关于社区养老的发言"},
    )
    assert r.status_code == 200
    r = staff.post(
        f"/api/v1/meetings/{meeting.pk}/actions/record_minutes",
        {"minutes": "会议审议通过……", "outcomes": "决议1项"},
    )
    assert r.json()["outcomes"] == "决议1项"
    assert staff.post(f"/api/v1/meetings/{meeting.pk}/actions/close").json()["state"] == "closed"
    assert Attendance.objects.get(pk=a.pk).state == "present"
    duties = api_for(world.wang_wei).get(f"/api/v1/members/{a.membership_id}/duties", year=2026).json()
    assert {e["kind"] for e in duties["events"]} == {"meeting_attended", "meeting_late", "speech"}


def test_settings(world, api_for):
    staff = api_for(world.chen_jing)
    assert staff.get("/api/v1/meetings/settings").json()["attendance_denominator"] == 3
    r = staff.patch("/api/v1/meetings/settings", {"attendance_numerator": 4, "attendance_denominator": 3})
    assert r.status_code == 422
    r = staff.patch("/api/v1/meetings/settings", {"standing_absence_flag": 3})
    assert r.json()["standing_absence_flag"] == 3
    assert (
        api_for(world.zhao_lei).patch("/api/v1/meetings/settings", {"standing_absence_flag": 4}).status_code
        == 403
    )
    from tongxin.audit.models import SecurityEvent

    assert SecurityEvent.objects.filter(kind="config_changed", target__startswith="meetings.").count() == 1


def test_kinds_are_configurable(world, api_for, make_meeting):
    staff = api_for(world.chen_jing)
    kinds = {k["code"]: k for k in staff.get("/api/v1/meetings/kinds").json()}
    assert len(kinds) == 12
    assert kinds["plenary"]["leave_approver"] == "chair_or_sg"
    r = staff.patch(
        "/api/v1/meetings/kinds/thematic",
        {"leave_approver": "chair_or_sg", "numbered": True, "name": "专题协商会议"},
    )
    assert (r.status_code, r.json()["numbered"]) == (200, True)
    assert make_meeting("thematic").numbered_name == "十届一次专题协商会议"
    assert staff.patch("/api/v1/meetings/kinds/thematic", {"leave_approver": "anyone"}).status_code == 422
    assert staff.patch("/api/v1/meetings/kinds/nope", {"numbered": True}).status_code == 404
    assert (
        api_for(world.zhao_lei).patch("/api/v1/meetings/kinds/thematic", {"numbered": False}).status_code
        == 403
    )
    assert staff.patch("/api/v1/meetings/kinds/studio", {"is_active": False}).status_code == 200
    assert "studio" not in {k["code"] for k in staff.get("/api/v1/meetings/kinds").json()}
