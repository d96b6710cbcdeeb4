"""Meeting lists as .xlsx (tongxin.core.sheets): the meeting list with the page's filters, and one
meeting's attendance sheet. Same queries as the pages; every export is in the security log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.audit.services import export_record
from tongxin.core.errors import Forbidden, NotFound
from tongxin.core.sheets import RowProgress, SheetColumn, SheetFile, filter_details, write_sheet
from tongxin.files.exports import ListExport

from . import access, queries
from .models import Attendance, Meeting

CHUNK = 500


def _stamp() -> str:
    return f"{timezone.localdate():%Y%m%d}"


def meeting_list_export(
    *, actor: Any, filters: dict[str, Any], request: HttpRequest | None = None
) -> SheetFile:
    """会议活动 as the list shows them to `actor`: every meeting for the office (with invited and
    present counts), a member's own invitations (with their attendance state)."""
    if not (access.can_read_all_meetings(actor) or actor.person_id is not None):
        raise Forbidden(_("您无权查看会议活动。"))
    staff = access.can_read_all_meetings(actor)
    qs = queries.with_list_data(queries.meeting_filter(queries.meetings_visible_to(actor), filters))
    columns: list[SheetColumn[Meeting]] = [
        SheetColumn(_("会议名称"), 40, lambda m: m.title),
        SheetColumn(_("类型"), 14, lambda m: m.kind.name),
        SheetColumn(_("开始时间"), 20, lambda m: m.starts_at, "datetime"),
        SheetColumn(_("地点"), 24, lambda m: m.place),
        SheetColumn(_("状态"), 10, lambda m: m.get_state_display()),
    ]
    if staff:
        columns += [
            SheetColumn(_("邀请人数"), 10, lambda m: getattr(m, "invited", 0), "number"),
            SheetColumn(_("出席人数"), 10, lambda m: getattr(m, "present", 0), "number"),
        ]
    else:
        # The member's own attendance, one query for the whole list (the page does it per page).
        mine = {
            a.meeting_id: a.get_state_display()
            for a in Attendance.objects.filter(
                meeting__in=qs.values("pk"), membership__person_id=actor.person_id
            )
        }
        columns.append(SheetColumn(_("我的状态"), 12, lambda m: mine.get(m.pk, "")))
    sheet = write_sheet(
        columns,
        qs.order_by("pk").iterator(chunk_size=CHUNK),
        title=_("会议活动"),
        filename=f"{_('会议活动')}-{_stamp()}.xlsx",
    )
    export_record(
        actor=actor,
        request=request,
        target="meetings.list",
        rows=sheet.rows,
        filters=filter_details(filters, filters.keys()),
    )
    return sheet


ATTENDANCE_COLUMNS: tuple[SheetColumn[Attendance], ...] = (
    SheetColumn(_("姓名"), 12, lambda a: a.membership.person.name),
    SheetColumn(_("界别"), 18, lambda a: a.membership.sector.name),
    SheetColumn(_("状态"), 10, lambda a: a.get_state_display()),
    SheetColumn(_("迟到"), 6, lambda a: a.late),
    SheetColumn(_("早退"), 6, lambda a: a.left_early),
    SheetColumn(_("请假事由"), 30, lambda a: a.leave_reason),
    SheetColumn(_("签到场次"), 30, lambda a: [s.sitting.title for s in a.sign_ins.all()]),
)


def _can_export_attendance(actor: Any, meeting: Meeting) -> bool:
    return bool(access.can_read_all_meetings(actor) or meeting.organiser_head_id == actor.pk)


def attendance_export(
    *, actor: Any, meeting: Meeting, request: HttpRequest | None = None, progress: RowProgress | None = None
) -> SheetFile:
    """One meeting's attendance sheet, for the office and the organiser (who see it on the page)."""
    if not _can_export_attendance(actor, meeting):
        raise Forbidden(_("只有会务人员可以导出出席情况。"))
    sheet = write_sheet(
        ATTENDANCE_COLUMNS,
        queries.attendance_rows(meeting).iterator(chunk_size=CHUNK),
        title=_("出席情况"),
        heading=[meeting.title],
        filename=f"{_('出席情况')}-{meeting.pk}-{_stamp()}.xlsx",
        progress=progress,
    )
    export_record(
        actor=actor,
        request=request,
        target=f"meetings.attendance:{meeting.pk}",
        rows=sheet.rows,
    )
    return sheet


def _attendance_meeting(actor: Any, params: Mapping[str, Any]) -> Meeting:
    """The meeting page's lookup (404 when `actor` may not see it) and the sheet's access rule."""
    try:
        pk = int(str(params.get("meeting")))
    except ValueError:
        raise NotFound(_("会议不存在。")) from None
    meeting = access.get_meeting_for_user(actor, pk)
    if not _can_export_attendance(actor, meeting):
        raise Forbidden(_("只有会务人员可以导出出席情况。"))
    return meeting


def _attendance_write(
    actor: Any, cleaned: dict[str, Any], request: HttpRequest | None, progress: RowProgress | None
) -> SheetFile:
    meeting = _attendance_meeting(actor, cleaned)
    return attendance_export(actor=actor, meeting=meeting, request=request, progress=progress)


# The meeting page's 导出出席情况: streamed, or a background file above EXPORT_INLINE_MAX_ROWS.
ATTENDANCE = ListExport(
    kind="meetings.attendance",
    label=gettext_lazy("会议出席情况"),
    clean=lambda actor, params: {"meeting": _attendance_meeting(actor, params).pk},
    count=lambda actor, cleaned: Attendance.objects.filter(meeting_id=cleaned["meeting"]).count(),
    write=_attendance_write,
)
attendance_generator = ATTENDANCE.generator
