"""Meeting attendance (domain.md §10.4) and the meeting's own lifecycle.

Attendance, one per member per meeting: INVITED ─confirm→ CONFIRMED; INVITED|CONFIRMED ─request
leave→ LEAVE_PENDING ─approve→ LEAVE_APPROVED | ─reject→ CONFIRMED; sign-in (QR, code or by hand)
→ PRESENT; at close, attending under two thirds of the sittings makes PRESENT → ABSENT (rule 51), and
anyone invited who neither came nor had leave approved is ABSENT (unexcused). Leave goes to the
approver the kind names (rule 51: plenary and standing meetings "经秘书长批准" / "由主席批准";
special-committee activities the committee's head).

Meeting: DRAFT → NOTIFIED (notice sent, invitees see it) → CLOSED (attendance final, duty events
recorded); DRAFT|NOTIFIED → CANCELLED.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.workflow import Transition


class AttendanceState(models.TextChoices):
    INVITED = "invited", _("已邀请")  # on the list, no answer yet
    CONFIRMED = "confirmed", _("已确认参加")  # the member said they will come
    LEAVE_PENDING = "leave_pending", _("请假待批")  # leave asked, with a reason
    LEAVE_APPROVED = "leave_approved", _("请假获准")  # excused
    PRESENT = "present", _("出席")  # signed in (final only at close: the two-thirds rule)
    ABSENT = "absent", _("缺席")  # unexcused absence; counts toward the term's flags


State = AttendanceState
INITIAL_STATE = State.INVITED
TERMINAL_STATES: frozenset[str] = frozenset()

TRANSITIONS: dict[str, Transition] = {
    "confirm": Transition(
        name="confirm",
        sources=frozenset({State.INVITED}),
        target=State.CONFIRMED,
        permission="is_invitee",
        label=_("确认参加"),
    ),
    "request_leave": Transition(
        name="request_leave",
        sources=frozenset({State.INVITED, State.CONFIRMED}),
        target=State.LEAVE_PENDING,
        permission="can_request_leave",
        label=_("请假"),
    ),
    "approve_leave": Transition(
        name="approve_leave",
        sources=frozenset({State.LEAVE_PENDING}),
        target=State.LEAVE_APPROVED,
        permission="can_decide_leave",
        label=_("批准请假"),
    ),
    "reject_leave": Transition(
        name="reject_leave",
        sources=frozenset({State.LEAVE_PENDING}),
        target=State.CONFIRMED,
        permission="can_decide_leave",
        label=_("不批准请假"),
    ),
    "check_in": Transition(
        name="check_in",
        sources=frozenset(
            {State.INVITED, State.CONFIRMED, State.LEAVE_PENDING, State.LEAVE_APPROVED, State.ABSENT}
        ),
        target=State.PRESENT,
        permission="can_check_in",
        label=_("签到"),
    ),
    "mark_absent": Transition(
        name="mark_absent",
        sources=frozenset({State.INVITED, State.CONFIRMED, State.LEAVE_PENDING, State.PRESENT}),
        target=State.ABSENT,
        permission="can_record_attendance",
        label=_("记为缺席"),
    ),
}


class MeetingState(models.TextChoices):
    DRAFT = "draft", _("筹备中")  # being prepared; invitees do not see it yet
    NOTIFIED = "notified", _("已发通知")  # invitees see the notice, confirm or ask for leave
    CLOSED = "closed", _("已结束")  # attendance final, duty events recorded
    CANCELLED = "cancelled", _("已取消")


MEETING_INITIAL_STATE = MeetingState.DRAFT
MEETING_TERMINAL_STATES: frozenset[str] = frozenset({MeetingState.CLOSED, MeetingState.CANCELLED})

MEETING_TRANSITIONS: dict[str, Transition] = {
    "notify": Transition(
        name="notify",
        sources=frozenset({MeetingState.DRAFT}),
        target=MeetingState.NOTIFIED,
        permission="can_manage_meeting",
        label=_("发出通知"),
    ),
    "close": Transition(
        name="close",
        sources=frozenset({MeetingState.NOTIFIED}),
        target=MeetingState.CLOSED,
        permission="can_manage_meeting",
        label=_("结束会议并确认考勤"),
    ),
    "cancel": Transition(
        name="cancel",
        sources=frozenset({MeetingState.DRAFT, MeetingState.NOTIFIED}),
        target=MeetingState.CANCELLED,
        permission="can_manage_meeting",
        label=_("取消会议"),
    ),
}
