"""Opinion reports as .xlsx (tongxin.core.sheets): the year's statistics (the same numbers as the
statistics page, from the same query, each table under its heading), the report list and the bulletin
issues with the pages' filters. Every export is in the security log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import export_record, security_event_record
from tongxin.core.errors import Forbidden, Invalid
from tongxin.core.sheets import (
    RowProgress,
    SheetColumn,
    SheetFile,
    SheetPart,
    filter_details,
    write_sheet,
    write_workbook,
)
from tongxin.files.exports import ListExport

from . import access, queries
from .forms import FilterForm
from .models import BulletinIssue, OpinionReport


def _count_columns(first: str) -> list[SheetColumn[list[Any]]]:
    return [
        SheetColumn(first, 16, lambda r: r[0]),
        SheetColumn(_("项目"), 30, lambda r: r[1]),
        SheetColumn(_("篇数"), 10, lambda r: r[2], "number"),
    ]


def statistics_workbook(stats: dict[str, Any], committee_name: str) -> SheetFile:
    """Summary, adoption by level and mode, instructions by level, then one ranking sheet per
    dimension; each sheet is a table under its heading (tongxin.core.sheets)."""
    totals = stats["totals"]
    heading = _("%(c)s %(y)d 年社情民意信息工作统计") % {"c": committee_name, "y": stats["year"]}
    summary = [
        [label, totals[key]]
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
        )
    ]
    summary_columns: list[SheetColumn[list[Any]]] = [
        SheetColumn(_("项目"), 30, lambda r: r[0]),
        SheetColumn(_("数量"), 10, lambda r: r[1], "number"),
    ]
    adoption = (
        [[_("采用层级"), r["label"], r["count"]] for r in stats["adopted_by_level"]]
        + [[_("采用方式"), r["label"], r["count"]] for r in stats["adopted_by_mode"]]
        + [[_("领导批示"), r["label"], r["count"]] for r in stats["instructed_by_level"]]
    )
    parts: list[SheetPart[Any]] = [
        SheetPart(_("汇总"), summary_columns, summary, [heading]),
        SheetPart(_("采用情况"), _count_columns(_("类别")), adoption, [heading]),
    ]
    ranking_columns: list[SheetColumn[dict[str, Any]]] = [
        SheetColumn(_("名次"), 6, lambda r: r["rank"], "number"),
        SheetColumn(_("名称"), 24, lambda r: r["name"]),
        SheetColumn(_("报送"), 8, lambda r: r["received"], "number"),
        SheetColumn(_("编发"), 8, lambda r: r["edited"], "number"),
        SheetColumn(_("上级采用"), 10, lambda r: r["adopted"], "number"),
        SheetColumn(_("领导批示"), 10, lambda r: r["instructed"], "number"),
    ]
    for ranking in stats["rankings"].values():
        title = str(ranking["label"])
        parts.append(SheetPart(title, ranking_columns, ranking["rows"], [f"{heading} · {title}"]))
    return write_workbook(parts, filename=f"社情民意信息统计-{stats['year']}.xlsx")


def statistics_export(*, actor: Any, year: int, request: HttpRequest | None = None) -> SheetFile:
    """The year's statistics workbook for the information office and leaders (audited)."""
    if not access.can_view_statistics(actor):
        raise Forbidden(_("只有信息工作人员和领导可以导出统计。"))
    if not 2000 <= year <= 2100:
        raise Invalid(_("年度有误。"), {"year": [_("年度有误。")]})
    stats = queries.statistics(committee_id=actor.committee_id, year=year)
    sheet = statistics_workbook(stats, actor.committee.name)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        actor=actor,
        target=f"opinions.statistics:{actor.committee_id}:{year}",
        details={"year": year},
    )
    return sheet


# --- List exports (tongxin.core.sheets: streamed, escaped, audited) --------------------------------

LIST_FILTERS = ("box", "state", "category", "urgent", "year", "text")
CHUNK = 500

# The columns of the list's cards: title, state, urgency, reporter, forwarded from, date, issue.
REPORT_COLUMNS: tuple[SheetColumn[OpinionReport], ...] = (
    SheetColumn(_("标题"), 48, lambda r: r.display_title),
    SheetColumn(_("状态"), 10, lambda r: r.get_state_display()),
    SheetColumn(_("急事急报"), 8, lambda r: r.is_urgent),
    SheetColumn(_("类别"), 10, lambda r: r.get_category_display()),
    SheetColumn(_("反映人"), 16, lambda r: r.reporter_name),
    SheetColumn(_("转报自"), 16, lambda r: r.origin.committee.name if r.origin else ""),
    SheetColumn(_("报送日期"), 16, lambda r: r.submitted_at, "date"),
    SheetColumn(_("刊物期次"), 24, lambda r: r.issue.label if r.issue else ""),
)


def opinion_list_export(
    *,
    actor: Any,
    filters: dict[str, Any],
    request: HttpRequest | None = None,
    progress: RowProgress | None = None,
) -> SheetFile:
    """The report list as the page shows it to `actor` (same query and filters, every page; the
    急事急报 block above the list included), audited."""
    if not _can_export_list(actor):
        raise Forbidden(_("您无权查看社情民意信息。"))
    qs = queries.with_list_data(queries.opinion_filter(actor, filters)).order_by("pk")
    sheet = write_sheet(
        REPORT_COLUMNS,
        qs.iterator(chunk_size=CHUNK),
        title=_("社情民意信息"),
        filename=f"{_('社情民意信息')}-{timezone.localdate():%Y%m%d}.xlsx",
        progress=progress,
    )
    export_record(
        actor=actor,
        request=request,
        target="opinions.list",
        rows=sheet.rows,
        filters=filter_details(filters, LIST_FILTERS),
    )
    return sheet


def _can_export_list(actor: Any) -> bool:
    return bool(access.can_report(actor) or access.sees_whole_committee(actor))


def _list_clean(actor: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """The list page's access rule and filter form (views.opinion_list)."""
    if not _can_export_list(actor):
        raise Forbidden(_("您无权查看社情民意信息。"))
    return FilterForm(params).filters()


def _list_write(
    actor: Any, cleaned: dict[str, Any], request: HttpRequest | None, progress: RowProgress | None
) -> SheetFile:
    return opinion_list_export(actor=actor, filters=cleaned, request=request, progress=progress)


# The list page's 导出: streamed, or a background file above EXPORT_INLINE_MAX_ROWS (files.exports).
OPINION_LIST = ListExport(
    kind="opinions.list",
    label=gettext_lazy("社情民意信息列表"),
    clean=_list_clean,
    count=lambda actor, cleaned: queries.opinion_filter(actor, cleaned).count(),
    write=_list_write,
)
list_generator = OPINION_LIST.generator


ISSUE_COLUMNS: tuple[SheetColumn[BulletinIssue], ...] = (
    SheetColumn(_("期次"), 28, lambda i: i.label),
    SheetColumn(_("标题"), 40, lambda i: i.title),
    SheetColumn(_("信息篇数"), 10, lambda i: getattr(i, "report_count", 0), "number"),
    SheetColumn(_("报送日期"), 16, lambda i: i.sent_on, "date"),
    SheetColumn(_("转报上级"), 16, lambda i: i.forwarded_at, "date"),
)


def bulletin_list_export(*, actor: Any, request: HttpRequest | None = None) -> SheetFile:
    """刊物期次 as .xlsx (every page), audited."""
    if not access.can_view_bulletins(actor):
        raise Forbidden(_("您无权查看刊物。"))
    qs = queries.issues_for(actor).order_by("pk")
    sheet = write_sheet(
        ISSUE_COLUMNS,
        qs.iterator(chunk_size=CHUNK),
        title=_("刊物期次"),
        filename=f"{_('刊物期次')}-{timezone.localdate():%Y%m%d}.xlsx",
    )
    export_record(actor=actor, request=request, target="opinions.bulletins", rows=sheet.rows)
    return sheet
