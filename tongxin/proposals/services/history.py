"""Historical proposals (历年提案) entered from the office's records, with their replies.

Offices keep years of proposals and replies in spreadsheets; the platform needs them for full-text
search and for the similarity history a reviewer checks a new proposal against. An imported proposal
lands closed (办结), numbered as it was in its session, with its lead and co-units, its reply and its
result class, marked `origin = imported`, and one `imported` event each.

Why not through `proposal_transition`: history is a record, not a workflow. The interactive
transitions check who may act *now*, compute deadlines from *today*, notify proposers and units and
credit duties; none of that may happen for a proposal closed years ago (no notices, no duty points,
no deadlines, no to-dos). So the rows are created directly, in one transaction, each with an
`imported` event that says where it came from — the same "every change has an event" rule, without
replaying steps that never happened here.

All or nothing: every row is checked first, every problem is reported as `RowError(row, column,
message)`, and nothing is written unless every row is valid. A (session, number) that already exists,
or appears twice in the file, is refused row by row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.audit.services import import_record, template_download
from tongxin.core.errors import Forbidden
from tongxin.core.numerals import chinese_number
from tongxin.core.sheets import (
    RowError,
    RowErrors,
    SheetFile,
    SheetRejected,
    cells_by_header,
    date_value,
    file_error,
    header_columns,
    is_blank_row,
    read_rows,
    text_value,
)
from tongxin.members.models import Membership
from tongxin.org.models import Committee, HandlingUnit, ParticipatingUnit, PlenarySession, SpecialCommittee

from .. import access
from ..models import (
    Assignment,
    Proposal,
    ProposalCategory,
    ProposalEvent,
    Proposer,
    Rating,
    Reply,
)
from ..workflow import State
from .config import settings_for

MAX_ROWS = 20000
NAME_SEPARATORS = re.compile(r"[、，,;；\s]+")


@dataclass(frozen=True)
class HistoryColumn:
    header: str
    width: int
    note: Any
    required: bool = False


HISTORY_COLUMNS: tuple[HistoryColumn, ...] = (
    HistoryColumn(
        "会议",
        24,
        gettext_lazy("必填：会议全称或简称（如 十二届二次会议），或年份（当年只有一次会议时）。"),
        True,
    ),
    HistoryColumn(
        "编号", 8, gettext_lazy("必填：该次会议内的提案编号（正整数）；同一会议的编号不能重复。"), True
    ),
    HistoryColumn("案由", 40, gettext_lazy("必填，不超过 120 个字。"), True),
    HistoryColumn(
        "提案者",
        20,
        gettext_lazy(
            "必填：姓名用 、 分隔；与本届委员同名的关联到委员，其余按原文保存；也可填党派团体或专委会名称。"
        ),
        True,
    ),
    HistoryColumn("类别", 10, gettext_lazy("可空：本委员会已设的提案类别名称，如 社会事业。")),
    HistoryColumn("调研情况", 30, gettext_lazy("可空。")),
    HistoryColumn("问题分析", 30, gettext_lazy("可空。")),
    HistoryColumn("具体建议", 30, gettext_lazy("可空。")),
    HistoryColumn("正文", 30, gettext_lazy("可空：未分段的全文（三段都空时使用）。")),
    HistoryColumn("主办单位", 20, gettext_lazy("可空：本委员会承办单位的名称或简称；有答复内容时必填。")),
    HistoryColumn("会办单位", 24, gettext_lazy("可空：多个用 、 分隔。")),
    HistoryColumn("办理结果", 8, gettext_lazy("可空：A、B、C（四类制时还有 D）。")),
    HistoryColumn("答复内容", 40, gettext_lazy("可空：答复函正文。")),
    HistoryColumn("答复日期", 14, gettext_lazy("可空：日期，如 2019-06-30。")),
    HistoryColumn("满意度", 10, gettext_lazy("可空：满意、基本满意、不满意（第一提案人为委员时记入评价）。")),
    HistoryColumn("提交日期", 14, gettext_lazy("可空：日期；空时取会议开幕日期。")),
)
HEADERS = [c.header for c in HISTORY_COLUMNS]
REQUIRED = [c.header for c in HISTORY_COLUMNS if c.required]
HEADER_ALIASES = {
    "届次": "会议",
    "会次": "会议",
    "届次会次": "会议",
    "会议名称": "会议",
    "提案编号": "编号",
    "提案号": "编号",
    "标题": "案由",
    "提案人": "提案者",
    "第一提案人": "提案者",
    "提案类别": "类别",
    "内容": "正文",
    "提案内容": "正文",
    "承办单位": "主办单位",
    "主办": "主办单位",
    "会办": "会办单位",
    "办理结果分类": "办理结果",
    "结果分类": "办理结果",
    "答复": "答复内容",
    "答复函": "答复内容",
    "满意程度": "满意度",
}
SATISFACTION = {str(label): value for value, label in Rating.Level.choices}


@dataclass(frozen=True)
class HistoryImportResult:
    rows: int
    created: int
    replies: int
    matched_proposers: int


@dataclass
class _Row:
    number: int
    session: PlenarySession
    proposal_number: int
    title: str
    proposer_text: str
    category: ProposalCategory | None
    background: str
    analysis: str
    suggestions: str
    lead: HandlingUnit | None
    co_units: list[HandlingUnit]
    result_class: str
    reply_text: str
    replied_on: dt.date | None
    satisfaction: str
    submitted_on: dt.date
    people: list[Membership] = field(default_factory=list)
    collective: ParticipatingUnit | SpecialCommittee | None = None


class _Lookups:
    """The committee's sessions, categories, units, members and bodies, loaded once per import."""

    def __init__(self, committee: Committee) -> None:
        # First: a committee's settings and default categories are created on first use.
        conf = settings_for(committee.pk)
        self.classes = "ABCD"[: conf.result_class_scheme]
        sessions = list(
            PlenarySession.objects.filter(term__committee=committee).select_related("term__committee")
        )
        self.sessions: dict[str, PlenarySession | None] = {}
        for s in sessions:
            term_n, n = chinese_number(s.term.number), chinese_number(s.number)
            for name in (s.full_name, s.short_name, f"{term_n}届{n}次会议", f"{term_n}届{n}次"):
                self.sessions[name] = s
        by_year: dict[str, list[PlenarySession]] = {}
        for s in sessions:
            by_year.setdefault(str(s.opens_on.year), []).append(s)
        for year, items in by_year.items():
            # A year names a session only when exactly one session opened that year.
            self.sessions.setdefault(year, items[0] if len(items) == 1 else None)
        self.categories = {c.name: c for c in ProposalCategory.objects.filter(committee=committee)}
        units = list(HandlingUnit.objects.filter(committee=committee))
        self.units = {u.short_name: u for u in units if u.short_name} | {u.name: u for u in units}
        bodies: list[ParticipatingUnit | SpecialCommittee] = [
            *ParticipatingUnit.objects.filter(committee=committee),
            *SpecialCommittee.objects.filter(committee=committee),
        ]
        self.bodies: dict[str, ParticipatingUnit | SpecialCommittee] = {}
        for body in bodies:
            self.bodies[body.name] = body
            short = getattr(body, "short_name", "")
            if short:
                self.bodies.setdefault(short, body)
        # Members by (term, name); a name held by two members of a term matches nobody.
        self.members: dict[tuple[int, str], Membership | None] = {}
        for m in Membership.objects.filter(term__committee=committee).select_related("person"):
            key = (m.term_id, m.person.name)
            self.members[key] = None if key in self.members else m


def _date(cells: Mapping[str, Any], header: str, errors: RowErrors) -> dt.date | None:
    try:
        return date_value(cells.get(header))
    except (ValueError, OverflowError):
        errors.add(
            header,
            _("“%(value)s”不是有效日期，应写作 2019-06-30 或 2019年6月30日")
            % {"value": text_value(cells.get(header))},
        )
        return None


def _check_row(cells: Mapping[str, Any], lookups: _Lookups, errors: RowErrors, number: int) -> _Row | None:
    """One row checked; None when it has errors (they are in `errors`)."""
    before = len(errors.items)
    text = {h: text_value(cells.get(h)) for h in HEADERS}
    session = None
    if not text["会议"]:
        errors.add("会议", _("必须填写"))
    else:
        session = lookups.sessions.get(text["会议"])
        if session is None:
            errors.add("会议", _("本委员会没有“%(name)s”这次会议") % {"name": text["会议"]})
    proposal_number = 0
    if not text["编号"]:
        errors.add("编号", _("必须填写"))
    elif not text["编号"].isdigit() or int(text["编号"]) <= 0:
        errors.add("编号", _("应为正整数，而不是“%(value)s”") % {"value": text["编号"]})
    else:
        proposal_number = int(text["编号"])
    title = text["案由"]
    if not title:
        errors.add("案由", _("必须填写"))
    elif len(title) > 120:
        errors.add("案由", _("不能超过 120 个字（现有 %(n)d 个）") % {"n": len(title)})
    if not text["提案者"]:
        errors.add("提案者", _("必须填写"))
    elif len(text["提案者"]) > 200:
        errors.add("提案者", _("不能超过 200 个字"))
    category = None
    if text["类别"]:
        category = lookups.categories.get(text["类别"])
        if category is None:
            errors.add("类别", _("本委员会没有名为“%(name)s”的提案类别") % {"name": text["类别"]})
    lead = None
    if text["主办单位"]:
        lead = lookups.units.get(text["主办单位"])
        if lead is None:
            errors.add(
                "主办单位",
                _("本委员会没有名为“%(name)s”的承办单位，请先导入承办单位") % {"name": text["主办单位"]},
            )
    co_units = []
    for name in (n for n in NAME_SEPARATORS.split(text["会办单位"]) if n):
        unit = lookups.units.get(name)
        if unit is None:
            errors.add("会办单位", _("本委员会没有名为“%(name)s”的承办单位") % {"name": name})
        elif unit == lead or unit in co_units:
            errors.add("会办单位", _("“%(name)s”重复") % {"name": name})
        else:
            co_units.append(unit)
    result_class = text["办理结果"].upper().rstrip("类")
    if result_class and result_class not in lookups.classes:
        errors.add(
            "办理结果",
            _("只能填写%(classes)s，而不是“%(value)s”")
            % {"classes": "、".join(lookups.classes), "value": text["办理结果"]},
        )
    if text["答复内容"] and lead is None and not text["主办单位"]:
        errors.add("答复内容", _("有答复内容时必须填写主办单位"))
    if co_units and lead is None and not text["主办单位"]:
        errors.add("会办单位", _("有会办单位时必须填写主办单位"))
    satisfaction = ""
    if text["满意度"]:
        satisfaction = SATISFACTION.get(text["满意度"], "")
        if not satisfaction:
            errors.add(
                "满意度",
                _("只能填写%(levels)s，而不是“%(value)s”")
                % {"levels": "、".join(SATISFACTION), "value": text["满意度"]},
            )
    replied_on = _date(cells, "答复日期", errors)
    submitted_on = _date(cells, "提交日期", errors)
    if len(errors.items) > before or session is None:
        return None
    background, analysis, suggestions = text["调研情况"], text["问题分析"], text["具体建议"]
    if not (background or analysis or suggestions):
        background = text["正文"]
    row = _Row(
        number=number,
        session=session,
        proposal_number=proposal_number,
        title=title,
        proposer_text=text["提案者"],
        category=category,
        background=background,
        analysis=analysis,
        suggestions=suggestions,
        lead=lead,
        co_units=co_units,
        result_class=result_class,
        reply_text=text["答复内容"],
        replied_on=replied_on,
        satisfaction=satisfaction,
        submitted_on=submitted_on or session.opens_on,
    )
    row.collective = lookups.bodies.get(row.proposer_text)
    if row.collective is None:
        for name in (n for n in NAME_SEPARATORS.split(row.proposer_text) if n):
            membership = lookups.members.get((session.term_id, name))
            if membership is not None and membership not in row.people:
                row.people.append(membership)
    return row


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _create(actor: Any, committee: Committee, row: _Row, source: str) -> tuple[bool, int]:
    """Write one historical proposal; (reply written, proposers matched)."""
    kind = Proposal.Kind.INDIVIDUAL
    if row.collective is not None:
        kind = Proposal.Kind.COLLECTIVE
    elif len([n for n in NAME_SEPARATORS.split(row.proposer_text) if n]) > 1:
        kind = Proposal.Kind.JOINT
    submitted = _moment(row.submitted_on)
    closed = _moment(row.replied_on) if row.replied_on else submitted
    proposal = Proposal.objects.create(
        committee=committee,
        session=row.session,
        kind=kind,
        collective_participating_unit=row.collective
        if isinstance(row.collective, ParticipatingUnit)
        else None,
        collective_special_committee=row.collective if isinstance(row.collective, SpecialCommittee) else None,
        channel=Proposal.Channel.SESSION,
        title=row.title,
        background=row.background,
        analysis=row.analysis,
        suggestions=row.suggestions,
        category=row.category,
        number=row.proposal_number,
        state=State.CLOSED,
        created_by=actor,
        handling_mode=Proposal.HandlingMode.LEAD if row.lead else "",
        result_class=row.result_class,
        submitted_at=submitted,
        filed_at=submitted,
        assigned_at=submitted if row.lead else None,
        replied_at=closed if row.reply_text else None,
        closed_at=closed,
        origin=Proposal.Origin.IMPORTED,
        proposer_text=row.proposer_text,
    )
    proposers = [
        Proposer(
            proposal=proposal,
            person_id=m.person_id,
            membership=m,
            role=Proposer.Role.FIRST if i == 0 else Proposer.Role.COSIGNER,
            position=i,
        )
        for i, m in enumerate(row.people)
    ]
    Proposer.objects.bulk_create(proposers)
    lead_assignment = None
    for unit, role in [(row.lead, Assignment.Role.LEAD), *((u, Assignment.Role.CO) for u in row.co_units)]:
        if unit is None:
            continue
        assignment = Assignment.objects.create(
            proposal=proposal,
            unit=unit,
            role=role,
            assigned_on=row.submitted_on,
            assigned_by=actor,
            signed_at=submitted,
            reassign_until=row.submitted_on,
        )
        if role == Assignment.Role.LEAD:
            lead_assignment = assignment
    replied = False
    if row.reply_text and lead_assignment is not None:
        Reply.objects.create(
            proposal=proposal,
            assignment=lead_assignment,
            text=row.reply_text,
            proposed_class=row.result_class,
            result_class=row.result_class,
            signer="",
            contact_name="",
            contact_phone="",
            publicity=Reply.Publicity.NOT_PUBLIC,
            drafted_by=actor,
            approved_by=actor,
            approved_at=closed,
        )
        replied = True
    if row.satisfaction and proposers:
        Rating.objects.create(
            proposal=proposal,
            proposer=proposers[0],
            round=1,
            result=row.satisfaction,
            entered_by_staff=True,
            entered_by=actor,
            created_at=closed,
        )
    ProposalEvent.objects.create(
        proposal=proposal,
        actor=actor,
        name="imported",
        to_state=State.CLOSED,
        note=_("历史提案导入"),
        data={
            "source": source[:100],
            "row": row.number,
            "proposers": row.proposer_text,
            "matched": [m.person_id for m in row.people],
            "satisfaction": row.satisfaction,
        },
    )
    return replied, len(proposers)


def _require_office(actor: Any, committee: Committee) -> None:
    if not access.is_proposal_office(actor) or actor.committee_id != committee.pk:
        raise Forbidden(_("只有提案工作人员可以导入历史提案。"))


def proposals_import_history(
    *,
    actor: Any,
    committee: Committee,
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    source: str = "",
    request: HttpRequest | None = None,
) -> HistoryImportResult:
    """Import closed historical proposals with their replies: every row valid and written, or none.

    `rows` are (row number for the report, {Chinese header: cell value}) as in HISTORY_COLUMNS."""
    _require_office(actor, committee)
    target = f"proposals.history:{committee.pk}"
    with import_record(
        actor=actor, target=target, details={"source": source[:100]}, request=request
    ) as record:
        if not rows:
            raise file_error(_("文件中没有提案数据。"))
        if len(rows) > MAX_ROWS:
            raise file_error(_("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS})
        lookups = _Lookups(committee)
        errors = RowErrors()
        checked: list[_Row] = []
        for number, cells in rows:
            errors.start(number)
            row = _check_row(cells, lookups, errors, number)
            if row is not None:
                checked.append(row)
        _check_numbers(checked, errors.items)
        if errors.items:
            raise SheetRejected(
                sorted(errors.items, key=_report_order),
                _("导入数据中有 %(n)d 处错误，未导入任何提案。请改正后重新导入。") % {"n": len(errors.items)},
                code="invalid_history",
            )
        replies = matched = 0
        with transaction.atomic():
            for row in checked:
                replied, people = _create(actor, committee, row, source)
                replies += replied
                matched += people
            result = HistoryImportResult(
                rows=len(checked), created=len(checked), replies=replies, matched_proposers=matched
            )
            record.succeeded(rows=result.rows, replies=replies, matched=matched)
    return result


def _report_order(error: RowError) -> tuple[int, int]:
    return error.row, HEADERS.index(error.column) if error.column in HEADERS else len(HEADERS)


def _check_numbers(rows: list[_Row], errors: list[RowError]) -> None:
    """A (session, number) given twice in the file, or already taken in the platform, is refused."""
    first: dict[tuple[int, int], int] = {}
    for row in rows:
        key = (row.session.pk, row.proposal_number)
        if key in first:
            errors.append(
                RowError(row.number, "编号", _("与第 %(row)d 行的会议和编号相同") % {"row": first[key]})
            )
        else:
            first[key] = row.number
    sessions = {r.session.pk for r in rows}
    taken = set(
        Proposal.objects.filter(session_id__in=sessions, number__isnull=False).values_list(
            "session_id", "number"
        )
    )
    for row in rows:
        if (row.session.pk, row.proposal_number) in taken:
            errors.append(
                RowError(
                    row.number,
                    "编号",
                    _("%(session)s已有第 %(number)d 号提案，不能重复导入")
                    % {"session": row.session.short_name, "number": row.proposal_number},
                )
            )


# --- The spreadsheet front door ---------------------------------------------------------------------


def proposals_history_sheet_import(
    *, actor: Any, committee: Committee, upload: File[Any], request: HttpRequest | None = None
) -> HistoryImportResult:
    """Read an .xlsx of historical proposals (HISTORY_COLUMNS) and import it all or nothing."""
    _require_office(actor, committee)
    filename = str(getattr(upload, "name", "") or "")[:100]
    target = f"proposals.history:{committee.pk}"
    # A file that cannot be read is logged here; its rows are logged by proposals_import_history.
    with import_record(actor=actor, target=target, details={"source": filename}, request=request):
        lines = read_rows(upload, max_bytes=settings.ROSTER_MAX_BYTES * 4)
        columns = header_columns(
            lines, known=HEADERS, required=REQUIRED, anchor="案由", aliases=HEADER_ALIASES
        )
        rows = [(n, cells_by_header(values, columns)) for n, values in lines if not is_blank_row(values)]
    return proposals_import_history(
        actor=actor, committee=committee, rows=rows, source=filename, request=request
    )


def proposals_history_template(
    *, actor: Any, committee: Committee, request: HttpRequest | None = None
) -> SheetFile:
    """The empty sheet for historical proposals, with what each column takes (audited download)."""
    _require_office(actor, committee)
    return template_download(
        HISTORY_COLUMNS,
        title=_("历史提案"),
        filename=f"{_('历史提案导入模板')}.xlsx",
        actor=actor,
        request=request,
        target="proposals.history_template",
        details={"committee": committee.pk},
    )
