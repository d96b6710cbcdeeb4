"""Demo and synthetic meetings, attendance and duty records for `tongxin demo` / `tongxin seed`.

Through the real services: a year of meetings of the current term (the plenary with its half-day
sittings, standing meetings, consultations, research and inspections), attendance entered from
the sign-in sheets with leave asked by phone, a few under two thirds of the sittings, some
no-shows, speeches at the plenary, one upcoming meeting open for answers, the year's assessment
started, and (demo only) the demo member's manual entries. Closing a meeting records the duty
events and rebuilds the scores in one bulk pass.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tongxin.accounts.models import User
from tongxin.accounts.services import role_grant, user_create
from tongxin.core.roles import Role
from tongxin.duties import services as duties
from tongxin.duties.kinds import DutyKind

from . import services
from .models import Attendance, Meeting


def _staff(context: Any, username: str, full_name: str, role: str) -> User:
    """The demo account, or (for `seed`) a staff account of this committee to act through services."""
    user = context.users.get(username)
    if user is not None:
        return user
    user, _password = user_create(
        actor=None,
        committee=context.committee,
        username=f"{username}_{context.committee.pk}",
        full_name=full_name,
        kind=User.Kind.OFFICE,
    )
    role_grant(actor=None, user=user, role=role)
    user.__dict__.pop("role_set", None)
    return user


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _held(
    context: Any,
    actor: User,
    kind: str,
    day: dt.date,
    *,
    sittings: int,
    by: str,
    ids: list[int] | None = None,
    role: str = "",
    title: str = "",
    offsite: bool = False,
    number: int | None = None,
) -> tuple[Meeting, dict[str, int]]:
    """A meeting that took place: invited, notified, the sign-in sheets entered, closed."""
    rng = context.rng
    meeting = services.meeting_create(
        actor=actor,
        kind_code=kind,
        title=title,
        starts_at=_at(day, 9),
        ends_at=_at(day + dt.timedelta(days=max(0, sittings // 2 - 1)), 17 if sittings > 1 else 12),
        sittings=sittings,
        place="政协会议中心",
        notice="请准时参加，因故不能参加的请提前向秘书科请假。",
        offsite=offsite,
        number=number,
    )
    services.meeting_invite(actor=actor, meeting=meeting, by=by, ids=ids, role=role)
    meeting = services.meeting_transition(actor=actor, meeting=meeting, name="notify")
    sitting_ids = list(meeting.sittings.values_list("pk", flat=True))
    rows = list(Attendance.objects.filter(meeting=meeting).select_related("meeting__kind", "membership"))
    full, partial, leave = [], [], []
    for a in rows:
        draw = rng.random()
        if draw < 0.86:
            full.append(a.pk)
        elif draw < 0.90 and len(sitting_ids) > 2:
            partial.append(a.pk)  # came to one sitting only: under two thirds, counted absent
        elif draw < 0.96:
            leave.append(a)
    if full:
        services.attendance_mark_present_bulk(actor=actor, meeting=meeting, attendance_ids=full)
    if partial:
        services.attendance_mark_present_bulk(
            actor=actor, meeting=meeting, attendance_ids=partial, sitting_ids=sitting_ids[:1]
        )
    for a in leave:
        services.attendance_transition(
            actor=actor,
            attendance=a,
            name="request_leave",
            note=rng.choice(("因公出差", "身体原因", "参加上级会议")),
        )
        a.refresh_from_db()
        services.leave_decide(actor=actor, attendance=a, approve=True, note="电话请假，经秘书长同意")
    services.meeting_transition(actor=actor, meeting=meeting, name="close")
    return meeting, {"present": len(full), "leave": len(leave)}


def build(context: Any) -> dict[str, int]:
    """Add a year of meetings and duty records to the committee being built; returns counts."""
    rng = context.rng
    mishu = _staff(context, "mishu", "陈静", Role.SECRETARIAT)
    weiyuangongzuo = _staff(context, "weiyuangongzuo", "赵磊", Role.MEMBER_AFFAIRS)
    today = timezone.localdate()
    year = today.year
    counts = {"meetings": 0, "attendance_present": 0, "attendance_leave": 0, "speeches": 0}

    def held(*args: Any, **kwargs: Any) -> Meeting:
        meeting, c = _held(context, mishu, *args, **kwargs)
        counts["meetings"] += 1
        counts["attendance_present"] += c["present"]
        counts["attendance_leave"] += c["leave"]
        return meeting

    session = context.term.sessions.filter(opens_on__year=year).first()
    plenary_day = session.opens_on if session else dt.date(year, 1, 15)
    # The plenary meeting of the year is the term's annual session: it carries the session's number.
    plenary = held(
        "plenary", plenary_day, sittings=4, by="everyone", number=session.number if session else None
    )
    speakers = rng.sample(context.memberships, k=min(8, len(context.memberships)))
    for i, m in enumerate(speakers):
        services.speech_record(
            actor=mishu,
            meeting=plenary,
            membership_id=m.pk,
            mode="plenary" if i < 4 else "written",
            title=rng.choice(
                (
                    "关于推进老旧小区改造的建议",
                    "关于加强基层医疗服务能力的建议",
                    "关于促进民营经济发展的建议",
                    "关于做好“一老一小”服务的建议",
                )
            ),
        )
        counts["speeches"] += 1
    if any(m.is_standing for m in context.memberships):
        for month in (3, 6, 9):
            held("standing", dt.date(year, month, 20), sittings=1, by="role", role="standing")
    groups = sorted({m.activity_group_id for m in context.memberships if m.activity_group_id})
    for kind, month, offsite in (
        ("thematic", 4, False),
        ("research", 5, True),
        ("inspection", 7, True),
        ("training", 8, True),
        ("bimonthly", 10, False),
    ):
        chosen = rng.sample(groups, k=min(2, len(groups))) if groups else []
        if chosen:
            held(
                kind,
                dt.date(year, month, 12),
                sittings=2 if kind == "training" else 1,
                by="activity_group",
                ids=chosen,
                offsite=offsite,
            )
        else:
            held(kind, dt.date(year, month, 12), sittings=1, by="everyone", offsite=offsite)
    # The next meeting: notified, waiting for answers.
    upcoming_day = today + dt.timedelta(days=10)
    upcoming = services.meeting_create(
        actor=mishu,
        kind_code="standing" if any(m.is_standing for m in context.memberships) else "thematic",
        starts_at=_at(upcoming_day, 9),
        ends_at=_at(upcoming_day, 12),
        place="政协会议中心",
        notice="审议年度协商计划执行情况。",
    )
    services.meeting_invite(actor=mishu, meeting=upcoming, by="everyone")
    services.meeting_transition(actor=mishu, meeting=upcoming, name="notify")
    counts["meetings"] += 1

    cycle = duties.assessment_open(actor=weiyuangongzuo, year=year)
    duties.assessment_transition(actor=weiyuangongzuo, cycle=cycle, name="start")

    member = context.users.get("weiyuan")
    if member is not None:
        from tongxin.duties.access import own_membership

        membership = own_membership(member)
        if membership is not None:
            for kind, title, days in (
                (DutyKind.CONTACT_MASSES, "走访联系社区困难户两户", 40),
                (DutyKind.PRACTICAL_DEED, "协调解决小区路灯维修", 25),
            ):
                claim = duties.claim_create(
                    actor=member,
                    membership=membership,
                    kind=kind,
                    occurred_on=today - dt.timedelta(days=days),
                    title=title,
                    description="有社区居委会证明。",
                )
                duties.claim_transition(actor=weiyuangongzuo, claim=claim, name="approve")
            duties.claim_create(
                actor=member,
                membership=membership,
                kind=DutyKind.GROUP_REPORT,
                occurred_on=today - dt.timedelta(days=3),
                title="向第一活动组述职",
            )
            attendance = (
                upcoming.attendances.select_related("meeting__kind", "membership")
                .filter(membership=membership)
                .first()
            )
            if attendance is not None:
                services.attendance_transition(actor=member, attendance=attendance, name="confirm")
    counts["duty_events"] = context.committee.duty_events.count()
    return counts
