"""The security log as an .xlsx workbook (the audit administrator's export)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import SecurityEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell that starts with one of these is a formula to Excel or WPS: a user name typed at the
# sign-in page must never run as one (OWASP "CSV injection"; ASVS 1.2.10).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """`value` as it should be written to a cell: text that would start a formula gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def security_events_xlsx(events: Iterable[SecurityEvent], *, committee_names: dict[int, str]) -> bytes:
    """One sheet, one row per event, times in local time with their UTC offset (ASVS 16.2.2)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("安全审计日志"))
    sheet.append(
        [
            _("编号"),
            _("时间"),
            _("事件类型"),
            _("结果"),
            _("用户名"),
            _("用户编号"),
            _("委员会"),
            _("IP 地址"),
            _("客户端"),
            _("对象"),
            _("详情"),
        ]
    )
    kinds = dict(SecurityEvent.Kind.choices)
    outcomes = dict(SecurityEvent.Outcome.choices)
    for event in events:
        row = [
            event.pk,
            timezone.localtime(event.created_at).isoformat(timespec="seconds"),
            str(kinds.get(event.kind, event.kind)),
            str(outcomes.get(event.outcome, event.outcome)),
            event.username,
            event.user_id,
            committee_names.get(event.committee_id, "") if event.committee_id else "",
            event.ip_address or "",
            event.user_agent,
            event.target,
            json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else "",
        ]
        sheet.append([inert(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
