"""Golden checks on the .docx XML (ecosystem.md §a.7): no LibreOffice needed."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from lxml import etree

from tongxin.gongwen.docx import (
    CHAR,
    LINE,
    SMALL_CHAR,
    Fonts,
    chinese_number,
    heading_number,
    lead_level,
    render_docx,
)
from tongxin.gongwen.spec import (
    Attachment,
    Form,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    Signature,
    Table,
    chinese_date,
    doc_number,
)
from tongxin.gongwen.tests.samples import long_notice, reply_letter

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
CJK = re.compile(r"[\u3400-\u9fff]")
CJK_FONTS = {"仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


class Package:
    """The parts of a rendered .docx, parsed."""

    def __init__(self, content: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(content))
        self.names = self.zip.namelist()

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    @property
    def document(self):
        return self.xml("word/document.xml")

    def parts(self, prefix: str) -> list[str]:
        return sorted(n for n in self.names if n.startswith(prefix) and n.endswith(".xml"))

    def rels(self) -> dict[str, str]:
        root = self.xml("word/_rels/document.xml.rels")
        return {r.get("Id"): "word/" + r.get("Target") for r in root}

    def footer(self, kind: str, index: int = 0):
        """The footer part referenced by the ``index``-th section with w:type=kind."""
        sect = self.document.findall(".//w:sectPr", NS)[index]
        ref = sect.find(f"w:footerReference[@w:type='{kind}']", NS)
        return None if ref is None else self.xml(self.rels()[ref.get(f"{{{NS_R}}}id")])

    def header(self, kind: str, index: int = 0):
        sect = self.document.findall(".//w:sectPr", NS)[index]
        ref = sect.find(f"w:headerReference[@w:type='{kind}']", NS)
        return None if ref is None else self.xml(self.rels()[ref.get(f"{{{NS_R}}}id")])


NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def text_of(element) -> str:
    return "".join(
        (t.text or "") if t.tag == w("t") else "\t"
        for t in element.iter(w("t"), w("tab"))
        if not (t.tag == w("tab") and t.getparent().tag == w("tabs"))
    )


def body_paragraphs(package: Package) -> list:
    body = package.document.find("w:body", NS)
    return list(body.iter(w("p")))


def paragraph_with(package: Package, needle: str):
    for p in body_paragraphs(package):
        if needle in text_of(p):
            return p
    raise AssertionError(f"no paragraph contains {needle!r}")


def east_asia_fonts(p) -> list[str]:
    return [r.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) for r in p.iter(w("r")) if CJK.search(text_of(r))]


def attr(element, path: str, name: str) -> str | None:
    found = element.find(path, NS)
    return None if found is None else found.get(w(name))


@pytest.fixture(scope="module")
def notice() -> Package:
    return Package(render_docx(long_notice()))


@pytest.fixture(scope="module")
def letter() -> Package:
    return Package(render_docx(reply_letter()))


def minimal(**changes) -> OfficialDocument:
    values = {"title": "关于测试的通知", "body": [Paragraph("正文。")]}
    values.update(changes)
    return OfficialDocument(**values)


# --- page, grid, defaults -----------------------------------------------------------------------


def test_a4_page_margins_and_line_grid(notice):
    sect = notice.document.find(".//w:body/w:sectPr", NS)
    assert attr(sect, "w:pgSz", "w") == "11906"
    assert attr(sect, "w:pgSz", "h") == "16838"
    margins = sect.find("w:pgMar", NS)
    assert {k: margins.get(w(k)) for k in ("top", "left", "right", "bottom")} == {
        "top": "2098",
        "left": "1587",
        "right": "1474",
        "bottom": "1984",
    }
    assert attr(sect, "w:docGrid", "type") == "lines"
    assert attr(sect, "w:docGrid", "linePitch") == "579"
    # the 版心 is 156 mm wide and 22 lines of 579 twips fit its 225 mm
    assert 11906 - 1587 - 1474 == 8845
    assert 22 * LINE <= 16838 - 2098 - 1984 < 22 * (LINE + 1)


def test_normal_style_and_doc_defaults_are_3hao_fangsong_exact_579(notice):
    styles = notice.xml("word/styles.xml")
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    defaults = styles.find("w:docDefaults", NS)
    for rpr in (normal.find("w:rPr", NS), defaults.find("w:rPrDefault/w:rPr", NS)):
        fonts = rpr.find("w:rFonts", NS)
        assert fonts.get(w("eastAsia")) == "仿宋_GB2312"
        assert fonts.get(w("ascii")) == fonts.get(w("hAnsi")) == "Times New Roman"
        assert fonts.get(w("asciiTheme")) is None  # theme fonts would override the named ones
        assert attr(rpr, "w:sz", "val") == "32"
        assert attr(rpr, "w:lang", "eastAsia") == "zh-CN"
    assert attr(normal, "w:rPr/w:spacing", "val") == "-5"
    for ppr in (normal.find("w:pPr", NS), defaults.find("w:pPrDefault/w:pPr", NS)):
        spacing = ppr.find("w:spacing", NS)
        assert spacing.get(w("line")) == "579"
        assert spacing.get(w("lineRule")) == "exact"
        assert spacing.get(w("after")) == "0"
        assert spacing.get(w("before")) in ("0", None)
    assert attr(normal, "w:pPr/w:autoSpaceDN", "val") == "0"


def test_every_body_paragraph_has_exact_line_spacing(notice):
    for p in body_paragraphs(notice):
        assert attr(p, "w:pPr/w:spacing", "lineRule") == "exact", text_of(p)


@pytest.mark.parametrize("sample", [long_notice, reply_letter])
def test_every_run_names_an_east_asian_font_and_cjk_runs_a_chinese_one(sample):
    package = Package(render_docx(sample()))
    parts = ["word/document.xml", *package.parts("word/footer"), *package.parts("word/header")]
    runs = 0
    for name in parts:
        for run in package.xml(name).iter(w("r")):
            fonts = run.find("w:rPr/w:rFonts", NS)
            assert fonts is not None, name
            east_asia = fonts.get(w("eastAsia"))
            assert east_asia, f"{name}: run {text_of(run)!r} has no w:eastAsia"
            if CJK.search(text_of(run)):
                assert east_asia in CJK_FONTS, text_of(run)
            runs += 1
    assert runs > 30


def test_settings_even_and_odd_footers_and_chinese_theme_language(notice):
    settings = notice.xml("word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    assert attr(settings, "w:themeFontLang", "eastAsia") == "zh-CN"


def test_page_numbers_odd_right_even_left_with_page_field(notice):
    odd, even = notice.footer("default"), notice.footer("even")
    for footer, align, side in ((odd, "right", "right"), (even, "left", "left")):
        p = footer.find("w:p", NS)
        assert attr(p, "w:pPr/w:jc", "val") == align
        # one 4号 character (14 pt) from the 版心's edge
        assert int(attr(p, "w:pPr/w:ind", side)) == pytest.approx(SMALL_CHAR, abs=10)
        assert "PAGE" in "".join(t.text or "" for t in p.iter(w("instrText")))
        assert [f.get(w("fldCharType")) for f in p.iter(w("fldChar"))] == ["begin", "separate", "end"]
        assert text_of(p).startswith("— ")
        assert text_of(p).endswith(" —")
        fonts = {r.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) for r in p.iter(w("r"))}
        assert fonts == {"宋体"}
        assert {attr(r, "w:rPr/w:sz", "val") for r in p.iter(w("r"))} == {"28"}
    sect = notice.document.find(".//w:body/w:sectPr", NS)
    # number's line top 28 mm above the paper's bottom: footer distance + its 16 pt line = 1587 twips
    assert int(attr(sect, "w:pgMar", "footer")) + 320 == 1587
    assert sect.find("w:titlePg", NS) is None


# --- numbers and dates ------------------------------------------------------------------------


def test_doc_number_uses_hexagonal_brackets_and_no_padding():
    assert doc_number("城政协办发", 2026, 3) == "城政协办发〔2026〕3号"
    assert doc_number("城民函", 2025, 12) == "城民函〔2025〕12号"
    assert "第" not in doc_number("X", 2025, 1)
    with pytest.raises(ValueError, match="positive"):
        doc_number("X", 2025, 0)


def test_chinese_date_has_no_padding():
    assert chinese_date(dt.date(2025, 1, 5)) == "2025年1月5日"
    assert chinese_date(dt.date(2025, 10, 25)) == "2025年10月25日"


def test_chinese_numbers_and_heading_numbers():
    numbers = (1, 9, 10, 11, 19, 20, 21, 99, 100, 105, 110, 111, 999)
    assert [chinese_number(n) for n in numbers] == [
        "一",
        "九",
        "十",
        "十一",
        "十九",
        "二十",
        "二十一",
        "九十九",
        "一百",
        "一百零五",
        "一百一十",
        "一百一十一",
        "九百九十九",
    ]
    assert [heading_number(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]
    with pytest.raises(ValueError, match="1 to 999"):
        chinese_number(1000)
    assert [lead_level(x) for x in ("一、", "（三）", "2.", "（4）", "一是")] == [1, 2, 3, 4, 1]


# --- 版头 ----------------------------------------------------------------------------------------


def test_file_head_mark_red_number_centred_with_red_rule(notice):
    mark = paragraph_with(notice, "委员会办公室文件")
    run = mark.find("w:r", NS)
    assert attr(run, "w:rPr/w:color", "val") == "FF0000"
    assert attr(run, "w:rPr/w:rFonts", "eastAsia") == "方正小标宋简体"
    assert attr(mark, "w:pPr/w:jc", "val") == "center"
    # the mark never runs wider than the 版心: scaled (w:w) to fit
    assert int(attr(run, "w:rPr/w:w", "val")) < 100
    number = paragraph_with(notice, "城政协办发〔2026〕3号")
    assert attr(number, "w:pPr/w:jc", "val") == "center"
    assert attr(number, "w:pPr/w:spacing", "before") == str(2 * LINE)  # 2 lines below the mark
    assert attr(number, "w:pPr/w:pBdr/w:bottom", "color") == "FF0000"
    assert attr(number, "w:pPr/w:pBdr/w:bottom", "val") == "single"
    copy = paragraph_with(notice, "000123")
    assert attr(copy, "w:pPr/w:jc", "val") == "left"
    assert attr(copy, "w:pPr/w:ind", "firstLine") is None


def test_secrecy_and_urgency_in_heiti_top_left():
    package = Package(render_docx(minimal(issuer_mark="某某文件", secrecy="秘密★1年", urgency="特急")))
    for text in ("秘密★1年", "特急"):
        p = paragraph_with(package, text)
        assert east_asia_fonts(p) == ["黑体"] * len(east_asia_fonts(p))
        assert attr(p, "w:pPr/w:jc", "val") == "left"


def test_upward_document_number_left_and_signers_right_in_kaiti():
    doc = minimal(
        issuer_mark="某某文件", doc_number=doc_number("某发", 2026, 1), signers=["张三", "李四", "王五"]
    )
    package = Package(render_docx(doc))
    first = paragraph_with(package, "签发人：")
    assert text_of(first) == "\t签发人：张三　李四"
    last = paragraph_with(package, "王五")
    assert text_of(last) == "某发〔2026〕1号\t王五"  # 发文字号 on the last 签发人's line
    assert int(attr(last, "w:pPr/w:ind", "left")) == CHAR  # 居左空一字
    # names 居右空一字: the widest line "张三　李四" (5 characters) ends one character from the edge,
    # and 王五 starts under 张三
    names_at = 8845 - CHAR - 5 * CHAR
    label_tab = first.find("w:pPr/w:tabs/w:tab", NS)
    assert (label_tab.get(w("val")), int(label_tab.get(w("pos")))) == ("left", names_at - 4 * CHAR)
    name_tab = last.find("w:pPr/w:tabs/w:tab", NS)
    assert (name_tab.get(w("val")), int(name_tab.get(w("pos")))) == ("left", names_at)
    names = [r for r in last.iter(w("r")) if "王五" in text_of(r)]
    assert attr(names[0], "w:rPr/w:rFonts", "eastAsia") == "楷体_GB2312"
    assert last.find("w:pPr/w:pBdr/w:bottom", NS) is not None
    assert first.find("w:pPr/w:pBdr", NS) is None


# --- 主体 ----------------------------------------------------------------------------------------


def test_title_2hao_xiaobiaosong_centred_and_recipients_end_with_colon(notice):
    title = paragraph_with(notice, "关于交办区政协十五届四次会议提案的通知")
    assert attr(title, "w:pPr/w:jc", "val") == "center"
    assert attr(title.find("w:r", NS), "w:rPr/w:sz", "val") == "44"
    assert east_asia_fonts(title)[0] == "方正小标宋简体"
    recipients = paragraph_with(notice, "区政府各部门")
    assert text_of(recipients) == "区政府各部门，各街道办事处："
    assert attr(recipients, "w:pPr/w:ind", "firstLine") is None  # 顶格


def test_body_paragraphs_indent_two_characters_and_justify(notice):
    p = paragraph_with(notice, "现将有关事项通知如下")
    assert attr(p, "w:pPr/w:jc", "val") == "both"
    assert int(attr(p, "w:pPr/w:ind", "firstLine")) == 2 * CHAR


def headings_of(package: Package) -> list[tuple[str, str]]:
    out = []
    for p in body_paragraphs(package):
        text = text_of(p)
        if re.match(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|（\d+）)", text):
            out.append((text, east_asia_fonts(p)[-1]))
    return out


def test_heading_numbers_restart_under_each_parent_with_fonts_per_level():
    body = [
        Heading(1, "甲"),
        Heading(2, "甲一"),
        Heading(3, "甲一1"),
        Heading(4, "甲一1一"),
        Heading(4, "甲一1二"),
        Heading(3, "甲一2"),
        Heading(2, "甲二"),
        Heading(3, "甲二1"),
        Heading(1, "乙"),
        Heading(2, "乙一"),
        Heading(3, "无号", numbered=False),
        Heading(3, "乙一1"),
    ]
    package = Package(render_docx(minimal(body=body)))
    assert headings_of(package) == [
        ("一、甲", "黑体"),
        ("（一）甲一", "楷体_GB2312"),
        ("1.甲一1", "仿宋_GB2312"),
        ("（1）甲一1一", "仿宋_GB2312"),
        ("（2）甲一1二", "仿宋_GB2312"),
        ("2.甲一2", "仿宋_GB2312"),
        ("（二）甲二", "楷体_GB2312"),
        ("1.甲二1", "仿宋_GB2312"),
        ("二、乙", "黑体"),
        ("（一）乙一", "楷体_GB2312"),
        ("1.乙一1", "仿宋_GB2312"),
    ]
    assert text_of(paragraph_with(package, "无号")) == "无号"
    heading = paragraph_with(package, "一、甲")
    assert int(attr(heading, "w:pPr/w:ind", "firstLine")) == 2 * CHAR
    assert heading.find("w:pPr/w:keepNext", NS) is not None
    assert not any(r.find("w:rPr/w:b", NS) is not None for r in package.document.iter(w("r")))


def test_bold_for_levels_two_and_three_is_configurable():
    body = [Heading(1, "甲"), Heading(2, "乙"), Heading(3, "丙"), Heading(4, "丁")]
    package = Package(render_docx(minimal(body=body), fonts=Fonts(bold_heading2=True, bold_heading3=True)))
    bold = {text_of(p): p.find("w:r/w:rPr/w:b", NS) is not None for p in body_paragraphs(package)}
    assert bold["一、甲"] is False
    assert bold["（一）乙"] is True
    assert bold["1.丙"] is True
    assert bold["（1）丁"] is False


def test_fonts_are_configurable():
    fonts = Fonts(body="仿宋", heading2="楷体", title="方正小标宋_GBK")
    package = Package(render_docx(minimal(body=[Heading(2, "乙"), Paragraph("正文")]), fonts=fonts))
    assert east_asia_fonts(paragraph_with(package, "正文")) == ["仿宋"]
    assert east_asia_fonts(paragraph_with(package, "乙")) == ["楷体"]
    assert east_asia_fonts(paragraph_with(package, "关于测试的通知")) == ["方正小标宋_GBK"]


def test_paragraph_lead_takes_its_heading_font():
    body = [
        Paragraph("其他内容。", lead="1.加强沟通。"),
        Paragraph("其他内容。", lead="（一）加强沟通。"),
        Paragraph("其他内容。", lead="着力点", lead_level=2),
    ]
    package = Package(render_docx(minimal(body=body)))
    paragraphs = [p for p in body_paragraphs(package) if "其他内容" in text_of(p)]
    assert [east_asia_fonts(p) for p in paragraphs] == [
        ["仿宋_GB2312", "仿宋_GB2312"],  # "1." (ASCII, Latin font), 加强沟通。 in the level-3 font, the text
        ["楷体_GB2312", "仿宋_GB2312"],
        ["楷体_GB2312", "仿宋_GB2312"],
    ]
    assert text_of(paragraphs[0]) == "1.加强沟通。其他内容。"


def test_ascii_runs_carry_the_latin_font_in_both_slots(notice):
    number = paragraph_with(notice, "城政协办发")
    for run in number.iter(w("r")):
        fonts = run.find("w:rPr/w:rFonts", NS)
        if text_of(run) == "2026":
            assert fonts.get(w("eastAsia")) == fonts.get(w("ascii")) == "Times New Roman"
        elif CJK.search(text_of(run)):
            assert fonts.get(w("hint")) == "eastAsia"


def test_tables_have_borders_header_rows_and_stay_within_156_mm(notice):
    table = notice.document.find(".//w:body/w:tbl", NS)
    widths = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) <= 8845
    assert attr(table, "w:tblPr/w:tblW", "w") == str(sum(widths))
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        assert attr(table, f"w:tblPr/w:tblBorders/w:{edge}", "val") == "single"
    rows = table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert rows[1].find("w:trPr/w:tblHeader", NS) is None
    header_fonts = {
        attr(r, "w:rPr/w:rFonts", "eastAsia") for r in rows[0].iter(w("r")) if CJK.search(text_of(r))
    }
    assert header_fonts == {"黑体"}
    sizes = {attr(r, "w:rPr/w:sz", "val") for r in table.iter(w("r"))}
    assert sizes == {"24"}  # 小四 12 pt, smaller than the 3号 body


def test_too_wide_column_widths_are_scaled_into_the_text_block():
    doc = minimal(body=[Table(header=[["甲", "乙"]], rows=[["1", "2"]], column_widths_mm=[100, 100])])
    table = Package(render_docx(doc)).document.find(".//w:body/w:tbl", NS)
    widths = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) <= 8845
    assert widths[0] == widths[1]


def test_landscape_table_gets_a_landscape_section_and_the_body_returns_to_portrait():
    doc = minimal(
        body=[Paragraph("前"), Table(header=[["甲"]], rows=[["1"]], landscape=True), Paragraph("后")]
    )
    sections = Package(render_docx(doc)).document.findall(".//w:sectPr", NS)
    orients = [attr(s, "w:pgSz", "orient") or "portrait" for s in sections]
    assert orients == ["portrait", "landscape", "portrait"]
    assert attr(sections[1], "w:pgSz", "w") == "16838"


def test_page_break_block():
    package = Package(render_docx(minimal(body=[Paragraph("一"), PageBreak(), Paragraph("二")])))
    breaks = [b for b in package.document.iter(w("br")) if b.get(w("type")) == "page"]
    assert len(breaks) == 1


def test_bad_heading_level_is_refused():
    with pytest.raises(ValueError, match="heading level"):
        render_docx(minimal(body=[Heading(5, "五级")]))


# --- 附件说明, 署名, 附注, 附件 -----------------------------------------------------------------------


def test_attachment_note_lists_names_aligned_without_punctuation(notice):
    first = paragraph_with(notice, "附件：1.")
    second = paragraph_with(notice, "2.承办单位联系人名单")
    assert text_of(first) == "附件：1.提案交办清单"
    assert text_of(second) == "2.承办单位联系人名单"  # the trailing 。 is dropped
    assert attr(first, "w:pPr/w:spacing", "before") == str(LINE)  # 正文下空一行
    left1, hang1 = int(attr(first, "w:pPr/w:ind", "left")), int(attr(first, "w:pPr/w:ind", "hanging"))
    left2, hang2 = int(attr(second, "w:pPr/w:ind", "left")), int(attr(second, "w:pPr/w:ind", "hanging"))
    assert left1 - hang1 == 2 * CHAR  # 左空二字
    assert left2 - hang2 == 5 * CHAR  # "2." under "1."
    assert left1 == left2  # wrapped names align with the first name's first character


def test_single_attachment_note_has_no_number():
    doc = minimal(attachments=[Attachment("名单")])
    package = Package(render_docx(doc))
    assert text_of(paragraph_with(package, "附件：")) == "附件：名单"
    assert text_of(paragraph_with(package, "附件")) == "附件：名单"
    labels = [text_of(p) for p in body_paragraphs(package) if text_of(p) == "附件"]
    assert labels == ["附件"]


def test_attachment_pages_start_new_pages_with_heiti_label_and_centred_title(notice):
    label = paragraph_with(notice, "附件1")
    assert text_of(label) == "附件1"
    assert label.find("w:pPr/w:pageBreakBefore", NS) is not None
    assert east_asia_fonts(label) == ["黑体"]
    assert attr(label, "w:pPr/w:ind", "firstLine") is None  # 顶格
    title = label.getnext()
    assert text_of(title) == "提案交办清单"
    assert attr(title, "w:pPr/w:jc", "val") == "center"
    assert attr(title, "w:pPr/w:spacing", "before") == str(LINE)  # line 3
    assert text_of(paragraph_with(notice, "附件2")) == "附件2"


def test_sealed_signature_date_four_characters_from_the_right_issuer_centred_over_it(notice):
    date = paragraph_with(notice, "2026年1月5日")
    issuer = date.getprevious()
    assert text_of(issuer) == "政协兰州市城关区委员会办公室"
    assert attr(date, "w:pPr/w:jc", "val") == "right"
    assert int(attr(date, "w:pPr/w:ind", "right")) == 4 * CHAR
    # date 6.5 characters wide (3 hanzi + 7 half-width digits… 2026 1 5 = 6 digits = 3 characters)
    date_width, issuer_width = 6.0, 14.0
    expected = max(0.0, 4 + (date_width - issuer_width) / 2)
    assert int(attr(issuer, "w:pPr/w:ind", "right") or 0) == round(expected * CHAR)
    assert int(attr(issuer, "w:pPr/w:spacing", "before")) == 2 * LINE  # room for the seal


def test_sealed_signature_with_a_short_issuer_is_centred_over_the_date():
    doc = minimal(signature=Signature("某局", dt.date(2025, 12, 25)))
    package = Package(render_docx(doc))
    date = paragraph_with(package, "2025年12月25日")
    issuer = date.getprevious()
    # date: 3 hanzi + 8 digits = 7 characters; issuer 2: centred → right indent 4 + 2.5
    assert int(attr(issuer, "w:pPr/w:ind", "right")) == round(6.5 * CHAR)


def test_unsealed_signature_per_7_3_5_2():
    # date longer than issuer + 2: date 右空二字, issuer pushed left so the date starts 2 chars right of it
    short = Package(render_docx(minimal(signature=Signature("某局", dt.date(2025, 1, 5), sealed=False))))
    date = paragraph_with(short, "2025年1月5日")
    issuer = date.getprevious()
    assert int(attr(date, "w:pPr/w:ind", "right")) == 2 * CHAR
    assert int(attr(issuer, "w:pPr/w:ind", "right")) == round((4 + 6 - 2) * CHAR)
    assert attr(issuer, "w:pPr/w:spacing", "before") == str(LINE)
    # a long issuer: 署名右空二字, date's first character two characters right of the issuer's
    long = Package(
        render_docx(minimal(signature=Signature("政协某某委员会办公室", dt.date(2025, 1, 5), sealed=False)))
    )
    date = paragraph_with(long, "2025年1月5日")
    issuer = date.getprevious()
    assert int(attr(issuer, "w:pPr/w:ind", "right")) == 2 * CHAR
    assert int(attr(date, "w:pPr/w:ind", "right")) == round((10 - 6) * CHAR)


def test_closing_elements_are_kept_with_the_last_line_of_the_body(notice):
    last_body = paragraph_with(notice, "附件：1.").getprevious()
    assert text_of(last_body) == long_notice().body[-1].text
    chain = [last_body]
    while not text_of(chain[-1]).startswith("（此件"):
        chain.append(chain[-1].getnext())
    assert [text_of(p)[:4] for p in chain[1:]] == ["附件：1", "2.承办", "政协兰州", "2026", "（此件公"]
    assert all(p.find("w:pPr/w:keepNext", NS) is not None for p in chain[:-1])
    assert chain[-1].find("w:pPr/w:keepNext", NS) is None


def test_note_in_parentheses_after_the_date(notice):
    note = paragraph_with(notice, "此件公开发布")
    assert text_of(note) == "（此件公开发布）"
    assert "2026年1月5日" in text_of(note.getprevious())
    assert int(attr(note, "w:pPr/w:ind", "firstLine")) == 2 * CHAR


# --- 版记 ----------------------------------------------------------------------------------------


def colophon(package: Package):
    tables = package.document.findall(".//w:body/w:tbl", NS)
    floating = [t for t in tables if t.find("w:tblPr/w:tblpPr", NS) is not None]
    assert len(floating) == 1
    return floating[0]


def test_colophon_floats_at_the_bottom_of_the_text_block_with_thick_thin_thick_rules(notice):
    table = colophon(notice)
    position = table.find("w:tblPr/w:tblpPr", NS)
    assert position.get(w("vertAnchor")) == "margin"
    assert position.get(w("tblpYSpec")) == "bottom"
    assert position.get(w("tblpX")) == "1587"
    assert attr(table, "w:tblPr/w:tblW", "w") == "8845"
    borders = {e: attr(table, f"w:tblPr/w:tblBorders/w:{e}", "sz") for e in ("top", "insideH", "bottom")}
    assert borders == {"top": "8", "insideH": "6", "bottom": "8"}  # 0.35 mm, 0.25 mm, 0.35 mm
    rows = table.findall("w:tr", NS)
    cc, printer = (row.find(".//w:p", NS) for row in rows)
    assert text_of(cc) == "抄送：区委办公室，区人大常委会办公室，区政府办公室。"
    assert {attr(r, "w:rPr/w:sz", "val") for r in cc.iter(w("r"))} == {"28"}  # 4号
    indent = cc.find("w:pPr/w:ind", NS)
    assert int(indent.get(w("left"))) - int(indent.get(w("hanging"))) == SMALL_CHAR  # 左空一字
    assert int(indent.get(w("right"))) == SMALL_CHAR  # 右空一字
    assert text_of(printer) == "政协兰州市城关区委员会办公室\t2026年1月5日印发"
    tab = printer.find("w:pPr/w:tabs/w:tab", NS)
    assert tab.get(w("val")) == "right"
    assert int(tab.get(w("pos"))) == 8845 - SMALL_CHAR
    assert int(attr(printer, "w:pPr/w:ind", "left")) == SMALL_CHAR
    # the table is followed by its anchor paragraph and nothing else
    assert table.getnext().tag == w("p")
    assert table.getnext().getnext().tag == w("sectPr")


def test_no_colophon_without_cc_or_printer():
    package = Package(render_docx(minimal()))
    assert package.document.find(".//w:tblpPr", NS) is None


# --- 信函格式 --------------------------------------------------------------------------------------


def test_letter_first_page_has_letterhead_and_no_page_number(letter):
    sect = letter.document.find(".//w:body/w:sectPr", NS)
    assert sect.find("w:titlePg", NS) is not None
    first_footer = letter.footer("first")
    assert "PAGE" not in etree.tostring(first_footer, encoding="unicode")
    assert text_of(first_footer) == ""
    rule = first_footer.find(".//w:pBdr/w:bottom", NS)
    assert rule.get(w("val")) == "thinThickSmallGap"  # 上细下粗
    assert rule.get(w("color")) == "FF0000"
    # later pages keep the odd/even page numbers
    assert "PAGE" in etree.tostring(letter.footer("default")).decode()
    assert "PAGE" in etree.tostring(letter.footer("even")).decode()
    header = letter.header("first")
    paragraphs = header.findall("w:p", NS)
    assert text_of(paragraphs[0]) == "A"  # the corner mark, top right
    assert attr(paragraphs[0], "w:pPr/w:jc", "val") == "right"
    assert text_of(paragraphs[1]) == "兰州市城关区民政局"
    assert attr(paragraphs[1].find("w:r", NS), "w:rPr/w:color", "val") == "FF0000"
    top = paragraphs[1].find("w:pPr/w:pBdr/w:bottom", NS)
    assert top.get(w("val")) == "thickThinSmallGap"  # 上粗下细
    # 170 mm: the rules reach 7 mm beyond each side of the 156 mm 版心
    for p in (paragraphs[1], first_footer.find("w:p", NS)):
        assert int(attr(p, "w:pPr/w:ind", "left")) == int(attr(p, "w:pPr/w:ind", "right")) == -396


def test_letter_number_at_the_right_edge_and_no_printer_line(letter):
    number = paragraph_with(letter, "城民函〔2026〕12号")
    assert text_of(number) == "\t城民函〔2026〕12号"
    tab = number.find("w:pPr/w:tabs/w:tab", NS)
    assert (tab.get(w("val")), tab.get(w("pos"))) == ("right", "8845")
    table = colophon(letter)
    assert len(table.findall("w:tr", NS)) == 1
    assert text_of(table).startswith("抄送：")
    assert attr(table, "w:tblPr/w:tblBorders/w:top", "val") == "nil"  # letters have no 版记 rules


def test_letter_ignores_printer_even_when_given():
    doc = reply_letter()
    doc = OfficialDocument(**{**doc.__dict__, "printer": "某局办公室", "print_date": dt.date(2026, 1, 1)})
    package = Package(render_docx(doc))
    assert "印发" not in text_of(package.document)


def test_letter_copy_number_left_and_number_right_on_one_line():
    doc = reply_letter()
    doc = OfficialDocument(**{**doc.__dict__, "copy_number": "000007"})
    package = Package(render_docx(doc))
    assert text_of(paragraph_with(package, "000007")) == "000007\t城民函〔2026〕12号"


# --- package ---------------------------------------------------------------------------------------


def test_same_input_same_bytes_and_core_properties():
    first, second = render_docx(long_notice()), render_docx(long_notice())
    assert first == second
    core = Package(first).xml("docProps/core.xml")
    text = etree.tostring(core, encoding="unicode")
    assert "关于交办区政协十五届四次会议提案的通知" in text
    assert "<dc:subject>提案交办</dc:subject>" in text
    assert "<dc:creator>政协兰州市城关区委员会办公室</dc:creator>" in text
    assert "2026-01-05T00:00:00Z" in text
    assert render_docx(reply_letter()) != first


def test_minimal_document_renders():
    package = Package(render_docx(OfficialDocument(title="标题", body=[])))
    assert text_of(paragraph_with(package, "标题")) == "标题"
    assert package.document.find(".//w:tbl", NS) is None


def test_form_letter_without_mark_or_number():
    package = Package(render_docx(minimal(form=Form.LETTER)))
    title = paragraph_with(package, "关于测试的通知")
    assert attr(title, "w:pPr/w:spacing", "before") == "0"


@pytest.mark.parametrize(
    "doc",
    [
        OfficialDocument(title="", body=[]),
        minimal(body=[Table(header=[], rows=[])]),
        minimal(
            body=[
                Table(header=[["甲", "乙", "丙"]], rows=[["1"], ["1", "2", "3", "4"]], column_widths_mm=[10])
            ]
        ),
        minimal(body=[Heading(1, f"第{n}部分") for n in range(1, 120)]),
        minimal(body=[Paragraph("")], signature=Signature("", dt.date(2026, 2, 3))),
        minimal(issuer_mark="很长的发文机关标志" * 6, signers=["某"], recipients="某：", cc=["甲。", " 乙 "]),
        minimal(
            form=Form.LETTER,
            corner_mark="C",
            secrecy="秘密",
            urgency="加急",
            attachments=[Attachment("附\n表")],
        ),
        minimal(print_date=dt.date(2026, 1, 1)),
    ],
    ids=[
        "empty",
        "empty-table",
        "ragged-table",
        "many-headings",
        "blank",
        "long-mark",
        "letter-extras",
        "date-only",
    ],
)
def test_unusual_documents_render_to_valid_packages(doc):
    package = Package(render_docx(doc))
    body = package.document.find("w:body", NS)
    assert body[-1].tag == w("sectPr")
    for table in body.iter(w("tbl")):
        assert table.findall("w:tr", NS)
        assert table.getnext() is not None  # a table is never the last thing in its container


def test_long_mark_is_scaled_and_shrunk_to_fit():
    package = Package(render_docx(minimal(issuer_mark="很长的发文机关标志" * 6)))
    run = paragraph_with(package, "很长的").find("w:r", NS)
    size_pt = int(attr(run, "w:rPr/w:sz", "val")) / 2
    scale = int(attr(run, "w:rPr/w:w", "val")) / 100
    assert 54 * size_pt * scale * 20 <= 8845  # 54 characters within 156 mm


# --- long documents: rows made from a prepared row, progress -------------------------------------


def long_table(rows: int) -> OfficialDocument:
    return minimal(
        body=[
            Paragraph("交办清单如下。"),
            Table(
                header=[["序号", "案由", "承办单位"]],
                rows=[
                    [str(i), f"关于第{i}件事的提案", "区财政局\n区教育局" if i % 2 else ""]
                    for i in range(1, rows + 1)
                ],
                column_widths_mm=[20, 90, 46],
            ),
            Paragraph("请按时办理。"),
        ]
    )


def test_every_row_of_a_long_table_has_its_own_cells_widths_and_text():
    package = Package(render_docx(long_table(300)))
    [table] = package.document.findall(".//w:tbl", NS)
    rows = table.findall("w:tr", NS)
    assert len(rows) == 301
    assert [r.find("w:trPr/w:tblHeader", NS) is not None for r in rows[:2]] == [True, False]
    widths = [gc.get(w("w")) for gc in table.findall("w:tblGrid/w:gridCol", NS)]
    for index, row in enumerate(rows):
        assert row.find("w:trPr/w:cantSplit", NS) is not None
        cells = row.findall("w:tc", NS)
        assert [attr(c, "w:tcPr/w:tcW", "w") for c in cells] == widths
        assert all(attr(c, "w:tcPr/w:vAlign", "val") == "center" for c in cells)
        if index:
            assert text_of(cells[0]) == str(index)
            assert text_of(cells[1]) == f"关于第{index}件事的提案"
            assert len(cells[2].findall("w:p", NS)) == (2 if index % 2 else 1)
    # every row is its own copy: changing one leaves the next alone
    assert rows[5].find("w:tc", NS) is not rows[6].find("w:tc", NS)


def test_tabs_and_line_breaks_in_text_become_tab_and_break_elements():
    package = Package(render_docx(minimal(body=[Paragraph(" 甲\t乙\n丙 ", indent=False)])))
    runs = paragraph_with(package, "甲").findall("w:r", NS)
    # one run per stretch of ASCII or non-ASCII text: " ", 甲, tab, 乙, line break, 丙, " "
    assert [[child.tag for child in r if child.tag != w("rPr")] for r in runs] == [
        [w(tag)] for tag in ("t", "t", "tab", "t", "br", "t", "t")
    ]
    space = "{http://www.w3.org/XML/1998/namespace}space"
    assert [r.find("w:t", NS).get(space) for r in runs if r.find("w:t", NS) is not None] == [
        "preserve",
        None,
        None,
        None,
        "preserve",
    ]


def test_progress_is_told_as_blocks_are_laid_out_and_leaves_the_file_unchanged():
    doc = long_table(1000)
    told: list[int] = []
    content = render_docx(doc, progress=told.append)
    assert content == render_docx(doc)
    assert told == sorted(set(told))  # rising, each percentage once
    assert told[-1] == 100
    assert 90 <= len(told) <= 101  # the 1,001 rows move it a percent at a time
    assert told[0] == 0  # the first paragraph is 1 of 1,003 blocks


def test_progress_on_a_document_without_blocks_is_never_told():
    told: list[int] = []
    render_docx(OfficialDocument(title="标题", body=[]), progress=told.append)
    assert told == []
