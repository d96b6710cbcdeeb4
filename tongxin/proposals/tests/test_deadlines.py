"""Deadlines from the working-day calendar (core.workdays) across 春节 and 国庆 with their 调休."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tongxin.core.errors import Conflict
from tongxin.core.models import CalendarDay
from tongxin.proposals import deadlines
from tongxin.proposals.models import Assignment, Proposal, ProposalSettings, SessionDeadline
from tongxin.proposals.services import settings_for
from tongxin.proposals.workflow import State

from .factories import act, draft, joint_proposal, make_cast


@pytest.fixture
def conf(world) -> ProposalSettings:
    return settings_for(world.committee.pk)


def test_reassignment_window_counts_working_days_across_spring_festival(conf):
    # Thursday 12 Feb 2026: the 13th (Fri) and the 调休 Saturday 14th count; 15–23 Feb is 春节;
    # then the 24th, 25th and 26th.
    assert deadlines.reassign_until(assigned_on=dt.date(2026, 2, 12), conf=conf) == dt.date(2026, 2, 26)


def test_an_office_override_moves_the_deadline(conf):
    CalendarDay.objects.create(date=dt.date(2026, 2, 25), is_working_day=False, note="临时停工")
    assert deadlines.reassign_until(assigned_on=dt.date(2026, 2, 12), conf=conf) == dt.date(2026, 2, 27)


def test_month_periods_ending_on_a_holiday_end_on_the_next_working_day(conf):
    # 1 July + 3 months is 1 October, 国庆 (1–7 October 2026): the period ends on Thursday 8 October.
    assert deadlines.reply_due(
        assigned_on=dt.date(2026, 7, 1), conf=conf, session_id=None, fixed_allowed=False
    ) == dt.date(2026, 10, 8)
    # 15 Jan + 1 month is 15 Feb, inside 春节: the co-unit opinion is due on Tuesday 24 Feb.
    assert deadlines.co_opinion_due(assigned_on=dt.date(2026, 1, 15), conf=conf) == dt.date(2026, 2, 24)
    # A month end is clamped: 31 Jan + 1 month = 28 Feb 2026, a Saturday, but a 调休 working day
    # (春节 make-up), so the period ends on it.
    assert deadlines.rehandling_due(ordered_on=dt.date(2026, 1, 31), conf=conf) == dt.date(2026, 2, 28)
    # 31 Oct 2026 + 1 month is clamped to 30 Nov, a Monday.
    assert deadlines.months_after(dt.date(2026, 10, 31), 1) == dt.date(2026, 11, 30)


def test_a_tiaoxiu_saturday_is_a_working_day_for_deadlines(conf):
    # The rating window: 15 working days from Monday 28 Sept 2026 are
    # 29, 30 Sept, then (1–7 Oct 国庆) 8, 9, 10 (调休 Saturday), 12–16, 19–23 October.
    assert deadlines.rating_due(replied_on=dt.date(2026, 9, 28), conf=conf) == dt.date(2026, 10, 23)


def test_settings_change_the_periods(conf):
    conf.reply_months = 2
    conf.reassign_window_days = 10
    assert deadlines.reply_due(
        assigned_on=dt.date(2026, 3, 2), conf=conf, session_id=None, fixed_allowed=False
    ) == dt.date(2026, 5, 6)  # 2 May is in the 劳动节 holiday (1–5 May); 6 May is a Wednesday
    assert deadlines.reassign_until(assigned_on=dt.date(2026, 3, 2), conf=conf) == dt.date(2026, 3, 16)


def test_extension_never_passes_the_hard_limit(conf):
    assigned = dt.date(2026, 3, 2)
    # One month past a due date in late August would be late September, but six months after
    # assignment (2 September) is the hard limit.
    limit = deadlines.extension_limit(assigned_on=assigned, current_due=dt.date(2026, 8, 25), conf=conf)
    assert limit == dt.date(2026, 9, 2)
    limit = deadlines.extension_limit(assigned_on=assigned, current_due=dt.date(2026, 6, 2), conf=conf)
    assert limit == dt.date(2026, 7, 2)


def test_a_session_may_fix_the_reply_date_for_its_session_proposals(world, conf):
    SessionDeadline.objects.create(session=world.session, reply_due_on=dt.date(2026, 6, 30))
    kwargs = {"assigned_on": dt.date(2026, 2, 12), "conf": conf, "session_id": world.session.pk}
    assert deadlines.reply_due(**kwargs, fixed_allowed=True) == dt.date(2026, 6, 30)
    assert deadlines.reply_due(**kwargs, fixed_allowed=False) == dt.date(2026, 5, 12)


def test_assignment_deadlines_and_the_locked_window_through_the_service(world):
    cast = make_cast(world)
    with time_machine.travel(dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)):
        p = joint_proposal(cast, State.FILED)
    assert p.channel == Proposal.Channel.SESSION
    with time_machine.travel(dt.datetime(2026, 2, 12, 9, 0, tzinfo=dt.UTC)):
        p = act(
            p,
            "assign",
            world.zhang_min,
            mode="lead",
            lead_unit_id=cast.lead_unit.pk,
            co_unit_ids=[cast.co_unit.pk],
        )
    lead = Assignment.objects.get(proposal=p, unit=cast.lead_unit)
    co = Assignment.objects.get(proposal=p, unit=cast.co_unit)
    assert (lead.reassign_until, lead.reply_due_on) == (dt.date(2026, 2, 26), dt.date(2026, 5, 12))
    assert (co.reply_due_on, co.co_opinion_due_on) == (None, dt.date(2026, 3, 12))
    with (
        time_machine.travel(dt.datetime(2026, 2, 27, 9, 0, tzinfo=dt.UTC)),
        pytest.raises(Conflict) as caught,
    ):
        act(p, "request_reassignment", cast.co_staff, reason="不属于本单位职责")
    assert caught.value.code == "blocked"
    assert "锁定" in caught.value.message
    with time_machine.travel(dt.datetime(2026, 2, 26, 9, 0, tzinfo=dt.UTC)):
        p = act(p, "request_reassignment", cast.co_staff, reason="不属于本单位职责")
    assert p.state == State.REASSIGNMENT_REQUESTED


def test_interim_proposals_ignore_the_session_date(world):
    SessionDeadline.objects.create(session=world.session, reply_due_on=dt.date(2026, 6, 30))
    cast = make_cast(world)
    with time_machine.travel(dt.datetime(2026, 2, 12, 9, 0, tzinfo=dt.UTC)):
        p = joint_proposal(cast, State.ASSIGNED)
    assert p.channel == Proposal.Channel.INTERIM
    lead = Assignment.objects.get(proposal=p, unit=cast.lead_unit)
    assert lead.reply_due_on == dt.date(2026, 5, 12)
    assert draft(world).session_id is None  # a draft joins a session only on submission
