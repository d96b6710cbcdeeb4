"""Reads for the documents: each gathers, from the owning app's queries, what one builder needs.

Every figure comes from the function the pages and the API use (`proposals.queries.statistics`,
`opinions.queries.statistics`, `duties.queries.*`); nothing is counted a second way here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from tongxin.core.errors import Invalid, NotFound
from tongxin.core.numerals import chinese_number
from tongxin.duties import queries as duty_queries
from tongxin.duties.kinds import DutyKind
from tongxin.duties.models import DutyReport
from tongxin.members.models import Membership
from tongxin.opinions import queries as opinion_queries
from tongxin.opinions.models import BulletinIssue
from tongxin.org.models import Committee, HandlingUnitContact, PlenarySession
from tongxin.proposals import queries as proposal_queries
from tongxin.proposals.models import Assignment, KeyProposal, Proposal, Proposer, Reply, SessionDeadline
from tongxin.proposals.numbering import display_number
from tongxin.proposals.services.config import class_labels, settings_for
from tongxin.proposals.workflow import FILED_STATES, State

from .builders.duties import DutyCircularInput, DutyReportInput, ScoreRow
from .builders.opinions import BulletinInput, BulletinItem, OpinionCircularInput
from .builders.proposals import CircularInput, CompiledProposal, NoticeInput, ReplyInput
from .builders.wording import percent, score

YEAR_RANGE = (2000, 2100)


def check_year(value: Any) -> int:
    """A year parameter, or Invalid."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("年度有误。"), {"year": [_("须为四位年份。")]}) from None
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise Invalid(_("年度有误。"), {"year": [_("须为四位年份。")]})
    return year


def session_of(committee_id: int, session_id: Any) -> PlenarySession:
    """The committee's session `session_id`; NotFound for another committee's or an unknown one."""
    try:
        pk = int(session_id)
    except (TypeError, ValueError):
        raise Invalid(_("会议参数有误。"), {"session": [_("须为整数。")]}) from None
    session = (
        PlenarySession.objects.select_related("term__committee")
        .filter(pk=pk, term__committee_id=committee_id)
        .first()
    )
    if session is None:
        raise NotFound(_("会议不存在。"))
    return session


def session_short(session: PlenarySession) -> str:
    """十届五次会议: how reports name a session."""
    return f"{chinese_number(session.term.number)}届{chinese_number(session.number)}次会议"


def sessions_of(committee_id: int) -> list[PlenarySession]:
    return list(
        PlenarySession.objects.filter(term__committee_id=committee_id, is_active=True)
        .select_related("term__committee")
        .order_by("-opens_on", "-pk")
    )


# --- Proposals ---------------------------------------------------------------------------------------


def notice_input(actor: Any, session: PlenarySession, *, doc_number: str, date: dt.date) -> NoticeInput:
    committee_id = session.term.committee_id
    conf = settings_for(committee_id)
    stats = proposal_queries.statistics(committee_id=committee_id, session_id=session.pk)
    fixed = SessionDeadline.objects.filter(session=session).first()
    if fixed is not None:
        d = fixed.reply_due_on
        deadline = f"{d.year}年{d.month}月{d.day}日前"
    else:
        deadline = _("交办之日起%(n)d个月内") % {"n": conf.reply_months}
    return NoticeInput(
        session_full=session.full_name,
        session_short=session_short(session),
        totals=stats["totals"],
        rows=proposal_queries.assignment_list_rows(actor, session_id=session.pk),
        deadline=deadline,
        classes=class_labels(conf),
        doc_number=doc_number,
        date=date,
    )


def assignment_for(actor: Any, assignment_id: Any) -> Assignment:
    """An assignment of the actor's committee (active or not); NotFound otherwise."""
    try:
        pk = int(assignment_id)
    except (TypeError, ValueError):
        raise Invalid(_("交办参数有误。"), {"assignment": [_("须为整数。")]}) from None
    assignment = (
        Assignment.objects.select_related("proposal__session__term__committee", "unit")
        .filter(pk=pk, proposal__committee_id=actor.committee_id)
        .first()
    )
    if assignment is None:
        raise NotFound(_("交办记录不存在。"))
    return assignment


def reply_input(assignment: Assignment, *, agency_code: str, date: dt.date) -> ReplyInput:
    from .services import draft_number

    p: Proposal = assignment.proposal
    conf = settings_for(p.committee_id)
    proposers = list(
        Proposer.objects.filter(proposal=p, status=Proposer.Status.CONFIRMED)
        .select_related("person")
        .order_by("position", "id")
    )
    body = p.collective_body
    lead = (
        Assignment.objects.filter(proposal=p, is_active=True, role=Assignment.Role.LEAD)
        .select_related("unit")
        .first()
    )
    reply = Reply.objects.filter(assignment=assignment, round=p.round).first()
    contact_name, contact_phone = "", ""
    if reply is not None:
        contact_name, contact_phone = reply.contact_name, reply.contact_phone
    else:
        contact = (
            HandlingUnitContact.objects.filter(unit=assignment.unit).order_by("-is_primary", "id").first()
        )
        if contact is not None:
            contact_name, contact_phone = contact.name, contact.phone
    is_co = assignment.role == Assignment.Role.CO
    text = assignment.co_opinion if is_co else (reply.text if reply else "")
    result_class = "" if is_co else (reply.result_class if reply else p.result_class)
    return ReplyInput(
        session_full=p.session.full_name if p.session else "",
        number_display=display_number(p.number, conf.number_format),
        number=p.number,
        title=p.title,
        proposer_names=[r.person.name for r in proposers],
        collective_body=str(body.name) if body is not None else "",
        unit_name=assignment.unit.name,
        unit_short=assignment.unit.short_name or assignment.unit.name,
        is_co_unit=is_co,
        lead_unit_name=lead.unit.name if lead else "",
        result_class=result_class,
        publicity=str(reply.get_publicity_display()) if reply and not is_co else "",
        contact_name=contact_name,
        contact_phone=contact_phone,
        reply_text=text,
        doc_number=draft_number(agency_code, date.year),
        date=date,
    )


def proposal_scope(committee_id: int, params: dict[str, Any]) -> tuple[str, int | None, int | None]:
    """(scope wording, session id, year) from {"session": id} or {"year": 2026}."""
    if params.get("session") is not None:
        session = session_of(committee_id, params["session"])
        return session_short(session), session.pk, None
    year = check_year(params.get("year"))
    return f"{year}年", None, year


def circular_input(
    committee_id: int, params: dict[str, Any], *, doc_number: str, date: dt.date
) -> CircularInput:
    scope, session_id, year = proposal_scope(committee_id, params)
    stats = proposal_queries.statistics(committee_id=committee_id, session_id=session_id, year=year)
    keys = KeyProposal.objects.filter(
        proposal__committee_id=committee_id,
        status__in=(KeyProposal.Status.DESIGNATED, KeyProposal.Status.CLOSED),
    ).select_related("proposal")
    if session_id is not None:
        keys = keys.filter(proposal__session_id=session_id)
    else:
        keys = keys.filter(proposal__submitted_at__year=year)
    return CircularInput(
        scope=scope,
        stats=stats,
        classes=class_labels(settings_for(committee_id)),
        key_titles=[k.proposal.title for k in keys.order_by("proposal__number", "proposal_id")],
        doc_number=doc_number,
        date=date,
    )


def compilation_items(committee_id: int, session_id: int) -> list[CompiledProposal]:
    """Every filed proposal of the session (merged ones are inside their group's lead) with its
    approved replies of the latest round, in number order."""
    conf = settings_for(committee_id)
    qs = proposal_queries.with_list_data(
        Proposal.objects.filter(committee_id=committee_id, session_id=session_id, state__in=FILED_STATES)
        .exclude(state=State.MERGED)
        .select_related("category__parent")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(approved_at__isnull=False).select_related("assignment__unit"),
                to_attr="approved_replies",
            )
        )
    ).order_by("number", "pk")
    items = []
    for p in qs.iterator(chunk_size=200):
        row = proposal_queries.summary(p, conf)
        replies = [r for r in getattr(p, "approved_replies", []) if r.round == p.round]
        items.append(
            CompiledProposal(
                number_display=row["number_display"],
                title=p.title,
                proposers="、".join(row["proposer_names"])
                or (str(p.collective_body) if p.collective_body else ""),
                category=p.category.name if p.category else "",
                background=p.background,
                analysis=p.analysis,
                suggestions=p.suggestions,
                units="、".join(row["units"]),
                replies=[(r.assignment.unit.name, r.result_class, r.text) for r in replies],
            )
        )
    return items


# --- 社情民意 ----------------------------------------------------------------------------------------


def issue_of(committee_id: int, issue_id: Any) -> BulletinIssue:
    try:
        pk = int(issue_id)
    except (TypeError, ValueError):
        raise Invalid(_("期次参数有误。"), {"issue": [_("须为整数。")]}) from None
    issue = (
        BulletinIssue.objects.select_related("bulletin_type").filter(pk=pk, committee_id=committee_id).first()
    )
    if issue is None:
        raise NotFound(_("期次不存在。"))
    return issue


def bulletin_input(issue: BulletinIssue, *, editor: str, date: dt.date) -> BulletinInput:
    labels = dict(BulletinIssue.Recipient.choices)
    recipients = [str(labels.get(code, code)) for code in (issue.recipients or [])]
    if issue.recipient_note:
        recipients.append(issue.recipient_note)
    items = []
    for r in opinion_queries.issue_reports(issue):
        reporter = r.reporter_name + (f"（{r.reporter_unit}）" if r.reporter_unit else "")
        items.append(
            BulletinItem(
                title=r.edited_title or r.title,
                situation=r.edited_situation or r.situation,
                analysis=r.edited_analysis or r.analysis,
                suggestions=r.edited_suggestions or r.suggestions,
                reporter=reporter,
            )
        )
    return BulletinInput(
        bulletin_name=issue.bulletin_type.name,
        year=issue.year,
        number=issue.number,
        issue_title=issue.title,
        items=items,
        recipients=recipients,
        editor=editor,
        date=issue.sent_on or date,
    )


def bulletin_name(committee_id: int) -> str:
    issue = BulletinIssue.objects.filter(committee_id=committee_id).select_related("bulletin_type").first()
    return issue.bulletin_type.name if issue else "社情民意"


def opinion_circular_input(
    committee_id: int, year: int, *, doc_number: str, date: dt.date
) -> OpinionCircularInput:
    return OpinionCircularInput(
        year=year,
        stats=opinion_queries.statistics(committee_id=committee_id, year=year),
        bulletin_name=bulletin_name(committee_id),
        doc_number=doc_number,
        date=date,
    )


# --- 履职 ----------------------------------------------------------------------------------------


def duty_circular_input(committee_id: int, year: int, *, doc_number: str, date: dt.date) -> DutyCircularInput:
    rows = [
        ScoreRow(
            name=s.membership.person.name,
            sector=s.membership.sector.name if s.membership.sector else "",
            participating_unit=s.membership.participating_unit.short_name
            if s.membership.participating_unit
            else "",
            total=s.total,
            grade=s.grade,
        )
        for s in duty_queries.scores_for(committee_id, year).iterator(chunk_size=1000)
    ]
    return DutyCircularInput(
        year=year,
        rows=rows,
        averages=duty_queries.averages(committee_id, year, "participating_unit"),
        checklist=duty_queries.checklist_summary(committee_id, year),
        doc_number=doc_number,
        date=date,
    )


def membership_of(committee_id: int, membership_id: Any) -> Membership:
    try:
        pk = int(membership_id)
    except (TypeError, ValueError):
        raise Invalid(_("委员参数有误。"), {"membership": [_("须为整数。")]}) from None
    membership = (
        Membership.objects.select_related("person", "term__committee", "sector")
        .filter(pk=pk, term__committee_id=committee_id)
        .first()
    )
    if membership is None:
        raise NotFound(_("委员不存在。"))
    return membership


def duty_report_input(membership: Membership, year: int, *, date: dt.date) -> DutyReportInput:
    events = list(duty_queries.record_events(membership, year).filter(voided_at__isnull=True))
    labels = dict(DutyKind.choices)
    counts = Counter(str(labels.get(e.kind, e.kind)) for e in events)
    own = DutyReport.objects.filter(membership=membership, year=year).first()
    return DutyReportInput(
        name=membership.person.name,
        term_full=membership.term.full_name,
        sector=membership.sector.name if membership.sector else "",
        year=year,
        counts=list(counts.items()),
        events=[(e.occurred_on, str(labels.get(e.kind, e.kind)), e.title) for e in events],
        explanation=duty_queries.explanation(membership, year),
        checklist=[
            (str(r.item.label), r.done, r.item.threshold, r.met)
            for r in duty_queries.checklist_progress(membership, year)
        ],
        date=date,
        own_text=own.body if own else "",
    )


# --- 工作报告数据 --------------------------------------------------------------------------------------


def work_report_figures(committee_id: int, year: int) -> list[tuple[str, list[str]]]:
    """The year's figures as the standing committee's 工作报告 writes them ("十届一次会议共收到提案262件，
    审查立案84件……办结率100%"), by area; each number from the owning app's statistics."""
    sections: list[tuple[str, list[str]]] = []
    proposal_lines = []
    sessions = [s for s in sessions_of(committee_id) if s.opens_on.year == year]
    for session in sorted(sessions, key=lambda s: s.opens_on):
        t = proposal_queries.statistics(committee_id=committee_id, session_id=session.pk)["totals"]
        if not t["received"]:
            continue
        filed = (
            f"并案处理后立案{t['filed_after_merge']}件"
            if t["merged_members"]
            else f"审查立案{t['filed_after_merge']}件"
        )
        parts = [f"{session_short(session)}共收到提案{t['received']}件", filed]
        if t.get("key_proposals"):
            parts.append(f"确定重点提案{t['key_proposals']}件")
        if t["assigned"]:
            parts.append(f"答复率{percent(t['reply_rate'])}")
            parts.append(f"办结率{percent(t['close_rate'])}")
        proposal_lines.append("，".join(parts) + "。")
    sections.append((_("提案工作"), proposal_lines))

    o = opinion_queries.statistics(committee_id=committee_id, year=year)
    ot = o["totals"]
    opinion_lines = []
    if ot["received"] or ot["edited"]:
        national = next((r["count"] for r in o["adopted_by_level"] if r["level"] == "national"), 0)
        parts = [f"全年共收到社情民意信息{ot['received']}篇", f"编发{ot['edited']}篇"]
        if ot["adopted_upstream"]:
            parts.append(f"被上级采纳、转报{ot['adopted_upstream']}篇")
            if national:
                parts.append(f"其中被全国政协采用{national}篇")
        if ot["instructed"]:
            parts.append(f"获各级领导批示{ot['instructed']}篇")
        opinion_lines.append("，".join(parts) + "。")
    sections.append((_("反映社情民意"), opinion_lines))

    duty_lines = []
    scores = list(duty_queries.scores_for(committee_id, year).values_list("total", flat=True))
    if scores:
        average = sum(scores, Decimal(0)) / len(scores)
        duty_lines.append(f"全年共有{len(scores)}名委员参加履职考核，人均得分{score(average)}分。")
    sections.append((_("委员履职"), duty_lines))
    return sections


def work_report_sentences(committee_id: int, year: int) -> list[str]:
    return [line for _h, lines in work_report_figures(committee_id, year) for line in lines]


def committee(committee_id: int) -> Committee:
    return Committee.objects.get(pk=committee_id)


def assignments_of_unit(user: Any, limit: int = 200) -> list[Assignment]:
    """The unit's active assignments (newest first), for its download list."""
    if not user.handling_unit_id:
        return []
    return list(
        Assignment.objects.filter(
            unit_id=user.handling_unit_id, is_active=True, proposal__committee_id=user.committee_id
        )
        .filter(~Q(proposal__state=State.CLOSED))
        .select_related("proposal")
        .order_by("-pk")[:limit]
    )
