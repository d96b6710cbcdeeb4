"""Spreadsheets (.xlsx) the way offices keep them: one module for every export and import.

Writing (ecosystem.md §b.7): Chinese headers in bold on a frozen first row, column widths for CJK
text (a hanzi takes about two units), dates as real dates shown as 2025年1月5日, and every text cell
that would start a formula made inert (ASVS 1.2.10, CSV/formula injection). Rows are written with
openpyxl's write-only mode into a temporary file and served from it, so a 100,000-row list costs a
flat amount of memory; the caller passes a lazy iterable (`queryset.iterator(chunk_size=…)`).

Reading: the first sheet of an uploaded .xlsx, refused when it is not a sane workbook (size, zip
bomb, magic bytes); the header line is found by a column every row must have; Chinese headers (and
their common aliases) map to columns; problems are collected as `RowError(row, column, message)` so
that an import can answer with one Chinese report and write nothing (all or nothing).

Auditing stays with the caller (each app's `exports.py`), which knows the target and the filters;
imports and template downloads are logged through `tongxin.audit.services.import_record` and
`template_download`. An import page hands its form to `import_page_submit` for the row report.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, Generic, Literal, TypeVar

from django.core.files.base import File
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from .errors import Invalid

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
# Cells starting with one of these are formulas to a spreadsheet (ASVS 1.2.10, CSV/formula injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_ENTRIES = 500
HEADER_SEARCH_ROWS = 5  # a title line such as "政协第十届…委员名册" may sit above the header
# Rows spooled in memory before the temporary file goes to disk.
SPOOL_BYTES = 4 * 1024 * 1024
# A writer's progress callback hears the number of rows written this often.
PROGRESS_EVERY = 1000

T = TypeVar("T")
Kind = Literal["text", "number", "date", "datetime"]
RowProgress = Callable[[int], None]


# --- Writing -------------------------------------------------------------------------------------


def safe_text(value: str) -> str:
    """Prefix a leading formula character with an apostrophe so no spreadsheet evaluates the cell."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def clean_text(value: str) -> str:
    """Text as a cell takes it: formula-escaped (safe_text), and without the control characters XML
    cannot hold (openpyxl refuses a whole row for one stray \\x0b pasted from a Word document)."""
    if not value.isprintable() and ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_text(value)


def unescape_text(value: str) -> str:
    """The text a user meant, when an exported (escaped) cell is imported again."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


@dataclass(frozen=True)
class SheetColumn(Generic[T]):
    """One column: its Chinese header, its width in Excel units, how a row gives its value."""

    header: str
    width: int
    value: Callable[[T], Any]
    kind: Kind = "text"


@dataclass
class SheetFile:
    """A written workbook in a temporary file, ready to serve; `rows` is the number of data rows."""

    file: IO[bytes]
    filename: str
    rows: int

    def read(self) -> bytes:
        """The whole file (tests, and callers that attach it elsewhere)."""
        self.file.seek(0)
        return self.file.read()

    def response(self) -> FileResponse:
        """A streamed download (FileResponse reads the file block by block), never cached."""
        self.file.seek(0)
        response = FileResponse(self.file, as_attachment=True, filename=self.filename, content_type=XLSX)
        response["Cache-Control"] = "no-store"
        return response


class _Cells:
    """Turns values into cells for one sheet. The two date styles are made once per sheet and shared
    by every date cell (a style assigned per cell costs openpyxl a lookup in the workbook's style
    tables each time); every other value goes in bare, and openpyxl writes it with one reused cell."""

    def __init__(self, sheet: Any, yes_no: tuple[str, str]) -> None:
        self.sheet = sheet
        self.yes_no = yes_no
        self.date_style = self._style_of(sheet, DATE_FORMAT)
        self.datetime_style = self._style_of(sheet, DATETIME_FORMAT)

    @staticmethod
    def _style_of(sheet: Any, number_format: str) -> Any:
        template = WriteOnlyCell(sheet)
        template.number_format = number_format
        return template._style  # type: ignore[attr-defined]  # StyleableObject's array, not in the stubs

    def _dated(self, value: Any, style: Any) -> Any:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell._style = style  # type: ignore[attr-defined]  # shared; openpyxl only reads it
        return cell

    def __call__(self, value: Any, kind: Kind) -> Any:
        if value is None or value == "":
            return None
        if type(value) is str:  # the common case first
            return clean_text(value)
        if kind == "datetime" and isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = timezone.localtime(value).replace(tzinfo=None)
            return self._dated(value, self.datetime_style)
        if isinstance(value, dt.datetime):
            # The day as the office reckons it: 07:00 in Beijing is still the previous day in UTC.
            value = (timezone.localtime(value) if value.tzinfo is not None else value).date()
        if isinstance(value, dt.date):
            return self._dated(value, self.date_style)  # a real date cell, not text (§b.7)
        if isinstance(value, bool):
            return self.yes_no[0] if value else self.yes_no[1]
        if isinstance(value, (int, float)):
            return value
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, (list, tuple)):
            value = "、".join(str(v) for v in value)
        return clean_text(str(value))


def _header_cells(sheet: Any, headers: Sequence[str]) -> list[Any]:
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F6F5F2")
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cell.fill = fill
        cells.append(cell)
    return cells


@dataclass
class SheetPart(Generic[T]):
    """One worksheet of a workbook: a title, columns, rows, and optional lines above the header."""

    title: str
    columns: Sequence[SheetColumn[T]]
    rows: Iterable[T]
    heading: Sequence[str] = field(default_factory=list)


def write_workbook(
    parts: Sequence[SheetPart[Any]], *, filename: str, progress: RowProgress | None = None
) -> SheetFile:
    """Write the parts, row by row, into a temporary file; the count is of the first part's rows.
    `progress(rows written so far)` is called every PROGRESS_EVERY rows and after each part."""
    workbook = Workbook(write_only=True)
    counts: list[int] = []
    written = 0
    yes_no = (_("是"), _("否"))  # translated once, not once per cell
    for part in parts:
        sheet = workbook.create_sheet(part.title[:31])
        for index, column in enumerate(part.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        header_row = len(part.heading) + 1
        sheet.freeze_panes = f"A{header_row + 1}"
        for line in part.heading:
            title = WriteOnlyCell(sheet, value=safe_text(line))
            title.font = Font(bold=True, size=14)
            title.alignment = Alignment(vertical="center")
            sheet.append([title])
        sheet.append(_header_cells(sheet, [c.header for c in part.columns]))
        cells = _Cells(sheet, yes_no)
        getters = [(column.value, column.kind) for column in part.columns]
        count = 0
        for row in part.rows:
            sheet.append([cells(value(row), kind) for value, kind in getters])
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(written + count)
        written += count
        counts.append(count)
        if progress is not None:
            progress(written)
    if not parts:
        workbook.create_sheet(_("空"))
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, suffix=".xlsx")  # noqa: SIM115
    workbook.save(spooled)  # openpyxl accepts any binary file object
    spooled.seek(0)
    return SheetFile(file=spooled, filename=filename, rows=counts[0] if counts else 0)


def write_sheet(
    columns: Sequence[SheetColumn[T]],
    rows: Iterable[T],
    *,
    title: str,
    filename: str,
    heading: Sequence[str] = (),
    progress: RowProgress | None = None,
) -> SheetFile:
    """One sheet of `rows` under `columns` (a list export)."""
    return write_workbook(
        [SheetPart(title, columns, rows, list(heading))], filename=filename, progress=progress
    )


def filter_details(params: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, str]:
    """The filters of a list export as the security log keeps them: only known keys, short values."""
    return {k: str(params.get(k))[:100] for k in allowed if params.get(k) not in (None, "")}


# --- Reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第 %(row)d 行「%(column)s」：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class SheetRejected(Invalid):
    """The file was read, but some rows are wrong; nothing was imported. Carries the row report."""

    def __init__(self, errors: list[RowError], message: str, code: str = "invalid_sheet") -> None:
        super().__init__(message, {"rows": [str(e) for e in errors]}, code=code)
        self.errors = errors

    def as_dict(self) -> dict[str, object]:
        data = super().as_dict()
        data["errors"] = [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors]
        return data


class RowErrors:
    """Collects the errors of the row being read; `add(column, message)` files one."""

    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.row = 0
        self.row_columns: set[str] = set()

    def start(self, row: int) -> None:
        self.row = row
        self.row_columns = set()

    def add(self, column: str, message: str) -> None:
        self.row_columns.add(column)
        self.items.append(RowError(self.row, column, message))


def file_error(message: str) -> Invalid:
    return Invalid(message, {"file": [message]}, code="invalid_file")


def read_rows(upload: File[Any], *, max_bytes: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield (Excel row number, values) of the first sheet, refusing files that are not sane xlsx."""
    size = upload.size or 0
    if size == 0:
        raise file_error(_("请选择要导入的文件。"))
    if size > max_bytes:
        shown = f"{max_bytes / 1024 / 1024:g} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} KB"
        raise file_error(_("文件不能超过 %(size)s。") % {"size": shown})
    upload.seek(0)
    data = upload.read()
    if not isinstance(data, bytes) or not data.startswith(ZIP_MAGIC):
        raise file_error(_("只能导入 Excel 工作簿（.xlsx）文件。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {e.filename for e in entries}
            inflated = sum(e.file_size for e in entries)
    except zipfile.BadZipFile:
        raise file_error(_("文件已损坏，无法读取。")) from None
    if "xl/workbook.xml" not in names:
        raise file_error(_("只能导入 Excel 工作簿（.xlsx）文件。"))
    # A small zip that inflates to gigabytes would exhaust memory (a zip bomb, ASVS 5.2.3).
    if len(entries) > MAX_ZIP_ENTRIES or inflated > 20 * max_bytes:
        raise file_error(_("文件内容过大或结构异常，无法导入。"))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for malformed parts; the user only needs "unreadable"
        raise file_error(_("无法读取该文件，请用 Excel 或 WPS 另存为 .xlsx 后重试。")) from None
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, tuple(values)
    except Exception:
        raise file_error(_("无法读取该文件，请用 Excel 或 WPS 另存为 .xlsx 后重试。")) from None
    finally:
        workbook.close()


def header_name(value: Any, aliases: Mapping[str, str] | None = None) -> str:
    """A header cell as a canonical name: spaces and required-marks (*) removed, aliases resolved."""
    text = re.sub(r"[\s\u3000*＊]", "", str(value or ""))
    return (aliases or {}).get(text, text)


def header_columns(
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    *,
    known: Sequence[str],
    required: Sequence[str],
    anchor: str,
    aliases: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Find the header line (the first holding `anchor`) and map each known header to its index."""
    for number, values in rows:
        names = [header_name(v, aliases) for v in values]
        if anchor in names:
            columns: dict[str, int] = {}
            for index, name in enumerate(names):
                if name in columns:
                    raise file_error(_("“%(name)s”列出现了不止一次。") % {"name": name})
                if name in known:
                    columns[name] = index
            missing = [h for h in required if h not in columns]
            if missing:
                raise file_error(
                    _("缺少必需的列：%(names)s。请使用导入模板。") % {"names": "、".join(missing)}
                )
            return columns
        if number >= HEADER_SEARCH_ROWS:
            break
    raise file_error(
        _("前 %(n)d 行中找不到表头（含“%(anchor)s”的一行）。请使用导入模板。")
        % {"n": HEADER_SEARCH_ROWS, "anchor": anchor}
    )


def is_blank_row(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def cells_by_header(values: Sequence[Any], columns: Mapping[str, int]) -> dict[str, Any]:
    """One row's values keyed by header (a header absent from the file gives None)."""
    return {h: (values[i] if i < len(values) else None) for h, i in columns.items()}


def text_value(value: Any) -> str:
    """A cell as stripped text: whole numbers without ".0", dates as ISO, escaped formulas restored."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unescape_text(str(value).strip())


DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def date_value(value: Any) -> dt.date | None:
    """A date from a date cell, an Excel serial, 19700102, or text such as 1970-01-02 / 1970年1月2日.
    Raises ValueError (or OverflowError) when the cell is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231:
            value = str(int(value))
        elif 1 <= value < 100000:
            converted = from_excel(value)
            return converted.date() if isinstance(converted, dt.datetime) else None
        else:
            raise ValueError(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    match = DATE_PATTERN.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


def template_workbook(
    headers: Sequence[tuple[str, int, str]], *, title: str, filename: str, notes_title: str = ""
) -> SheetFile:
    """An empty import template: the header row, and a second sheet saying what each column takes.
    `headers` are (header, width, note)."""
    columns: list[SheetColumn[Any]] = [SheetColumn(h, w, lambda row: None) for h, w, _n in headers]
    notes: list[SheetColumn[tuple[str, str]]] = [
        SheetColumn(_("列"), 14, lambda row: row[0]),
        SheetColumn(_("填写要求"), 60, lambda row: row[1]),
    ]
    return write_workbook(
        [
            SheetPart(title, columns, []),
            SheetPart(notes_title or _("填写说明"), notes, [(h, n) for h, _w, n in headers]),
        ],
        filename=filename,
    )


# --- Import pages ------------------------------------------------------------------------------------


@dataclass
class ImportPage(Generic[T]):
    """What an import page shows after its form: the import's result, or the row report (a rejected
    sheet) with the page's status."""

    result: T | None = None
    report: list[RowError] = field(default_factory=list)
    status: int = 200


def import_page_submit(request: HttpRequest, form: Any, run: Callable[[File[Any]], T]) -> ImportPage[T]:
    """An import page's POST: a valid form's uploaded `file` goes to `run` (the import service); a
    rejected sheet gives the row report and its message above the form, any other `Invalid` its
    messages beside the fields (or above the form). A GET shows the empty form."""
    page: ImportPage[T] = ImportPage()
    if request.method != "POST":
        return page
    if not form.is_valid():
        page.status = 422
        return page
    try:
        page.result = run(form.cleaned_data["file"])
    except SheetRejected as exc:
        page.report, page.status = exc.errors, exc.status
        form.add_error(None, exc.message)
    except Invalid as exc:
        if not exc.fields:
            form.add_error(None, exc.message)
        for name, messages in exc.fields.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
        page.status = exc.status
    return page
