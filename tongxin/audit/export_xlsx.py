"""The security log as an .xlsx workbook (the audit administrator's export), written by the shared
sheet writer (tongxin.core.sheets): a user name typed at the sign-in page never runs as a formula
(ASVS 1.2.10), times are local with their UTC offset (ASVS 16.2.2)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.sheets import XLSX as XLSX  # re-exported: the audit views and API answer with it
from tongxin.core.sheets import SheetColumn, write_sheet

from .models import SecurityEvent


def security_events_xlsx(events: Iterable[SecurityEvent], *, committee_names: dict[int, str]) -> bytes:
    """One sheet, one row per event."""
    kinds = dict(SecurityEvent.Kind.choices)
    outcomes = dict(SecurityEvent.Outcome.choices)
    columns: list[SheetColumn[SecurityEvent]] = [
        SheetColumn(_("编号"), 8, lambda e: e.pk, "number"),
        SheetColumn(_("时间"), 26, lambda e: timezone.localtime(e.created_at).isoformat(timespec="seconds")),
        SheetColumn(_("事件类型"), 14, lambda e: str(kinds.get(e.kind, e.kind))),
        SheetColumn(_("结果"), 6, lambda e: str(outcomes.get(e.outcome, e.outcome))),
        SheetColumn(_("用户名"), 14, lambda e: e.username),
        SheetColumn(_("用户编号"), 8, lambda e: e.user_id, "number"),
        SheetColumn(
            _("委员会"), 16, lambda e: committee_names.get(e.committee_id, "") if e.committee_id else ""
        ),
        SheetColumn(_("IP 地址"), 16, lambda e: e.ip_address or ""),
        SheetColumn(_("客户端"), 30, lambda e: e.user_agent),
        SheetColumn(_("对象"), 24, lambda e: e.target),
        SheetColumn(
            _("详情"),
            40,
            lambda e: json.dumps(e.details, ensure_ascii=False, sort_keys=True) if e.details else "",
        ),
    ]
    return write_sheet(columns, events, title=_("安全审计日志"), filename="security-log.xlsx").read()
