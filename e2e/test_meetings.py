"""Meetings and the duty record in a real browser: a member asks for leave for one meeting on a
phone, the secretariat approves it at the desk, the member signs in to another meeting by scanning
its QR code, and the member's record and score then show both."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from conftest import PASSWORD

from .conftest import DESK, PHONE, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _meeting(world, kind: str, title: str, day: int):
    from tongxin.meetings import services

    tz = timezone.get_current_timezone()
    meeting = services.meeting_create(
        actor=world.chen_jing,
        kind_code=kind,
        title=title,
        starts_at=dt.datetime(2026, 11, day, 9, tzinfo=tz),
        ends_at=dt.datetime(2026, 11, day, 12, tzinfo=tz),
        place="区政协会议室",
        notice="请准时参加。",
    )
    services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="everyone")
    return services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="notify")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_leave_on_phone_approval_at_desk_qr_sign_in_and_record(world, open_page):
    plenary = _meeting(world, "plenary", "区政协十届五次全体会议（第二次）", 20)
    consult = _meeting(world, "thematic", "关于老旧小区改造的专题协商会", 21)

    # 1. On a phone the member asks for leave for the plenary.
    phone = open_page(PHONE)
    sign_in(phone, "wangwei", PASSWORD)
    phone.wait_for_url("**/")
    phone.goto("/meetings/")
    phone.get_by_role("link", name=plenary.title).click()
    phone.wait_for_url(re.compile(rf".*/meetings/{plenary.pk}/$"))
    phone.locator("summary", has_text="请假").click()
    phone.get_by_label("请假事由").fill("赴外地参加培训")
    shot(phone, "meeting-leave-phone")
    phone.get_by_role("button", name="提交请假").click()
    assert phone.get_by_text("已提交请假，等待审批。").is_visible()
    assert phone.get_by_text("请假待批").first.is_visible()
    assert _fits(phone)
    # The 长辈版 still fits the phone.
    phone.get_by_role("button", name="长辈版").click()
    phone.wait_for_load_state()
    assert phone.evaluate("document.documentElement.classList.contains('elder')")
    assert _fits(phone)
    shot(phone, "meeting-leave-phone-elder")
    phone.get_by_role("button", name="标准版").click()
    phone.wait_for_load_state()
    assert phone.csp_errors == []

    # 2. At the desk the secretariat approves (entering the approver's decision).
    desk = open_page(DESK)
    sign_in(desk, "chenjing", PASSWORD)
    desk.wait_for_url("**/")
    desk.goto("/meetings/leave/")
    assert desk.get_by_text("赴外地参加培训").is_visible()
    desk.get_by_role("button", name="批准请假").click()
    assert desk.get_by_text("已批准请假。").is_visible()

    # 3. The secretariat shows the consultation's QR code in the hall.
    desk.goto(f"/meetings/{consult.pk}/")
    desk.get_by_role("link", name="签到二维码").click()
    assert desk.locator(".qr-image svg").is_visible()
    url = desk.locator(".qr-url").inner_text().strip()
    shot(desk, "meeting-qr-desk")
    assert desk.csp_errors == []

    # 4. The member scans it: the phone opens the URL in the code and confirms.
    phone.goto(url)
    assert phone.get_by_text(consult.title).is_visible()
    phone.get_by_role("button", name="确认签到").click()
    assert phone.get_by_text(re.compile("签到成功")).is_visible()
    phone.goto(url)
    phone.get_by_role("button", name="确认签到").click()
    assert phone.get_by_text("您已在本场签到，无需重复签到。").is_visible()
    assert _fits(phone)

    # 5. The secretariat closes both meetings: attendance becomes final and enters the record.
    for meeting in (plenary, consult):
        desk.goto(f"/meetings/{meeting.pk}/")
        desk.get_by_role("button", name="结束会议并确认考勤").click()
        assert desk.get_by_text("已结束会议并确认考勤。").is_visible()

    # 6. The member's record shows both, and the score traces each point to its meeting.
    phone.goto("/duties/?year=2026")
    events = phone.locator(".duty-events")
    assert events.get_by_text(plenary.title).is_visible()
    assert events.get_by_text(consult.title).is_visible()
    lines = phone.locator("table.data")
    assert lines.get_by_text("全体会议请假获准").is_visible()
    assert lines.get_by_text("参加座谈、培训等活动").is_visible()
    assert phone.locator(".score-total strong").inner_text() == "32.00"  # leave 30 + activity 2
    assert _fits(phone)
    shot(phone, "duty-record-phone")
    assert phone.csp_errors == []
