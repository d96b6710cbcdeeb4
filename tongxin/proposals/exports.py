"""Files the proposal office takes away: every proposal list as .xlsx with the page's filters, and the
交办清单 of a session. Built on `tongxin.core.sheets`; every export is written to the security log
(ecosystem.md C21: exports are audited)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.audit.services import export_record
from tongxin.core.errors import Forbidden
from tongxin.core.sheets import SheetColumn, SheetFile, filter_details, write_sheet

from . import access, queries
from .services.config import settings_for
from .workflow import State

# The filters of the list page (views.proposal_list reads the same keys).
LIST_FILTERS = ("text", "state", "session", "unit")
CHUNK = 500


def _stamp() -> str:
    return f"{timezone.localdate():%Y%m%d}"


# The columns of the proposal list page (number, title, state, key mark, proposers, units), with the
# category and submission date it filters by.
LIST_COLUMNS: tuple[SheetColumn[dict[str, Any]], ...] = (
    SheetColumn(_("编号"), 12, lambda r: r["number_display"]),
    SheetColumn(_("案由"), 48, lambda r: r["title"]),
    SheetColumn(_("状态"), 10, lambda r: r["state_label"]),
    SheetColumn(_("重点提案"), 8, lambda r: r["is_key"]),
    SheetColumn(_("提案者"), 24, lambda r: r["proposer_names"]),
    SheetColumn(_("承办单位"), 36, lambda r: "；".join(r["units"])),
    SheetColumn(_("类别"), 12, lambda r: r["category_name"]),
    SheetColumn(_("提交日期"), 16, lambda r: r["submitted_at"], "date"),
)


def _summaries(user: Any, qs: Any) -> Iterator[dict[str, Any]]:
    conf = settings_for(user.committee_id)
    # iterator(chunk_size) prefetches per chunk: queries grow with chunks, not with rows.
    for p in queries.with_list_data(qs).order_by("pk").iterator(chunk_size=CHUNK):
        yield queries.summary(p, conf)


def proposal_list_export(*, actor: Any, params: Mapping[str, Any], request: Any = None) -> SheetFile:
    """The proposal list exactly as the page shows it to `actor` (same query, same filters, every page)."""
    if not access.is_business_user(actor):
        raise Forbidden(_("您的角色不能导出提案。"))
    qs = queries.proposal_filter(actor, params)
    sheet = write_sheet(
        LIST_COLUMNS,
        _summaries(actor, qs),
        title=_("提案"),
        filename=f"{_('提案列表')}-{_stamp()}.xlsx",
    )
    export_record(
        actor=actor,
        request=request,
        target="proposals.list",
        rows=sheet.rows,
        filters=filter_details(params, LIST_FILTERS),
    )
    return sheet


def review_desk_export(*, actor: Any, session_id: int | None, request: Any = None) -> SheetFile:
    """审查台's queue (submitted proposals of the session) as .xlsx, every page of it."""
    if not access.can_use_review_desk(actor):
        raise Forbidden(_("只有提案工作人员可以导出审查台。"))
    qs = access.proposals_visible_to(actor).filter(state=State.SUBMITTED)
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    sheet = write_sheet(
        LIST_COLUMNS,
        _summaries(actor, qs),
        title=_("审查台"),
        filename=f"{_('待审查提案')}-{_stamp()}.xlsx",
    )
    export_record(
        actor=actor,
        request=request,
        target="proposals.review_desk",
        rows=sheet.rows,
        filters={"session": session_id} if session_id else {},
    )
    return sheet


ASSIGNMENT_COLUMNS: tuple[SheetColumn[dict[str, Any]], ...] = (
    SheetColumn(_("编号"), 12, lambda r: r["number_display"]),
    SheetColumn(_("案由"), 48, lambda r: r["title"]),
    SheetColumn(_("提案者"), 24, lambda r: r["proposers"]),
    SheetColumn(_("主办（分办）单位"), 24, lambda r: r["lead"]),
    SheetColumn(_("会办单位"), 30, lambda r: r["co_units"]),
    SheetColumn(_("答复期限"), 16, lambda r: r["due_on"], "date"),
)


def assignment_list_export(*, actor: Any, session_id: int, request: Any = None) -> SheetFile:
    """The session's 交办清单 (number, title, proposers, lead, co-units, due date), audited."""
    if not access.can_use_review_desk(actor):
        raise Forbidden(_("只有提案工作人员可以导出交办清单。"))
    rows = queries.assignment_list_rows(actor, session_id=session_id)
    sheet = write_sheet(
        ASSIGNMENT_COLUMNS, rows, title=_("交办清单"), filename=f"{_('交办清单')}-{_stamp()}.xlsx"
    )
    export_record(
        actor=actor,
        request=request,
        target="proposals.assignment_list",
        rows=sheet.rows,
        filters={"session": session_id},
    )
    return sheet
