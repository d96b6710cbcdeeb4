"""The shared sheet writer and reader: escaping, real dates, header style and freeze, streaming from a
temporary file, and the reader's refusals and row/column errors."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from openpyxl import Workbook, load_workbook

from tongxin.core.errors import Invalid
from tongxin.core.sheets import (
    DATE_FORMAT,
    RowError,
    SheetColumn,
    SheetRejected,
    cells_by_header,
    date_value,
    header_columns,
    import_page_submit,
    read_rows,
    safe_text,
    text_value,
    write_sheet,
)

COLUMNS: list[SheetColumn[dict[str, object]]] = [
    SheetColumn("名称", 20, lambda r: r["name"]),
    SheetColumn("日期", 16, lambda r: r["day"], "date"),
    SheetColumn("数量", 8, lambda r: r["n"], "number"),
    SheetColumn("标签", 20, lambda r: r["tags"]),
]


@pytest.mark.parametrize("text", ["=1+1", "+86", "-5", "@SUM(A1)", "\tx", "\0x", "\rx"])
def test_every_formula_trigger_is_escaped_and_restored(text):
    assert safe_text(text) == "'" + text
    assert text_value(safe_text(text)) == text.strip() or text_value(safe_text(text)) == text


def test_written_sheet_has_header_widths_freeze_dates_and_escapes():
    rows = [
        {"name": "=HYPERLINK(1)", "day": dt.date(2025, 1, 5), "n": 3, "tags": ["甲", "乙"]},
        {"name": "普通", "day": None, "n": 0, "tags": []},
    ]
    sheet = write_sheet(COLUMNS, iter(rows), title="测试", filename="测试.xlsx")
    assert sheet.rows == 2
    book = load_workbook(io.BytesIO(sheet.read()))
    ws = book["测试"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["名称", "日期", "数量", "标签"]
    assert ws["A1"].font.bold
    assert ws.column_dimensions["A"].width == 20
    assert ws["A2"].value == "'=HYPERLINK(1)"
    assert ws["B2"].value.date() == dt.date(2025, 1, 5)  # a date cell, not text
    assert ws["B2"].number_format == DATE_FORMAT
    assert ws["C2"].value == 3
    assert ws["D2"].value == "甲、乙"
    assert ws["B3"].value is None


def test_response_streams_from_the_file():
    sheet = write_sheet(COLUMNS, [], title="空", filename="空.xlsx", heading=["标题行"])
    response = sheet.response()
    assert response.streaming
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws is not None
    assert ws["A1"].value == "标题行"
    assert ws.freeze_panes == "A3"


def test_large_exports_spool_to_disk(monkeypatch):
    monkeypatch.setattr("tongxin.core.sheets.SPOOL_BYTES", 64 * 1024)
    rows = ({"name": f"第{i}行", "day": dt.date(2025, 1, 1), "n": i, "tags": ""} for i in range(20000))
    sheet = write_sheet(COLUMNS, rows, title="大", filename="大.xlsx")
    assert sheet.rows == 20000
    assert sheet.file._rolled  # type: ignore[attr-defined]  # past SPOOL_BYTES the file is on disk


def _upload(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("a.xlsx", buffer.getvalue())


def test_reader_finds_the_header_under_a_title_and_maps_aliases():
    lines = read_rows(_upload([["名单"], ["单位", "简称"], ["财政局", "'=x"]]), max_bytes=1024 * 1024)
    columns = header_columns(
        lines,
        known=["单位名称", "简称"],
        required=["单位名称"],
        anchor="单位名称",
        aliases={"单位": "单位名称"},
    )
    assert columns == {"单位名称": 0, "简称": 1}
    number, values = next(lines)
    assert number == 3
    cells = cells_by_header(values, columns)
    assert text_value(cells["简称"]) == "=x"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"plain text",
        b"PK\x03\x04broken",
    ],
)
def test_reader_refuses_what_is_not_a_workbook(content):
    with pytest.raises(Invalid):
        list(read_rows(SimpleUploadedFile("a.xlsx", content), max_bytes=1024 * 1024))


def test_reader_refuses_zip_bombs_and_oversize_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"0" * 5_000_000)
    with pytest.raises(Invalid, match="过大"):
        list(read_rows(SimpleUploadedFile("a.xlsx", buffer.getvalue()), max_bytes=100_000))
    with pytest.raises(Invalid, match="不能超过"):
        list(read_rows(_upload([["a"]]), max_bytes=10))


def test_missing_and_duplicate_headers():
    with pytest.raises(Invalid, match="缺少必需的列"):
        header_columns(
            read_rows(_upload([["名称", "x"]]), max_bytes=10**6),
            known=["名称", "类别"],
            required=["名称", "类别"],
            anchor="名称",
        )
    with pytest.raises(Invalid, match="不止一次"):
        header_columns(
            read_rows(_upload([["名称", "名称"]]), max_bytes=10**6),
            known=["名称"],
            required=["名称"],
            anchor="名称",
        )
    with pytest.raises(Invalid, match="找不到表头"):
        header_columns(
            read_rows(_upload([["x"]] * 6), max_bytes=10**6), known=["名称"], required=["名称"], anchor="名称"
        )


def test_dates_in_the_forms_offices_write_them():
    assert date_value("2019年6月30日") == dt.date(2019, 6, 30)
    assert date_value("2019-06-30") == dt.date(2019, 6, 30)
    assert date_value(20190630) == dt.date(2019, 6, 30)
    assert date_value(43646) == dt.date(2019, 6, 30)  # an Excel serial
    assert date_value("") is None
    with pytest.raises(ValueError, match="去年"):
        date_value("去年")


def test_row_error_reads_as_chinese():
    assert str(RowError(3, "编号", "必须填写")) == "第 3 行「编号」：必须填写"


def test_progress_hears_the_rows_written(monkeypatch):
    monkeypatch.setattr("tongxin.core.sheets.PROGRESS_EVERY", 2)
    heard: list[int] = []
    rows = ({"name": f"第{i}行", "day": None, "n": i, "tags": ""} for i in range(5))
    sheet = write_sheet(COLUMNS, rows, title="进度", filename="进度.xlsx", progress=heard.append)
    assert sheet.rows == 5
    assert heard == [2, 4, 5]


def test_control_characters_xml_cannot_hold_are_dropped_not_fatal():
    rows = [{"name": "甲\x0b乙\x01", "day": dt.date(2025, 1, 5), "n": 1, "tags": ["\x00=丙"]}]
    sheet = write_sheet(COLUMNS, rows, title="字符", filename="字符.xlsx")
    ws = load_workbook(io.BytesIO(sheet.read())).active
    assert ws is not None
    assert ws["A2"].value == "甲乙"
    assert ws["D2"].value == "'=丙"  # still escaped once the stray character is gone
    assert ws["B2"].number_format == DATE_FORMAT


def test_a_date_column_shows_the_local_day_of_an_aware_datetime():
    early = dt.datetime(2026, 1, 11, 23, 30, tzinfo=dt.UTC)  # 2026-01-12 07:30 in Beijing
    sheet = write_sheet(
        COLUMNS, [{"name": "甲", "day": early, "n": 1, "tags": ""}], title="日", filename="日.xlsx"
    )
    ws = load_workbook(io.BytesIO(sheet.read())).active
    assert ws is not None
    assert ws["B2"].value.date() == dt.date(2026, 1, 12)


class _UploadForm(forms.Form):
    file = forms.FileField()
    name = forms.CharField(required=False)


def _submit(method: str, run, *, with_file: bool = True):
    factory = RequestFactory()
    data: dict[str, object] = {"name": "x"}
    if with_file:
        data["file"] = _upload([["名称"], ["甲"]])
    request = factory.post("/", data=data) if method == "POST" else factory.get("/")
    form = _UploadForm(request.POST or None, request.FILES or None)
    return form, import_page_submit(request, form, run)


def test_import_page_get_shows_the_empty_form_and_runs_nothing():
    form, page = _submit("GET", lambda upload: pytest.fail("ran on GET"))
    assert (page.result, page.report, page.status, form.is_bound) == (None, [], 200, False)


def test_import_page_passes_the_upload_and_keeps_the_result():
    _form, page = _submit("POST", lambda upload: upload.name)
    assert (page.result, page.report, page.status) == ("a.xlsx", [], 200)


def test_import_page_without_a_file_is_422_and_runs_nothing():
    form, page = _submit("POST", lambda upload: pytest.fail("ran"), with_file=False)
    assert page.status == 422
    assert "file" in form.errors


def test_import_page_shows_the_row_report_of_a_rejected_sheet():
    errors = [RowError(2, "名称", "必须填写")]

    def run(upload):
        raise SheetRejected(errors, "有 1 处错误")

    form, page = _submit("POST", run)
    assert (page.result, page.report, page.status) == (None, errors, 422)
    assert form.non_field_errors() == ["有 1 处错误"]


def test_import_page_puts_service_messages_beside_their_fields_or_above():
    def run(upload):
        raise Invalid("有误", {"name": ["名称有误"], "other": ["别的"]})

    form, page = _submit("POST", run)
    assert page.status == 422
    assert form.errors["name"] == ["名称有误"]
    assert form.non_field_errors() == ["别的"]


def test_import_page_shows_a_message_without_fields_above_the_form():
    def run(upload):
        raise Invalid("文件有误")

    form, page = _submit("POST", run)
    assert page.status == 422
    assert form.non_field_errors() == ["文件有误"]
