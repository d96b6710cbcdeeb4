"""Working days in mainland China: public holidays and the 调休 make-up working days.

Every deadline in tongxin counts in these days: reassignment windows of 3/5/7/10 working days, the
15-working-day contact and feedback windows (domain.md rules 20–22) and "reply within three months"
(rule 21). What a day is, in order of precedence:

1. the office's override of that day (a `CalendarDay` row; one calendar for the whole installation);
2. the `chinesecalendar` package, which carries the State Council's yearly holiday notices up to
   some year (`PACKAGE_LAST_YEAR`) and raises for later years, so we read its tables directly;
3. for a year the package does not cover: Monday to Friday working, Saturday and Sunday not.

A computation that touches a year nobody has entered yet still answers (rule 3), and
`is_covered` / `span_covered` tell the caller that the answer may move once the notice is entered.

Range computations read the overrides of the range they need in one query (`OverrideWindow`), never
one query per day. The rule for a day with a known set of overrides is the pure `day_is_working`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping

import chinese_calendar

from .models import CalendarDay

# The package's tables: date → English holiday name. `holidays` holds every rest day of a holiday
# period (weekend days inside it included); `workdays` holds the weekend days worked in exchange.
_PACKAGE_HOLIDAYS: Mapping[dt.date, str] = chinese_calendar.holidays
_PACKAGE_WORKDAYS: Mapping[dt.date, str] = chinese_calendar.workdays
PACKAGE_FIRST_YEAR: int = min(day.year for day in _PACKAGE_HOLIDAYS)
PACKAGE_LAST_YEAR: int = max(day.year for day in _PACKAGE_HOLIDAYS)

_CHINESE_NAMES: dict[str, str] = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}

# A year's notice sometimes moves days at the very end of the previous December (元旦 2007: 29–31
# December 2006 worked or rested; 元旦 2019: 29 December 2018 worked). A day from this date on
# therefore also depends on the next year's notice.
NEW_YEAR_SPILL_FROM = (12, 29)

# Two days every yearly notice fixes as rest days (《全国年节及纪念日放假办法》第二条: 元旦 1 月 1 日,
# 国庆节 10 月 1 日): the office has entered a year's notice once both are in the overrides as rest
# days. The notice lists 元旦 first and 国庆节 last, so this marks an entry that reached the end.
COVERAGE_ANCHORS = ((1, 1), (10, 1))

# How far ahead to read overrides at first: N working days take about 7/5·N calendar days, plus up
# to a few weeks of holidays a year. Outgrowing the window costs one more query, not a wrong answer.
_WINDOW_SLACK_DAYS = 45

_ONE_DAY = dt.timedelta(days=1)


def package_covers(year: int) -> bool:
    """True when the `chinesecalendar` package carries the State Council's notice for `year`."""
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


def default_is_working_day(day: dt.date) -> bool:
    """The package's answer for `day`, or Monday–Friday for a year the package does not cover."""
    if day in _PACKAGE_WORKDAYS:
        return True
    if day in _PACKAGE_HOLIDAYS:
        return False
    return day.weekday() < 5


def package_day_name(day: dt.date) -> str:
    """The package's Chinese holiday name for a holiday or 调休 day (e.g. "春节"), else ""."""
    english = _PACKAGE_WORKDAYS.get(day) or _PACKAGE_HOLIDAYS.get(day)
    if english is None:
        return ""
    return _CHINESE_NAMES.get(english, english)


def package_days(year: int) -> dict[dt.date, bool]:
    """Every holiday and 调休 day the package knows in `year`: date → is a working day."""
    days = {day: False for day in _PACKAGE_HOLIDAYS if day.year == year}
    days.update({day: True for day in _PACKAGE_WORKDAYS if day.year == year})
    return days


def day_is_working(day: dt.date, overrides: Mapping[dt.date, bool]) -> bool:
    """Whether `day` is a working day, given the overrides known around it (an override wins)."""
    override = overrides.get(day)
    if override is not None:
        return override
    return default_is_working_day(day)


def overrides_cover_year(year: int, overrides: Mapping[dt.date, bool]) -> bool:
    """True when `overrides` hold `year`'s notice: 1 January and 1 October entered as rest days."""
    return all(overrides.get(dt.date(year, month, day)) is False for month, day in COVERAGE_ANCHORS)


def load_overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """The overrides from `first` to `last` inclusive, in one query."""
    rows = CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "is_working_day")
    return dict(rows)


def _shifted(day: dt.date, delta: dt.timedelta) -> dt.date:
    """`day + delta`, stopping at the calendar's ends instead of overflowing."""
    try:
        return day + delta
    except OverflowError:
        return dt.date.max if delta > dt.timedelta(0) else dt.date.min


class OverrideWindow:
    """The overrides of a date range, read once and grown by one query when a forward walk leaves it."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.last = last
        self.days = load_overrides(first, last)

    def is_working(self, day: dt.date) -> bool:
        """Whether `day` is a working day; reads the next window first if `day` is past this one."""
        if day < self.first:
            raise ValueError("the window only walks forward")
        if day > self.last:
            new_last = max(day, _shifted(self.last, self._span()))
            self.days.update(load_overrides(self.last + _ONE_DAY, new_last))
            self.last = new_last
        return day_is_working(day, self.days)

    def _span(self) -> dt.timedelta:
        # Double the window each time it runs out, so a long walk costs few queries.
        return max(self.last - self.first, dt.timedelta(days=_WINDOW_SLACK_DAYS))


def is_working_day(day: dt.date) -> bool:
    """Whether `day` is a working day: the override if there is one, else the package or weekends."""
    override = CalendarDay.objects.filter(date=day).values_list("is_working_day", flat=True).first()
    if override is not None:
        return override
    return default_is_working_day(day)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day` (the day itself never counts)."""
    window = OverrideWindow(day + _ONE_DAY, _shifted(day, dt.timedelta(days=_WINDOW_SLACK_DAYS)))
    candidate = day + _ONE_DAY
    while not window.is_working(candidate):
        candidate += _ONE_DAY
    return candidate


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The deadline `n` working days after `start`.

    Counting starts the day after `start`: the first working day after `start` is day 1, so a task
    given on a Friday with 1 working day is due the next working Monday. `n` = 0 means "on the day":
    `start` itself if it is a working day, else the next working day. `n` must not be negative.
    """
    if n < 0:
        raise ValueError("n must be zero or positive")
    window = OverrideWindow(start, _shifted(start, dt.timedelta(days=n * 3 // 2 + _WINDOW_SLACK_DAYS)))
    day = start
    if n == 0:
        while not window.is_working(day):
            day += _ONE_DAY
        return day
    counted = 0
    while counted < n:
        day += _ONE_DAY
        if window.is_working(day):
            counted += 1
    return day


def working_days_between(a: dt.date, b: dt.date) -> int:
    """The working days after `a` up to and including `b`; negative when `b` is before `a`.

    It inverts `add_working_days`: working_days_between(s, add_working_days(s, n)) == n for n ≥ 1.
    """
    if b < a:
        return -working_days_between(b, a)
    if b == a:
        return 0
    overrides = load_overrides(a + _ONE_DAY, b)
    count = 0
    day = a + _ONE_DAY
    while day <= b:
        if day_is_working(day, overrides):
            count += 1
        day += _ONE_DAY
    return count


def add_months(day: dt.date, n: int) -> dt.date:
    """The same day `n` calendar months later (or earlier, for negative `n`), clamped to the
    month's end: 31 January + 1 month is 28 February, or 29 February in a leap year."""
    months = day.year * 12 + (day.month - 1) + n
    year, month = divmod(months, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def covered_years(years: Iterable[int]) -> set[int]:
    """Which of `years` the package or the overrides cover; one query for all of them at most."""
    wanted = set(years)
    covered = {year for year in wanted if package_covers(year)}
    rest = wanted - covered
    if rest:
        anchors = [dt.date(year, month, day) for year in rest for month, day in COVERAGE_ANCHORS]
        overrides = dict(CalendarDay.objects.filter(date__in=anchors).values_list("date", "is_working_day"))
        covered |= {year for year in rest if overrides_cover_year(year, overrides)}
    return covered


def is_covered(year: int) -> bool:
    """True when the package or the office's overrides know `year`'s holidays."""
    return year in covered_years([year])


def years_needed(first: dt.date, last: dt.date) -> set[int]:
    """The years whose notices decide the days from `first` to `last` (late December needs the next)."""
    years = set(range(first.year, last.year + 1))
    if (last.month, last.day) >= NEW_YEAR_SPILL_FROM and last.year < dt.MAXYEAR:
        years.add(last.year + 1)
    return years


def span_covered(first: dt.date, last: dt.date) -> bool:
    """True when every notice deciding the days from `first` to `last` is known."""
    needed = years_needed(first, last)
    return covered_years(needed) == needed
