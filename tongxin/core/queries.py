"""Reads about the working-day calendar: a year's holidays and 调休 days, deadlines, and the
calendar's item on "我的待办"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, workdays
from .errors import Invalid
from .models import CalendarDay
from .todos import Todo

# The years the calendar accepts as input: wide enough for any deadline an office computes, narrow
# enough that no input walks off the end of the calendar.
FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_WORKING_DAYS = 1000
MAX_MONTHS = 120

# Offices are asked for next year's notice from this day on; the State Council usually publishes
# it in November or early December.
NOTICE_REMINDER_FROM = (11, 1)


class Source(models.TextChoices):
    PACKAGE = "package", gettext_lazy("国务院放假安排")
    OVERRIDE = "override", gettext_lazy("本平台调整")


@dataclass(frozen=True)
class CalendarEntry:
    """One day that is not an ordinary weekday or weekend: a holiday, a 调休 day or an override."""

    date: dt.date
    is_working_day: bool
    name: str
    source: str
    # What the day would be without the office's override (the package, or the weekend rule).
    default_is_working_day: bool
    changed_by: str = ""
    updated_at: dt.datetime | None = None

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def source_label(self) -> str:
        return str(Source(self.source).label)


@dataclass(frozen=True)
class CalendarYear:
    year: int
    covered: bool
    package_covered: bool
    entries: list[CalendarEntry]

    @property
    def months(self) -> list[tuple[int, list[CalendarEntry]]]:
        """The entries grouped by month, months without entries left out."""
        grouped: dict[int, list[CalendarEntry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.date.month, []).append(entry)
        return sorted(grouped.items())

    @property
    def overrides(self) -> list[CalendarEntry]:
        return [entry for entry in self.entries if entry.source == Source.OVERRIDE]


@dataclass(frozen=True)
class Deadline:
    start: dt.date
    due: dt.date
    covered: bool
    working_days: int | None = None
    months: int | None = None
    # For a months deadline: the calendar date before it moved past a rest day (else None).
    moved_from: dt.date | None = None


def validate_year(year: int, field: str = "year") -> int:
    """`year` if the calendar accepts it, else Invalid with a message for `field`."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        message = _("年份须在 %(first)d 年至 %(last)d 年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise Invalid(message, {field: [message]})
    return year


def override_entry(day: CalendarDay) -> CalendarEntry:
    """The calendar entry of one override row."""
    return CalendarEntry(
        date=day.date,
        is_working_day=day.is_working_day,
        name=day.note,
        source=Source.OVERRIDE,
        default_is_working_day=workdays.default_is_working_day(day.date),
        changed_by=day.changed_by.full_name if day.changed_by else "",
        updated_at=day.updated_at,
    )


def calendar_year(year: int) -> CalendarYear:
    """Every holiday and 调休 day of `year` with its source; the office's overrides win."""
    validate_year(year)
    entries: dict[dt.date, CalendarEntry] = {
        day: CalendarEntry(
            date=day,
            is_working_day=working,
            name=workdays.package_day_name(day),
            source=Source.PACKAGE,
            default_is_working_day=working,
        )
        for day, working in workdays.package_days(year).items()
    }
    rows = CalendarDay.objects.filter(date__year=year).select_related("changed_by")
    overrides: dict[dt.date, bool] = {}
    for row in rows:
        entries[row.date] = override_entry(row)
        overrides[row.date] = row.is_working_day
    package_covered = workdays.package_covers(year)
    return CalendarYear(
        year=year,
        covered=package_covered or workdays.overrides_cover_year(year, overrides),
        package_covered=package_covered,
        entries=[entries[day] for day in sorted(entries)],
    )


def calendar_entry(day: dt.date) -> CalendarEntry | None:
    """The calendar entry of one day, or None for an ordinary weekday or weekend."""
    row = CalendarDay.objects.filter(date=day).select_related("changed_by").first()
    if row is not None:
        return override_entry(row)
    name = workdays.package_day_name(day)
    if not name:
        return None
    working = workdays.default_is_working_day(day)
    return CalendarEntry(
        date=day, is_working_day=working, name=name, source=Source.PACKAGE, default_is_working_day=working
    )


def deadline_compute(
    *, start: dt.date, working_days: int | None = None, months: int | None = None
) -> Deadline:
    """The due date `working_days` working days or `months` calendar months after `start`.

    A months deadline that ends on a rest day moves to the next working day, as 《民法典》第二百零三条
    moves the last day of any period off a statutory holiday. `covered` is False when a notice the
    answer depends on has not been entered yet, so the date may still move.
    """
    errors: dict[str, list[str]] = {}
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        errors["start"] = [
            _("日期须在 %(first)d 年至 %(last)d 年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        ]
    if working_days is None and months is None:
        errors["working_days"] = [_("请填写工作日数或月数。")]
    elif working_days is not None and months is not None:
        errors["months"] = [_("工作日数和月数只能填写一项。")]
    elif working_days is not None and not 0 <= working_days <= MAX_WORKING_DAYS:
        errors["working_days"] = [_("工作日数须在 0 到 %(max)d 之间。") % {"max": MAX_WORKING_DAYS}]
    elif months is not None and not 0 <= months <= MAX_MONTHS:
        errors["months"] = [_("月数须在 0 到 %(max)d 之间。") % {"max": MAX_MONTHS}]
    if errors:
        raise Invalid(next(iter(errors.values()))[0], errors)
    if working_days is not None:
        due = workdays.add_working_days(start, working_days)
        # Day 1 is the day after `start`; only "0 working days" looks at `start` itself.
        first = start if working_days == 0 else start + dt.timedelta(days=1)
        return Deadline(
            start=start, due=due, covered=workdays.span_covered(first, due), working_days=working_days
        )
    assert months is not None
    calendar_due = workdays.add_months(start, months)
    due = workdays.add_working_days(calendar_due, 0)
    return Deadline(
        start=start,
        due=due,
        covered=workdays.span_covered(calendar_due, due),
        months=months,
        moved_from=calendar_due if due != calendar_due else None,
    )


def notice_missing_year(today: dt.date) -> int | None:
    """Next year, if from 1 November on its holiday notice is still missing; else None."""
    if (today.month, today.day) < NOTICE_REMINDER_FROM:
        return None
    year = today.year + 1
    return None if workdays.is_covered(year) else year


def todos_for(user: Any) -> list[Todo]:
    """For calendar editors from 1 November: an urgent reminder to enter next year's holidays."""
    if not access.can_edit_calendar(user):
        return []
    today = timezone.localdate()
    year = notice_missing_year(today)
    if year is None:
        return []
    return [
        Todo(
            title=_("请补充 %(year)d 年节假日安排") % {"year": year},
            url=f"{reverse('core:calendar')}?year={year}",
            kind="calendar",
            # Deadlines running into the new year are only right once its notice is entered.
            due=dt.date(today.year, 12, 31),
            urgent=True,
        )
    ]
