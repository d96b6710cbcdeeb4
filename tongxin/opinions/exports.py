"""The year's statistics as an Excel workbook (.xlsx): the same numbers as the statistics page,
from the same query; every export is in the security log."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Forbidden, Invalid

from . import access, queries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, text in zip(sheet.columns, header, strict=False):
        sheet.column_dimensions[column[0].column_letter].width = max(10, len(text) * 2 + 2)


def statistics_workbook(stats: dict[str, Any], committee_name: str) -> bytes:
    """Summary, adoption by level and mode, instructions by level, then one ranking sheet per dimension."""
    book = Workbook()
    summary = book.create_sheet(_("汇总"))
    book.remove(book.worksheets[0])
    totals = stats["totals"]
    summary.append([_("%(c)s %(y)d 年社情民意信息工作统计") % {"c": committee_name, "y": stats["year"]}])
    summary["A1"].font = Font(bold=True)
    for label, key in (
        (_("收到信息"), "received"),
        (_("其中急事急报"), "urgent"),
        (_("其中下级政协转报"), "from_lower"),
        (_("编发（本会刊物采用）"), "edited"),
        (_("编发期数"), "issues"),
        (_("上级及党政机关采用（篇）"), "adopted_upstream"),
        (_("获领导批示（篇）"), "instructed"),
        (_("领导批示（件次）"), "instructions"),
        (_("部门反馈"), "feedback"),
        (_("未采用"), "not_adopted"),
    ):
        summary.append([label, totals[key]])
    summary.column_dimensions["A"].width = 30
    _sheet(
        book,
        _("采用情况"),
        [_("类别"), _("项目"), _("篇数")],
        [[_("采用层级"), r["label"], r["count"]] for r in stats["adopted_by_level"]]
        + [[_("采用方式"), r["label"], r["count"]] for r in stats["adopted_by_mode"]]
        + [[_("领导批示"), r["label"], r["count"]] for r in stats["instructed_by_level"]],
    )
    header = [_("名次"), _("名称"), _("报送"), _("编发"), _("上级采用"), _("领导批示")]
    for ranking in stats["rankings"].values():
        _sheet(
            book,
            ranking["label"],
            header,
            [
                [r["rank"], r["name"], r["received"], r["edited"], r["adopted"], r["instructed"]]
                for r in ranking["rows"]
            ],
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def statistics_export(*, actor: Any, year: int, request: HttpRequest | None = None) -> ExportFile:
    """The year's statistics workbook for the information office and leaders (audited)."""
    if not access.can_view_statistics(actor):
        raise Forbidden(_("只有信息工作人员和领导可以导出统计。"))
    if not 2000 <= year <= 2100:
        raise Invalid(_("年度有误。"), {"year": [_("年度有误。")]})
    stats = queries.statistics(committee_id=actor.committee_id, year=year)
    content = statistics_workbook(stats, actor.committee.name)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        actor=actor,
        target=f"opinions.statistics:{actor.committee_id}:{year}",
        details={"year": year},
    )
    return ExportFile(filename=f"社情民意信息统计-{year}.xlsx", content=content)
