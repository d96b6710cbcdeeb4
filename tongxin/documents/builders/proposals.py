"""Proposal documents: the 交办通知 with its 交办清单, the reply-letter skeleton (or 会办意见), the
提案办理情况通报 and a session's 提案汇编 (ecosystem.md §a.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tongxin.gongwen.spec import (
    Attachment,
    Block,
    Form,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Signature,
    Table,
    chinese_date,
)

from ..presets import Family
from ..services import Resolved
from .office import office_file
from .wording import joined, percent, sentence, share


def _paragraphs(text: str) -> list[Block]:
    return [Paragraph(line.strip()) for line in text.splitlines() if line.strip()]


# --- 交办通知 ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeInput:
    session_full: str  # 政协第十届兰州市城关区委员会第五次会议
    session_short: str  # 十届五次会议
    totals: dict[str, Any]  # proposals.queries.statistics(...)["totals"]
    rows: list[dict[str, Any]]  # proposals.queries.assignment_list_rows(...)
    deadline: str  # "2026年6月30日前" or "交办之日起3个月内"
    classes: dict[str, str]  # result classes and labels
    doc_number: str
    date: dt.date


def assignment_notice(texts: Resolved, data: NoticeInput) -> OfficialDocument:
    """提案交办通知: the numbers, the split between lead/co and separate handling, the requirements and
    the 交办清单 as an attachment table."""
    t = data.totals
    opening = texts.wording["notice_opening"].format(
        session=data.session_full,
        received=t["received"],
        filed=t["filed_after_merge"],
        assigned=t["assigned"],
    )
    split = sentence(
        f"已交办{t['assigned']}件",
        f"其中由主办单位牵头、会办单位配合办理的{t.get('with_co_units', 0)}件",
        f"由一家单位主办的{t.get('lead_handled', 0) - t.get('with_co_units', 0)}件"
        if t.get("lead_handled", 0) > t.get("with_co_units", 0)
        else "",
        f"分别办理的{t.get('separate_handled', 0)}件" if t.get("separate_handled") else "",
        f"共涉及承办单位{t.get('units', 0)}个",
    )
    classes = "；".join(f"{code}类为{label}" for code, label in data.classes.items())
    requirements = texts.wording["notice_requirements"].format(
        deadline=data.deadline,
        classes=classes,
        proposal_committee=texts.issuers["proposal_committee_signature"],
    )
    body: list[Block] = [Paragraph(opening + split)]
    numbers = "一二三四五六七八九十"
    for i, line in enumerate(x.strip() for x in requirements.splitlines() if x.strip()):
        lead, _sep, rest = line.partition("。")
        if rest:
            body.append(Paragraph(rest, lead=f"{numbers[i % 10]}、{lead}。"))
        else:
            body.append(Paragraph(line))
    table = Table(
        header=[["提案号", "案由", "提案者", "主办单位", "会办单位", "办理时限"]],
        rows=[
            [
                str(r["number_display"]),
                str(r["title"]),
                str(r["proposers"]),
                str(r["lead"]),
                str(r["co_units"]) or "—",
                chinese_date(r["due_on"]) if r.get("due_on") else "—",
            ]
            for r in data.rows
        ],
        column_widths_mm=[20, 48, 22, 24, 24, 18],
        font_size_pt=10.5,
    )
    title = f"关于交办{data.session_full}提案的通知"
    return office_file(
        texts,
        Family.ASSIGNMENT_NOTICE,
        title=title,
        body=body,
        doc_number=data.doc_number,
        date=data.date,
        attachments=[Attachment(title=f"{data.session_full}提案交办清单", blocks=[table])],
    )


# --- 答复函 / 会办意见 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyInput:
    session_full: str
    number_display: str  # 第0012号 (as the committee displays numbers)
    number: int | None
    title: str
    proposer_names: list[str]
    collective_body: str  # the body of a collective proposal, else ""
    unit_name: str
    unit_short: str
    is_co_unit: bool
    lead_unit_name: str
    result_class: str  # "" until chosen
    publicity: str  # 公开属性 label, "" until chosen
    contact_name: str
    contact_phone: str
    reply_text: str  # the drafted reply if any, else ""
    doc_number: str
    date: dt.date


def reply_letter(texts: Resolved, data: ReplyInput) -> OfficialDocument:
    """The reply letter a handling unit sends (信函格式), pre-filled; a co-unit gets the 会办意见 form
    addressed to the lead unit. The result class is the corner mark (□ until chosen)."""
    number = str(data.number) if data.number is not None else "　"
    if data.is_co_unit:
        title = f"关于{data.session_full}第{number}号提案的会办意见"
        recipients = data.lead_unit_name
        opening = texts.wording["co_opinion_opening"].format(
            session=data.session_full, number=number, title=data.title
        )
    else:
        title = f"关于{data.session_full}第{number}号提案的答复"
        recipients = data.collective_body or f"{joined(data.proposer_names)}委员"
        opening = texts.wording["reply_opening"].format(title=data.title, number=number)
    body: list[Block] = [Paragraph(opening)]
    if data.reply_text.strip():
        body += _paragraphs(data.reply_text)
    else:
        body += [Heading(1, "……"), Paragraph("……"), Heading(1, "……"), Paragraph("……")]
    if not data.is_co_unit:
        body.append(Paragraph(texts.wording["reply_thanks"]))
    body.append(Paragraph(f"公开属性：{data.publicity or '主动公开□　依申请公开□　不予公开□'}"))
    contact = f"联系人：{data.contact_name or '　　　'}，联系电话：{data.contact_phone or '　　　'}"
    return OfficialDocument(
        title=title,
        body=body,
        form=Form.LETTER,
        issuer_mark=data.unit_name,
        doc_number=data.doc_number,
        recipients=recipients,
        signature=Signature(issuer=data.unit_name, date=data.date),
        note=contact,
        cc=[] if data.is_co_unit else list(texts.cc[Family.REPLY_LETTER]),
        corner_mark=data.result_class or "□",
        subject=title,
        author=data.unit_name,
    )


# --- 提案办理情况通报 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CircularInput:
    scope: str  # "十届五次会议" or "2026年"
    stats: dict[str, Any]  # proposals.queries.statistics(...)
    classes: dict[str, str]
    key_titles: list[str]
    doc_number: str
    date: dt.date


def proposal_circular(texts: Resolved, data: CircularInput) -> OfficialDocument:
    """提案办理情况通报: every figure straight from `statistics()`, worded as the office writes them."""
    t = data.stats["totals"]
    body: list[Block] = [Paragraph(texts.wording["circular_opening"].format(scope=data.scope))]
    body.append(Heading(1, "提案提交和立案情况"))
    body.append(
        Paragraph(
            sentence(
                f"{data.scope}共收到提案{t['received']}件",
                f"经审查立案{t['filed']}件",
                f"并案处理后立案{t['filed_after_merge']}件" if t.get("merged_members") else "",
                f"不予立案{t['not_filed']}件" if t.get("not_filed") else "",
                f"转为其他渠道办理{t['converted']}件" if t.get("converted") else "",
                f"撤案{t['withdrawn']}件" if t.get("withdrawn") else "",
                f"确定重点提案{t['key_proposals']}件" if t.get("key_proposals") else "",
            )
        )
    )
    body.append(Heading(1, "提案交办和答复情况"))
    body.append(
        Paragraph(
            sentence(
                f"已交办{t['assigned']}件，共涉及承办单位{t.get('units', 0)}个",
                f"已答复{t['replied']}件，答复率{percent(t.get('reply_rate'))}",
                f"按时答复率{percent(t.get('on_time_rate'))}" if t.get("on_time_rate") is not None else "",
                f"办结{t['closed']}件，办结率{percent(t.get('close_rate'))}",
                f"目前逾期未答复{t['overdue']}件" if t.get("overdue") else "",
            )
        )
    )
    classes = t.get("classes") or {}
    answered = sum(classes.values())
    if answered:
        parts = [
            f"{code}类（{label}）{classes.get(code, 0)}件，占{share(classes.get(code, 0), answered)}"
            for code, label in data.classes.items()
        ]
        body.append(Heading(1, "办理结果分类情况"))
        body.append(Paragraph(f"在已答复的{answered}件提案中，" + "；".join(parts) + "。"))
    body.append(Heading(1, "委员评价情况"))
    if t.get("ratings"):
        body.append(
            Paragraph(
                sentence(
                    f"共收到委员评价{t['ratings']}份",
                    f"对办理态度满意和基本满意的占{percent(t.get('attitude_satisfaction_rate'))}",
                    f"对办理结果满意和基本满意的占{percent(t.get('result_satisfaction_rate'))}",
                )
            )
        )
    else:
        body.append(Paragraph("目前尚未收到委员评价。"))
    if data.key_titles:
        body.append(Heading(1, "重点提案办理情况"))
        body.append(
            Paragraph(
                f"确定重点提案{len(data.key_titles)}件："
                + "；".join(f"《{x}》" for x in data.key_titles)
                + "。"
            )
        )
    body.append(Paragraph(texts.wording["circular_closing"]))
    units = data.stats.get("by_unit") or []
    table = Table(
        header=[["承办单位", "交办（件）", "答复（件）", "答复率", "按时答复率", "逾期（件）"]],
        rows=[
            [
                str(u["group_name"]),
                str(u["assigned"]),
                str(u["replied"]),
                percent(u.get("reply_rate")),
                percent(u.get("on_time_rate")),
                str(u.get("overdue", 0)),
            ]
            for u in units
        ],
        column_widths_mm=[56, 20, 20, 20, 22, 18],
        font_size_pt=10.5,
    )
    title = f"关于{data.scope}提案办理情况的通报"
    return office_file(
        texts,
        Family.PROPOSAL_CIRCULAR,
        title=title,
        body=body,
        doc_number=data.doc_number,
        date=data.date,
        attachments=[Attachment(title=f"{data.scope}提案承办单位办理情况统计表", blocks=[table])],
    )


# --- 提案汇编 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledProposal:
    number_display: str
    title: str
    proposers: str
    category: str
    background: str
    analysis: str
    suggestions: str
    units: str
    replies: list[tuple[str, str, str]] = field(default_factory=list)  # (unit, class, text)


def compilation(
    *,
    session_full: str,
    editor: str,
    items: list[CompiledProposal],
    date: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> OfficialDocument:
    """A session's 提案汇编: every filed proposal with its replies, in number order; `progress(done,
    total)` is called after each proposal."""
    body: list[Block] = [
        Paragraph(f"本汇编收录{session_full}立案提案{len(items)}件及其答复，按提案号排列。"),
    ]
    total = len(items)
    for i, p in enumerate(items, start=1):
        body.append(PageBreak())
        body.append(Heading(1, f"{p.number_display}　{p.title}", numbered=False))
        body.append(Paragraph(f"提案者：{p.proposers}", indent=False))
        if p.category:
            body.append(Paragraph(f"类别：{p.category}", indent=False))
        if p.units:
            body.append(Paragraph(f"承办单位：{p.units}", indent=False))
        for label, text in (
            ("调研情况", p.background),
            ("问题分析", p.analysis),
            ("具体建议", p.suggestions),
        ):
            if text.strip():
                body.append(Heading(2, label, numbered=False))
                body += _paragraphs(text)
        for unit, result_class, text in p.replies:
            mark = f"（{result_class}类）" if result_class else ""
            body.append(Heading(2, f"{unit}答复{mark}", numbered=False))
            body += _paragraphs(text)
        if progress is not None:
            progress(i, total)
    title = f"{session_full}提案汇编"
    return OfficialDocument(
        title=title,
        body=body,
        signature=Signature(issuer=editor, date=date, sealed=False),
        subject=title,
        author=editor,
    )
