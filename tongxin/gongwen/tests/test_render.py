"""Render checks through LibreOffice (ecosystem.md §a.7): the grid, the fonts and the positions on paper.

They need soffice and poppler-utils (CI installs libreoffice-writer-nogui, poppler-utils,
fonts-noto-cjk and fonts-arphic-gkai00mp); elsewhere they are skipped.
"""

from __future__ import annotations

import shutil

import pytest

from tongxin.gongwen.docx import render_docx
from tongxin.gongwen.pdf import RenderFailed, RenderUnavailable, docx_to_pdf, pdf_available
from tongxin.gongwen.tests.measure import bands, fonts, ink_rows, pages_lines, red_rows
from tongxin.gongwen.tests.samples import long_notice, reply_letter

pytestmark = pytest.mark.skipif(
    not (pdf_available() and shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="LibreOffice and poppler-utils are not installed",
)

# The 版心 on A4 (mm from the paper's top-left corner): 37 mm 天头, 28 mm 订口, 156 × 225 mm.
TOP, LEFT, RIGHT, BOTTOM = 37.0, 28.0, 184.0, 262.0
PITCH = 579 * 25.4 / 1440  # one 579-twip line: 10.21 mm


@pytest.fixture(scope="module")
def notice_pdf() -> bytes:
    return docx_to_pdf(render_docx(long_notice()))


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    return docx_to_pdf(render_docx(reply_letter()))


def body_lines(page):
    """The lines inside the 版心 (the page number lies below it)."""
    return [line for line in page if line.bottom <= BOTTOM + 0.5]


def page_number(page):
    numbers = [line for line in page if line.top > BOTTOM]
    assert len(numbers) == 1, [line.text for line in page]
    return numbers[0]


def test_a_full_body_page_holds_22_lines_of_28_characters(notice_pdf):
    pages = pages_lines(notice_pdf)
    page = body_lines(pages[1])  # page 2: body text only
    assert len(page) == 22
    full = [line for line in page if line.left < LEFT + 0.5 and line.right > RIGHT - 1]
    assert len(full) >= 18
    assert {len(line.text) for line in full} == {28}
    # first and last glyphs touch the 版心's edges
    for line in full:
        assert line.left == pytest.approx(LEFT, abs=0.3)
        assert line.right == pytest.approx(RIGHT, abs=0.6)
        assert line.right <= RIGHT + 0.2
    # every body-font line sits on the grid: 225 / 22 = 10.23 mm apart
    index = {id(line): n for n, line in enumerate(page)}
    first = full[0]
    for line in full[1:]:
        steps = index[id(line)] - index[id(first)]
        assert (line.top - first.top) / steps == pytest.approx(225 / 22, abs=0.03)
    # the 22nd line ends inside the 版心
    assert page[-1].bottom <= BOTTOM


def test_no_page_holds_more_than_22_lines_or_overflows_the_text_block(notice_pdf):
    pages = pages_lines(notice_pdf)
    assert len(pages) >= 8
    for number, page in enumerate(pages, start=1):
        inside = body_lines(page)
        text_lines = {
            round(line.top) for line in inside if line.bottom - line.top > 6.5
        }  # 3号, not table rows
        assert len(text_lines) <= 22, number
        assert all(line.right <= RIGHT + 0.3 for line in inside), number
        assert all(line.left >= LEFT - 0.3 for line in inside), number


def test_first_page_body_lines_sit_on_the_grid(notice_pdf):
    first = pages_lines(notice_pdf)[0]
    body = [line for line in body_lines(first) if line.top > 165]  # 主送机关 and the body
    offsets = [((line.top - body_lines(pages_lines(notice_pdf)[1])[0].top) / PITCH) % 1 for line in body]
    assert all(min(o, 1 - o) < 0.05 for o in offsets), offsets
    assert body[-1].bottom > BOTTOM - PITCH  # the first page is filled to its last line


def test_cjk_is_set_in_the_mapped_fonts_never_in_fallbacks(notice_pdf, letter_pdf):
    for pdf in (notice_pdf, letter_pdf):
        names = fonts(pdf)
        assert not [n for n in names if "DejaVu" in n or "WenQuanYi" in n or "Droid" in n], names
        assert any(n.startswith("NotoSerifCJK") for n in names)  # 仿宋/小标宋/宋体 stand-in
        assert any(n.startswith("NotoSansCJK") for n in names)  # 黑体
    assert any("Kai" in n for n in fonts(notice_pdf))  # 楷体: AR PL KaitiM GB (PostScript GBZenKai)


def test_page_numbers_7_mm_below_the_text_block_odd_right_even_left(notice_pdf):
    pages = pages_lines(notice_pdf)
    for index, page in enumerate(pages, start=1):
        number = page_number(page)
        assert number.text == f"—{index}—"
        assert number.top - BOTTOM == pytest.approx(7, abs=2)
        if index % 2:
            assert number.right == pytest.approx(RIGHT - 4.94, abs=1)  # 居右空一字 (4号)
        else:
            assert number.left == pytest.approx(LEFT + 4.94, abs=1)  # 居左空一字
    tops = {round(page_number(page).top, 1) for page in pages}
    assert max(tops) - min(tops) <= 0.2  # 6.2: page numbers aligned within 2 mm


def test_file_head_positions(notice_pdf):
    red = bands(red_rows(notice_pdf, 1))
    mark, rule = red[0], red[-1]
    assert mark[0] - TOP == pytest.approx(35, abs=1)  # 标志's top 35 mm below the 版心's top
    assert mark[2] >= LEFT
    assert mark[3] <= RIGHT
    assert (mark[2] + mark[3]) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=1)
    assert rule[2] == pytest.approx(LEFT, abs=0.5)
    assert rule[3] == pytest.approx(RIGHT, abs=0.5)
    number = next(line for line in pages_lines(notice_pdf)[0] if "〔2026〕" in line.text)
    _, glyph_bottom = ink_rows(notice_pdf, 1, (number.left, number.top, number.right, rule[0] - 0.3))
    assert rule[0] - glyph_bottom == pytest.approx(4, abs=0.7)  # 版头分隔线 4 mm below the 发文字号


def test_colophon_ends_on_the_text_block_bottom_of_the_last_page(notice_pdf):
    last = pages_lines(notice_pdf)[-1]
    printed = next(line for line in last if line.text.endswith("印发"))
    assert printed.text == "2026年1月5日印发"
    assert printed.right == pytest.approx(RIGHT - 4.94, abs=0.6)  # 右空一字
    assert BOTTOM - 10 < printed.bottom <= BOTTOM
    printer = next(line for line in last if line.text.startswith("政协") and line.top == printed.top)
    assert printer.left == pytest.approx(LEFT + 4.94, abs=0.6)  # 左空一字
    cc = next(line for line in last if line.text.startswith("抄送："))
    assert cc.top < printed.top
    # the rules, seen left of the text (which starts one character in): the last one on the 版心's bottom
    pages = len(pages_lines(notice_pdf))
    first_rule, last_rule = ink_rows(notice_pdf, pages, (LEFT + 1, cc.top - 5, LEFT + 3, BOTTOM + 4))
    assert last_rule == pytest.approx(BOTTOM, abs=0.5)
    assert first_rule < cc.top


def test_letter_letterhead_and_numbering(letter_pdf):
    pages = pages_lines(letter_pdf)
    assert len(pages) >= 2
    first = pages[0]
    assert not [line for line in first if line.top > BOTTOM and "—" in line.text]  # no number on page 1
    assert page_number(pages[1]).text == "—2—"
    corner = next(line for line in first if line.text == "A")
    assert corner.top < TOP
    assert corner.right == pytest.approx(RIGHT, abs=0.5)
    red = bands(red_rows(letter_pdf, 1))
    mark = red[0]
    assert mark[0] == pytest.approx(30, abs=1)  # 标志's top 30 mm from the paper's top
    upper = [b for b in red[1:] if b[0] < 100]
    lower = [b for b in red if b[0] > 250]
    assert len(upper) == 2
    assert len(lower) == 2
    assert upper[0][1] - upper[0][0] > upper[1][1] - upper[1][0]  # 上粗下细
    assert lower[0][1] - lower[0][0] < lower[1][1] - lower[1][0]  # 上细下粗
    assert upper[0][0] - mark[1] == pytest.approx(4, abs=0.7)
    assert 297 - lower[0][0] == pytest.approx(20, abs=1)
    for band in (*upper, *lower):
        assert band[3] - band[2] == pytest.approx(170, abs=1)
        assert (band[2] + band[3]) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=1)
    number = next(line for line in first if "〔2026〕" in line.text)
    assert number.right == pytest.approx(RIGHT, abs=0.5)  # 顶格居版心右边缘
    glyph_top, _ = ink_rows(letter_pdf, 1, (number.left, upper[1][1] + 0.3, number.right, number.bottom))
    assert glyph_top - upper[1][1] == pytest.approx(16 * 7 / 8 * 25.4 / 72, abs=0.8)  # 7/8 of a 3号 height
    assert not [line for page in pages for line in page if line.text.endswith("印发")]


def test_pdf_errors_are_typed(monkeypatch):
    with pytest.raises(RenderFailed):
        docx_to_pdf(b"")
    with pytest.raises(RenderFailed, match="did not finish"):
        docx_to_pdf(render_docx(long_notice()), timeout=0.05)
    monkeypatch.setattr("tongxin.gongwen.pdf.soffice_path", lambda: None)
    with pytest.raises(RenderUnavailable):
        docx_to_pdf(render_docx(long_notice()))
