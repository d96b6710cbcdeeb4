"""Organisation spreadsheets: every section list exports what its page shows (filters, streamed,
audited), and handling units import from .xlsx all or nothing, idempotently, with a row report."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Forbidden
from tongxin.core.sheets import SheetRejected
from tongxin.org.models import HandlingUnit, HandlingUnitContact, OrgEvent
from tongxin.org.unit_import import handling_units_import

HEAD = ["单位名称", "简称", "类别", "联系人", "职务", "联系电话", "电子邮箱"]
READERS = ("sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei", "sysadmin")
NOT_READERS = ("wang_wei", "li_na", "zhou_qiang", "secadmin", "auditadmin", "outsider")
MANAGERS = ("zhang_min", "sysadmin")


def _xlsx(*rows: list[Any], head: list[str] = HEAD) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["城关区承办单位名单"])  # a title line above the header, as offices write them
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("units.xlsx", buffer.getvalue())


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response.streaming
    return list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        .worksheets[0]
        .iter_rows(values_only=True)
    )


# --- List exports ----------------------------------------------------------------------------------


def test_handling_unit_export_is_the_filtered_list(world, client_for):
    HandlingUnit.objects.create(committee=world.committee, name="=城关区教育局", short_name="区教育局")
    HandlingUnit.objects.create(committee=world.sibling, name="七里河区教育局")  # another committee
    client = client_for(world.zhang_min)
    rows = _sheet(client.get("/org/handling-units/export/"))
    assert rows[0] == ("名称", "简称", "类别", "联系人", "状态")  # the page's columns, and its status
    assert sorted(r[0] for r in rows[1:]) == sorted(["'=城关区教育局", "城关区交通运输局"])
    rows = _sheet(client.get("/org/handling-units/export/", {"q": "交通"}))
    assert [r[0] for r in rows[1:]] == ["城关区交通运输局"]
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, target="org.handling_unit")
    assert event.count() == 2
    assert event.filter(details__filters={"q": "交通"}, details__rows=1).count() == 1


@pytest.mark.parametrize("slug", ["terms", "sessions", "sectors", "participating-units", "handling-units"])
def test_every_section_list_exports(world, client_for, slug):
    response = client_for(world.sysadmin).get(f"/org/{slug}/export/")
    rows = _sheet(response)
    page = client_for(world.sysadmin).get(f"/org/{slug}/")
    assert page.status_code == 200
    assert len(rows) >= 2


def test_section_export_access(world, client_for):
    for name in READERS:
        assert client_for(world.people[name]).get("/org/handling-units/export/").status_code == 200, name
    for name in NOT_READERS:
        assert client_for(world.people[name]).get("/org/handling-units/export/").status_code in (403, 404), (
            name
        )


def test_section_export_queries_do_not_grow_with_rows(world, client_for):
    client = client_for(world.zhang_min)
    for i in range(9):
        HandlingUnit.objects.create(committee=world.committee, name=f"单位{i:02d}")
    with CaptureQueriesContext(connection) as ten:
        assert len(_sheet(client.get("/org/handling-units/export/"))) == 11
    for i in range(9, 29):
        HandlingUnit.objects.create(committee=world.committee, name=f"单位{i:02d}")
    with CaptureQueriesContext(connection) as thirty:
        assert len(_sheet(client.get("/org/handling-units/export/"))) == 31
    assert len(thirty) == len(ten)


# --- Handling-unit import --------------------------------------------------------------------------


def test_import_creates_updates_and_never_duplicates(world):
    upload = _xlsx(
        ["城关区财政局", "区财政局", "政府部门", "马丽", "科长", "0931-8811234", "mali@example.cn"],
        ["城关区人民法院", "", "法院", "", "", "", ""],
        ["城关区交通运输局", "区交通局", "", "赵强", "", "0931-8800000", ""],  # existing: updated
    )
    result = handling_units_import(actor=world.zhang_min, committee=world.committee, upload=upload)
    assert (result.rows, result.created, result.updated, result.contacts) == (3, 2, 1, 2)
    finance = HandlingUnit.objects.get(name="城关区财政局")
    assert (finance.short_name, finance.kind) == ("区财政局", "government")
    assert HandlingUnit.objects.get(name="城关区人民法院").kind == "court"
    contact = HandlingUnitContact.objects.get(unit=finance)
    assert (contact.name, contact.phone, contact.is_primary) == ("马丽", "0931-8811234", True)
    assert OrgEvent.objects.filter(entity="handling_unit", name="created").count() == 2
    # The same file again: nothing new, the phone change lands on the same contact.
    again = _xlsx(["城关区财政局", "区财政局", "政府部门", "马丽", "科长", "0931-8899999", ""])
    result = handling_units_import(actor=world.zhang_min, committee=world.committee, upload=again)
    assert (result.created, result.updated) == (0, 1)
    assert HandlingUnit.objects.filter(committee=world.committee).count() == 3
    assert HandlingUnitContact.objects.get(unit=finance).phone == "0931-8899999"
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT, outcome="success").count() == 2


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["", "简称", "", "", "", "", ""], "单位名称"),
        (["城关区财政局", "", "街道", "", "", "", ""], "类别"),
        (["城关区财政局", "", "", "", "", "0931-8811234", ""], "联系人"),
        (["城关区财政局", "", "", "马丽", "", "电话号码abc", ""], "联系电话"),
        (["城关区财政局", "", "", "马丽", "", "", "不是邮箱"], "电子邮箱"),
        (["长" * 61, "", "", "", "", "", ""], "单位名称"),
        (["城关区财政局", "简" * 31, "", "", "", "", ""], "简称"),
    ],
)
def test_one_bad_row_imports_nothing_and_names_row_and_column(world, row, column):
    upload = _xlsx(["城关区审计局", "", "", "", "", "", ""], row)
    with pytest.raises(SheetRejected) as caught:
        handling_units_import(actor=world.zhang_min, committee=world.committee, upload=upload)
    assert [(e.row, e.column) for e in caught.value.errors] == [(4, column)]
    assert "未导入任何单位" in caught.value.message
    assert not HandlingUnit.objects.filter(name="城关区审计局").exists()
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.IMPORT).outcome == "failure"


def test_duplicate_names_in_the_file_are_reported(world):
    upload = _xlsx(["城关区审计局", "", "", "", "", "", ""], ["城关区审计局", "", "", "", "", "", ""])
    with pytest.raises(SheetRejected) as caught:
        handling_units_import(actor=world.zhang_min, committee=world.committee, upload=upload)
    assert str(caught.value.errors[0]) == "第 4 行「单位名称」：与第 3 行的单位重复"


def test_file_level_errors(world):
    from tongxin.core.errors import Invalid

    for upload in (
        SimpleUploadedFile("units.xlsx", b"not a workbook"),
        _xlsx(["城关区审计局"], head=["名单"]),
        _xlsx(head=HEAD),
    ):
        with pytest.raises(Invalid):
            handling_units_import(actor=world.zhang_min, committee=world.committee, upload=upload)
    assert HandlingUnit.objects.filter(committee=world.committee).count() == 1


def test_import_access(world):
    for name in (
        "wang_wei",
        "sun_li",
        "liu_yang",
        "zhao_lei",
        "zhou_qiang",
        "secadmin",
        "auditadmin",
        "outsider",
    ):
        with pytest.raises(Forbidden):
            handling_units_import(
                actor=world.people[name],
                committee=world.committee,
                upload=_xlsx(["审计局", "", "", "", "", "", ""]),
            )
    assert not HandlingUnit.objects.filter(name="审计局").exists()


def test_import_page_template_and_api(world, client_for, api_for):
    for name in MANAGERS:
        assert client_for(world.people[name]).get("/org/handling-units/import/").status_code == 200
    for name in ("wang_wei", "sun_li", "liu_yang", "zhou_qiang", "secadmin"):
        assert client_for(world.people[name]).get("/org/handling-units/import/").status_code in (403, 404), (
            name
        )
    client = client_for(world.zhang_min)
    template = load_workbook(
        io.BytesIO(b"".join(client.get("/org/handling-units/template/").streaming_content))
    )
    assert [c.value for c in template.worksheets[0][1]] == HEAD
    assert template.worksheets[0].freeze_panes == "A2"
    response = client.post(
        "/org/handling-units/import/", {"file": _xlsx(["城关区审计局", "", "", "", "", "", ""])}
    )
    assert response.status_code == 200
    assert "新增 1 个单位" in response.content.decode()
    response = client.post("/org/handling-units/import/", {"file": _xlsx(["", "", "", "", "", "", "x"])})
    assert response.status_code == 422
    assert "第 3 行「单位名称」" in response.content.decode()
    api = api_for(world.sysadmin)
    url = "/api/v1/handling-units/import"
    response = api.client.post(url, {"file": _xlsx(["城关区统计局", "", "", "", "", "", ""])}, **api.headers)
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 1, "created": 1, "updated": 0, "contacts": 0}
    response = api.client.post(
        url, {"file": _xlsx(["城关区统计局", "", "坏类别", "", "", "", ""])}, **api.headers
    )
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(3, "类别")]
    member = api_for(world.wang_wei)
    upload = _xlsx(["城关区统计局", "", "", "", "", "", ""])
    assert member.client.post(url, {"file": upload}, **member.headers).status_code == 403
