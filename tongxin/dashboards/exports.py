"""A dashboard as an .xlsx: one sheet per table, Chinese headings, the header row frozen, widths
set; the same tables the page shows (tables.py). Every export is in the security log."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Forbidden

from . import access
from .tables import Dashboard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORBIDDEN_IN_SHEET_TITLES = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    # CJK characters take about two columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def dashboard_workbook(dashboard: Dashboard) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    used: set[str] = set()
    for table in dashboard.tables:
        title = table.title.translate(FORBIDDEN_IN_SHEET_TITLES)[:28]
        while title in used:
            title = f"{title[:26]}_{len(used)}"
        used.add(title)
        sheet = book.create_sheet(title)
        sheet.append(table.headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(["" if v is None else v for v in row])
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(table.headings, start=1):
            widest = max([_width(heading), *(_width(row[index - 1]) for row in table.rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, widest + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dashboard_export(
    *, actor: Any, name: str, dashboard: Dashboard, period: dict[str, Any], request: Any = None
) -> ExportFile:
    """The dashboard's tables as a workbook, for the office and leaders (audited)."""
    if not access.can_view_dashboards(actor):
        raise Forbidden(_("只有机关工作人员和领导可以导出数据看板。"))
    content = dashboard_workbook(dashboard)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        actor=actor,
        target=f"dashboards.{name}:{actor.committee_id}",
        details={"period": period, "sheets": len(dashboard.tables)},
    )
    return ExportFile(filename=f"{dashboard.title}-{dashboard.period}.xlsx", content=content)
