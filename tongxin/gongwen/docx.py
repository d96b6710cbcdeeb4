"""Lay out an :class:`~tongxin.gongwen.spec.OfficialDocument` as a .docx file to GB/T 9704-2012.

``render_docx(doc)`` returns the bytes of a Word file. Every number comes from
../shared/reference/ecosystem.md §a; the measured positions are in ``tongxin/gongwen/README.md``.

Two rules hold for every piece of text written here:

* every run is made by :meth:`_Writer.run`, which sets ``w:eastAsia`` (python-docx's ``font.name``
  writes only the Latin slots, so a run made any other way would fall back to a Latin font for Chinese);
* every paragraph is made by :meth:`_Writer.paragraph`, with exact line spacing, so that the body keeps
  to the 22-line grid (``w:docGrid type="lines" linePitch="579"``).

Plain Python over python-docx; no Django.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Pt, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

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

# ---------------------------------------------------------------------------------------------
# Numbers (twips = 1/20 pt; 1 mm = 56.693 twips). See README.md for where each one comes from.
# ---------------------------------------------------------------------------------------------

PAGE_WIDTH = 11906  # A4 210 mm (5.1)
PAGE_HEIGHT = 16838  # A4 297 mm
MARGIN_TOP = 2098  # 天头 37 mm (5.2.1)
MARGIN_LEFT = 1587  # 订口 28 mm
MARGIN_RIGHT = 1474  # 210 − 28 − 156 = 26 mm
MARGIN_BOTTOM = 1984  # 297 − 37 − 225 = 35 mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845 twips = 156 mm 版心
LINE = 579  # 225 mm / 22 lines = 28.95 pt, exact (5.2.3)
BODY_PT = 16.0  # 3号
SMALL_PT = 14.0  # 4号: 版记, page numbers
TITLE_PT = 22.0  # 2号
CHAR_SPACING = -5  # w:spacing w:val is in twips: −5 = −0.25 pt, so 28 characters fit 156 mm
CHAR = 320 + CHAR_SPACING  # one 3号 character's advance: 16 pt − 0.25 pt = 315 twips
SMALL_EM = 280  # one 4号 character (14 pt): the page numbers' 空一字
SMALL_CHAR = SMALL_EM + CHAR_SPACING  # one 4号 character's advance in the Normal style's spacing
RED = "FF0000"
MARK_LINE = 1.2  # the 发文机关标志's exact line height, in em
MARK_INK = 1.08  # measured: its glyph top lies 1.08 em above its line's bottom (Noto Serif CJK, LibreOffice)
RULE_SIZE = 12  # 版头分隔线 1.5 pt (w:sz is in eighths of a point)
RULE_SPACE = 4  # pt below the 发文字号's line: the rule then sits 4 mm below its glyphs (measured)
# The page number's line box is 4号 with exact 16 pt spacing; its top sits 7 mm below the 版心 bottom,
# i.e. 28 mm above the paper's bottom edge (7.5). w:footer is measured to the footer's bottom edge.
FOOTER_LINE = 320
FOOTER_TOP = round(28 * 1440 / 25.4)  # 1587 twips from the paper's bottom to the number's line top
FOOTER_DISTANCE = FOOTER_TOP - FOOTER_LINE  # 1267 twips
# 信函格式: the first page's footer is the lower red double line, 20 mm above the paper's bottom
# (10.1); the section's footer distance is then that line's, and page numbers keep their place on
# later pages with spacing after.
LETTER_RULE = 60  # the double line's width, 3 pt
LETTER_FOOTER_DISTANCE = round(20 * 1440 / 25.4) - LETTER_RULE
LETTER_FIRST_GAP = 113  # 2 mm more than LibreOffice leaves between the header and the body (measured)
LETTER_RULE_SPACE = 5  # pt below the mark's line: the double line then sits 4 mm below its glyphs (measured)
HEADER_DISTANCE = 851  # 15 mm: only the letter form uses a header (its letterhead)
LETTER_RULE_WIDTH = round(170 * 1440 / 25.4)  # 信函格式 double lines, 170 mm (10.1)
# The 版记 table floats at the bottom of the 版心, placed horizontally from the page's edge: LibreOffice
# (7.4) turns a floating table into a floating frame only when it is at least 4.7 mm narrower than the
# text area, or when it is placed relative to the page (writerfilter FloatingTableConversion).
COLOPHON_WIDTH = TEXT_WIDTH

_ASCII = re.compile(r"[\x00-\x7f]+")
_NUMERIC = re.compile(r"[-+]?[\d,.]+%?")  # a table cell holding a number is centred
_SCRIPT_PARTS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019\u00b7]")


def mm(value: float) -> int:
    """Millimetres to twips."""
    return round(value * 1440 / 25.4)


@dataclass(frozen=True)
class Fonts:
    """The font names written into the file (the office PC's fonts; the server maps them for PDF)."""

    title: str = "方正小标宋简体"  # 发文机关标志, 标题, 附件标题
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"  # also 密级, 紧急程度, "附件1" labels, table header rows
    heading2: str = "楷体_GB2312"  # also 签发人 names
    heading3: str = "仿宋_GB2312"
    heading4: str = "仿宋_GB2312"
    page_number: str = "宋体"
    latin: str = "Times New Roman"
    bold_heading2: bool = False
    bold_heading3: bool = False
    issuer_mark_pt: float = 36.0  # 发文机关标志: "字号由发文机关酌定"; narrowed to fit 156 mm if needed

    def heading(self, level: int) -> str:
        return {1: self.heading1, 2: self.heading2, 3: self.heading3, 4: self.heading4}[level]

    def heading_bold(self, level: int) -> bool:
        return (level == 2 and self.bold_heading2) or (level == 3 and self.bold_heading3)


# ---------------------------------------------------------------------------------------------
# Numbering and measuring
# ---------------------------------------------------------------------------------------------

_DIGITS = "〇一二三四五六七八九"


def chinese_number(value: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五, 110 → 一百一十 (heading numbers)."""
    if not 0 < value < 1000:
        raise ValueError("heading numbers run from 1 to 999")
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    text = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and units:
        text += "零"
    return text + (_DIGITS[units] if units else "")


def heading_number(level: int, count: int) -> str:
    """一、 （一） 1. （1） for levels 1–4 (7.3.3)."""
    if level == 1:
        return f"{chinese_number(count)}、"
    if level == 2:
        return f"（{chinese_number(count)}）"
    if level == 3:
        return f"{count}."
    return f"（{count}）"


_LEAD_LEVELS = (
    (re.compile(r"^[一二三四五六七八九十]+、"), 1),
    (re.compile(r"^（[一二三四五六七八九十]+）"), 2),
    (re.compile(r"^\d+[.．]"), 3),
    (re.compile(r"^（\d+）"), 4),
)


def lead_level(lead: str) -> int:
    """Which heading level an inline lead imitates, from its own numbering (1 when it has none)."""
    for pattern, level in _LEAD_LEVELS:
        if pattern.match(lead):
            return level
    return 1


def text_width_chars(text: str) -> float:
    """Width in 3号 characters: CJK and full-width forms are one, Latin letters and digits half."""
    return sum(1.0 if CJK.match(ch) or ord(ch) > 0x2E7F else 0.5 for ch in text)


_TRAILING_PUNCTUATION = "。，、；：,.;:"


# ---------------------------------------------------------------------------------------------
# The writer
# ---------------------------------------------------------------------------------------------


class _Writer:
    def __init__(
        self, doc: OfficialDocument, fonts: Fonts, progress: Callable[[int], None] | None = None
    ) -> None:
        self.spec = doc
        self.fonts = fonts
        self.progress = progress
        self._units_total = _units(doc.body) + sum(
            _units(attachment.blocks) for attachment in doc.attachments
        )
        self._units_done = 0
        self._percent_told = -1
        self.docx: DocxDocument = docx.Document()
        self.counters = [0, 0, 0, 0, 0]
        self.head_height = 0
        self.footer_distance = LETTER_FOOTER_DISTANCE if doc.form is Form.LETTER else FOOTER_DISTANCE
        body = self.docx.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        # The body's own section properties: always its last child (add_section() keeps it last).
        self._body_end = body[-1]
        self._rpr_templates: dict[tuple[Any, ...], Any] = {}
        self._ppr_templates: dict[tuple[Any, ...], Any] = {}

    # -- the two primitives ------------------------------------------------------------------

    def run(
        self,
        paragraph: DocxParagraph,
        text: str,
        *,
        font: str | None = None,
        size_pt: float = BODY_PT,
        bold: bool = False,
        color: str | None = None,
        latin: str | None = None,
        scale: int | None = None,
    ) -> Run:
        """The only way text is written: one run per stretch of ASCII or non-ASCII text (see
        :meth:`_run`). Returns the last run made."""
        parts = _SCRIPT_PARTS.findall(text) or [""]
        run: Run | None = None
        for part in parts:
            run = self._run(
                paragraph, part, font=font, size_pt=size_pt, bold=bold, color=color, latin=latin, scale=scale
            )
        assert run is not None
        return run

    def _run(
        self,
        paragraph: DocxParagraph,
        text: str,
        *,
        font: str | None,
        size_pt: float,
        bold: bool,
        color: str | None,
        latin: str | None,
        scale: int | None,
    ) -> Run:
        """The only place a run is made: Latin and East Asian fonts always set, size, weight, colour.

        An ASCII-only run gets the Latin font in the East Asian slot too. Word draws ASCII with the
        Latin font anyway; LibreOffice gives digits between Chinese characters the East Asian font
        (they are "weak" characters), which would make dates and numbers wider than in Word.

        A long document has hundreds of thousands of runs but only a handful of distinct run
        properties, so each ``w:rPr`` is prepared once (:meth:`_run_properties`) and copied: building
        it through python-docx's setters for every run was most of the rendering time."""
        latin_font = latin or self.fonts.latin
        east_asia = font or self.fonts.body
        if text and _ASCII.fullmatch(text):
            east_asia = latin_font
        key = (latin_font, east_asia, bool(CJK.search(text)), size_pt, bold, color, scale)
        rpr = self._rpr_templates.get(key)
        if rpr is None:
            rpr = self._rpr_templates[key] = self._run_properties(*key)
        r = OxmlElement("w:r")
        r.append(copy.deepcopy(rpr))
        _append_text(r, text)
        paragraph._p.append(r)
        return Run(r, paragraph)

    @staticmethod
    def _run_properties(
        latin_font: str,
        east_asia: str,
        chinese: bool,
        size_pt: float,
        bold: bool,
        color: str | None,
        scale: int | None,
    ) -> Any:
        """A run's ``w:rPr``, built on a scratch run (the template :meth:`_run` copies)."""
        run = Run(OxmlElement("w:r"), None)  # type: ignore[arg-type]  # no part is needed for fonts
        rpr = run._element.get_or_add_rPr()
        rfonts = rpr.get_or_add_rFonts()
        rfonts.set(qn("w:ascii"), latin_font)
        rfonts.set(qn("w:hAnsi"), latin_font)
        rfonts.set(qn("w:eastAsia"), east_asia)
        rfonts.set(qn("w:cs"), latin_font)
        if chinese:
            rfonts.set(qn("w:hint"), "eastAsia")
        run.font.size = Pt(size_pt)
        _child(rpr, "w:szCs").set(qn("w:val"), str(round(size_pt * 2)))
        if bold:
            run.font.bold = True
        if color:
            _child(rpr, "w:color").set(qn("w:val"), color)
        if scale is not None and scale != 100:
            _child(rpr, "w:w").set(qn("w:val"), str(scale))
        return rpr

    def paragraph(
        self,
        container: Any = None,
        *,
        align: str = "left",
        first_line: int = 0,
        left: int = 0,
        right: int = 0,
        hanging: int = 0,
        before: int = 0,
        after: int = 0,
        line: int = LINE,
        keep_next: bool = False,
        page_break_before: bool = False,
        snap: bool = True,
    ) -> DocxParagraph:
        """The only way a paragraph is made: exact line spacing, indents in twips, no widow control.

        ``container`` is a python-docx cell, header or footer; ``None`` is the document's body. As for
        runs, each distinct ``w:pPr`` is prepared once and copied."""
        key = (
            align,
            first_line,
            left,
            right,
            hanging,
            before,
            after,
            line,
            keep_next,
            page_break_before,
            snap,
        )
        ppr = self._ppr_templates.get(key)
        if ppr is None:
            ppr = self._ppr_templates[key] = self._paragraph_properties(*key)
        p = OxmlElement("w:p")
        p.append(copy.deepcopy(ppr))
        if container is None:
            # python-docx's add_paragraph() looks for the body's w:sectPr from the first child on,
            # which made every paragraph cost as much as the body is long. The section properties
            # are always the body's last child, so the paragraph goes right before it.
            self._body_end.addprevious(p)
            return DocxParagraph(p, self.docx._body)
        container._element.append(p)
        return DocxParagraph(p, container)

    @staticmethod
    def _paragraph_properties(
        align: str,
        first_line: int,
        left: int,
        right: int,
        hanging: int,
        before: int,
        after: int,
        line: int,
        keep_next: bool,
        page_break_before: bool,
        snap: bool,
    ) -> Any:
        """A paragraph's ``w:pPr``, built on a scratch paragraph (the template :meth:`paragraph` copies)."""
        paragraph = DocxParagraph(OxmlElement("w:p"), None)  # type: ignore[arg-type]  # no part needed
        fmt = paragraph.paragraph_format
        fmt.alignment = {
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        }[align]
        fmt.space_before = Twips(before)
        fmt.space_after = Twips(after)
        fmt.line_spacing = Twips(line)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        if left:
            fmt.left_indent = Twips(left)
        if right:
            fmt.right_indent = Twips(right)
        if hanging:
            fmt.first_line_indent = Twips(-hanging)
        elif first_line:
            fmt.first_line_indent = Twips(first_line)
        fmt.widow_control = False
        if keep_next:
            fmt.keep_with_next = True
        if page_break_before:
            fmt.page_break_before = True
        if not snap:
            _child(paragraph._p.get_or_add_pPr(), "w:snapToGrid").set(qn("w:val"), "0")
        return paragraph._p.pPr

    # -- document-wide settings --------------------------------------------------------------

    def setup(self) -> None:
        doc = self.docx
        styles = doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for child in list(rpr_default):
            rpr_default.remove(child)
        self._base_rpr(rpr_default)
        ppr_default = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        for child in list(ppr_default):
            ppr_default.remove(child)
        spacing = _child(ppr_default, "w:spacing")
        for key, value in (
            ("w:before", "0"),
            ("w:after", "0"),
            ("w:line", str(LINE)),
            ("w:lineRule", "exact"),
        ):
            spacing.set(qn(key), value)

        normal = doc.styles["Normal"]
        normal_rpr = normal.element.get_or_add_rPr()
        self._base_rpr(normal_rpr)
        _child(normal_rpr, "w:spacing").set(qn("w:val"), str(CHAR_SPACING))
        fmt = normal.paragraph_format
        fmt.space_before = Twips(0)
        fmt.space_after = Twips(0)
        fmt.line_spacing = Twips(LINE)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.widow_control = False
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        normal_ppr = normal.element.get_or_add_pPr()
        # No automatic space between Chinese and Latin text or digits (Word adds it by default): it
        # breaks the 28-character grid and the widths the signature is centred with. LibreOffice 7.4
        # ignores these two on import and adds about 1.2 mm at each change of script (README.md).
        _child(normal_ppr, "w:autoSpaceDE").set(qn("w:val"), "0")
        _child(normal_ppr, "w:autoSpaceDN").set(qn("w:val"), "0")

        settings = doc.settings.element
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        doc.settings.odd_and_even_pages_header_footer = True

        section = doc.sections[0]
        self._page(section, landscape=False)
        section.footer_distance = Twips(self.footer_distance)
        section.header_distance = Twips(HEADER_DISTANCE)

        props = doc.core_properties
        props.title = self.spec.title
        props.subject = self.spec.subject
        props.author = self.spec.author
        props.last_modified_by = self.spec.author
        props.comments = ""
        props.keywords = ""
        props.category = ""
        props.revision = 1
        stamp = _document_time(self.spec)
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp

    def _base_rpr(self, rpr: Any) -> None:
        rfonts = _child(rpr, "w:rFonts")
        for key in ("w:ascii", "w:hAnsi", "w:cs"):
            rfonts.set(qn(key), self.fonts.latin)
        rfonts.set(qn("w:eastAsia"), self.fonts.body)
        size = str(round(BODY_PT * 2))
        _child(rpr, "w:sz").set(qn("w:val"), size)
        _child(rpr, "w:szCs").set(qn("w:val"), size)
        lang = _child(rpr, "w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        lang.set(qn("w:bidi"), "ar-SA")

    def _page(self, section: Section, *, landscape: bool) -> None:
        if landscape:
            # The portrait 版心 turned a quarter: the 订口 (left binding edge) becomes the top.
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Twips(PAGE_HEIGHT), Twips(PAGE_WIDTH)
            section.top_margin, section.bottom_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
            section.left_margin, section.right_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
        else:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
            section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
            section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
        section.gutter = Twips(0)
        grid = _child(section._sectPr, "w:docGrid")
        for key in list(grid.attrib):
            del grid.attrib[key]
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE))

    # -- page numbers and the letterhead -----------------------------------------------------

    def page_numbers(self, section: Section) -> None:
        """ "— 1 —" in 4号宋体: odd pages 居右空一字, even pages 居左空一字 (7.5)."""
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False
        self._page_number(section.footer, odd=True)
        self._page_number(section.even_page_footer, odd=False)

    def _page_number(self, footer: Any, *, odd: bool) -> None:
        paragraph = footer.paragraphs[0]
        paragraph._p.getparent().remove(paragraph._p)
        p = self.paragraph(
            footer,
            align="right" if odd else "left",
            right=SMALL_EM if odd else 0,
            left=0 if odd else SMALL_EM,
            line=FOOTER_LINE,
            after=FOOTER_TOP - FOOTER_LINE - self.footer_distance,
            snap=False,
        )
        font = self.fonts.page_number
        self.run(p, "— ", font=font, latin=font, size_pt=SMALL_PT)
        self._field(p, "PAGE", "1", font=font, size_pt=SMALL_PT)
        self.run(p, " —", font=font, latin=font, size_pt=SMALL_PT)

    def _field(
        self, paragraph: DocxParagraph, instruction: str, shown: str, *, font: str, size_pt: float
    ) -> None:
        begin = self.run(paragraph, "", font=font, latin=font, size_pt=size_pt)
        _child(begin._element, "w:fldChar").set(qn("w:fldCharType"), "begin")
        instr = self.run(paragraph, "", font=font, latin=font, size_pt=size_pt)
        code = OxmlElement("w:instrText")
        code.set(qn("xml:space"), "preserve")
        code.text = f" {instruction} "
        instr._element.append(code)
        separate = self.run(paragraph, "", font=font, latin=font, size_pt=size_pt)
        _child(separate._element, "w:fldChar").set(qn("w:fldCharType"), "separate")
        self.run(paragraph, shown, font=font, latin=font, size_pt=size_pt)
        end = self.run(paragraph, "", font=font, latin=font, size_pt=size_pt)
        _child(end._element, "w:fldChar").set(qn("w:fldCharType"), "end")

    def letterhead(self, section: Section) -> None:
        """信函格式 (10.1): the first page's header holds the corner mark and the 发文机关标志 (top 30 mm
        from the paper's top) with the red 上粗下细 double line 4 mm below it; the first page's footer
        holds the 上细下粗 double line 20 mm above the paper's bottom and no page number."""
        section.different_first_page_header_footer = True
        header = section.first_page_header
        header.is_linked_to_previous = False
        header._element.remove(header.paragraphs[0]._p)
        spec = self.spec
        overhang = (LETTER_RULE_WIDTH - TEXT_WIDTH) // 2
        # Line 1 of the header (15 mm … 25.2 mm from the top): the corner mark, right-aligned.
        corner = self.paragraph(header, align="right", snap=False)
        if spec.corner_mark:
            self.run(corner, spec.corner_mark, font=self.fonts.heading1, latin=self.fonts.heading1)
        size, scale = self._mark_size(spec.issuer_mark, LETTER_RULE_WIDTH)
        mark_line = round(size * 20 * MARK_LINE)
        # The mark's glyph top 30 mm from the paper's top: the header starts at HEADER_DISTANCE and
        # its first line is the corner mark's.
        before = max(0, mm(30) - HEADER_DISTANCE - LINE + round(size * 20 * MARK_INK) - mark_line)
        mark = self.paragraph(
            header, align="center", left=-overhang, right=-overhang, before=before, line=mark_line, snap=False
        )
        self.run(mark, spec.issuer_mark, font=self.fonts.title, size_pt=size, color=RED, scale=scale)
        _border(mark, "bottom", "thickThinSmallGap", size=24, space=LETTER_RULE_SPACE, color=RED)

        footer = section.first_page_footer
        footer.is_linked_to_previous = False
        footer._element.remove(footer.paragraphs[0]._p)
        # The footer's bottom edge is LETTER_FOOTER_DISTANCE above the paper's bottom; the rule is the
        # bottom border of a 2 pt paragraph, so it lies 20 mm above the paper's bottom edge.
        rule = self.paragraph(footer, left=-overhang, right=-overhang, line=40, snap=False)
        _border(rule, "bottom", "thinThickSmallGap", size=24, space=0, color=RED)

    def _mark_size(self, text: str, width: int) -> tuple[float, int]:
        """The 发文机关标志's size and horizontal scale (w:w, %) so that it fits ``width`` twips."""
        size = self.fonts.issuer_mark_pt
        natural = text_width_chars(text) * size * 20
        if natural <= width * 0.96:
            return size, 100
        scale = int(width * 0.96 * 100 / natural)
        if scale >= 60:
            return size, scale
        size = size * scale / 60
        return size, 60

    # -- 版头 (7.2) ---------------------------------------------------------------------------

    def head(self) -> None:
        """版头 (7.2) of the 文件格式. Returns nothing; records its height in ``self.head_height`` (twips)
        so that the title can bring the body back onto the 22-line grid."""
        spec = self.spec
        if spec.form is Form.LETTER:
            self.letter_head()
            return
        height = 0
        for text, font in (
            (spec.copy_number, self.fonts.body),
            (spec.secrecy, self.fonts.heading1),
            (spec.urgency, self.fonts.heading1),
        ):
            if text:
                self.run(self.paragraph(), text, font=font)
                height += LINE
        if spec.issuer_mark:
            size, scale = self._mark_size(spec.issuer_mark, TEXT_WIDTH)
            mark_line = round(size * 20 * MARK_LINE)
            # Top edge of the mark 35 mm below the 版心's top edge (7.2.4). At exact line spacing the
            # glyphs sit at the bottom of their line: their top is MARK_INK em above the line's bottom.
            before = max(0, mm(35) + round(size * 20 * MARK_INK) - height - mark_line)
            p = self.paragraph(align="center", before=before, line=mark_line, snap=False)
            self.run(p, spec.issuer_mark, font=self.fonts.title, size_pt=size, color=RED, scale=scale)
            height += before + mark_line
        number_before = 2 * LINE if spec.issuer_mark else 0
        signers = list(spec.signers)
        rule: DocxParagraph | None = None
        if signers:
            # 上行文 (7.2.5, 7.2.6): 签发人 居右空一字, two names a line, a new line aligned with the first
            # name of the line above; 发文字号 居左空一字 on the line of the last 签发人.
            rows = ["　".join(signers[i : i + 2]) for i in range(0, len(signers), 2)]
            names_at = TEXT_WIDTH - CHAR - round(max(text_width_chars(row) for row in rows) * CHAR)
            for index, names in enumerate(rows):
                last = index == len(rows) - 1
                before = number_before if index == 0 else 0
                p = self.paragraph(before=before, left=CHAR)
                # the first line's "签发人：" (four characters) ends where the names begin
                stop = names_at - 4 * CHAR if index == 0 else names_at
                p.paragraph_format.tab_stops.add_tab_stop(Twips(stop), WD_TAB_ALIGNMENT.LEFT)
                if last and spec.doc_number:
                    self.run(p, spec.doc_number)
                self.run(p, "\t签发人：" if index == 0 else "\t")
                self.run(p, names, font=self.fonts.heading2)
                height += before + LINE
                rule = p
        elif spec.doc_number:
            rule = self.paragraph(align="center", before=number_before)
            self.run(rule, spec.doc_number)
            height += number_before + LINE
        elif spec.issuer_mark:
            rule = self.paragraph(before=number_before, line=LINE)
            height += number_before + LINE
        if rule is not None:
            # 版头分隔线 (7.2.7): red, the 版心's width, 4 mm below the 发文字号.
            _border(rule, "bottom", "single", size=RULE_SIZE, space=RULE_SPACE, color=RED)
            height += RULE_SPACE * 20 + RULE_SIZE * 20 // 8
        self.head_height = height

    def letter_head(self) -> None:
        """信函格式 (10.1), under the first double line: 份号, 密级, 紧急程度 顶格 at the left, one per line;
        发文字号 顶格居版心右边缘 on the first of those lines."""
        spec = self.spec
        left = [
            (spec.copy_number, self.fonts.body),
            (spec.secrecy, self.fonts.heading1),
            (spec.urgency, self.fonts.heading1),
        ]
        lines = [item for item in left if item[0]]
        if not lines and spec.doc_number:
            lines = [("", self.fonts.body)]
        for index, (text, font) in enumerate(lines):
            # The first line's glyphs 7/8 of a 3号 character's height (4.9 mm) below the double line.
            p = self.paragraph(before=LETTER_FIRST_GAP if index == 0 else 0)
            if text:
                self.run(p, text, font=font)
            if index == 0 and spec.doc_number:
                p.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
                self.run(p, "\t" + spec.doc_number)
        self.head_height = len(lines) * LINE

    # -- 主体 (7.3) ---------------------------------------------------------------------------

    def title(self) -> None:
        spec = self.spec
        if spec.form is Form.FILE and self.head_height:
            # 红色分隔线下空二行 (7.3.1), give or take half a line, so that the title and the body
            # start on a line of the 22-line grid and the first page holds as many lines as it can.
            before = 2 * LINE - self.head_height % LINE
            if before < LINE + LINE // 2:
                before += LINE
        elif spec.form is Form.LETTER and self.head_height:
            before = 2 * LINE  # 与其上最后一个要素相距二行 (10.1)
        else:
            before = 0
        for index, line in enumerate(spec.title.split("\n")):
            p = self.paragraph(align="center", before=before if index == 0 else 0, keep_next=True, snap=False)
            self.run(p, line, font=self.fonts.title, size_pt=TITLE_PT)
        if spec.recipients:
            p = self.paragraph(before=LINE, align="justify")
            self.run(p, spec.recipients.rstrip("：:") + "：")

    def blocks(self, blocks: list[Block]) -> None:
        for block in blocks:
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Paragraph):
                self.body_paragraph(block)
            elif isinstance(block, Table):
                self.table(block)  # tells its progress row by row
                continue
            elif isinstance(block, PageBreak):
                p = self.paragraph()
                self.run(p, "").add_break(WD_BREAK.PAGE)
            else:  # pragma: no cover - the Block union is closed
                raise TypeError(f"not a block: {block!r}")
            self._laid_out(1)

    def _laid_out(self, units: int) -> None:
        """Tell ``progress`` the percentage of blocks laid out, only when it changes (≤ 101 calls)."""
        if self.progress is None or not self._units_total:
            return
        self._units_done += units
        percent = min(100, self._units_done * 100 // self._units_total)
        if percent != self._percent_told:
            self._percent_told = percent
            self.progress(percent)

    def heading(self, heading: Heading) -> None:
        level = heading.level
        if level not in (1, 2, 3, 4):
            raise ValueError(f"heading level must be 1–4, got {level}")
        text = heading.text
        if heading.numbered:
            self.counters[level] += 1
            for deeper in range(level + 1, 5):
                self.counters[deeper] = 0
            text = heading_number(level, self.counters[level]) + text
        p = self.paragraph(align="justify", first_line=2 * CHAR, keep_next=True)
        self.run(p, text, font=self.fonts.heading(level), bold=self.fonts.heading_bold(level))

    def body_paragraph(self, paragraph: Paragraph) -> None:
        align = paragraph.align if paragraph.align in ("justify", "center", "right", "left") else "justify"
        indent = 2 * CHAR if paragraph.indent and align in ("justify", "left") else 0
        p = self.paragraph(align=align, first_line=indent)
        if paragraph.lead:
            level = paragraph.lead_level or lead_level(paragraph.lead)
            self.run(
                p,
                paragraph.lead,
                font=self.fonts.heading(level),
                bold=self.fonts.heading_bold(level),
            )
        if paragraph.text:
            self.run(p, paragraph.text)

    def table(self, table: Table) -> None:
        if not table.header and not table.rows:
            return  # a table without rows is not valid OOXML; there is nothing to show
        if table.landscape:
            self._section_break(landscape=True)
        width = TEXT_WIDTH if not table.landscape else PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
        columns = max([len(row) for row in [*table.header, *table.rows]] or [1])
        size = table.font_size_pt
        line = round(size * 20 * 1.35)
        if table.caption:
            p = self.paragraph(align="center", keep_next=True)
            self.run(p, table.caption, font=self.fonts.heading1)
        grid = table.column_widths_mm
        if grid and len(grid) == columns and all(w > 0 for w in grid):
            total = sum(grid)
            widths = [round(width * w / total) if total > width / 56.69 else mm(w) for w in grid]
        else:
            widths = [width // columns] * columns
        rows = [*table.header, *table.rows]
        out: DocxTable = self.docx.add_table(rows=1, cols=columns)
        out.alignment = WD_TABLE_ALIGNMENT.CENTER
        out.autofit = False
        tbl_pr = out._tbl.tblPr
        _child(tbl_pr, "w:tblW").set(qn("w:w"), str(sum(widths)))
        tbl_pr.find(qn("w:tblW")).set(qn("w:type"), "dxa")
        _child(tbl_pr, "w:tblLayout").set(qn("w:type"), "fixed")
        borders = _child(tbl_pr, "w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = _child(borders, f"w:{edge}")
            for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
                element.set(qn(key), value)
        margins = _child(tbl_pr, "w:tblCellMar")
        for edge, padding in (("top", 28), ("bottom", 28), ("left", 85), ("right", 85)):
            element = _child(margins, f"w:{edge}")
            element.set(qn("w:w"), str(padding))
            element.set(qn("w:type"), "dxa")
        for index, grid_col in enumerate(out._tbl.tblGrid.findall(qn("w:gridCol"))):
            grid_col.set(qn("w:w"), str(widths[index]))
        # Every row starts as a copy of a prepared empty row (row and cell properties set, the cell's
        # default paragraph taken out): python-docx's ``table.rows[r]`` and ``row.cells`` walk the
        # whole table each time, which made a 5,000-row table take minutes.
        blank = out._tbl.tr_lst[0]
        out._tbl.remove(blank)
        prepared = {
            header: self._prepared_row(copy.deepcopy(blank), out, widths, header) for header in (True, False)
        }
        for r, values in enumerate(rows):
            header = r < len(table.header)
            tr = copy.deepcopy(prepared[header])
            out._tbl.append(tr)
            for c, tc in enumerate(tr.tc_lst):
                cell = _Cell(tc, out)
                value = values[c] if c < len(values) else ""
                numeric = bool(_NUMERIC.fullmatch(value.strip()))
                align = "center" if header or numeric else "left"
                for text in value.split("\n"):
                    p = self.paragraph(cell, align=align, line=line, snap=False)
                    font = self.fonts.heading1 if header else self.fonts.body
                    self.run(p, text, font=font, size_pt=size)
            self._laid_out(1)
        if table.landscape:
            self._section_break(landscape=False)

    @staticmethod
    def _prepared_row(tr: Any, out: DocxTable, widths: list[int], header: bool) -> Any:
        """An empty table row: kept on one page, repeated on each page when a header row, its cells'
        widths set and their content centred vertically; the cells hold no paragraph yet."""
        tr_pr = tr.get_or_add_trPr()
        _child(tr_pr, "w:cantSplit")
        if header:
            _child(tr_pr, "w:tblHeader")
        for c, tc in enumerate(tr.tc_lst):
            cell = _Cell(tc, out)
            cell.width = Twips(widths[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            tc.remove(cell.paragraphs[0]._p)
        return tr

    def _section_break(self, *, landscape: bool) -> None:
        section = self.docx.add_section()
        self._page(section, landscape=landscape)
        section.footer.is_linked_to_previous = True
        section.even_page_footer.is_linked_to_previous = True

    def attachment_note(self) -> None:
        """附件说明 (7.3.4): 正文下空一行左空二字 "附件：1.XXX"; later names aligned with the first."""
        attachments = self.spec.attachments
        if not attachments:
            return
        label = "附件："
        for index, attachment in enumerate(attachments):
            name = attachment.title.rstrip(_TRAILING_PUNCTUATION).replace("\n", "")
            number = f"{index + 1}." if len(attachments) > 1 else ""
            hang = round(text_width_chars(number) * CHAR)
            p = self.paragraph(
                align="justify",
                before=LINE if index == 0 else 0,
                left=5 * CHAR + hang,
                hanging=(3 * CHAR + hang) if index == 0 else hang,
            )
            self.run(p, (label if index == 0 else "") + number + name)

    def signature(self, signature: Signature) -> None:
        issuer = signature.issuer
        date = chinese_date(signature.date)
        issuer_w = text_width_chars(issuer)
        date_w = text_width_chars(date)
        if signature.sealed:
            # 7.3.5.1: 成文日期右空四字; 署名 centred over the date; room above for the seal.
            date_right = 4.0
            issuer_right = max(0.0, date_right + (date_w - issuer_w) / 2)
            before = 2 * LINE
        else:
            # 7.3.5.2: 署名右空二字, date's first char two chars right of the 署名's first char;
            # a date longer than that goes 右空二字 and pushes the 署名 left.
            if date_w + 2 > issuer_w:
                date_right = 2.0
                issuer_right = 4 + date_w - issuer_w
            else:
                issuer_right = 2.0
                date_right = issuer_w - date_w
            before = LINE
        if issuer:
            p = self.paragraph(align="right", right=round(issuer_right * CHAR), before=before, keep_next=True)
            self.run(p, issuer)
            before = 0
        p = self.paragraph(align="right", right=round(date_right * CHAR), before=before)
        self.run(p, date)

    def note(self) -> None:
        """附注 (7.3.6): the line after the date, 左空二字, in parentheses."""
        if self.spec.note:
            text = self.spec.note.strip()
            if not (text.startswith("（") and text.endswith("）")):
                text = f"（{text}）"
            p = self.paragraph(align="justify", first_line=2 * CHAR)
            self.run(p, text)

    def attachments(self) -> None:
        """附件 pages (7.3.7): new page, "附件1" 黑体 顶格 on line 1, its title centred on line 3."""
        many = len(self.spec.attachments) > 1
        for index, attachment in enumerate(self.spec.attachments):
            self.attachment(attachment, f"附件{index + 1}" if many else "附件")

    def attachment(self, attachment: Attachment, label: str) -> None:
        self.counters = [0, 0, 0, 0, 0]
        p = self.paragraph(page_break_before=True, keep_next=True)
        self.run(p, label, font=self.fonts.heading1)
        for index, line in enumerate(attachment.title.rstrip(_TRAILING_PUNCTUATION).split("\n")):
            p = self.paragraph(align="center", before=LINE if index == 0 else 0, keep_next=True, snap=False)
            self.run(p, line, font=self.fonts.title, size_pt=TITLE_PT)
        if attachment.blocks:
            self.paragraph()
            self.blocks(attachment.blocks)

    # -- 版记 (7.4) ---------------------------------------------------------------------------

    def colophon(self) -> None:
        """版记: a one-column table floating at the bottom of the last page's 版心, so its last rule
        coincides with the 版心's bottom edge (7.4.1). 文件格式: thick–thin–thick rules, 抄送 and
        印发机关/印发日期 in 4号; 信函格式: 抄送 only, no rules (10.1)."""
        spec = self.spec
        letter = spec.form is Form.LETTER
        rows: list[str] = []
        if spec.cc:
            rows.append("cc")
        if not letter and (spec.printer or spec.print_date):
            rows.append("printer")
        if not rows:
            return
        out: DocxTable = self.docx.add_table(rows=len(rows), cols=1)
        tbl_pr = out._tbl.tblPr
        floating = _child(tbl_pr, "w:tblpPr")
        for key, value in (
            ("w:leftFromText", "0"),
            ("w:rightFromText", "0"),
            ("w:topFromText", "0"),
            ("w:bottomFromText", "0"),
            ("w:vertAnchor", "margin"),
            ("w:horzAnchor", "page"),
            ("w:tblpX", str(MARGIN_LEFT)),
            ("w:tblpYSpec", "bottom"),
        ):
            floating.set(qn(key), value)
        tbl_pr.remove(floating)
        tbl_pr.insert(0, floating)
        _child(tbl_pr, "w:tblW").set(qn("w:w"), str(COLOPHON_WIDTH))
        tbl_pr.find(qn("w:tblW")).set(qn("w:type"), "dxa")
        _child(tbl_pr, "w:tblLayout").set(qn("w:type"), "fixed")
        borders = _child(tbl_pr, "w:tblBorders")
        thick, thin = "8", "6"  # 0.35 mm ≈ 1 pt, 0.25 mm ≈ 0.75 pt (eighths of a point)
        for edge, size in (
            ("top", thick),
            ("bottom", thick),
            ("insideH", thin),
            ("left", "0"),
            ("right", "0"),
        ):
            element = _child(borders, f"w:{edge}")
            if letter or size == "0":
                element.set(qn("w:val"), "nil")
                continue
            for key, value in (("w:val", "single"), ("w:sz", size), ("w:space", "0"), ("w:color", "000000")):
                element.set(qn(key), value)
        _child(borders, "w:insideV").set(qn("w:val"), "nil")
        margins = _child(tbl_pr, "w:tblCellMar")
        for edge in ("top", "bottom", "left", "right"):
            element = _child(margins, f"w:{edge}")
            element.set(qn("w:w"), "0")
            element.set(qn("w:type"), "dxa")
        out._tbl.tblGrid.findall(qn("w:gridCol"))[0].set(qn("w:w"), str(COLOPHON_WIDTH))
        small = SMALL_CHAR
        for index, kind in enumerate(rows):
            cell = out.rows[index].cells[0]
            cell.width = Twips(COLOPHON_WIDTH)
            cell._tc.remove(cell.paragraphs[0]._p)
            if kind == "cc":
                # 抄送 (7.4.2): 左右各空一字, "抄送：" … "。", wrapped lines aligned after the colon.
                p = self.paragraph(
                    cell, align="justify", left=4 * small, hanging=3 * small, right=small, snap=False
                )
                names = "，".join(name.strip().rstrip("，。,.") for name in spec.cc)
                self.run(p, f"抄送：{names}。", size_pt=SMALL_PT)
            else:
                # 印发机关 左空一字, 印发日期 右空一字 (7.4.3): a right tab stop one character from the edge.
                p = self.paragraph(cell, left=small, right=small, snap=False)
                p.paragraph_format.tab_stops.add_tab_stop(
                    Twips(COLOPHON_WIDTH - small), WD_TAB_ALIGNMENT.RIGHT
                )
                date = f"{chinese_date(spec.print_date)}印发" if spec.print_date else ""
                self.run(p, f"{spec.printer}\t{date}", size_pt=SMALL_PT)
        # A floating table is anchored to the paragraph after it (and a body may not end with a table):
        # one tiny empty paragraph, so that it never pushes a page of its own.
        self.paragraph(line=20, snap=False)

    def _keep_closing_with_text(self, start: int) -> None:
        """The 附件说明, 署名, 成文日期 and 附注 never stand on a page without 正文 (7.3.5.5): each is
        kept with the next, and the last line of the 正文 with the first of them."""
        body = self.docx.element.body
        closing = [p for p in list(body)[start:] if p.tag == qn("w:p")]
        if not closing:
            return
        before = body[start - 1] if start > 0 else None
        if before is not None and before.tag == qn("w:p"):
            closing.insert(0, before)
        for element in closing[:-1]:
            DocxParagraph(element, self.docx._body).paragraph_format.keep_with_next = True

    # -- all together ---------------------------------------------------------------------------

    def render(self) -> bytes:
        self.setup()
        section = self.docx.sections[0]
        self.page_numbers(section)
        if self.spec.form is Form.LETTER:
            self.letterhead(section)
        self.head()
        self.title()
        self.blocks(self.spec.body)
        closing_from = len(self.docx.element.body) - 1  # where the next paragraph goes: before w:sectPr
        self.attachment_note()
        if self.spec.signature is not None:
            self.signature(self.spec.signature)
        self.note()
        self._keep_closing_with_text(closing_from)
        self.attachments()
        self.colophon()
        out = io.BytesIO()
        self.docx.save(out)
        return _fixed_zip(out.getvalue())


# ---------------------------------------------------------------------------------------------
# XML helpers
# ---------------------------------------------------------------------------------------------

# Child order inside w:rPr / w:pPr / w:tblPr matters to Word (CT_* sequences). These lists give the
# schema order of the elements this module adds, so a new child is inserted at its place.
_ORDER = {
    "w:rPr": [
        "w:rStyle",
        "w:rFonts",
        "w:b",
        "w:bCs",
        "w:i",
        "w:iCs",
        "w:caps",
        "w:smallCaps",
        "w:strike",
        "w:dstrike",
        "w:outline",
        "w:shadow",
        "w:emboss",
        "w:imprint",
        "w:noProof",
        "w:snapToGrid",
        "w:vanish",
        "w:webHidden",
        "w:color",
        "w:spacing",
        "w:w",
        "w:kern",
        "w:position",
        "w:sz",
        "w:szCs",
        "w:highlight",
        "w:u",
        "w:effect",
        "w:bdr",
        "w:shd",
        "w:fitText",
        "w:vertAlign",
        "w:rtl",
        "w:cs",
        "w:em",
        "w:lang",
    ],
    "w:pPr": [
        "w:pStyle",
        "w:keepNext",
        "w:keepLines",
        "w:pageBreakBefore",
        "w:framePr",
        "w:widowControl",
        "w:numPr",
        "w:suppressLineNumbers",
        "w:pBdr",
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    ],
    "w:tblPr": [
        "w:tblStyle",
        "w:tblpPr",
        "w:tblOverlap",
        "w:bidiVisual",
        "w:tblStyleRowBandSize",
        "w:tblStyleColBandSize",
        "w:tblW",
        "w:jc",
        "w:tblCellSpacing",
        "w:tblInd",
        "w:tblBorders",
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
    ],
    "w:trPr": ["w:cantSplit", "w:trHeight", "w:tblHeader"],
    "w:tblBorders": ["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"],
    "w:tblCellMar": ["w:top", "w:left", "w:bottom", "w:right"],
    "w:pBdr": ["w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"],
    "w:r": ["w:rPr", "w:fldChar", "w:instrText", "w:t", "w:br"],
}


def _child(parent: Any, tag: str) -> Any:
    """The ``tag`` child of ``parent``, created at its schema position when missing."""
    existing = parent.find(qn(tag))
    if existing is not None:
        return existing
    element = OxmlElement(tag)
    parent_tag = _prefixed(parent.tag)
    order = _ORDER.get(parent_tag)
    if order and tag in order:
        later = set(order[order.index(tag) + 1 :])
        for index, sibling in enumerate(parent):
            if _prefixed(sibling.tag) in later:
                parent.insert(index, element)
                return element
    parent.append(element)
    return element


_CONTROLS = re.compile(r"([\t\r\n])")


def _append_text(r: Any, text: str) -> None:
    """The elements python-docx's ``Run.text`` writes for ``text`` (w:t, w:tab for a tab, w:br for a
    line break), appended to a new run. python-docx goes character by character, which was the
    largest cost left on a long body; almost every run is one plain w:t."""
    for piece in _CONTROLS.split(text) if ("\t" in text or "\n" in text or "\r" in text) else [text]:
        if not piece:
            continue
        if piece == "\t":
            r.add_tab()
        elif piece in ("\r", "\n"):
            r.add_br()
        else:
            r.add_t(piece)


def _prefixed(tag: str) -> str:
    return tag.replace("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}", "w:")


def _border(paragraph: DocxParagraph, edge: str, style: str, *, size: int, space: int, color: str) -> None:
    borders = _child(paragraph._p.get_or_add_pPr(), "w:pBdr")
    element = _child(borders, f"w:{edge}")
    for key, value in (("w:val", style), ("w:sz", str(size)), ("w:space", str(space)), ("w:color", color)):
        element.set(qn(key), value)


def _document_time(doc: OfficialDocument) -> dt.datetime:
    day = doc.signature.date if doc.signature else doc.print_date or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _fixed_zip(content: bytes) -> bytes:
    """The same package with fixed member timestamps, so equal input gives byte-equal output."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _units(blocks: list[Block]) -> int:
    """How much laying out ``blocks`` is, for progress: one per block, a table one per row."""
    return sum(len(block.header) + len(block.rows) if isinstance(block, Table) else 1 for block in blocks)


def render_docx(
    doc: OfficialDocument, *, fonts: Fonts | None = None, progress: Callable[[int], None] | None = None
) -> bytes:
    """The document as a GB/T 9704-2012 .docx file (deterministic: equal input, equal bytes).

    ``progress``, when given, is called with the percentage (0–100) of the body's and the attachments'
    blocks laid out so far (a table counts one per row), each time that number changes: at most 101
    calls. Writing the file after the last block takes a little longer still."""
    return _Writer(doc, fonts or Fonts(), progress).render()
