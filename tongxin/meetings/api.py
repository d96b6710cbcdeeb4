"""API: meetings and attendance, mounted at /api/v1/meetings.

Every step is `POST /api/v1/meetings/{id}/actions/{action}`: the meeting's own (`notify`, `close`,
`cancel`), the invitee's (`confirm`, `request_leave`, `sign_in`) and the office's (`decide_leave`,
`mark_attendance`, `record_speech`, `record_minutes`). Errors: 403 not yours to do, 404 unknown or
invisible, 409 `invalid_transition` (not allowed in the current state), `already_signed_in`,
`blocked`, `conflict`; 422 with `fields` (an expired token, a token of another sitting …).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from tongxin.core.errors import Forbidden, Invalid, NotFound
from tongxin.core.pagination import keyset_page, parse_after, parse_limit

from . import access, queries, services, signin
from .models import Attendance, Meeting
from .schemas import (
    AbsenceOut,
    ActionIn,
    AttendancePageOut,
    ErrorOut,
    InviteIn,
    InviteOut,
    KindIn,
    KindOut,
    MeetingCreateIn,
    MeetingOut,
    MeetingPageOut,
    SettingsIn,
    SettingsOut,
    SignInCodeOut,
)
from .workflow import MEETING_TRANSITIONS, AttendanceState

router = Router()
ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ACTIONS = (
    *MEETING_TRANSITIONS,
    "confirm",
    "request_leave",
    "decide_leave",
    "sign_in",
    "mark_attendance",
    "record_speech",
    "record_minutes",
)


class ListQuery(Schema):
    kind: str | None = Field(None, description="会议类别代码")
    state: str | None = Field(None, description="draft / notified / closed / cancelled")
    year: int | None = Field(None, description="年度")
    after: int | None = Field(None, description="上一页最后一条的 id")
    limit: int | None = Field(None, description="每页条数，1–100，默认 50")


def _summary(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "title": m.title,
        "kind": m.kind.code,
        "kind_name": m.kind.name,
        "number": m.number,
        "numbered_name": m.numbered_name,
        "state": m.state,
        "state_label": m.get_state_display(),
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "place": m.place,
    }


def _detail(user: Any, meeting: Meeting) -> dict[str, Any]:
    own = queries.own_attendance(user, meeting)
    my = None
    if own is not None:
        my = {
            "id": own.pk,
            "state": own.state,
            "state_label": own.get_state_display(),
            "leave_reason": own.leave_reason,
            "signed_in_sittings": sorted(s.sitting_id for s in own.sign_ins.all()),
            "actions": [t.name for t in queries.attendance_actions_for(user, own)],
        }
    return {
        **_summary(meeting),
        "notice": meeting.notice,
        "minutes": meeting.minutes,
        "outcomes": meeting.outcomes,
        "offsite": meeting.offsite,
        "special_committee_id": meeting.special_committee_id,
        "organiser_head_id": meeting.organiser_head_id,
        "sittings": list(meeting.sittings.all()),
        "documents": [
            {"id": d.pk, "title": d.title, "url": reverse("meetings:document", args=[meeting.pk, d.pk])}
            for d in meeting.documents.all()
        ],
        "my_attendance": my,
        "actions": [t.name for t in queries.meeting_actions_for(user, meeting)],
    }


@router.get("", response={200: MeetingPageOut, **ERRORS}, summary="会议活动列表")
def list_meetings(request: HttpRequest, filters: Query[ListQuery]) -> dict[str, Any]:
    """Meetings the caller may see (members: their invitations), by keyset pages in id order."""
    if not (access.can_read_all_meetings(request.user) or getattr(request.user, "person_id", None)):
        raise Forbidden("管理员不办理会议业务。")
    params = filters.model_dump()
    limit, after = parse_limit(params.pop("limit")), parse_after(params.pop("after"))
    qs = queries.meeting_filter(queries.meetings_visible_to(request.user), params).select_related(
        "kind", "term"
    )
    page = keyset_page(qs, after=after, limit=limit)
    return {"items": [_summary(m) for m in page.items], "next_after": page.next_after}


@router.post("", response={201: MeetingOut, **ERRORS}, summary="安排会议活动")
def create_meeting(request: HttpRequest, payload: MeetingCreateIn) -> Status[dict[str, Any]]:
    """The secretariat creates a meeting with its sittings; numbered kinds get the next number in the term."""
    meeting = services.meeting_create(actor=request.user, **payload.model_dump())
    return Status(201, _detail(request.user, access.get_meeting_for_user(request.user, meeting.pk)))


@router.get("/kinds", response={200: list[KindOut], **ERRORS}, summary="会议类别")
def list_kinds(request: HttpRequest) -> list[Any]:
    """The committee's meeting kinds with their attendance category and leave approver."""
    if not (access.can_read_all_meetings(request.user) or getattr(request.user, "person_id", None)):
        raise Forbidden("管理员不办理会议业务。")
    return services.kinds_for(request.user.committee_id)  # type: ignore[union-attr]


@router.patch("/kinds/{code}", response={200: KindOut, **ERRORS}, summary="修改会议类别")
def update_kind(request: HttpRequest, code: str, payload: KindIn) -> Any:
    """The secretariat renames a kind, changes its category, numbering, leave approver or what
    attending earns, or retires it (audited)."""
    return services.meeting_kind_update(
        actor=request.user, code=code, changes=payload.model_dump(exclude_none=True)
    )


@router.get("/settings", response={200: SettingsOut, **ERRORS}, summary="考勤设置")
def get_settings(request: HttpRequest) -> Any:
    """The two-thirds share, the absence flags, the sign-in code lifetime."""
    if not access.can_read_all_meetings(request.user):
        raise Forbidden("只有机关工作人员和领导可以查看考勤设置。")
    return services.settings_for(request.user.committee_id)  # type: ignore[union-attr]


@router.patch("/settings", response={200: SettingsOut, **ERRORS}, summary="修改考勤设置")
def update_settings(request: HttpRequest, payload: SettingsIn) -> Any:
    """The secretariat changes the attendance rules (audited)."""
    return services.meeting_settings_update(actor=request.user, changes=payload.model_dump(exclude_none=True))


@router.get("/absences", response={200: list[AbsenceOut], **ERRORS}, summary="届内缺席统计与提示")
def absences(request: HttpRequest, term: int | None = None) -> list[dict[str, Any]]:
    """Unexcused plenary and standing-meeting absences per member in the term, with review flags."""
    if not access.can_view_absence_flags(request.user):
        raise Forbidden("您无权查看缺席统计。")
    from tongxin.members.queries import current_term
    from tongxin.org.models import Term

    committee_id = request.user.committee_id  # type: ignore[union-attr]
    t = (
        Term.objects.filter(pk=term, committee_id=committee_id).first()
        if term
        else current_term(committee_id)
    )
    if t is None:
        raise NotFound("届次不存在。")
    return [
        {
            "membership_id": r.membership.pk,
            "name": r.membership.person.name,
            "is_standing": r.membership.is_standing,
            "plenary": r.plenary,
            "standing": r.standing,
            "flagged": r.flagged,
        }
        for r in queries.absence_counters(committee_id, t.pk)
    ]


@router.get("/{int:meeting_id}", response={200: MeetingOut, **ERRORS}, summary="会议详情")
def get_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    """The meeting, its sittings and documents, the caller's own attendance and the actions open to them."""
    return _detail(request.user, access.get_meeting_for_user(request.user, meeting_id))


def _attendance_out(a: Attendance) -> dict[str, Any]:
    return {
        "id": a.pk,
        "membership_id": a.membership_id,
        "name": a.membership.person.name,
        "sector": a.membership.sector.name,
        "state": a.state,
        "state_label": a.get_state_display(),
        "leave_reason": a.leave_reason,
        "late": a.late,
        "left_early": a.left_early,
        "finalized": a.finalized,
        "sittings": sorted(s.sitting.number for s in a.sign_ins.all()),
    }


@router.get(
    "/{int:meeting_id}/invitations", response={200: AttendancePageOut, **ERRORS}, summary="参加人员与出席情况"
)
def list_invitations(
    request: HttpRequest,
    meeting_id: int,
    state: str | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Invitees with their confirmation, leave and sign-ins (office staff, leaders, the organiser's head)."""
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    if not (access.can_read_all_meetings(request.user) or meeting.organiser_head_id == request.user.pk):
        raise Forbidden("只有机关工作人员和组织方可以查看参加人员名单。")
    qs = queries.attendance_rows(meeting)
    if state:
        if state not in AttendanceState.values:
            raise Invalid("状态有误。", {"state": ["状态有误。"]})
        qs = qs.filter(state=state)
    page = keyset_page(qs, after=parse_after(after), limit=parse_limit(limit))
    return {"items": [_attendance_out(a) for a in page.items], "next_after": page.next_after}


@router.post("/{int:meeting_id}/invitations", response={200: InviteOut, **ERRORS}, summary="邀请参加人员")
def invite(request: HttpRequest, meeting_id: int, payload: InviteIn) -> dict[str, Any]:
    """Invite by role, activity group, sector, special committee or everyone (already invited are skipped)."""
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    added = services.meeting_invite(
        actor=request.user, meeting=meeting, by=payload.by, ids=payload.ids, role=payload.role
    )
    return {"added": added}


@router.get(
    "/{int:meeting_id}/sittings/{int:sitting_id}/sign-in",
    response={200: SignInCodeOut, **ERRORS},
    summary="场次签到二维码",
)
def sign_in_code(request: HttpRequest, meeting_id: int, sitting_id: int) -> dict[str, Any]:
    """The sitting's current QR token, its sign-in URL and the six-digit code (the secretariat shows them)."""
    meeting = access.get_meeting_for_user(request.user, meeting_id)
    if not access.can_manage_meeting(request.user, meeting):
        raise Forbidden("只有秘书科工作人员可以出示签到码。")
    sitting = meeting.sittings.filter(pk=sitting_id).first()
    if sitting is None:
        raise NotFound("场次不存在。")
    window = services.settings_for(meeting.committee_id).sign_in_minutes * 60
    token = signin.make_token(sitting.pk)
    return {
        "sitting_id": sitting.pk,
        "token": token,
        "url": request.build_absolute_uri(reverse("meetings:sign_in", args=[token])),
        "code": signin.current_code(sitting.pk, window_seconds=window),
        "valid_seconds": window,
    }


def _attendance(meeting: Meeting, attendance_id: int | None) -> Attendance:
    a = (
        Attendance.objects.select_related("meeting__kind", "membership")
        .filter(pk=attendance_id, meeting=meeting)
        .first()
        if attendance_id
        else None
    )
    if a is None:
        raise Invalid("请指定出席记录。", {"attendance_id": ["出席记录不存在。"]})
    return a


def _own(user: Any, meeting: Meeting) -> Attendance:
    a = queries.own_attendance(user, meeting)
    if a is None:
        raise Forbidden("您不在本次会议的参加人员名单中。")
    return a


@router.post(
    "/{int:meeting_id}/actions/{action}", response={200: MeetingOut, **ERRORS}, summary="会议与考勤操作"
)
def act(request: HttpRequest, meeting_id: int, action: str, payload: ActionIn) -> dict[str, Any]:
    """notify / close / cancel (secretariat); confirm, request_leave (`reason`), sign_in (`sitting_id` with
    `token` or `code`) by the invitee; decide_leave (`attendance_id`, `approve`, `note`) by the kind's
    approver or the secretariat; mark_attendance (`attendance_id`, `present`, `sitting_ids`, `late`,
    `left_early`), record_speech (`membership_id`, `mode`, `title`, `summary`), record_minutes
    (`minutes`, `outcomes`) by the secretariat."""
    user = request.user
    meeting = access.get_meeting_for_user(user, meeting_id)
    if action in MEETING_TRANSITIONS:
        meeting = services.meeting_transition(actor=user, meeting=meeting, name=action, note=payload.note)
    elif action in ("confirm", "request_leave"):
        services.attendance_transition(
            actor=user, attendance=_own(user, meeting), name=action, note=payload.reason
        )
    elif action == "decide_leave":
        if payload.approve is None:
            raise Invalid("请选择是否批准。", {"approve": ["请选择是否批准。"]})
        services.leave_decide(
            actor=user,
            attendance=_attendance(meeting, payload.attendance_id),
            approve=payload.approve,
            note=payload.note,
        )
    elif action == "sign_in":
        services.attendance_sign_in(
            actor=user, meeting=meeting, sitting_id=payload.sitting_id, token=payload.token, code=payload.code
        )
    elif action == "mark_attendance":
        services.attendance_mark(
            actor=user,
            attendance=_attendance(meeting, payload.attendance_id),
            present=payload.present,
            sitting_ids=payload.sitting_ids,
            late=payload.late,
            left_early=payload.left_early,
        )
    elif action == "record_speech":
        services.speech_record(
            actor=user,
            meeting=meeting,
            membership_id=payload.membership_id,
            mode=payload.mode,
            title=payload.title,
            summary=payload.summary,
        )
    elif action == "record_minutes":
        services.meeting_update_record(
            actor=user, meeting=meeting, minutes=payload.minutes, outcomes=payload.outcomes
        )
    else:
        raise NotFound("没有这个操作。", code="unknown_action")
    return _detail(user, access.get_meeting_for_user(user, meeting_id))


_ = settings  # the sign-in URL is absolute; ALLOWED_HOSTS decides the host
