"""Files the proposal office takes away: every proposal list as .xlsx with the page's filters, and the
交办清单 of a session. Built on `tongxin.core.sheets`; every export is written to the security log
(ecosystem.md C21: exports are audited)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.audit.services import export_record
from tongxin.core.errors import Forbidden, Invalid, NotFound
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
from .models import Assignment, ExcellentNomination, KeyProposal, Proposal
from .services.config import settings_for
from .workflow import State

# The filters of the list page (views.proposal_list reads the same keys).
LIST_FILTERS = ("text", "state", "session", "unit")


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
    # The list rows as plain values (queries.list_export_rows): queries grow with chunks, not rows.
    return queries.list_export_rows(qs, settings_for(user.committee_id))


def proposal_list_export(
    *, actor: Any, params: Mapping[str, Any], request: Any = None, progress: RowProgress | None = None
) -> SheetFile:
    """The proposal list exactly as the page shows it to `actor` (same query, same filters, every page)."""
    if not access.is_business_user(actor):
        raise Forbidden(_("您的角色不能导出提案。"))
    qs = queries.proposal_filter(actor, params)
    sheet = write_sheet(
        LIST_COLUMNS,
        _summaries(actor, qs),
        title=_("提案"),
        filename=f"{_('提案列表')}-{_stamp()}.xlsx",
        progress=progress,
    )
    export_record(
        actor=actor,
        request=request,
        target="proposals.list",
        rows=sheet.rows,
        filters=filter_details(params, LIST_FILTERS),
    )
    return sheet


def _list_clean(actor: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    if not access.is_business_user(actor):
        raise Forbidden(_("您的角色不能导出提案。"))
    cleaned = {k: str(params[k]).strip() for k in LIST_FILTERS if params.get(k) not in (None, "")}
    queries.proposal_filter(actor, cleaned)  # a wrong filter is refused now, not in the worker
    return cleaned


def _list_write(
    actor: Any, cleaned: dict[str, Any], request: HttpRequest | None, progress: RowProgress | None
) -> SheetFile:
    return proposal_list_export(actor=actor, params=cleaned, request=request, progress=progress)


# The list page's 导出: streamed, or a background file above EXPORT_INLINE_MAX_ROWS (files.exports).
PROPOSAL_LIST = ListExport(
    kind="proposals.list",
    label=gettext_lazy("提案列表"),
    clean=_list_clean,
    count=lambda actor, cleaned: queries.proposal_filter(actor, cleaned).count(),
    write=_list_write,
    page="proposals:list",
)
list_generator = PROPOSAL_LIST.generator


def _review_queue(actor: Any, session_id: int | None) -> QuerySet[Proposal]:
    qs = access.proposals_visible_to(actor).filter(state=State.SUBMITTED)
    return qs.filter(session_id=session_id) if session_id is not None else qs


def review_desk_export(
    *, actor: Any, session_id: int | None, request: Any = None, progress: RowProgress | None = None
) -> SheetFile:
    """审查台's queue (submitted proposals of the session) as .xlsx, every page of it."""
    if not access.can_use_review_desk(actor):
        raise Forbidden(_("只有提案工作人员可以导出审查台。"))
    sheet = write_sheet(
        LIST_COLUMNS,
        _summaries(actor, _review_queue(actor, session_id)),
        title=_("审查台"),
        filename=f"{_('待审查提案')}-{_stamp()}.xlsx",
        progress=progress,
    )
    export_record(
        actor=actor,
        request=request,
        target="proposals.review_desk",
        rows=sheet.rows,
        filters={"session": session_id} if session_id else {},
    )
    return sheet


def _review_clean(actor: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """The desk's access rule and its session picker (views._session_id): a session of the
    committee's, by default the newest."""
    if not access.can_use_review_desk(actor):
        raise Forbidden(_("只有提案工作人员可以导出审查台。"))
    sessions = queries.session_choices(actor.committee_id)
    raw = params.get("session")
    if raw in (None, ""):
        return {"session": sessions[0].pk if sessions else None}
    try:
        wanted = int(str(raw))
    except ValueError:
        raise Invalid(_("会议参数有误。"), {"session": [_("须为整数。")]}) from None
    if not any(s.pk == wanted for s in sessions):
        raise NotFound(_("会议不存在。"))
    return {"session": wanted}


def _review_write(
    actor: Any, cleaned: dict[str, Any], request: HttpRequest | None, progress: RowProgress | None
) -> SheetFile:
    return review_desk_export(actor=actor, session_id=cleaned["session"], request=request, progress=progress)


REVIEW_DESK = ListExport(
    kind="proposals.review_desk",
    label=gettext_lazy("待审查提案"),
    clean=_review_clean,
    count=lambda actor, cleaned: _review_queue(actor, cleaned["session"]).count(),
    write=_review_write,
    page="proposals:review",
)
review_desk_generator = REVIEW_DESK.generator


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


KEY_STATUS = dict(KeyProposal.Status.choices)
KEY_COLUMNS: tuple[SheetColumn[dict[str, Any]], ...] = (
    SheetColumn(_("编号"), 12, lambda r: r["number_display"]),
    SheetColumn(_("案由"), 48, lambda r: r["title"]),
    SheetColumn(_("状态"), 10, lambda r: str(KEY_STATUS.get(r["status"], r["status"]))),
    SheetColumn(_("督办领导"), 16, lambda r: r["supervising_leader"]),
    SheetColumn(_("审定日期"), 16, lambda r: r["decided_on"], "date"),
)


def key_list_export(*, actor: Any, session_id: int | None, request: Any = None) -> SheetFile:
    """重点提案 as the page lists them (same query), audited."""
    if not access.can_see_key_lists(actor):
        raise Forbidden(_("您无权导出重点提案。"))
    data = queries.key_proposals(actor, session_id=session_id)
    sheet = write_sheet(
        KEY_COLUMNS, data["items"], title=_("重点提案"), filename=f"{_('重点提案')}-{_stamp()}.xlsx"
    )
    filters = {"session": session_id} if session_id else {}
    export_record(actor=actor, request=request, target="proposals.key", rows=sheet.rows, filters=filters)
    return sheet


EXCELLENT_STATUS = dict(ExcellentNomination.Status.choices)
EXCELLENT_COLUMNS: tuple[SheetColumn[dict[str, Any]], ...] = (
    SheetColumn(_("编号"), 12, lambda r: r["number_display"]),
    SheetColumn(_("案由"), 48, lambda r: r["title"]),
    SheetColumn(_("状态"), 12, lambda r: str(EXCELLENT_STATUS.get(r["status"], r["status"]))),
    SheetColumn(_("推荐理由"), 40, lambda r: r["reason"]),
)


def excellent_list_export(*, actor: Any, year: int, request: Any = None) -> SheetFile:
    """优秀提案 of a year as the page lists them, audited."""
    if not access.can_see_key_lists(actor):
        raise Forbidden(_("您无权导出优秀提案。"))
    data = queries.excellent_list(actor, year=year)
    sheet = write_sheet(
        EXCELLENT_COLUMNS, data["items"], title=_("优秀提案"), filename=f"{_('优秀提案')}-{year}.xlsx"
    )
    export_record(
        actor=actor, request=request, target="proposals.excellent", rows=sheet.rows, filters={"year": year}
    )
    return sheet


DUE_COLUMNS: tuple[SheetColumn[Assignment], ...] = (
    SheetColumn(_("案由"), 48, lambda a: a.proposal.title),
    SheetColumn(_("承办单位"), 24, lambda a: a.unit.name),
    SheetColumn(_("答复期限"), 16, lambda a: a.reply_due_on, "date"),
)


def due_lists_export(*, actor: Any, request: Any = None) -> SheetFile:
    """逾期与临期答复: the page's two lists, one sheet each, audited; the row count is the overdue."""
    if not access.can_see_due_lists(actor):
        raise Forbidden(_("您无权导出逾期与临期答复。"))
    lists = queries.due_lists(actor, today=timezone.localdate())
    sheet = write_workbook(
        [
            SheetPart(_("已逾期"), DUE_COLUMNS, lists["overdue"]),
            SheetPart(_("即将到期"), DUE_COLUMNS, lists["due_soon"]),
        ],
        filename=f"{_('逾期与临期答复')}-{_stamp()}.xlsx",
    )
    export_record(
        actor=actor,
        request=request,
        target="proposals.due",
        rows=len(lists["overdue"]) + len(lists["due_soon"]),
    )
    return sheet
