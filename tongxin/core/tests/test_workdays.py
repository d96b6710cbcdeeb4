"""Working-day arithmetic against the State Council's real notices for 2025 and 2026.

The expected dates below were read from chinesecalendar 1.11 (get_holiday_detail / get_workdays)
and checked against the notices:
  2025 春节: rest 28 Jan (Tue) – 4 Feb (Tue); worked Sun 26 Jan and Sat 8 Feb.
  2025 国庆+中秋: rest 1 – 8 Oct; worked Sun 28 Sep and Sat 11 Oct.
  2026 元旦: rest 1 – 3 Jan; worked Sun 4 Jan.
  2026 春节: rest 15 Feb (Sun) – 23 Feb (Mon); worked Sat 14 Feb and Sat 28 Feb.
  2026 中秋: rest Fri 25 Sep; 国庆: rest 1 – 7 Oct; worked Sun 20 Sep and Sat 10 Oct.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from tongxin.core import queries, workdays
from tongxin.core.errors import Invalid
from tongxin.core.models import CalendarDay

D = dt.date


def override(day: dt.date, working: bool, note: str = "测试调整") -> CalendarDay:
    return CalendarDay.objects.create(date=day, is_working_day=working, note=note)


def enter_notice(year: int) -> None:
    """What an office enters for a year the package lacks: 元旦 and 国庆节 (the coverage anchors)."""
    override(D(year, 1, 1), False, "元旦")
    override(D(year, 10, 1), False, "国庆节")


def test_the_package_data_matches_what_these_tests_assume():
    assert chinese_calendar.get_holiday_detail(D(2026, 2, 14)) == (False, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(D(2026, 2, 23)) == (True, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(D(2025, 1, 26)) == (False, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(D(2025, 10, 8)) == (True, "National Day")
    assert workdays.PACKAGE_LAST_YEAR == 2026


# --- single days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 14), True),  # Saturday, 春节调休上班
        (D(2026, 2, 28), True),  # Saturday, 春节调休上班
        (D(2026, 2, 16), False),  # Monday, 春节
        (D(2026, 2, 23), False),  # Monday, 春节 (last day)
        (D(2026, 2, 24), True),  # Tuesday, back at work
        (D(2026, 2, 21), False),  # Saturday inside the holiday
        (D(2025, 1, 26), True),  # Sunday, 春节调休上班
        (D(2025, 10, 8), False),  # Wednesday, 国庆
        (D(2025, 10, 11), True),  # Saturday, 国庆调休上班
        (D(2026, 9, 20), True),  # Sunday, 国庆调休上班
        (D(2026, 9, 25), False),  # Friday, 中秋
        (D(2026, 11, 20), True),  # an ordinary Friday
        (D(2026, 11, 21), False),  # an ordinary Saturday
    ],
)
def test_is_working_day_follows_the_notice(db, day, working):
    assert workdays.is_working_day(day) is working


def test_uncovered_year_counts_only_weekends(db):
    assert workdays.is_working_day(D(2031, 1, 1)) is True  # a Wednesday; nobody has entered 2031
    assert workdays.is_working_day(D(2031, 1, 4)) is False  # Saturday
    assert workdays.is_covered(2031) is False
    assert workdays.is_covered(2026) is True
    assert workdays.is_covered(2004) is True
    assert workdays.is_covered(2003) is False


def test_override_wins_over_the_package(db):
    override(D(2026, 2, 14), False, "本地不调休")
    override(D(2026, 11, 20), False, "本地活动日")
    override(D(2026, 10, 7), True, "本地上班")
    assert workdays.is_working_day(D(2026, 2, 14)) is False
    assert workdays.is_working_day(D(2026, 11, 20)) is False
    assert workdays.is_working_day(D(2026, 10, 7)) is True


def test_next_working_day_is_strictly_after(db):
    assert workdays.next_working_day(D(2026, 2, 13)) == D(2026, 2, 14)  # Fri → 调休 Saturday
    assert workdays.next_working_day(D(2026, 2, 14)) == D(2026, 2, 24)  # over the whole holiday
    assert workdays.next_working_day(D(2026, 11, 20)) == D(2026, 11, 23)  # Fri → Mon


# --- add_working_days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # The Friday before 春节 2025: Sun 26 Jan is worked, then 28 Jan – 4 Feb rest.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 24), 2, D(2025, 1, 27)),
        (D(2025, 1, 24), 3, D(2025, 2, 5)),
        (D(2025, 1, 24), 5, D(2025, 2, 7)),
        # The Friday before 春节 2026: Sat 14 Feb is worked, then 15 – 23 Feb rest.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 13), 5, D(2026, 2, 27)),
        (D(2026, 2, 13), 6, D(2026, 2, 28)),  # the second 调休 Saturday counts
        # 国庆 2025: Sun 28 Sep worked, 1 – 8 Oct rest, Sat 11 Oct worked.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 26), 3, D(2025, 9, 30)),
        (D(2025, 9, 26), 4, D(2025, 10, 9)),
        (D(2025, 9, 26), 6, D(2025, 10, 11)),
        # 中秋 + 国庆 2026: Fri 25 Sep rest, 1 – 7 Oct rest, Sat 10 Oct worked.
        (D(2026, 9, 24), 1, D(2026, 9, 28)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        # Across the 2025/2026 boundary: 1 – 3 Jan rest, Sun 4 Jan worked.
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        # An ordinary week: a task given on Friday with 5 days is due next Friday.
        (D(2026, 11, 20), 5, D(2026, 11, 27)),
    ],
)
def test_add_working_days_counts_from_the_next_day(db, start, n, due):
    assert workdays.add_working_days(start, n) == due
    assert workdays.working_days_between(start, due) == n


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (D(2026, 11, 20), D(2026, 11, 20)),  # a working Friday: the day itself
        (D(2026, 11, 21), D(2026, 11, 23)),  # a Saturday: the next Monday
        (D(2026, 2, 14), D(2026, 2, 14)),  # a 调休 Saturday is a working day
        (D(2026, 2, 15), D(2026, 2, 24)),  # inside 春节: the first day back
    ],
)
def test_zero_working_days_is_the_day_itself_or_the_next_working_day(db, start, due):
    assert workdays.add_working_days(start, 0) == due


def test_negative_working_days_are_refused(db):
    with pytest.raises(ValueError, match="n must be zero or positive"):
        workdays.add_working_days(D(2026, 1, 5), -1)


def test_overrides_move_deadlines(db):
    override(D(2026, 10, 8), False, "本地休息")
    assert workdays.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)
    override(D(2026, 2, 14), False, "本地不调休")
    assert workdays.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 24)


def test_uncovered_year_uses_weekends_plus_overrides(db):
    # 2031-01-01 is a Wednesday: without a notice it is worked.
    assert workdays.add_working_days(D(2030, 12, 31), 1) == D(2031, 1, 1)
    result = queries.deadline_compute(start=D(2030, 12, 31), working_days=1)
    assert result.covered is False
    override(D(2031, 1, 1), False, "元旦")
    override(D(2031, 1, 4), True, "元旦调休上班")  # a Saturday worked
    assert workdays.add_working_days(D(2030, 12, 31), 1) == D(2031, 1, 2)
    assert workdays.add_working_days(D(2030, 12, 31), 3) == D(2031, 1, 4)
    # 1 January alone is not the year's notice; 1 October completes the anchors.
    assert workdays.is_covered(2031) is False
    override(D(2031, 10, 1), False, "国庆节")
    assert workdays.is_covered(2031) is True
    # Only the days after the start are consulted, all of them in 2031 now.
    assert queries.deadline_compute(start=D(2030, 12, 31), working_days=1).covered is True
    # A walk that starts in December 2030 also depends on 2030's notice.
    assert queries.deadline_compute(start=D(2030, 12, 20), working_days=10).covered is False
    enter_notice(2030)
    assert queries.deadline_compute(start=D(2030, 12, 20), working_days=10).covered is True


def test_a_working_anchor_does_not_cover_the_year(db):
    override(D(2031, 1, 1), True, "误录")
    override(D(2031, 10, 1), False, "国庆节")
    assert workdays.is_covered(2031) is False


def test_late_december_depends_on_next_years_notice(db):
    # 元旦 notices have moved days as early as 29 December, so a deadline then is not settled yet.
    assert workdays.span_covered(D(2026, 3, 1), D(2026, 12, 28)) is True
    assert workdays.span_covered(D(2026, 3, 1), D(2026, 12, 29)) is False
    late = queries.deadline_compute(start=D(2026, 12, 24), working_days=3)
    assert late.due == D(2026, 12, 29)
    assert late.covered is False
    # Across the boundary into the uncovered 2027: weekends only, and flagged.
    across = queries.deadline_compute(start=D(2026, 12, 31), working_days=1)
    assert across.due == D(2027, 1, 1)  # a Friday, worked until the notice says otherwise
    assert across.covered is False
    enter_notice(2027)
    assert queries.deadline_compute(start=D(2026, 12, 24), working_days=3).covered is True
    across = queries.deadline_compute(start=D(2026, 12, 31), working_days=1)
    assert across.due == D(2027, 1, 4)  # 1 January rest, then the weekend
    assert across.covered is True


def test_working_days_between_is_signed_and_counts_after_the_first_day(db):
    assert workdays.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert workdays.working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == -2
    assert workdays.working_days_between(D(2026, 2, 13), D(2026, 2, 13)) == 0
    # A whole year: 2026 has 250 working days by the notice (365 − 104 weekend − 17 rest + 6 worked).
    assert workdays.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == len(
        chinese_calendar.get_workdays(D(2026, 1, 1), D(2026, 12, 31))
    )


# --- add_months ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2028, 2, 29), 48, D(2032, 2, 29)),
        (D(2026, 8, 31), 3, D(2026, 11, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 20), 0, D(2026, 5, 20)),
        (D(2026, 1, 10), 24, D(2028, 1, 10)),
    ],
)
def test_add_months_clamps_to_the_month_end(start, n, due):
    assert workdays.add_months(start, n) == due


def test_months_deadline_on_a_rest_day_moves_to_the_next_working_day(db):
    # Assigned 1 July 2026, reply within 3 months: 1 October is 国庆, so the reply is due 8 October.
    result = queries.deadline_compute(start=D(2026, 7, 1), months=3)
    assert result.due == D(2026, 10, 8)
    assert result.moved_from == D(2026, 10, 1)
    assert result.covered is True
    plain = queries.deadline_compute(start=D(2026, 5, 20), months=3)
    assert plain.due == D(2026, 8, 20)
    assert plain.moved_from is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start": D(2026, 1, 5)}, "working_days"),
        ({"start": D(2026, 1, 5), "working_days": 3, "months": 1}, "months"),
        ({"start": D(2026, 1, 5), "working_days": -1}, "working_days"),
        ({"start": D(2026, 1, 5), "working_days": 1001}, "working_days"),
        ({"start": D(2026, 1, 5), "months": 121}, "months"),
        ({"start": D(1999, 12, 31), "months": 1}, "start"),
        ({"start": D(2101, 1, 1), "working_days": 1}, "start"),
    ],
)
def test_deadline_input_is_validated(db, kwargs, field):
    with pytest.raises(Invalid) as caught:
        queries.deadline_compute(**kwargs)
    assert field in caught.value.fields


# --- efficiency --------------------------------------------------------------------------------------


def test_two_hundred_working_days_cost_one_query(db, django_assert_num_queries):
    override(D(2026, 6, 1), False, "本地休息")
    with django_assert_num_queries(1):
        due = workdays.add_working_days(D(2026, 1, 5), 200)
    # Check against the package walked day by day (plus our one extra rest day).
    expected = chinese_calendar.find_workday(201, D(2026, 1, 5))
    assert due == expected
    with django_assert_num_queries(1):
        assert workdays.working_days_between(D(2026, 1, 5), due) == 200


def test_two_hundred_working_days_in_uncovered_years_stay_constant(db, django_assert_num_queries):
    for year in (2030, 2031):
        enter_notice(year)
    with django_assert_num_queries(1):
        workdays.add_working_days(D(2030, 6, 3), 200)
    with django_assert_num_queries(2):  # the walk, then one look at both years' anchors
        result = queries.deadline_compute(start=D(2030, 6, 3), working_days=200)
    assert result.covered is True


def test_a_walk_longer_than_its_window_reads_more_but_stays_right(db, django_assert_max_num_queries):
    # Two months of local rest days: the first window (45 days ahead) runs out.
    first = D(2031, 3, 3)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=first + dt.timedelta(days=i), is_working_day=False, note="停工") for i in range(70)
    )
    with django_assert_max_num_queries(3):
        assert workdays.add_working_days(D(2031, 2, 28), 1) == D(2031, 5, 12)  # Monday after the stop
    with django_assert_max_num_queries(3):
        assert workdays.next_working_day(D(2031, 3, 2)) == D(2031, 5, 12)
