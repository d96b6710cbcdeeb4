"""社情民意 documents: one bulletin issue (《社情民意》第N期) and the year's 采纳情况通报."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tongxin.gongwen.spec import (
    Attachment,
    Block,
    Heading,
    OfficialDocument,
    Paragraph,
    Table,
)

from ..presets import Family
from ..services import Resolved
from .office import office_file
from .wording import sentence


@dataclass(frozen=True)
class BulletinItem:
    title: str
    situation: str
    analysis: str
    suggestions: str
    reporter: str  # 反映人 and unit, as printed at the end of the item


@dataclass(frozen=True)
class BulletinInput:
    bulletin_name: str  # 社情民意
    year: int
    number: int
    issue_title: str
    items: list[BulletinItem]
    recipients: list[str]  # 报送 (党委、政府、上级政协、部门)
    editor: str  # 编发机关
    date: dt.date


def _paras(text: str) -> list[Block]:
    return [Paragraph(x.strip()) for x in text.splitlines() if x.strip()]


def bulletin_issue(data: BulletinInput) -> OfficialDocument:
    """《社情民意》2026年第5期: the masthead, each report's edited text (情况、分析、建议) and its
    reporter, and the 报送 line in the 版记."""
    body: list[Block] = []
    if len(data.items) > 1:
        body.append(Paragraph("本期要目", indent=False, align="center"))
        body += [Paragraph(f"{i}．{item.title}", indent=False) for i, item in enumerate(data.items, 1)]
    for item in data.items:
        body.append(Heading(1, item.title, numbered=False))
        body += _paras(item.situation)
        body += _paras(item.analysis)
        body += _paras(item.suggestions)
        if item.reporter:
            body.append(Paragraph(f"（反映人：{item.reporter}）", align="right", indent=False))
    name = data.bulletin_name.strip("《》")
    title = data.issue_title or f"《{name}》{data.year}年第{data.number}期"
    return OfficialDocument(
        title=title,
        body=body,
        issuer_mark=name,
        doc_number=f"{data.year}年第{data.number}期",
        signature=None,
        cc=list(data.recipients),
        printer=data.editor,
        print_date=data.date,
        subject=title,
        author=data.editor,
    )


@dataclass(frozen=True)
class OpinionCircularInput:
    year: int
    stats: dict[str, Any]  # opinions.queries.statistics(...)
    bulletin_name: str
    doc_number: str
    date: dt.date


RANK_TABLES = ("author", "participating_unit", "special_committee", "activity_group", "lower_committee")


def opinion_circular(texts: Resolved, data: OpinionCircularInput) -> OfficialDocument:
    """社情民意信息采纳情况通报: the year's totals, adoption by level, instructions by level, and the
    rankings as attachment tables — every number from `opinions.queries.statistics`."""
    s = data.stats
    t = s["totals"]
    name = data.bulletin_name.strip("《》")
    levels = [f"被{row['label']}采用{row['count']}篇" for row in s["adopted_by_level"] if row["count"]]
    leaders = [f"{row['label']}领导批示{row['count']}篇" for row in s["instructed_by_level"] if row["count"]]
    body: list[Block] = [Paragraph(texts.wording["opinion_circular_opening"].format(year=data.year))]
    body.append(Heading(1, "总体情况"))
    body.append(
        Paragraph(
            sentence(
                f"{data.year}年共收到社情民意信息{t['received']}篇",
                f"编发《{name}》{t['issues']}期、刊发信息{t['edited']}篇",
                f"被上级采用{t['adopted_upstream']}篇" + (f"（{'，'.join(levels)}）" if levels else ""),
                f"获得领导批示{t['instructed']}篇{t['instructions']}次",
                f"收到有关部门反馈{t['feedback']}件" if t.get("feedback") else "",
            )
        )
    )
    if leaders:
        body.append(Heading(1, "领导批示情况"))
        body.append(Paragraph("其中，" + "，".join(leaders) + "。"))
    body.append(Heading(1, "报送和采用排名"))
    body.append(Paragraph("各报送主体的报送、编发、采用和批示情况见附件。"))
    body.append(Paragraph(texts.wording["opinion_circular_closing"]))
    attachments = []
    for key in RANK_TABLES:
        dim = (s.get("rankings") or {}).get(key)
        if not dim or not dim["rows"]:
            continue
        table = Table(
            header=[["名次", dim["label"], "报送", "编发", "上级采用", "领导批示"]],
            rows=[
                [
                    str(r["rank"]),
                    str(r["name"]),
                    str(r["received"]),
                    str(r["edited"]),
                    str(r["adopted"]),
                    str(r["instructed"]),
                ]
                for r in dim["rows"]
            ],
            column_widths_mm=[14, 62, 20, 20, 20, 20],
            font_size_pt=10.5,
        )
        attachments.append(
            Attachment(title=f"{data.year}年度社情民意信息报送采用情况（{dim['label']}）", blocks=[table])
        )
    title = f"关于{data.year}年度社情民意信息采纳情况的通报"
    return office_file(
        texts,
        Family.OPINION_CIRCULAR,
        title=title,
        body=body,
        doc_number=data.doc_number,
        date=data.date,
        attachments=attachments,
    )
