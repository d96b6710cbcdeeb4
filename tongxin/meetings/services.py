"""Every write to meetings: kinds and settings, meetings and sittings, invitations, the attendance
transitions (confirm, leave, sign-in, marking), closing with the two-thirds rule, speeches, minutes.

Attendance results and speeches are recorded in the duty record at their source (rule 49,
"谁组织谁记录") through duties.services.duty_event_record, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.duties.kinds import DutyKind
from tongxin.duties.services import duty_event_record, duty_event_void, recompute_deferred
from tongxin.members.models import Membership
from tongxin.org.models import ActivityGroup, Sector, SpecialCommittee

from . import access, signin
from .models import (
    Attendance,
    AttendanceEvent,
    Meeting,
    MeetingDocument,
    MeetingEvent,
    MeetingKind,
    MeetingSettings,
    SignIn,
    Sitting,
    Speech,
)
from .workflow import MEETING_TRANSITIONS, TRANSITIONS, AttendanceState, MeetingState

K = MeetingKind.Category
A = MeetingKind.Approver
# The default kinds: (code, name, attendance category, numbered in the term, leave approver,
# what attending earns in the duty record).
DEFAULT_KINDS: tuple[tuple[str, str, str, bool, str, str], ...] = (
    ("plenary", "全体会议", K.PLENARY, True, A.CHAIR_OR_SECRETARY_GENERAL, DutyKind.MEETING_ATTENDED),
    ("standing", "常委会议", K.STANDING, True, A.CHAIR_OR_SECRETARY_GENERAL, DutyKind.MEETING_ATTENDED),
    ("chairs", "主席会议", K.OTHER, True, A.CHAIR_OR_SECRETARY_GENERAL, DutyKind.MEETING_ATTENDED),
    ("secretaries", "秘书长会议", K.OTHER, True, A.CHAIR_OR_SECRETARY_GENERAL, DutyKind.MEETING_ATTENDED),
    ("special_committee", "专委会会议", K.OTHER, False, A.ORGANISER_HEAD, DutyKind.MEETING_ATTENDED),
    ("thematic", "专题协商会", K.OTHER, False, A.ORGANISER_HEAD, DutyKind.MEETING_ATTENDED),
    ("bimonthly", "双月协商座谈会", K.OTHER, False, A.ORGANISER_HEAD, DutyKind.MEETING_ATTENDED),
    ("research", "调研", K.OTHER, False, A.ORGANISER_HEAD, DutyKind.RESEARCH),
    ("inspection", "视察", K.OTHER, False, A.ORGANISER_HEAD, DutyKind.RESEARCH),
    ("training", "学习培训", K.OTHER, False, A.ORGANISER_HEAD, DutyKind.MEETING_ATTENDED),
    ("group", "活动组活动", K.OTHER, False, A.ORGANISER_HEAD, DutyKind.MEETING_ATTENDED),
    ("studio", "委员工作室接待", K.OTHER, False, A.ORGANISER_HEAD, DutyKind.MEETING_ATTENDED),
)
INVITE_BY = ("everyone", "role", "activity_group", "sector", "special_committee")
INVITE_ROLES = ("standing", "leadership")


def settings_for(committee_id: int) -> MeetingSettings:
    """The committee's attendance settings, created with rule 51's defaults on first use."""
    conf, _created = MeetingSettings.objects.get_or_create(committee_id=committee_id)
    return conf


def kinds_for(committee_id: int) -> list[MeetingKind]:
    """The committee's meeting kinds, the issue's defaults created on first use."""
    kinds = list(MeetingKind.objects.filter(committee_id=committee_id, is_active=True))
    if kinds:
        return kinds
    try:
        with transaction.atomic():
            MeetingKind.objects.bulk_create(
                MeetingKind(
                    committee_id=committee_id,
                    code=code,
                    name=name,
                    category=category,
                    numbered=numbered,
                    leave_approver=approver,
                    duty_kind=duty_kind,
                    position=i,
                )
                for i, (code, name, category, numbered, approver, duty_kind) in enumerate(DEFAULT_KINDS)
            )
    except IntegrityError:
        pass
    return list(MeetingKind.objects.filter(committee_id=committee_id, is_active=True))


KIND_FIELDS = ("name", "category", "numbered", "leave_approver", "duty_kind", "is_active")


def meeting_kind_update(*, actor: Any, code: str, changes: dict[str, Any]) -> MeetingKind:
    """The secretariat adjusts a kind: its name, attendance category, numbering, leave approver
    (rule 51 varies by place), what attending earns, or retires it; audited as a configuration change."""
    _require(access.can_manage_meeting(actor), _("只有秘书科工作人员可以修改会议类别。"))
    from tongxin.audit.models import SecurityEvent
    from tongxin.audit.services import security_event_record

    kind = next((k for k in kinds_for(actor.committee_id) if k.code == code), None)
    if kind is None:
        kind = MeetingKind.objects.filter(committee_id=actor.committee_id, code=code).first()
    if kind is None:
        from tongxin.core.errors import NotFound

        raise NotFound(_("会议类别不存在。"))
    errors: dict[str, list[str]] = {}
    for name in set(changes) - set(KIND_FIELDS):
        errors[name] = [_("没有这个设置项。")]
    new_name = changes.get("name")
    if new_name is not None and not (isinstance(new_name, str) and 1 <= len(new_name.strip()) <= 30):
        errors["name"] = [_("名称须为 1 到 30 个字。")]
    choices: dict[str, list[str]] = {
        "category": MeetingKind.Category.values,
        "leave_approver": MeetingKind.Approver.values,
        "duty_kind": [str(DutyKind.MEETING_ATTENDED), str(DutyKind.RESEARCH)],
    }
    for field, allowed in choices.items():
        if field in changes and changes[field] not in allowed:
            errors[field] = [_("可选：%(v)s。") % {"v": "、".join(allowed)}]
    if errors:
        raise Invalid(_("会议类别设置有误。"), errors)
    with transaction.atomic():
        before = {k: getattr(kind, k) for k in changes}
        for field, value in changes.items():
            setattr(kind, field, value.strip() if field == "name" else value)
        kind.save()
        security_event_record(
            kind=SecurityEvent.Kind.CONFIG_CHANGED,
            actor=actor,
            target=f"meetings.MeetingKind:{kind.pk}",
            details={"before": before, "after": changes},
        )
    return kind


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


# --- meetings --------------------------------------------------------------------------------


def meeting_create(
    *,
    actor: Any,
    kind_code: str,
    title: str = "",
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    notice: str = "",
    sittings: int = 1,
    number: int | None = None,
    special_committee_id: int | None = None,
    organiser_head_id: int | None = None,
    offsite: bool = False,
) -> Meeting:
    """The secretariat creates a meeting in the current term, numbered within the term for numbered
    kinds, with its sittings (half-days)."""
    _require(access.can_manage_meeting(actor), _("只有秘书科工作人员可以安排会议。"))
    from tongxin.members.queries import current_term

    committee_id = actor.committee_id
    errors: dict[str, list[str]] = {}
    kind = next((k for k in kinds_for(committee_id) if k.code == kind_code), None)
    if kind is None:
        errors["kind_code"] = [_("请选择会议类别。")]
    term = current_term(committee_id)
    if term is None:
        errors["kind_code"] = [_("本会没有设置当前届次。")]
    title = (title or "").strip()
    if len(title) > 120:
        errors["title"] = [_("名称不超过 120 字。")]
    if starts_at is None:
        errors["starts_at"] = [_("请填写开始时间。")]
    if ends_at is None:
        errors["ends_at"] = [_("请填写结束时间。")]
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("结束时间须晚于开始时间。")]
    if not isinstance(sittings, int) or not 1 <= sittings <= 20:
        errors["sittings"] = [_("场次须在 1 到 20 之间。")]
    if number is not None and (not isinstance(number, int) or not 1 <= number <= 999):
        errors["number"] = [_("次数须在 1 到 999 之间。")]
    if len(place or "") > 100:
        errors["place"] = [_("地点不超过 100 字。")]
    if len(notice or "") > 10000:
        errors["notice"] = [_("通知不超过 10000 字。")]
    special = None
    if special_committee_id is not None:
        special = SpecialCommittee.objects.filter(pk=special_committee_id, committee_id=committee_id).first()
        if special is None:
            errors["special_committee_id"] = [_("专委会不存在。")]
    head = None
    if organiser_head_id is not None:
        from tongxin.accounts.models import User

        head = User.objects.filter(pk=organiser_head_id, committee_id=committee_id, is_active=True).first()
        if head is None:
            errors["organiser_head_id"] = [_("负责人账号不存在。")]
    if errors:
        raise Invalid(_("会议信息有误，请检查。"), errors)
    assert kind is not None
    assert term is not None
    assert starts_at is not None
    assert ends_at is not None
    with transaction.atomic():
        if kind.numbered and number is None:
            last = Meeting.objects.filter(term=term, kind=kind).aggregate(n=Max("number"))["n"] or 0
            number = last + 1
        if not kind.numbered:
            number = None
        if number is not None and Meeting.objects.filter(term=term, kind=kind, number=number).exists():
            raise Invalid(_("本届已有这一次会议。"), {"number": [_("本届已有这一次会议。")]})
        meeting = Meeting(
            committee_id=committee_id,
            term=term,
            kind=kind,
            number=number,
            title="",
            place=place or "",
            starts_at=starts_at,
            ends_at=ends_at,
            notice=notice or "",
            special_committee=special,
            organiser_head=head,
            offsite=offsite,
        )
        meeting.title = title or f"{term.committee.short_name}{meeting.numbered_name}"
        meeting.save()
        span = (ends_at - starts_at) / sittings
        Sitting.objects.bulk_create(
            Sitting(
                meeting=meeting,
                number=i + 1,
                title=_("第%(n)d场") % {"n": i + 1} if sittings > 1 else _("全体"),
                starts_at=starts_at + span * i,
            )
            for i in range(sittings)
        )
        MeetingEvent.objects.create(meeting=meeting, actor=actor, name="created", to_state=meeting.state)
    return meeting


def meeting_update_record(*, actor: Any, meeting: Meeting, minutes: str, outcomes: str) -> Meeting:
    """Record the meeting's minutes and outcomes (纪要, 成果)."""
    _require(access.can_manage_meeting(actor, meeting), _("只有秘书科工作人员可以记录会议纪要。"))
    if meeting.state == MeetingState.CANCELLED:
        raise Conflict(_("会议已取消。"), code="invalid_transition")
    errors = {}
    if len(minutes or "") > 50000:
        errors["minutes"] = [_("纪要不超过 50000 字。")]
    if len(outcomes or "") > 20000:
        errors["outcomes"] = [_("成果不超过 20000 字。")]
    if errors:
        raise Invalid(_("内容过长。"), errors)
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(
            minutes=minutes or "", outcomes=outcomes or "", updated_at=timezone.now()
        )
        MeetingEvent.objects.create(
            meeting=meeting, actor=actor, name="minutes_recorded", to_state=meeting.state
        )
    meeting.refresh_from_db()
    return meeting


def meeting_document_add(
    *, actor: Any, meeting: Meeting, title: str, file: UploadedFile | None
) -> MeetingDocument:
    """Attach a document to the notice (PDF, Word or Excel, at most 20 MB)."""
    _require(access.can_manage_meeting(actor, meeting), _("只有秘书科工作人员可以上传会议材料。"))
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if not title or len(title) > 120:
        errors["title"] = [_("请填写标题（不超过 120 字）。")]
    if file is None:
        errors["file"] = [_("请选择文件。")]
    elif (file.size or 0) > 20 * 1024 * 1024:
        errors["file"] = [_("文件不能超过 20 MB。")]
    else:
        head = file.read(8)
        file.seek(0)
        # PDF, or the zip container of .docx/.xlsx (ASVS 5.2.2: the bytes decide, not the name).
        if not (head.startswith((b"%PDF", b"PK\x03\x04"))):
            errors["file"] = [_("请上传 PDF、Word 或 Excel 文件。")]
    if errors:
        raise Invalid(_("会议材料有误。"), errors)
    assert file is not None
    with transaction.atomic():
        doc = MeetingDocument(meeting=meeting, title=title, uploaded_by=actor)
        doc.file.save(f"m{meeting.pk}-{file.name}"[-90:], file, save=False)
        doc.save()
        MeetingEvent.objects.create(
            meeting=meeting, actor=actor, name="document_added", note=title, to_state=meeting.state
        )
    return doc


def meeting_invite(
    *, actor: Any, meeting: Meeting, by: str, ids: list[int] | None = None, role: str = ""
) -> int:
    """Invite the term's serving members by role, activity group, sector, special committee or
    everyone; members already invited are skipped. Returns how many were added."""
    _require(access.can_manage_meeting(actor, meeting), _("只有秘书科工作人员可以发出邀请。"))
    if meeting.state not in (MeetingState.DRAFT, MeetingState.NOTIFIED):
        raise Conflict(_("会议已结束或取消，不能再邀请。"), code="invalid_transition")
    ids = [i for i in (ids or []) if isinstance(i, int)]
    members = Membership.objects.filter(term_id=meeting.term_id, status="active")
    if by == "everyone":
        pass
    elif by == "role":
        if role == "standing":
            members = members.filter(is_standing=True)
        elif role == "leadership":
            members = members.filter(leadership__in=["chair", "vice_chair", "secretary_general"])
        else:
            raise Invalid(
                _("请选择角色。"), {"role": [_("可选：standing（常委）、leadership（主席会议成员）。")]}
            )
    elif by in ("activity_group", "sector", "special_committee"):
        model = {"activity_group": ActivityGroup, "sector": Sector, "special_committee": SpecialCommittee}[by]
        scope = (
            Q(term_id=meeting.term_id) if by != "special_committee" else Q(committee_id=meeting.committee_id)
        )
        found = set(model.objects.filter(scope, pk__in=ids).values_list("pk", flat=True))  # type: ignore[attr-defined]
        if not ids or found != set(ids):
            raise Invalid(_("所选范围不存在。"), {"ids": [_("所选范围不存在。")]})
        field = {
            "activity_group": "activity_group_id__in",
            "sector": "sector_id__in",
            "special_committee": "special_committees__in",
        }[by]
        members = members.filter(**{field: ids}).distinct()
    else:
        raise Invalid(_("请选择邀请范围。"), {"by": [_("可选：%(v)s。") % {"v": "、".join(INVITE_BY)}]})
    via = f"{by}:{role}" if by == "role" else by
    with transaction.atomic():
        existing = set(Attendance.objects.filter(meeting=meeting).values_list("membership_id", flat=True))
        new = [
            Attendance(meeting=meeting, membership_id=pk, invited_via=via)
            for pk in members.values_list("pk", flat=True)
            if pk not in existing
        ]
        created = Attendance.objects.bulk_create(new, batch_size=1000)
        if created and created[0].pk is None:  # backends that do not return ids
            created = list(
                Attendance.objects.filter(meeting=meeting, invited_via=via).exclude(
                    membership_id__in=existing
                )
            )
        AttendanceEvent.objects.bulk_create(
            (AttendanceEvent(attendance=a, actor=actor, name="invited", to_state=a.state) for a in created),
            batch_size=1000,
        )
        MeetingEvent.objects.create(
            meeting=meeting,
            actor=actor,
            name="invited",
            to_state=meeting.state,
            data={"by": via, "ids": ids, "added": len(created)},
        )
    return len(created)


def meeting_transition(*, actor: Any, meeting: Meeting, name: str, note: str = "") -> Meeting:
    """Notify, close (final attendance with the two-thirds rule; duty events) or cancel a meeting."""
    t = MEETING_TRANSITIONS.get(name)
    if t is None:
        raise Invalid(_("没有这个操作。"), {"action": [_("没有这个操作。")]})
    _require(getattr(access, t.permission)(actor, meeting), _("您无权进行此操作。"))
    if meeting.state not in t.sources:
        raise Conflict(_("当前状态下不能%(label)s。") % {"label": t.label}, code="invalid_transition")
    if name == "notify" and not Attendance.objects.filter(meeting=meeting).exists():
        raise Conflict(_("请先邀请参加人员，再发出通知。"), code="blocked")
    with transaction.atomic(), recompute_deferred():
        if (
            Meeting.objects.filter(pk=meeting.pk, state=meeting.state).update(
                state=t.target, updated_at=timezone.now()
            )
            != 1
        ):
            raise Conflict(_("会议状态已被他人更改，请刷新后重试。"))
        data: dict[str, Any] = {}
        if name == "close":
            data = _finalize_attendance(actor, meeting)
        MeetingEvent.objects.create(
            meeting=meeting,
            actor=actor,
            name=name,
            from_state=meeting.state,
            to_state=t.target,
            note=note[:500],
            data=data,
        )
    meeting.refresh_from_db()
    return meeting


def attended_enough(attended: int, total: int, conf: MeetingSettings) -> bool:
    """Rule 51 (威海): "出席会议不足三分之二视为缺席本次会议" (the share is a setting)."""
    if total <= 0:
        return attended > 0
    return Fraction(attended, total) >= Fraction(conf.attendance_numerator, conf.attendance_denominator)


def _finalize_attendance(actor: Any, meeting: Meeting) -> dict[str, Any]:
    conf = settings_for(meeting.committee_id)
    total = meeting.sittings.count()
    counts: dict[str, int] = {}
    attendances = list(
        Attendance.objects.filter(meeting=meeting).select_related("membership").prefetch_related("sign_ins")
    )
    for a in attendances:
        attended = len(a.sign_ins.all())
        final = a.state
        reason = ""
        if a.state == AttendanceState.PRESENT and not attended_enough(attended, total, conf):
            final, reason = AttendanceState.ABSENT, "under_two_thirds"
        elif a.state in (AttendanceState.INVITED, AttendanceState.CONFIRMED, AttendanceState.LEAVE_PENDING):
            final, reason = AttendanceState.ABSENT, "no_show"
        Attendance.objects.filter(pk=a.pk).update(state=final, finalized=True, updated_at=timezone.now())
        AttendanceEvent.objects.create(
            attendance=a,
            actor=actor,
            name="finalized",
            from_state=a.state,
            to_state=final,
            data={"sittings": attended, "sittings_total": total, "reason": reason},
        )
        a.state = final
        _record_attendance_duty(actor, meeting, a, attended, total)
        counts[final] = counts.get(final, 0) + 1
    return {"counts": counts, "sittings_total": total}


def _record_attendance_duty(actor: Any, meeting: Meeting, a: Attendance, attended: int, total: int) -> None:
    kind = {
        AttendanceState.PRESENT: meeting.kind.duty_kind,
        AttendanceState.LEAVE_APPROVED: DutyKind.MEETING_LEAVE,
        AttendanceState.ABSENT: DutyKind.MEETING_ABSENT,
    }.get(AttendanceState(a.state))
    if kind is None:
        return
    attributes = {
        "meeting_kind": meeting.kind.code,
        "category": meeting.kind.category,
        "sittings": attended,
        "sittings_total": total,
        "full": attended >= total,
        "offsite": meeting.offsite,
    }
    common = {
        "committee": meeting.committee,
        "membership": a.membership,
        "occurred_on": timezone.localtime(meeting.starts_at).date(),
        "source": f"meetings.meeting:{meeting.pk}",
        "source_url": f"/meetings/{meeting.pk}/",
        "special_committee": meeting.special_committee,
        "actor": actor,
    }
    duty_event_record(
        kind=kind,
        title=meeting.title,
        dedupe_key=f"meetings.attendance:{a.pk}",
        attributes=attributes,
        **common,
    )
    if a.state == AttendanceState.PRESENT and (a.late or a.left_early):
        duty_event_record(
            kind=DutyKind.MEETING_LATE,
            title=meeting.title,
            dedupe_key=f"meetings.attendance:{a.pk}:late",
            attributes={**attributes, "late": a.late, "left_early": a.left_early},
            **common,
        )


# --- attendance --------------------------------------------------------------------------------


def attendance_transition(
    *, actor: Any, attendance: Attendance, name: str, note: str = "", data: dict[str, Any] | None = None
) -> Attendance:
    """The one service that moves an attendance (§10.4): access → state check → compare-and-swap →
    event row, in one transaction."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise Invalid(_("没有这个操作。"), {"action": [_("没有这个操作。")]})
    _require(getattr(access, t.permission)(actor, attendance), _("您无权进行此操作。"))
    if attendance.state not in t.sources:
        raise Conflict(_("当前状态下不能%(label)s。") % {"label": t.label}, code="invalid_transition")
    note = (note or "").strip()
    fields: dict[str, Any] = {"state": t.target, "updated_at": timezone.now()}
    if name == "request_leave":
        if not note:
            raise Invalid(_("请填写请假事由。"), {"reason": [_("请填写请假事由。")]})
        if len(note) > 300:
            raise Invalid(_("请假事由不超过 300 字。"), {"reason": [_("不超过 300 字。")]})
        fields["leave_reason"] = note
    if name in ("approve_leave", "reject_leave"):
        if len(note) > 200:
            raise Invalid(_("审批意见不超过 200 字。"), {"note": [_("不超过 200 字。")]})
        fields.update(leave_decided_by=actor, leave_note=note)
    with transaction.atomic():
        if Attendance.objects.filter(pk=attendance.pk, state=attendance.state).update(**fields) != 1:
            raise Conflict(_("考勤状态已被他人更改，请刷新后重试。"))
        on_behalf = name in ("approve_leave", "reject_leave") and not access.is_leave_approver(
            actor, attendance.meeting
        )
        AttendanceEvent.objects.create(
            attendance=attendance,
            actor=actor,
            name=name,
            from_state=attendance.state,
            to_state=t.target,
            note=note,
            data={**(data or {}), **({"on_behalf_of_approver": True} if on_behalf else {})},
        )
    attendance.refresh_from_db()
    return attendance


def leave_decide(*, actor: Any, attendance: Attendance, approve: bool, note: str = "") -> Attendance:
    """Approve or refuse a leave request (the approver, or the secretariat on their behalf)."""
    return attendance_transition(
        actor=actor, attendance=attendance, name="approve_leave" if approve else "reject_leave", note=note
    )


def _sign_in_row(actor: Any, attendance: Attendance, sitting: Sitting, method: str) -> None:
    try:
        with transaction.atomic():
            SignIn.objects.create(sitting=sitting, attendance=attendance, method=method, recorded_by=actor)
    except IntegrityError:
        raise Conflict(_("您已在本场签到，无需重复签到。"), code="already_signed_in") from None


def attendance_sign_in(
    *, actor: Any, meeting: Meeting, sitting_id: int | None, token: str = "", code: str = ""
) -> Attendance:
    """A member signs in to one sitting with its QR token (or its six-digit code): a token of another
    sitting, an expired token or a second scan is refused with a clear message."""
    conf = settings_for(meeting.committee_id)
    window = conf.sign_in_minutes * 60
    if token:
        checked = signin.read_token(token, max_age_seconds=window)
        if checked.error == "expired":
            raise Invalid(
                _("二维码已过期，请扫描现场最新的二维码。"),
                {"token": [_("二维码已过期。")]},
                code="token_expired",
            )
        if checked.error:
            raise Invalid(_("二维码无效。"), {"token": [_("二维码无效。")]}, code="token_invalid")
        if sitting_id is not None and checked.sitting_id != sitting_id:
            raise Invalid(
                _("这不是本场会议的签到二维码。"),
                {"token": [_("二维码属于其他场次。")]},
                code="token_other_sitting",
            )
        sitting_id, method = checked.sitting_id, SignIn.Method.QR
    elif code:
        if sitting_id is None or not signin.code_is_valid(sitting_id, code.strip(), window_seconds=window):
            raise Invalid(
                _("签到码不正确或已过期。"), {"code": [_("签到码不正确或已过期。")]}, code="code_invalid"
            )
        method = SignIn.Method.CODE
    else:
        raise Invalid(_("请扫描签到二维码或输入签到码。"), {"token": [_("请扫描签到二维码或输入签到码。")]})
    sitting = Sitting.objects.filter(pk=sitting_id).first() if sitting_id is not None else None
    if sitting is None or sitting.meeting_id != meeting.pk:
        raise Invalid(
            _("这不是本会议的签到二维码。"),
            {"token": [_("二维码属于其他会议。")]},
            code="token_other_sitting",
        )
    person_id = getattr(actor, "person_id", None)
    attendance = (
        Attendance.objects.select_related("meeting", "membership")
        .filter(meeting=meeting, membership__person_id=person_id)
        .first()
        if person_id is not None
        else None
    )
    if attendance is None:
        raise Forbidden(_("您不在本次会议的参加人员名单中。"))
    _require(access.is_invitee(actor, attendance), _("会议未在进行中，不能签到。"))
    with transaction.atomic():
        _sign_in_row(actor, attendance, sitting, method)
        if attendance.state != AttendanceState.PRESENT:
            attendance = attendance_transition(
                actor=actor,
                attendance=attendance,
                name="check_in",
                data={"sitting": sitting.number, "method": method},
            )
        else:
            AttendanceEvent.objects.create(
                attendance=attendance,
                actor=actor,
                name="signed_in",
                from_state=attendance.state,
                to_state=attendance.state,
                data={"sitting": sitting.number, "method": method},
            )
    return attendance


def attendance_mark(
    *,
    actor: Any,
    attendance: Attendance,
    present: bool,
    sitting_ids: list[int] | None = None,
    late: bool = False,
    left_early: bool = False,
) -> Attendance:
    """The secretariat marks attendance by hand: present at the given sittings (all if none), late
    or left early; or absent."""
    _require(access.can_record_attendance(actor, attendance), _("只有秘书科工作人员可以登记考勤。"))
    if not present:
        return attendance_transition(actor=actor, attendance=attendance, name="mark_absent")
    sittings = list(Sitting.objects.filter(meeting_id=attendance.meeting_id))
    if sitting_ids:
        chosen = [s for s in sittings if s.pk in set(sitting_ids)]
        if len(chosen) != len(set(sitting_ids)):
            raise Invalid(_("场次不属于本会议。"), {"sitting_ids": [_("场次不属于本会议。")]})
        sittings = chosen
    with transaction.atomic():
        done = set(SignIn.objects.filter(attendance=attendance).values_list("sitting_id", flat=True))
        SignIn.objects.bulk_create(
            SignIn(sitting=s, attendance=attendance, method=SignIn.Method.MANUAL, recorded_by=actor)
            for s in sittings
            if s.pk not in done
        )
        Attendance.objects.filter(pk=attendance.pk).update(
            late=late, left_early=left_early, updated_at=timezone.now()
        )
        data = {"sittings": [s.number for s in sittings], "late": late, "left_early": left_early}
        if attendance.state != AttendanceState.PRESENT:
            attendance = attendance_transition(actor=actor, attendance=attendance, name="check_in", data=data)
        else:
            AttendanceEvent.objects.create(
                attendance=attendance,
                actor=actor,
                name="marked",
                from_state=attendance.state,
                to_state=attendance.state,
                data=data,
            )
    attendance.refresh_from_db()
    return attendance


def attendance_mark_present_bulk(
    *, actor: Any, meeting: Meeting, attendance_ids: list[int], sitting_ids: list[int] | None = None
) -> int:
    """The secretariat enters a paper sign-in sheet: the listed invitees present at the given
    sittings (all if none). Already-present rows only gain the missing sittings. Returns how many
    attendances changed to present."""
    _require(access.can_manage_meeting(actor, meeting), _("只有秘书科工作人员可以登记考勤。"))
    if meeting.state != MeetingState.NOTIFIED:
        raise Conflict(_("会议未在进行中，不能登记考勤。"), code="invalid_transition")
    sittings = list(Sitting.objects.filter(meeting=meeting))
    if sitting_ids:
        sittings = [s for s in sittings if s.pk in set(sitting_ids)]
        if len(sittings) != len(set(sitting_ids)):
            raise Invalid(_("场次不属于本会议。"), {"sitting_ids": [_("场次不属于本会议。")]})
    rows = list(Attendance.objects.filter(meeting=meeting, pk__in=attendance_ids))
    if len(rows) != len(set(attendance_ids)):
        raise Invalid(_("名单中有不属于本会议的人员。"), {"attendance_ids": [_("出席记录不存在。")]})
    sources = TRANSITIONS["check_in"].sources
    now = timezone.now()
    with transaction.atomic():
        done = set(SignIn.objects.filter(attendance__in=rows).values_list("attendance_id", "sitting_id"))
        SignIn.objects.bulk_create(
            (
                SignIn(sitting=s, attendance=a, method=SignIn.Method.MANUAL, recorded_by=actor, signed_at=now)
                for a in rows
                for s in sittings
                if (a.pk, s.pk) not in done
            ),
            batch_size=2000,
        )
        moving = [a for a in rows if a.state in sources]
        Attendance.objects.filter(pk__in=[a.pk for a in moving]).update(
            state=AttendanceState.PRESENT, updated_at=now
        )
        AttendanceEvent.objects.bulk_create(
            (
                AttendanceEvent(
                    attendance=a,
                    actor=actor,
                    name="check_in",
                    from_state=a.state,
                    to_state=AttendanceState.PRESENT,
                    data={"sittings": [s.number for s in sittings], "method": "sheet"},
                )
                for a in moving
            ),
            batch_size=2000,
        )
    return len(moving)


# --- speeches ----------------------------------------------------------------------------------


def speech_record(
    *, actor: Any, meeting: Meeting, membership_id: int | None, mode: str, title: str, summary: str = ""
) -> Speech:
    """Record a speech (大会发言, 书面发言, oral) against the meeting; it enters the speaker's record."""
    _require(access.can_manage_meeting(actor, meeting), _("只有秘书科工作人员可以登记会议发言。"))
    if meeting.state == MeetingState.CANCELLED:
        raise Conflict(_("会议已取消。"), code="invalid_transition")
    errors: dict[str, list[str]] = {}
    membership = (
        Membership.objects.filter(pk=membership_id, term_id=meeting.term_id).select_related("person").first()
        if membership_id
        else None
    )
    if membership is None:
        errors["membership_id"] = [_("发言委员不存在。")]
    if mode not in Speech.Mode.values:
        errors["mode"] = [_("请选择发言形式。")]
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_("请填写发言题目（不超过 200 字）。")]
    if len(summary or "") > 5000:
        errors["summary"] = [_("摘要不超过 5000 字。")]
    if errors:
        raise Invalid(_("发言信息有误。"), errors)
    assert membership is not None
    with transaction.atomic():
        speech = Speech.objects.create(
            meeting=meeting,
            membership=membership,
            mode=mode,
            title=title,
            summary=summary or "",
            recorded_by=actor,
        )
        MeetingEvent.objects.create(
            meeting=meeting, actor=actor, name="speech_recorded", note=title, to_state=meeting.state
        )
        duty_event_record(
            committee=meeting.committee,
            membership=membership,
            kind=DutyKind.SPEECH,
            occurred_on=timezone.localtime(meeting.starts_at).date(),
            title=title,
            source=f"meetings.speech:{speech.pk}",
            source_url=f"/meetings/{meeting.pk}/",
            dedupe_key=f"meetings.speech:{speech.pk}",
            role="speaker",
            attributes={
                "mode": "written" if mode == Speech.Mode.WRITTEN else "oral",
                "plenary_speech": mode == Speech.Mode.PLENARY,
                "meeting_kind": meeting.kind.code,
            },
            actor=actor,
        )
    return speech


def speech_delete(*, actor: Any, speech: Speech) -> None:
    """Remove a speech entered by mistake; its duty event is voided."""
    _require(access.can_manage_meeting(actor, speech.meeting), _("只有秘书科工作人员可以删除会议发言。"))
    with transaction.atomic():
        MeetingEvent.objects.create(
            meeting=speech.meeting,
            actor=actor,
            name="speech_deleted",
            note=speech.title,
            to_state=speech.meeting.state,
        )
        duty_event_void(dedupe_key=f"meetings.speech:{speech.pk}", reason=_("发言登记有误，已删除"))
        speech.delete()


SETTINGS_FIELDS = (
    "attendance_numerator",
    "attendance_denominator",
    "plenary_absence_flag",
    "standing_absence_flag",
    "sign_in_minutes",
    "secretariat_records_leave",
)


def meeting_settings_update(*, actor: Any, changes: dict[str, Any]) -> MeetingSettings:
    """The secretariat changes its committee's attendance rules; each change is in the security log."""
    _require(access.can_manage_meeting(actor), _("只有秘书科工作人员可以修改考勤设置。"))
    from tongxin.audit.models import SecurityEvent
    from tongxin.audit.services import security_event_record

    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise Invalid(_("没有这些设置项。"), {k: [_("没有这个设置项。")] for k in sorted(unknown)})
    with transaction.atomic():
        conf = MeetingSettings.objects.select_for_update().get(pk=settings_for(actor.committee_id).pk)
        before = {k: getattr(conf, k) for k in changes}
        for k, v in changes.items():
            setattr(conf, k, v)
        if conf.attendance_numerator > conf.attendance_denominator:
            raise Invalid(_("出席比例不能超过 1。"), {"attendance_numerator": [_("分子不能大于分母。")]})
        conf.save()
        security_event_record(
            kind=SecurityEvent.Kind.CONFIG_CHANGED,
            actor=actor,
            target=f"meetings.MeetingSettings:{conf.pk}",
            details={"before": before, "after": changes},
        )
    return conf
