"""Meeting list and attendance exports: what the pages show, streamed and audited."""

from __future__ import annotations

import io
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tongxin.audit.models import SecurityEvent


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response.streaming
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_meeting_list_export_for_office_and_member(world, client_for, make_meeting):
    meeting = make_meeting("plenary")
    office = _sheet(client_for(world.chen_jing).get("/meetings/export/"))
    assert office[0] == ("会议名称", "类型", "开始时间", "地点", "状态", "邀请人数", "出席人数")
    assert [r[0] for r in office[1:]] == [meeting.title]
    assert office[1][5] == meeting.attendances.count()
    member = _sheet(client_for(world.wang_wei).get("/meetings/export/"))
    assert member[0][-1] == "我的状态"
    assert member[1][-1] == "已通知" or member[1][-1]  # the member's own attendance state
    filtered = _sheet(client_for(world.chen_jing).get("/meetings/export/", {"year": "2001"}))
    assert len(filtered) == 1
    assert SecurityEvent.objects.filter(target="meetings.list").count() == 3


def test_meeting_list_export_queries_do_not_grow(world, client_for, make_meeting):
    client = client_for(world.wang_wei)
    make_meeting("plenary")
    with CaptureQueriesContext(connection) as one:
        _sheet(client.get("/meetings/export/"))
    for _ in range(3):
        make_meeting("plenary")
    with CaptureQueriesContext(connection) as four:
        assert len(_sheet(client.get("/meetings/export/"))) == 5
    assert len(four) == len(one)


def test_attendance_export_for_the_office_only(world, client_for, make_meeting):
    meeting = make_meeting("plenary")
    rows = _sheet(client_for(world.chen_jing).get(f"/meetings/{meeting.pk}/attendance/export/"))
    assert rows[0][0] == meeting.title  # the heading line above the table
    assert rows[1][:3] == ("姓名", "界别", "状态")
    assert sorted(r[0] for r in rows[2:]) == sorted(
        meeting.attendances.values_list("membership__person__name", flat=True)
    )
    for name in ("wang_wei", "zhou_qiang"):
        assert client_for(world.people[name]).get(
            f"/meetings/{meeting.pk}/attendance/export/"
        ).status_code in (
            403,
            404,
        ), name
    assert client_for(world.outsider).get(f"/meetings/{meeting.pk}/attendance/export/").status_code == 404
    assert SecurityEvent.objects.filter(target=f"meetings.attendance:{meeting.pk}").count() == 1
