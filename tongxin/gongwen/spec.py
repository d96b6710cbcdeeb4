"""What an official document says, independent of how it is laid out.

Builders (``tongxin.documents``) fill these dataclasses from the platform's records; the renderer
(``tongxin.gongwen.docx``) lays them out to GB/T 9704-2012. Plain Python, no Django: the layout
engine can be tested and reused on its own, like ``tongxin.textsim``.

Clauses cited are GB/T 9704-2012 (see ../shared/reference/ecosystem.md §a).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Form(StrEnum):
    """The document's format: 文件格式 (7) or 信函格式 (10.1)."""

    FILE = "file"
    LETTER = "letter"


@dataclass(frozen=True)
class Heading:
    """A structural heading. Level 1 "一、" 黑体, 2 "（一）" 楷体, 3 "1." 仿宋, 4 "（1）" 仿宋 (7.3.3).

    ``text`` is given without its number; the renderer numbers headings per level, restarting a
    level's count under each new parent, unless ``numbered`` is False.
    """

    level: int
    text: str
    numbered: bool = True


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph, 左空二字, justified (7.3.3). ``lead`` is an inline run heading, e.g. a level-3
    heading that continues into text on the same line ("1.加强……。其他内容"), set in the heading's font."""

    text: str
    lead: str = ""
    indent: bool = True
    align: str = "justify"  # "justify" | "center" | "right" | "left"
    lead_level: int = 0  # the heading level whose font the lead takes; 0: read it from the lead's numbering


@dataclass(frozen=True)
class Table:
    """A table of figures. ``header`` is one or more header rows; numbers are given as formatted strings."""

    header: list[list[str]]
    rows: list[list[str]]
    caption: str = ""
    column_widths_mm: list[float] | None = None
    font_size_pt: float = 12.0  # 小四; tables are commonly set smaller than the 3号 body
    landscape: bool = False


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | PageBreak


@dataclass(frozen=True)
class Attachment:
    """An attachment bound with the document (7.3.7): a new page, "附件" + number in 3号黑体 顶格 on line 1,
    its title centred on line 3, then its blocks. Listed in the 附件说明 (7.3.4) by title."""

    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Signature:
    """署名 and 成文日期 (7.3.5). ``sealed`` selects 7.3.5.1 (date 右空四字) over 7.3.5.2."""

    issuer: str
    date: dt.date
    sealed: bool = True


@dataclass(frozen=True)
class OfficialDocument:
    """One document, in the order the standard lays it out."""

    title: str
    body: list[Block]
    form: Form = Form.FILE
    # 版头 (7.2)
    issuer_mark: str = ""  # 发文机关标志, e.g. "政协兰州市城关区委员会办公室文件" (red, 小标宋)
    doc_number: str = ""  # 发文字号, already formatted by doc_number(): "城政协办发〔2026〕3号"
    copy_number: str = ""  # 份号, 6 digits
    secrecy: str = ""  # 密级和保密期限
    urgency: str = ""  # 紧急程度
    signers: list[str] = field(default_factory=list)  # 签发人 (上行文 only)
    # 主体 (7.3)
    recipients: str = ""  # 主送机关, without the trailing 全角冒号
    attachments: list[Attachment] = field(default_factory=list)
    signature: Signature | None = None
    note: str = ""  # 附注, without its parentheses
    # 版记 (7.4); letters (10.1) carry 抄送 only
    cc: list[str] = field(default_factory=list)
    printer: str = ""  # 印发机关
    print_date: dt.date | None = None
    # 信函格式 extras: the result class marked at the top right of a 提案答复函 ("A"/"B"/"C")
    corner_mark: str = ""
    # Information for the file's core properties, never printed
    subject: str = ""
    author: str = ""


def doc_number(agency_code: str, year: int, serial: int) -> str:
    """发文字号 (7.2.5): 机关代字 + year in 六角括号 〔〕 + serial with no 第 and no zero padding."""
    if serial < 1:
        raise ValueError("serial must be positive")
    return f"{agency_code}〔{year}〕{serial}号"


def chinese_date(day: dt.date) -> str:
    """成文日期 (7.3.5.4): Arabic digits, full year, no zero padding: 2025年1月5日."""
    return f"{day.year}年{day.month}月{day.day}日"
