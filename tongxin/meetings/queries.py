"""Reads: meetings a user may see, a meeting's attendance, a member's invitations, absence flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from tongxin.core.todos import Todo
from tongxin.members.models import Membership

from . import access, services
from .models import Attendance, Meeting, MeetingEvent
from .workflow import MEETING_TRANSITIONS, TRANSITIONS, AttendanceState, MeetingState


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """Every meeting of the committee for readers; the invitations (once notified) for a member."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    qs = Meeting.objects.filter(committee_id=user.committee_id)
    if access.can_read_all_meetings(user):
        return qs
    person_id = getattr(user, "person_id", None)
    mine = Q(organiser_head_id=user.pk)
    if person_id is not None:
        mine |= Q(attendances__membership__person_id=person_id) & ~Q(state=MeetingState.DRAFT)
    return qs.filter(mine).distinct()


def meeting_filter(qs: QuerySet[Meeting], filters: dict[str, Any]) -> QuerySet[Meeting]:
    """Narrow by kind code, state and year."""
    if filters.get("kind"):
        qs = qs.filter(kind__code=filters["kind"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("year"):
        qs = qs.filter(starts_at__year=filters["year"])
    return qs


def with_list_data(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.select_related("kind", "term").annotate(
        invited=Count("attendances", distinct=True),
        present=Count("attendances", filter=Q(attendances__state=AttendanceState.PRESENT), distinct=True),
    )


def attendance_rows(meeting: Meeting) -> QuerySet[Attendance]:
    """The meeting's attendance with each member and their sign-ins."""
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("membership__person", "membership__sector", "leave_decided_by")
        .prefetch_related("sign_ins__sitting")
        .order_by("membership__person__name_pinyin", "id")
    )


def own_attendance(user: Any, meeting: Meeting) -> Attendance | None:
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return None
    return (
        Attendance.objects.select_related("meeting__kind", "membership__person")
        .prefetch_related("sign_ins")
        .filter(meeting=meeting, membership__person_id=person_id)
        .first()
    )


def meeting_timeline(meeting: Meeting) -> QuerySet[MeetingEvent]:
    return MeetingEvent.objects.filter(meeting=meeting).select_related("actor").order_by("created_at", "id")


def meeting_actions_for(user: Any, meeting: Meeting) -> list[Any]:
    """The meeting transitions the user may take now."""
    return [
        t
        for t in MEETING_TRANSITIONS.values()
        if meeting.state in t.sources and getattr(access, t.permission)(user, meeting)
    ]


def attendance_actions_for(user: Any, attendance: Attendance) -> list[Any]:
    """The attendance transitions the user may take now (sign-in has its own form)."""
    return [
        t
        for name, t in TRANSITIONS.items()
        if name not in ("check_in",)
        and attendance.state in t.sources
        and getattr(access, t.permission)(user, attendance)
    ]


def leave_requests_for(user: Any) -> QuerySet[Attendance]:
    """Pending leave requests the user may decide."""
    qs = Attendance.objects.filter(
        meeting__committee_id=user.committee_id,
        meeting__state=MeetingState.NOTIFIED,
        state=AttendanceState.LEAVE_PENDING,
    ).select_related("meeting__kind", "membership__person")
    return qs


@dataclass
class AbsenceRow:
    membership: Membership
    plenary: int
    standing: int
    flagged: bool


def absence_counters(committee_id: int, term_id: int) -> list[AbsenceRow]:
    """Unexcused absences per member in the term, plenary and standing, with the review flags
    (rule 51: 3 plenary absences, or 7 standing-meeting absences for standing members)."""
    conf = services.settings_for(committee_id)
    absent = Q(attendances__state=AttendanceState.ABSENT, attendances__finalized=True)
    rows = (
        Membership.objects.filter(term_id=term_id, term__committee_id=committee_id)
        .select_related("person", "sector")
        .annotate(
            plenary_absences=Count(
                "attendances", filter=absent & Q(attendances__meeting__kind__category="plenary")
            ),
            standing_absences=Count(
                "attendances", filter=absent & Q(attendances__meeting__kind__category="standing")
            ),
        )
        .filter(Q(plenary_absences__gt=0) | Q(standing_absences__gt=0))
        .order_by("-plenary_absences", "-standing_absences", "person__name_pinyin")
    )
    return [
        AbsenceRow(
            m,
            m.plenary_absences,
            m.standing_absences,
            m.plenary_absences >= conf.plenary_absence_flag
            or (m.is_standing and m.standing_absences >= conf.standing_absence_flag),
        )
        for m in rows
    ]


def _attendance_rate(present: int, expected: int) -> float | None:
    return round(present * 100 / expected, 1) if expected else None


def attendance_statistics(committee_id: int, year: int) -> dict[str, Any]:
    """The year's attendance at closed meetings, in total and per kind: meetings held, invitations,
    present, excused (leave approved), absent, and the attendance rate (present over invited)."""
    counts = {
        "invited": Count("pk"),
        "present": Count("pk", filter=Q(state=AttendanceState.PRESENT)),
        "excused": Count("pk", filter=Q(state=AttendanceState.LEAVE_APPROVED)),
        "absent": Count("pk", filter=Q(state=AttendanceState.ABSENT)),
        "late": Count("pk", filter=Q(late=True)),
        "meetings": Count("meeting", distinct=True),
    }
    rows = Attendance.objects.filter(
        meeting__committee_id=committee_id, meeting__starts_at__year=year, meeting__state=MeetingState.CLOSED
    )
    totals = rows.aggregate(**counts)
    totals["attendance_rate"] = _attendance_rate(totals["present"], totals["invited"])
    by_kind = []
    for row in (
        rows.values(
            kind_id=F("meeting__kind_id"),
            kind_name=F("meeting__kind__name"),
            category=F("meeting__kind__category"),
        )
        .annotate(**counts)
        .order_by("meeting__kind__position", "kind_id")
    ):
        row["attendance_rate"] = _attendance_rate(row["present"], row["invited"])
        by_kind.append(row)
    return {"year": year, "totals": totals, "by_kind": by_kind}


def todos_for(user: Any) -> list[Todo]:
    """Invitations to answer (members) and leave requests to decide (approvers, the secretariat)."""
    if not user.is_authenticated:
        return []
    todos: list[Todo] = []
    person_id = getattr(user, "person_id", None)
    if person_id is not None:
        n = Attendance.objects.filter(
            membership__person_id=person_id,
            meeting__state=MeetingState.NOTIFIED,
            state=AttendanceState.INVITED,
        ).count()
        if n:
            todos.append(
                Todo(
                    title=_("%(n)d 个会议活动待确认参加") % {"n": n},
                    url=reverse("meetings:list"),
                    kind="meetings",
                    count=n,
                )
            )
    pending = [a for a in leave_requests_for(user)[:200] if access.can_decide_leave(user, a)]
    if pending:
        todos.append(
            Todo(
                title=_("%(n)d 条请假待审批") % {"n": len(pending)},
                url=reverse("meetings:leave_requests"),
                kind="meetings",
                count=len(pending),
                urgent=True,
            )
        )
    return todos
