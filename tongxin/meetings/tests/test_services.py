"""Meetings: numbering, invitations, leave approval paths per kind, QR sign-in, the two-thirds rule,
duty events at close, speeches, absence flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.duties.kinds import DutyKind
from tongxin.duties.models import DutyEvent, MemberScore
from tongxin.meetings import queries, services, signin
from tongxin.meetings.models import AttendanceEvent, MeetingSettings, SignIn
from tongxin.meetings.workflow import AttendanceState

from .conftest import at, attendance_of, membership_of

pytestmark = pytest.mark.django_db


def test_numbered_within_the_term(world, make_meeting):
    first = make_meeting("standing")
    second = make_meeting("standing")
    assert (first.number, second.number) == (1, 2)
    assert second.numbered_name == "十届二次常委会议"
    assert second.title == "区政协十届二次常委会议"
    assert make_meeting("research").number is None


def test_create_refuses_bad_input_without_writing(world):
    with pytest.raises(Invalid) as exc:
        services.meeting_create(
            actor=world.chen_jing, kind_code="nope", starts_at=at(20, 12), ends_at=at(20, 9), sittings=0
        )
    assert {"kind_code", "ends_at", "sittings"} <= set(exc.value.fields)
    with pytest.raises(Forbidden):
        services.meeting_create(
            actor=world.wang_wei, kind_code="plenary", starts_at=at(20), ends_at=at(20, 12)
        )


def test_invitations_by_scope(world, make_meeting):
    from tongxin.org.models import ActivityGroup

    group = ActivityGroup.objects.create(term=world.term, name="第一活动组")
    m = membership_of(world.li_na)
    m.activity_group = group
    m.is_standing = True
    m.save()
    meeting = services.meeting_create(
        actor=world.chen_jing, kind_code="group", starts_at=at(20), ends_at=at(20, 12)
    )
    assert (
        services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="activity_group", ids=[group.pk])
        == 1
    )
    assert services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="role", role="standing") == 0
    assert (
        services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="sector", ids=[world.sector.pk])
        == 2
    )
    assert services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="everyone") == 0
    with pytest.raises(Invalid):
        services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="sector", ids=[999999])
    assert AttendanceEvent.objects.filter(attendance__meeting=meeting, name="invited").count() == 3


@pytest.mark.parametrize(
    ("kind", "approver", "allowed"),
    [
        ("plenary", "sun_li", True),  # the chair (rule 51: 宣威 "由主席批准")
        ("standing", "sun_li", True),
        ("plenary", "li_na", False),  # another member
        ("plenary", "zhao_lei", False),  # member affairs is not the approver
        ("thematic", "sun_li", False),  # others: the organiser's head, not the chair
        ("thematic", "zhao_lei", True),  # zhao_lei is the organiser's head below
        ("thematic", "chen_jing", True),  # the secretariat enters the approver's decision
        ("plenary", "chen_jing", True),
    ],
)
def test_leave_approval_paths_per_kind(world, chair, make_meeting, kind, approver, allowed):
    meeting = make_meeting(kind, organiser_head_id=world.zhao_lei.pk)
    a = attendance_of(meeting, world.wang_wei)
    services.attendance_transition(actor=world.wang_wei, attendance=a, name="request_leave", note="出差")
    actor = getattr(world, approver)
    if allowed:
        services.leave_decide(actor=actor, attendance=a, approve=True, note="同意")
        a.refresh_from_db()
        assert (a.state, a.leave_decided_by_id, a.leave_reason) == (
            AttendanceState.LEAVE_APPROVED,
            actor.pk,
            "出差",
        )
        event = AttendanceEvent.objects.get(attendance=a, name="approve_leave")
        assert event.data.get("on_behalf_of_approver", False) == (approver == "chen_jing")
    else:
        with pytest.raises(Forbidden):
            services.leave_decide(actor=actor, attendance=a, approve=True)


def test_secretary_general_approves_plenary_leave_and_setting_stops_the_secretariat(world, make_meeting):
    sg = membership_of(world.li_na)
    sg.leadership = "secretary_general"
    sg.save()
    MeetingSettings.objects.create(committee=world.committee, secretariat_records_leave=False)
    meeting = make_meeting("plenary")
    a = attendance_of(meeting, world.wang_wei)
    services.attendance_transition(actor=world.wang_wei, attendance=a, name="request_leave", note="生病")
    with pytest.raises(Forbidden):
        services.leave_decide(actor=world.chen_jing, attendance=a, approve=True)
    services.leave_decide(actor=world.li_na, attendance=a, approve=False, note="会议重要")
    a.refresh_from_db()
    assert a.state == AttendanceState.CONFIRMED


def test_leave_needs_a_reason(world, make_meeting):
    a = attendance_of(make_meeting("plenary"), world.wang_wei)
    with pytest.raises(Invalid) as exc:
        services.attendance_transition(actor=world.wang_wei, attendance=a, name="request_leave", note="  ")
    assert "reason" in exc.value.fields


def test_qr_sign_in_once_per_sitting(world, make_meeting):
    meeting = make_meeting("plenary", sittings=2)
    s1, _s2 = meeting.sittings.all()
    token = signin.make_token(s1.pk)
    a = services.attendance_sign_in(actor=world.wang_wei, meeting=meeting, sitting_id=s1.pk, token=token)
    assert a.state == AttendanceState.PRESENT
    with pytest.raises(Conflict) as exc:
        services.attendance_sign_in(actor=world.wang_wei, meeting=meeting, sitting_id=s1.pk, token=token)
    assert exc.value.code == "already_signed_in"
    assert "无需重复签到" in exc.value.message
    assert SignIn.objects.filter(attendance=a).count() == 1


def test_qr_token_of_another_sitting_or_meeting_is_refused(world, make_meeting):
    meeting = make_meeting("plenary", sittings=2)
    other = make_meeting("standing")
    s1, s2 = meeting.sittings.all()
    with pytest.raises(Invalid) as exc:
        services.attendance_sign_in(
            actor=world.wang_wei, meeting=meeting, sitting_id=s2.pk, token=signin.make_token(s1.pk)
        )
    assert exc.value.code == "token_other_sitting"
    with pytest.raises(Invalid) as exc:
        services.attendance_sign_in(
            actor=world.wang_wei,
            meeting=meeting,
            sitting_id=None,
            token=signin.make_token(other.sittings.get().pk),
        )
    assert exc.value.code == "token_other_sitting"
    assert not SignIn.objects.exists()


def test_expired_or_forged_token_is_refused(world, make_meeting):
    meeting = make_meeting("plenary")
    sitting = meeting.sittings.get()
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        token = signin.make_token(sitting.pk)
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 6, tzinfo=dt.UTC), tick=False):
        with pytest.raises(Invalid) as exc:
            services.attendance_sign_in(
                actor=world.wang_wei, meeting=meeting, sitting_id=sitting.pk, token=token
            )
        assert exc.value.code == "token_expired"
        assert "已过期" in exc.value.message
        with pytest.raises(Invalid) as exc:
            services.attendance_sign_in(
                actor=world.wang_wei, meeting=meeting, sitting_id=sitting.pk, token=token[:-2] + "xx"
            )
        assert exc.value.code == "token_invalid"


def test_code_sign_in_and_wrong_code(world, make_meeting):
    meeting = make_meeting("plenary")
    sitting = meeting.sittings.get()
    code = signin.current_code(sitting.pk, window_seconds=300)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(Invalid):
        services.attendance_sign_in(actor=world.wang_wei, meeting=meeting, sitting_id=sitting.pk, code=wrong)
    a = services.attendance_sign_in(actor=world.wang_wei, meeting=meeting, sitting_id=sitting.pk, code=code)
    assert a.sign_ins.get().method == "code"


def test_uninvited_member_cannot_sign_in(world, make_meeting):
    meeting = make_meeting("plenary")
    sitting = meeting.sittings.get()
    with pytest.raises(Forbidden):
        services.attendance_sign_in(
            actor=world.outsider, meeting=meeting, sitting_id=sitting.pk, token=signin.make_token(sitting.pk)
        )


@pytest.mark.parametrize(
    ("sittings", "attended", "numerator", "denominator", "final"),
    [
        (3, 3, 2, 3, AttendanceState.PRESENT),
        (3, 2, 2, 3, AttendanceState.PRESENT),  # exactly two thirds
        (3, 1, 2, 3, AttendanceState.ABSENT),  # under two thirds "视为缺席"
        (4, 2, 2, 3, AttendanceState.ABSENT),
        (4, 2, 1, 2, AttendanceState.PRESENT),  # a committee that sets one half
    ],
)
def test_two_thirds_rule(world, make_meeting, sittings, attended, numerator, denominator, final):
    MeetingSettings.objects.create(
        committee=world.committee, attendance_numerator=numerator, attendance_denominator=denominator
    )
    meeting = make_meeting("plenary", sittings=sittings)
    a = attendance_of(meeting, world.wang_wei)
    ids = list(meeting.sittings.values_list("pk", flat=True))[:attended]
    services.attendance_mark(actor=world.chen_jing, attendance=a, present=True, sitting_ids=ids)
    services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="close")
    a.refresh_from_db()
    assert (a.state, a.finalized) == (final, True)
    expected = DutyKind.MEETING_ATTENDED if final == AttendanceState.PRESENT else DutyKind.MEETING_ABSENT
    event = DutyEvent.objects.get(dedupe_key=f"meetings.attendance:{a.pk}")
    assert event.kind == expected
    assert event.attributes["sittings"] == attended


def test_close_records_every_outcome_in_the_duty_record(world, chair, make_meeting):
    meeting = make_meeting("plenary", sittings=2)
    present = attendance_of(meeting, world.wang_wei)
    on_leave = attendance_of(meeting, world.li_na)
    services.attendance_mark(actor=world.chen_jing, attendance=present, present=True, late=True)
    services.attendance_transition(actor=world.li_na, attendance=on_leave, name="request_leave", note="出差")
    services.leave_decide(actor=world.sun_li, attendance=on_leave, approve=True)
    services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="close")
    kinds = dict(
        DutyEvent.objects.filter(source=f"meetings.meeting:{meeting.pk}")
        .values_list("membership_id", "kind")
        .order_by("kind")
    )
    assert DutyEvent.objects.filter(
        membership=membership_of(world.wang_wei), kind=DutyKind.MEETING_LATE
    ).exists()
    assert kinds[membership_of(world.li_na).pk] == DutyKind.MEETING_LEAVE
    assert kinds[membership_of(world.sun_li).pk] == DutyKind.MEETING_ABSENT
    # The default rules: plenary attended 50, leave 30, absent 0.
    assert MemberScore.objects.get(membership=membership_of(world.wang_wei), year=2026).total == Decimal(
        "50.00"
    )
    assert MemberScore.objects.get(membership=membership_of(world.li_na), year=2026).total == Decimal("30.00")
    # After close nobody signs in any more.
    with pytest.raises(Forbidden):
        services.attendance_sign_in(
            actor=world.li_na,
            meeting=meeting,
            sitting_id=None,
            token=signin.make_token(meeting.sittings.first().pk),
        )


def test_research_attendance_counts_as_research(world, make_meeting):
    meeting = make_meeting("research", offsite=True)
    a = attendance_of(meeting, world.wang_wei)
    services.attendance_mark(actor=world.chen_jing, attendance=a, present=True)
    services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="close")
    assert DutyEvent.objects.get(dedupe_key=f"meetings.attendance:{a.pk}").kind == DutyKind.RESEARCH


def test_speech_enters_the_record_and_deleting_voids_it(world, make_meeting):
    meeting = make_meeting("plenary")
    m = membership_of(world.wang_wei)
    speech = services.speech_record(
        actor=world.chen_jing,
        meeting=meeting,
        membership_id=m.pk,
        mode="written",
        title="关于老旧小区改造的建议",
    )
    event = DutyEvent.objects.get(dedupe_key=f"meetings.speech:{speech.pk}")
    assert (event.kind, event.attributes["mode"]) == (DutyKind.SPEECH, "written")
    assert MemberScore.objects.get(membership=m, year=2026).total == Decimal("5.00")
    services.speech_delete(actor=world.chen_jing, speech=speech)
    event.refresh_from_db()
    assert event.voided_at is not None
    with pytest.raises(Invalid):
        services.speech_record(actor=world.chen_jing, meeting=meeting, membership_id=None, mode="x", title="")


def test_absence_flags_after_three_plenary_absences(world, make_meeting):
    for _ in range(3):
        meeting = make_meeting("plenary")
        services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="close")
    rows = {r.membership.person.name: r for r in queries.absence_counters(world.committee.pk, world.term.pk)}
    assert rows["王伟"].plenary == 3
    assert rows["王伟"].flagged


def test_standing_flag_needs_seven_for_standing_members(world, make_meeting):
    MeetingSettings.objects.create(committee=world.committee, standing_absence_flag=2)
    m = membership_of(world.li_na)
    m.is_standing = True
    m.save()
    for _ in range(2):
        services.meeting_transition(actor=world.chen_jing, meeting=make_meeting("standing"), name="close")
    rows = {r.membership.person.name: r for r in queries.absence_counters(world.committee.pk, world.term.pk)}
    assert rows["李娜"].flagged
    assert not rows["王伟"].flagged


def test_minutes_and_outcomes(world, make_meeting):
    meeting = make_meeting("thematic")
    services.meeting_update_record(
        actor=world.chen_jing, meeting=meeting, minutes="纪要", outcomes="形成协商意见3条"
    )
    meeting.refresh_from_db()
    assert meeting.outcomes == "形成协商意见3条"
    with pytest.raises(Forbidden):
        services.meeting_update_record(actor=world.wang_wei, meeting=meeting, minutes="x", outcomes="")


def test_paper_sheet_bulk_marking(world, make_meeting):
    meeting = make_meeting("plenary", sittings=3)
    ids = list(meeting.attendances.values_list("pk", flat=True))
    s1 = meeting.sittings.first()
    assert (
        services.attendance_mark_present_bulk(
            actor=world.chen_jing, meeting=meeting, attendance_ids=ids, sitting_ids=[s1.pk]
        )
        == 3
    )
    assert (
        services.attendance_mark_present_bulk(actor=world.chen_jing, meeting=meeting, attendance_ids=ids) == 0
    )
    assert SignIn.objects.filter(attendance__meeting=meeting).count() == 9
    with pytest.raises(Invalid):
        services.attendance_mark_present_bulk(actor=world.chen_jing, meeting=meeting, attendance_ids=[999999])
    with pytest.raises(Forbidden):
        services.attendance_mark_present_bulk(actor=world.zhao_lei, meeting=meeting, attendance_ids=ids)


def test_closing_a_big_meeting_rebuilds_scores_in_bulk(world, make_meeting, monkeypatch):
    """Past the threshold the deferred rebuild is one committee pass; the scores are the same."""
    from tongxin.duties import services as duty_services

    monkeypatch.setattr(duty_services, "BULK_REBUILD_THRESHOLD", 1)
    meeting = make_meeting("plenary")
    ids = list(meeting.attendances.values_list("pk", flat=True))
    services.attendance_mark_present_bulk(actor=world.chen_jing, meeting=meeting, attendance_ids=ids)
    services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="close")
    assert set(MemberScore.objects.filter(year=2026).values_list("total", flat=True)) == {Decimal("50.00")}


def test_attendance_statistics_per_kind(world, chair, make_meeting):
    meeting = make_meeting("plenary")
    services.attendance_mark(
        actor=world.chen_jing, attendance=attendance_of(meeting, world.wang_wei), present=True, late=True
    )
    on_leave = attendance_of(meeting, world.li_na)
    services.attendance_transition(actor=world.li_na, attendance=on_leave, name="request_leave", note="出差")
    services.leave_decide(actor=world.sun_li, attendance=on_leave, approve=True)
    services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="close")
    make_meeting("plenary")  # notified, not held yet: not counted
    stats = queries.attendance_statistics(world.committee.pk, 2026)
    t = stats["totals"]
    assert (t["meetings"], t["invited"], t["present"], t["excused"], t["absent"], t["late"]) == (
        1,
        3,
        1,
        1,
        1,
        1,
    )
    assert t["attendance_rate"] == 33.3
    [row] = stats["by_kind"]
    assert (row["category"], row["invited"], row["present"]) == ("plenary", 3, 1)
    assert queries.attendance_statistics(world.committee.pk, 2025)["totals"]["invited"] == 0
