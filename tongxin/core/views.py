"""The working-day calendar page: a year's holidays and 调休 days, the office's overrides and the
deadline calculator. Every part works as plain GET/POST; htmx only swaps the year and the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import access, queries, services
from .errors import DomainError, Invalid
from .forms import CalendarDayForm, DayClearForm, DeadlineForm, YearForm
from .htmx import render_page_or_partial

TEMPLATE = "core/calendar.html"


def _year_of(form: YearForm) -> int:
    """The year asked for, or this year when the input is invalid (the form then says why)."""
    this_year = timezone.localdate().year
    if not form.is_valid() or form.cleaned_data["year"] is None:
        return this_year
    try:
        return queries.validate_year(form.cleaned_data["year"])
    except Invalid as exc:
        form.add_error("year", exc.message)
        return this_year


def _edit_initial(request: HttpRequest) -> dict[str, Any]:
    """The override form's initial values when a row's "修改" link named a day (?edit=)."""
    form = DayClearForm({"date": request.GET.get("edit", "")})
    if not form.is_valid():
        return {}
    day: dt.date = form.cleaned_data["date"]
    entry = queries.calendar_entry(day)
    if entry is None:
        return {"date": day}
    return {"date": day, "is_working_day": "1" if entry.is_working_day else "0", "note": entry.name}


def _page(request: HttpRequest, *, year: int | None = None, **parts: Any) -> dict[str, Any]:
    """Everything the full page shows; `parts` replaces the forms a view has already bound."""
    this_year = timezone.localdate().year
    if year is None and request.GET.get("year"):
        year_form = YearForm(request.GET)
        year = _year_of(year_form)
    else:
        year = year or this_year
        year_form = YearForm(initial={"year": year})
    can_edit = access.can_edit_calendar(request.user)
    context: dict[str, Any] = {
        "year": year,
        "year_form": year_form,
        "calendar": queries.calendar_year(year),
        "previous_year": year - 1 if year > queries.FIRST_YEAR else None,
        "next_year": year + 1 if year < queries.LAST_YEAR else None,
        "can_edit": can_edit,
        "day_form": CalendarDayForm(initial=_edit_initial(request)) if can_edit else None,
        "deadline_form": DeadlineForm(initial={"start": timezone.localdate(), "unit": "working_days"}),
        "deadline": None,
    }
    context.update(parts)
    return context


def _add_errors(form: Any, exc: DomainError, rename: dict[str, str] | None = None) -> None:
    """Show a refusal on the form: field messages on their fields (`rename`d), the rest on top."""
    fields = exc.fields if isinstance(exc, Invalid) else {}
    if not fields:
        form.add_error(None, exc.message)
    for name, errors in fields.items():
        target = (rename or {}).get(name, name)
        for error in errors:
            form.add_error(target if target in form.fields else None, error)


@login_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    """A year's holidays and 调休 days (?year=), the override form for editors, the calculator."""
    if not access.can_view_calendar(request.user):
        raise PermissionDenied
    return render_page_or_partial(request, TEMPLATE, _page(request), partial="year-panel")


@login_required
@require_GET
def deadline_view(request: HttpRequest) -> HttpResponse:
    """The calculator's answer: only the result for htmx, else the whole page with the result."""
    if not access.can_view_calendar(request.user):
        raise PermissionDenied
    form = DeadlineForm(request.GET)
    deadline = None
    if form.is_valid():
        try:
            deadline = queries.deadline_compute(**form.deadline_arguments())
        except Invalid as exc:
            # The range rules name the API's fields (working_days, months); the page has one "count".
            _add_errors(form, exc, rename={"working_days": "count", "months": "count"})
    parts: dict[str, Any] = {"deadline_form": form, "deadline": deadline}
    context = parts if getattr(request, "htmx", False) else _page(request, **parts)
    return render_page_or_partial(request, TEMPLATE, context, partial="deadline-result")


@login_required
@require_POST
def day_set_view(request: HttpRequest) -> HttpResponse:
    """Add or change an override; back to that day's year, or the page again with the errors."""
    if not access.can_edit_calendar(request.user):
        raise PermissionDenied
    form = CalendarDayForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.calendar_day_set(
                actor=request.user,
                date=data["date"],
                is_working_day=data["is_working_day"],
                note=data["note"],
                request=request,
            )
        except DomainError as exc:
            _add_errors(form, exc)
            status = exc.status
        else:
            messages.success(request, _("已保存 %(date)s 的调整。") % {"date": data["date"].isoformat()})
            return redirect(f"{reverse('core:calendar')}?year={data['date'].year}")
    date = form.cleaned_data.get("date")
    year = date.year if isinstance(date, dt.date) else None
    in_range = year is not None and queries.FIRST_YEAR <= year <= queries.LAST_YEAR
    context = _page(request, year=year if in_range else None, day_form=form)
    return render_page_or_partial(request, TEMPLATE, context, status=status)


@login_required
@require_POST
def day_clear_view(request: HttpRequest) -> HttpResponse:
    """Remove an override, then back to that day's year with a message either way."""
    if not access.can_edit_calendar(request.user):
        raise PermissionDenied
    form = DayClearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("要删除的日期有误。"))
        return redirect("core:calendar")
    date: dt.date = form.cleaned_data["date"]
    try:
        services.calendar_day_clear(actor=request.user, date=date, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除 %(date)s 的调整。") % {"date": date.isoformat()})
    return redirect(f"{reverse('core:calendar')}?year={date.year}")
