"""The year's assessment as .xlsx (tongxin.core.sheets): every member's score as the ranking page
shows it (all pages, best first), and the per-capita tables by group, sector, participating unit
and special committee, each on its own sheet under its heading. Audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from tongxin.audit.services import export_record
from tongxin.core.errors import Forbidden
from tongxin.core.sheets import SheetColumn, SheetFile, SheetPart, write_workbook

from . import access, queries
from .models import MemberScore

CHUNK = 500
DIMENSIONS = (
    ("activity_group", _("活动组")),
    ("sector", _("界别")),
    ("participating_unit", _("参加单位")),
    ("special_committee", _("专委会")),
)


def _ranked(committee_id: int, year: int) -> Iterator[tuple[int, MemberScore]]:
    """(rank, score) best first; iterator(chunk_size) keeps a national committee's scores flat."""
    return enumerate(queries.scores_for(committee_id, year).iterator(chunk_size=CHUNK), start=1)


SCORE_COLUMNS: tuple[SheetColumn[tuple[int, MemberScore]], ...] = (
    SheetColumn(_("名次"), 6, lambda r: r[0], "number"),
    SheetColumn(_("姓名"), 12, lambda r: r[1].membership.person.name),
    SheetColumn(_("界别"), 18, lambda r: r[1].membership.sector.name),
    SheetColumn(
        _("参加单位"),
        14,
        lambda r: str(r[1].membership.participating_unit) if r[1].membership.participating_unit else "",
    ),
    SheetColumn(
        _("活动组"),
        14,
        lambda r: r[1].membership.activity_group.name if r[1].membership.activity_group else "",
    ),
    SheetColumn(_("得分"), 8, lambda r: r[1].total, "number"),
    SheetColumn(_("等次"), 8, lambda r: r[1].grade),
    SheetColumn(_("结果运用"), 12, lambda r: r[1].get_consequence_display() if r[1].consequence else ""),
)


def scores_export(*, actor: Any, year: int, request: HttpRequest | None = None) -> SheetFile:
    """The year's scores and per-capita tables for office staff and leaders."""
    if not access.can_view_committee_records(actor):
        raise Forbidden(_("只有机关工作人员和领导可以导出履职考核得分。"))
    committee_id = actor.committee_id
    heading = _("%(year)d 年度委员履职考核得分") % {"year": year}
    parts: list[SheetPart[Any]] = [
        SheetPart(_("委员得分"), SCORE_COLUMNS, _ranked(committee_id, year), [heading]),
    ]
    for dimension, label in DIMENSIONS:
        columns: list[SheetColumn[dict[str, Any]]] = [
            SheetColumn(str(label), 24, lambda r: r["name"]),
            SheetColumn(_("人数"), 8, lambda r: r["members"], "number"),
            SheetColumn(_("人均得分"), 10, lambda r: r["average"], "number"),
        ]
        title = _("人均得分（按%(label)s）") % {"label": label}
        parts.append(SheetPart(title, columns, queries.averages(committee_id, year, dimension), [title]))
    sheet = write_workbook(parts, filename=f"{_('履职考核得分')}-{year}.xlsx")
    export_record(
        actor=actor, request=request, target="duties.scores", rows=sheet.rows, filters={"year": year}
    )
    return sheet
