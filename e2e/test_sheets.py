"""Spreadsheets in a real browser: office staff filter the proposal list and download exactly those
rows as .xlsx; at phone width they import handling units from a file, see the row report for a bad
file, and the import page fits 320 px without sideways scrolling and without CSP errors."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from conftest import PASSWORD
from tongxin.org.models import HandlingUnit
from tongxin.proposals.services.history import proposals_import_history

from .conftest import DESK, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NARROW = {"width": 320, "height": 720}


def _history(world, count: int) -> None:
    rows = [
        (
            n + 2,
            {
                "会议": world.session.short_name,
                "编号": n + 1,
                "案由": f"关于第{n + 1}条公交线路的建议",
                "提案者": "王伟",
            },
        )
        for n in range(count)
    ]
    proposals_import_history(actor=world.zhang_min, committee=world.committee, rows=rows)


def test_office_downloads_the_filtered_list(world, open_page, tmp_path):
    _history(world, 12)
    page = open_page(DESK)
    sign_in(page, "zhangmin", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/proposals/?text=第1")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 .xlsx").click()
    target = tmp_path / "list.xlsx"
    info.value.save_as(target)
    assert info.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(target.read_bytes())).worksheets[0]
    titles = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    # "第1" matches 第1条, 第10条, 第11条, 第12条: every page's rows, not only the first page.
    assert titles == sorted(f"关于第{n}条公交线路的建议" for n in (1, 10, 11, 12))
    assert sheet.freeze_panes == "A2"
    assert page.csp_errors == []


def _upload(path, rows) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["单位名称", "简称", "类别", "联系人", "职务", "联系电话", "电子邮箱"])
    for row in rows:
        ws.append(row)
    book.save(path)


def test_office_imports_handling_units_on_a_narrow_phone(world, open_page, tmp_path):
    page = open_page(NARROW)
    sign_in(page, "zhangmin", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/org/handling-units/")
    page.get_by_role("link", name="导入承办单位").click()
    page.wait_for_url("**/handling-units/import/")
    bad = tmp_path / "bad.xlsx"
    _upload(bad, [["城关区财政局", "", "街道办", "", "", "", ""]])
    page.get_by_label("单位名单文件").set_input_files(str(bad))
    page.get_by_role("button", name="检查并导入").click()
    assert page.get_by_text("第 2 行「类别」").is_visible()
    assert not HandlingUnit.objects.filter(name="城关区财政局").exists()
    good = tmp_path / "good.xlsx"
    _upload(good, [["城关区财政局", "区财政局", "政府部门", "马丽", "科长", "0931-8811234", ""]])
    page.get_by_label("单位名单文件").set_input_files(str(good))
    page.get_by_role("button", name="检查并导入").click()
    assert page.get_by_role("status").get_by_text("新增 1 个单位").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the import page scrolls sideways by {overflow}px at 320px"
    shot(page, "handling-unit-import-320")
    assert HandlingUnit.objects.get(name="城关区财政局").contacts.get().name == "马丽"
    assert page.csp_errors == []
