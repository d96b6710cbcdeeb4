"""Files the proposal office takes away: the 交办清单 of a session as .xlsx. Every export is written
to the security log (ecosystem.md C21: exports are audited)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Forbidden

from . import access, queries


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    rows: int


def assignment_list_export(*, actor: Any, session_id: int, request: Any = None) -> ExportFile:
    """The session's 交办清单 (number, title, proposers, lead, co-units, due date), audited."""
    if not access.can_use_review_desk(actor):
        raise Forbidden(_("只有提案工作人员可以导出交办清单。"))
    rows = queries.assignment_list_rows(actor, session_id=session_id)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("交办清单")
    headers = [_("编号"), _("案由"), _("提案者"), _("主办（分办）单位"), _("会办单位"), _("答复期限")]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        due = row["due_on"].isoformat() if row["due_on"] else ""
        sheet.append(
            [row["number_display"], row["title"], row["proposers"], row["lead"], row["co_units"], due]
        )
    for column, width in zip("ABCDEF", (12, 48, 24, 24, 30, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        actor=actor,
        target="proposals.assignment_list",
        details={"session": session_id, "rows": len(rows)},
    )
    filename = f"{_('交办清单')}-{timezone.localdate():%Y%m%d}.xlsx"
    return ExportFile(content=buffer.getvalue(), filename=filename, rows=len(rows))
