"""Duty documents: the year's 委员履职考核得分通报 and one member's annual 履职报告."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tongxin.gongwen.spec import (
    Attachment,
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
)

from ..presets import Family
from ..services import Resolved
from .office import office_file
from .wording import score, sentence


@dataclass(frozen=True)
class ScoreRow:
    name: str
    sector: str
    participating_unit: str
    total: Decimal
    grade: str


@dataclass(frozen=True)
class DutyCircularInput:
    year: int
    rows: list[ScoreRow]  # best first, as duties.queries.scores_for orders them
    averages: list[dict[str, Any]]  # duties.queries.averages(..., "participating_unit")
    checklist: list[dict[str, Any]]  # duties.queries.checklist_summary(...)
    doc_number: str
    date: dt.date


def duty_circular(texts: Resolved, data: DutyCircularInput) -> OfficialDocument:
    """委员履职考核得分通报: how many were assessed, the average, the grade mix, the checklist
    completion and the full score table (ranked) as an attachment."""
    rows = data.rows
    body: list[Block] = [Paragraph(texts.wording["duty_circular_opening"].format(year=data.year))]
    body.append(Heading(1, "总体情况"))
    if rows:
        totals = [r.total for r in rows]
        average = sum(totals, Decimal(0)) / len(totals)
        grades: dict[str, int] = {}
        for r in rows:
            if r.grade:
                grades[r.grade] = grades.get(r.grade, 0) + 1
        body.append(
            Paragraph(
                sentence(
                    f"{data.year}年度参加履职考核的委员共{len(rows)}名",
                    f"平均得分{score(average)}分",
                    f"最高{score(max(totals))}分",
                    f"最低{score(min(totals))}分",
                    "其中" + "，".join(f"{g}{n}名" for g, n in grades.items()) if grades else "",
                )
            )
        )
    else:
        body.append(Paragraph(f"{data.year}年度尚无委员履职考核得分。"))
    if data.averages:
        best = data.averages[0]
        body.append(Heading(1, "各参加单位情况"))
        body.append(
            Paragraph(
                "按参加单位统计，"
                + "，".join(
                    f"{a['name']}{a['members']}名委员人均{score(a['average'])}分" for a in data.averages
                )
                + f"，其中{best['name']}的委员履职考核人均得分最高。"
            )
        )
    if data.checklist:
        body.append(Heading(1, "履职基本要求完成情况"))
        body.append(
            Paragraph(
                "；".join(
                    f"“{c['label']}”{c['members_met']}名委员达到要求（共{c['members_total']}名）"
                    for c in data.checklist
                )
                + "。"
            )
        )
    body.append(Paragraph(texts.wording["duty_circular_closing"]))
    table = Table(
        header=[["名次", "姓名", "界别", "参加单位", "得分", "等次"]],
        rows=[
            [str(i), r.name, r.sector or "—", r.participating_unit or "—", score(r.total), r.grade or "—"]
            for i, r in enumerate(_ranked(rows), start=1)
        ],
        column_widths_mm=[14, 26, 36, 36, 22, 22],
        font_size_pt=10.5,
    )
    title = f"关于{data.year}年度委员履职考核得分情况的通报"
    return office_file(
        texts,
        Family.DUTY_CIRCULAR,
        title=title,
        body=body,
        doc_number=data.doc_number,
        date=data.date,
        attachments=[Attachment(title=f"{data.year}年度委员履职考核得分表", blocks=[table])],
    )


def _ranked(rows: list[ScoreRow]) -> list[ScoreRow]:
    return sorted(rows, key=lambda r: -r.total)


@dataclass(frozen=True)
class DutyReportInput:
    name: str
    term_full: str  # 政协第十届兰州市城关区委员会
    sector: str
    year: int
    counts: list[tuple[str, int]]  # (duty kind label, events of the year), non-voided
    events: list[tuple[dt.date, str, str]]  # (date, kind label, title)
    explanation: dict[str, Any]  # duties.queries.explanation(...)
    checklist: list[tuple[str, int, int, bool]]  # (label, done, threshold, met)
    date: dt.date
    own_text: str = ""  # the report the member wrote (duties.DutyReport), if any


def duty_report(data: DutyReportInput) -> OfficialDocument:
    """A member's annual 履职报告 from the duty record: what they did, by kind; the checklist; the
    score with its groups; the dated list of duties as an attachment."""
    e = data.explanation
    intro = f"本人作为{data.term_full}委员" + (f"（{data.sector}）" if data.sector else "")
    body: list[Block] = [
        Paragraph(f"{intro}，{data.year}年认真履行委员职责。现将本人{data.year}年度履职情况报告如下。")
    ]
    body.append(Heading(1, "履职基本情况"))
    if data.own_text.strip():
        body += [Paragraph(x.strip()) for x in data.own_text.splitlines() if x.strip()]
    elif data.counts:
        body.append(
            Paragraph(f"{data.year}年，" + "，".join(f"{label}{n}次" for label, n in data.counts) + "。")
        )
    else:
        body.append(Paragraph(f"{data.year}年尚无履职记录。"))
    if data.checklist:
        body.append(Heading(1, "履职基本要求完成情况"))
        body.append(
            Paragraph(
                "；".join(
                    f"{label}：完成{done}次（要求{threshold}次），{'已达到' if met else '未达到'}"
                    for label, done, threshold, met in data.checklist
                )
                + "。"
            )
        )
    body.append(Heading(1, "履职考核得分"))
    groups = "，".join(f"{g['label']}{score(g['total'])}分" for g in e.get("groups", []))
    body.append(
        Paragraph(
            sentence(
                f"{data.year}年度履职考核得分{score(e.get('total'))}分",
                f"其中{groups}" if groups else "",
                f"等次为{e['grade']}" if e.get("grade") else "",
            )
        )
    )
    table = Table(
        header=[["日期", "类别", "事项"]],
        rows=[[f"{d.month}月{d.day}日", kind, title] for d, kind, title in data.events],
        column_widths_mm=[24, 40, 92],
        font_size_pt=10.5,
    )
    title = f"{data.name}委员{data.year}年度履职报告"
    return OfficialDocument(
        title=title,
        body=body,
        attachments=[Attachment(title=f"{data.year}年度履职记录", blocks=[table])] if data.events else [],
        signature=Signature(issuer=data.name, date=data.date, sealed=False),
        subject=title,
        author=data.name,
    )
