"""The shared audit of imports and template downloads: a success row with the counts, a failure row
with the number of row errors (1 for a refused file) and the code, and the template's download row."""

from __future__ import annotations

import io

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import import_record, template_download
from tongxin.core.errors import Invalid
from tongxin.core.sheets import RowError, SheetRejected, file_error


def _imports() -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT).order_by("pk"))


def test_success_is_logged_with_the_details_and_counts(world):
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
    with import_record(
        actor=world.zhang_min, target="test:units", details={"file": "a.xlsx"}, request=request
    ) as record:
        record.succeeded(rows=3, created=2)
    (row,) = _imports()
    assert (row.outcome, row.target, row.user_id) == ("success", "test:units", world.zhang_min.pk)
    assert row.details == {"file": "a.xlsx", "rows": 3, "created": 2}
    assert row.ip_address == "10.1.2.3"


def test_rejected_rows_are_logged_as_one_failure_with_their_count(world):
    errors = [RowError(2, "姓名", "必须填写"), RowError(3, "性别", "只能填写男或女")]
    with (
        pytest.raises(SheetRejected),
        import_record(actor=world.zhang_min, target="test:units", details={"source": "b.xlsx"}),
    ):
        raise SheetRejected(errors, "有错误", code="invalid_units")
    (row,) = _imports()
    assert row.outcome == "failure"
    assert row.details == {"source": "b.xlsx", "errors": 2, "code": "invalid_units"}


def test_a_refused_file_counts_as_one_error(world):
    with (
        pytest.raises(Invalid),
        import_record(actor=world.zhang_min, target="test:units", details={"file": "c.xlsx"}),
    ):
        raise file_error("只能导入 Excel 工作簿（.xlsx）文件。")
    (row,) = _imports()
    assert row.details == {"file": "c.xlsx", "errors": 1, "code": "invalid_file"}


def test_other_exceptions_are_not_logged_as_import_failures(world):
    with (
        pytest.raises(RuntimeError),
        import_record(actor=world.zhang_min, target="test:units", details={"file": "d.xlsx"}),
    ):
        raise RuntimeError("bug")
    assert _imports() == []


class _Column:
    def __init__(self, header: str, width: int, note: str) -> None:
        self.header, self.width, self.note = header, width, note


def test_template_download_writes_the_headers_and_notes_and_logs_the_download(world):
    sheet = template_download(
        [_Column("单位名称", 30, "必填"), _Column("简称", 14, "可空")],
        title="承办单位",
        filename="模板.xlsx",
        actor=world.zhang_min,
        target="test.template",
        details={"committee": world.committee.pk},
    )
    workbook = load_workbook(io.BytesIO(sheet.read()))
    assert [c.value for c in workbook["承办单位"][1]] == ["单位名称", "简称"]
    assert [[c.value for c in r] for r in workbook.worksheets[1].iter_rows(min_row=2)] == [
        ["单位名称", "必填"],
        ["简称", "可空"],
    ]
    row = SecurityEvent.objects.get(kind=SecurityEvent.Kind.DOWNLOAD)
    assert (row.target, row.details, row.user_id) == (
        "test.template",
        {"committee": world.committee.pk},
        world.zhang_min.pk,
    )
