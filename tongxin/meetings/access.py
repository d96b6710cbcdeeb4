"""Who may see and run meetings.

The secretariat (秘书科) runs meetings and records attendance (rule 49: "秘书科 (meetings)"); office
staff and leaders read every meeting of their committee; a member sees the meetings they are invited
to once the notice is out, and the organiser's head sees the meetings they lead. Leave is decided by
the approver the kind names (rule 51), or entered by the secretariat on their behalf when the
committee's settings allow it. Another committee's meeting is "not found".
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tongxin.core.errors import NotFound
from tongxin.core.roles import OFFICE_ROLES, Role

from .models import Attendance, Meeting, MeetingKind, MeetingSettings
from .workflow import MeetingState

MEETING_READERS = frozenset(OFFICE_ROLES | {Role.LEADER})


def _same_committee(actor: Any, meeting: Any) -> bool:
    return bool(actor.is_authenticated and meeting.committee_id == actor.committee_id)


def is_secretariat(actor: Any) -> bool:
    """Secretariat staff run meetings and attendance."""
    return bool(actor.is_authenticated and actor.has_role(Role.SECRETARIAT))


def can_read_all_meetings(actor: Any) -> bool:
    """Office staff and leaders read every meeting of their committee."""
    return bool(actor.is_authenticated and actor.has_role(*MEETING_READERS))


def is_own_attendance(actor: Any, attendance: Any) -> bool:
    person_id = getattr(actor, "person_id", None)
    return bool(
        actor.is_authenticated and person_id is not None and attendance.membership.person_id == person_id
    )


def can_view_meeting(actor: Any, meeting: Any) -> bool:
    """Readers of the committee; invitees once the notice is out; the organiser's head."""
    if not _same_committee(actor, meeting):
        return False
    if can_read_all_meetings(actor) or meeting.organiser_head_id == actor.pk:
        return True
    if meeting.state == MeetingState.DRAFT or getattr(actor, "person_id", None) is None:
        return False
    return Attendance.objects.filter(meeting=meeting, membership__person_id=actor.person_id).exists()


def can_manage_meeting(actor: Any, meeting: Any = None) -> bool:
    """The secretariat creates, notifies, closes and records meetings of its committee."""
    return is_secretariat(actor) and (meeting is None or meeting.committee_id == actor.committee_id)


def is_invitee(actor: Any, attendance: Any) -> bool:
    """The invited member themself, while the meeting is notified."""
    return is_own_attendance(actor, attendance) and attendance.meeting.state == MeetingState.NOTIFIED


def can_request_leave(actor: Any, attendance: Any) -> bool:
    """The invitee asks for leave; the secretariat enters a leave asked by phone or in writing
    (rule 51: "以书面或电话形式请假")."""
    return is_invitee(actor, attendance) or can_record_attendance(actor, attendance)


def can_record_attendance(actor: Any, attendance: Any) -> bool:
    """The secretariat marks attendance by hand (present, late, left early, absent)."""
    return can_manage_meeting(actor, attendance.meeting) and attendance.meeting.state == MeetingState.NOTIFIED


def can_check_in(actor: Any, attendance: Any) -> bool:
    """The member signs in with the sitting's code; the secretariat may sign them in by hand."""
    return is_invitee(actor, attendance) or can_record_attendance(actor, attendance)


def _leadership_of(actor: Any, meeting: Any) -> str:
    person_id = getattr(actor, "person_id", None)
    if person_id is None:
        return ""
    from tongxin.members.models import Membership

    return (
        Membership.objects.filter(person_id=person_id, term_id=meeting.term_id, status="active")
        .values_list("leadership", flat=True)
        .first()
        or ""
    )


def is_leave_approver(actor: Any, meeting: Any) -> bool:
    """The approver the kind names: plenary/standing → chair or secretary-general; others → the
    organiser's head (rule 51, 威海 / 宣威)."""
    if not _same_committee(actor, meeting):
        return False
    if meeting.kind.leave_approver == MeetingKind.Approver.CHAIR_OR_SECRETARY_GENERAL:
        return _leadership_of(actor, meeting) in ("chair", "secretary_general")
    return meeting.organiser_head_id is not None and meeting.organiser_head_id == actor.pk


def can_decide_leave(actor: Any, attendance: Any) -> bool:
    """The kind's approver, or the secretariat entering their decision when settings allow it."""
    meeting = attendance.meeting
    if meeting.state != MeetingState.NOTIFIED or not _same_committee(actor, meeting):
        return False
    if is_leave_approver(actor, meeting):
        return True
    if not is_secretariat(actor):
        return False
    conf = MeetingSettings.objects.filter(committee_id=meeting.committee_id).first()
    return conf is None or conf.secretariat_records_leave


def can_view_absence_flags(actor: Any) -> bool:
    """Member affairs, the secretariat and leaders review the term's absence flags."""
    return bool(actor.is_authenticated and actor.has_role(Role.MEMBER_AFFAIRS, Role.SECRETARIAT, Role.LEADER))


def get_meeting_for_user(actor: Any, pk: int) -> Meeting:
    """Meeting `pk` if `actor` may see it; otherwise NotFound (never a hint that it exists)."""
    meeting = (
        Meeting.objects.select_related("kind", "term", "committee", "special_committee", "organiser_head")
        .filter(pk=pk)
        .first()
    )
    if meeting is None or not can_view_meeting(actor, meeting):
        raise NotFound(_("会议不存在。"))
    return meeting
