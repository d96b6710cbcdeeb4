"""Organisation lists as .xlsx (tongxin.core.sheets): every section list with the page's columns and
filters. Every export is in the security log."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.audit.services import export_record
from tongxin.core.sheets import SheetColumn, SheetFile, filter_details, write_sheet

LIST_FILTERS = ("committee", "term", "q", "status", "without_contact")
CHUNK = 500


def org_list_export(
    *,
    actor: Any,
    entity: str,
    label: str,
    columns: Sequence[tuple[str, Callable[[Any], Any]]],
    rows: QuerySet[Any],
    filters: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> SheetFile:
    """One organisation list as the page shows it. `rows` is the page's queryset (the view has checked
    that `actor` may read this committee's organisation); `columns` are the page's (heading, value)."""
    sheet_columns: list[SheetColumn[Model]] = [SheetColumn(h, max(10, len(h) * 2 + 4), f) for h, f in columns]
    sheet_columns[0] = SheetColumn(sheet_columns[0].header, 30, sheet_columns[0].value)
    sheet_columns.append(
        SheetColumn(_("状态"), 8, lambda obj: _("启用") if getattr(obj, "is_active", True) else _("已停用"))
    )
    sheet = write_sheet(
        sheet_columns,
        rows.iterator(chunk_size=CHUNK),
        title=label,
        filename=f"{label}-{timezone.localdate():%Y%m%d}.xlsx",
    )
    export_record(
        actor=actor,
        request=request,
        target=f"org.{entity}",
        rows=sheet.rows,
        filters=filter_details(filters, LIST_FILTERS),
    )
    return sheet
