"""API of the working-day calendar: a year's holidays and 调休 days, overrides, deadlines.

Reading is open to every signed-in user (the calendar is national); changing it to office staff and
the system administrator (access.py). The page and these endpoints call the same queries and services.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from . import access, queries, services
from .errors import Forbidden
from .forms import DeadlineQueryForm, YearForm, parse_iso_date, parsed
from .schemas import CalendarDayIn, CalendarDayOut, CalendarYearOut, DeadlineOut, ErrorOut

router = Router()


def _require_reader(request: HttpRequest) -> None:
    if not access.can_view_calendar(request.user):
        raise Forbidden(_("您无权查看工作日历。"))


def _day_out(entry: queries.CalendarEntry) -> CalendarDayOut:
    return CalendarDayOut(
        date=entry.date,
        is_working_day=entry.is_working_day,
        name=entry.name,
        source=entry.source,
        default_is_working_day=entry.default_is_working_day,
    )


@router.get(
    "/days",
    response={200: CalendarYearOut, 403: ErrorOut, 422: ErrorOut},
    summary="某年的节假日与调休上班日",
)
def days_list(request: HttpRequest, year: str = "") -> CalendarYearOut:
    """Every day of `year` (default: this year) that is not an ordinary weekday or weekend, with its
    source. At most 366 items, so the list is not paged."""
    _require_reader(request)
    chosen = parsed(YearForm({"year": year}))["year"] or timezone.localdate().year
    calendar = queries.calendar_year(chosen)
    return CalendarYearOut(
        year=calendar.year, covered=calendar.covered, items=[_day_out(entry) for entry in calendar.entries]
    )


@router.put(
    "/days/{day}",
    response={200: CalendarDayOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="添加或修改某天的调整（机关工作人员、系统管理员）",
)
def day_put(request: HttpRequest, day: str, payload: CalendarDayIn) -> CalendarDayOut:
    """Set `day` (YYYY-MM-DD) to a working or rest day; the override wins over the State Council's
    notice for every committee on this installation."""
    date = parse_iso_date(day)
    saved = services.calendar_day_set(
        actor=request.user,
        date=date,
        is_working_day=payload.is_working_day,
        note=payload.note,
        request=request,
    )
    return _day_out(queries.override_entry(saved))


@router.delete(
    "/days/{day}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="删除某天的调整（机关工作人员、系统管理员）",
)
def day_delete(request: HttpRequest, day: str) -> Status[None]:
    """Remove the override of `day`, so the default arrangement decides it again."""
    date = parse_iso_date(day)
    services.calendar_day_clear(actor=request.user, date=date, request=request)
    return Status(204, None)


@router.get(
    "/deadline",
    response={200: DeadlineOut, 403: ErrorOut, 422: ErrorOut},
    summary="计算期限：起算日加 N 个工作日或 N 个月",
)
def deadline(request: HttpRequest, start: str = "", working_days: str = "", months: str = "") -> DeadlineOut:
    """Give exactly one of `working_days` (counted from the day after `start`; 0 = `start` itself or
    the next working day) and `months` (a due date on a rest day moves to the next working day)."""
    _require_reader(request)
    data = parsed(DeadlineQueryForm({"start": start, "working_days": working_days, "months": months}))
    result = queries.deadline_compute(
        start=data["start"], working_days=data["working_days"], months=data["months"]
    )
    return DeadlineOut(start=result.start, due=result.due, covered=result.covered)
