"""Writes to the working-day calendar: the office's overrides of single days.

The overrides are national, shared by every committee on the installation, not kept per committee:
the State Council's notice binds every committee alike, and one calendar means a deadline computed
for a 城关区 proposal and one for a 兰州市 proposal agree. A purely local adjustment therefore
applies to the whole installation; an installation serving committees with different local rest
days would need per-committee overrides (a model change).

There is no per-day event table: each change writes a `config_changed` row to the security log with
the day's state before and after, in the same transaction, and the row keeps who changed it last.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record

from . import access
from .errors import Conflict, Forbidden, Invalid, NotFound
from .models import CalendarDay
from .queries import FIRST_YEAR, LAST_YEAR

NOTE_MAX_LENGTH = CalendarDay._meta.get_field("note").max_length or 100


def _require_editor(actor: Any) -> None:
    if not access.can_edit_calendar(actor):
        raise Forbidden(_("您无权修改工作日历。"))


def _validate_date(date: Any) -> dt.date:
    # A datetime is a date subclass; a time of day would make no sense for a calendar day.
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        message = _("请填写有效的日期。")
        raise Invalid(message, {"date": [message]})
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        message = _("日期须在 %(first)d 年至 %(last)d 年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        raise Invalid(message, {"date": [message]})
    return date


def _snapshot(day: CalendarDay | None) -> dict[str, Any] | None:
    if day is None:
        return None
    return {"is_working_day": day.is_working_day, "note": day.note}


def _target(date: dt.date) -> str:
    return f"core.CalendarDay:{date.isoformat()}"


def calendar_day_set(
    *,
    actor: Any,
    date: dt.date,
    is_working_day: bool,
    note: str,
    request: HttpRequest | None = None,
) -> CalendarDay:
    """Add or change the override of one day (national: every committee shares the calendar)."""
    _require_editor(actor)
    date = _validate_date(date)
    errors: dict[str, list[str]] = {}
    if not isinstance(is_working_day, bool):
        errors["is_working_day"] = [_("请选择这一天是工作日还是休息日。")]
    note = note.strip() if isinstance(note, str) else ""
    if not note:
        errors["note"] = [_("请填写说明，如“春节”或“春节调休上班”。")]
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("说明不能超过 %(max)d 个字。") % {"max": NOTE_MAX_LENGTH}]
    elif any(unicodedata.category(ch).startswith("C") for ch in note):
        errors["note"] = [_("说明不能包含换行或控制字符。")]
    if errors:
        raise Invalid(next(iter(errors.values()))[0], errors)

    try:
        with transaction.atomic():
            day = CalendarDay.objects.select_for_update().filter(date=date).first()
            before = _snapshot(day)
            if day is not None and day.is_working_day == is_working_day and day.note == note:
                return day  # nothing changes, so nothing to record
            if day is None:
                day = CalendarDay(date=date)
            day.is_working_day = is_working_day
            day.note = note
            day.changed_by = actor
            day.save()
            security_event_record(
                kind=SecurityEvent.Kind.CONFIG_CHANGED,
                request=request,
                actor=actor,
                target=_target(date),
                details={
                    "action": "calendar_day_set",
                    "date": date.isoformat(),
                    "before": before,
                    "after": _snapshot(day),
                },
            )
    except IntegrityError:
        # Two editors added the same day at once; the unique date kept the first.
        raise Conflict(_("这一天刚被他人修改，请刷新后重试。")) from None
    return day


def calendar_day_clear(*, actor: Any, date: dt.date, request: HttpRequest | None = None) -> None:
    """Remove the override of one day, so the package (or the weekend rule) decides it again."""
    _require_editor(actor)
    date = _validate_date(date)
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        if day is None:
            raise NotFound(_("这一天没有调整记录。"))
        before = _snapshot(day)
        day.delete()
        security_event_record(
            kind=SecurityEvent.Kind.CONFIG_CHANGED,
            request=request,
            actor=actor,
            target=_target(date),
            details={
                "action": "calendar_day_clear",
                "date": date.isoformat(),
                "before": before,
                "after": None,
            },
        )
