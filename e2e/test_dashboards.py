"""数据看板 in a real browser: the office opens each dashboard at desk and phone sizes; every chart
is drawn (ECharts canvas, with the generated aria description) above its data table, the phone
stacks the panels without sideways scrolling, nothing breaks the CSP, and the .xlsx downloads."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from conftest import PASSWORD
from tongxin.dashboards.tests.activity import build_activity, make_cast

from .conftest import DESK, PHONE, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DASHBOARDS = ("proposals", "opinions", "members", "compare")


@pytest.fixture(autouse=True)
def empty_dashboard_cache():
    """Ids repeat between tests on SQLite: start without cached dashboards."""
    from django.core.cache import cache

    cache.clear()


def _check_dashboard(page, name: str, viewport: dict[str, int]) -> None:
    page.goto(f"/dashboards/{name}/?year=2026")
    page.wait_for_selector("[data-chart].is-drawn canvas")
    charts = page.locator("[data-chart]")
    tables = page.locator("table.dashboard-table")
    assert tables.count() >= charts.count() >= 1
    # Every chart is drawn and described for screen readers (ECharts aria), with its table below.
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.locator("canvas").count() == 1, (name, i)
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 100, (name, i, box)
        assert box["height"] > 100, (name, i, box)
        assert chart.get_attribute("aria-label"), (name, i)
    assert page.locator("table.dashboard-table caption").count() == tables.count()
    assert page.locator("table.dashboard-table th[scope=col]").count() > 0
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at {viewport['width']}px"
    if viewport["width"] < 500:
        panels = page.locator(".dashboard-panel")
        first, second = panels.nth(0).bounding_box(), panels.nth(1).bounding_box()
        assert first is not None
        assert second is not None
        assert second["y"] >= first["y"] + first["height"] - 1, "phone panels must stack"
    assert page.csp_errors == [], page.csp_errors


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_dashboards_draw_charts_over_tables(world, open_page, viewport):
    build_activity(world, make_cast(world))
    page = open_page(viewport)
    sign_in(page, "zhangmin", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/dashboards/")
    assert page.get_by_role("heading", name="数据看板", exact=True).is_visible()
    for name in DASHBOARDS:
        _check_dashboard(page, name, viewport)
        shot(page, f"dashboard-{name}-{viewport['width']}")


def test_leader_downloads_the_xlsx_of_the_page(world, open_page, tmp_path):
    build_activity(world, make_cast(world))
    page = open_page(DESK)
    sign_in(page, "sunli", PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据看板").click()
    page.get_by_role("link", name="提案工作看板").click()
    page.wait_for_selector("[data-chart].is-drawn canvas")
    received = page.locator("#table-funnel tbody tr").first.locator("td").inner_text()
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 .xlsx").click()
    target = tmp_path / "dashboard.xlsx"
    info.value.save_as(target)
    assert info.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(target.read_bytes()))
    assert book.worksheets[0]["B2"].value == int(received) == 2
    assert page.csp_errors == []


def test_elder_mode_on_a_phone(world, open_page):
    build_activity(world, make_cast(world))
    page = open_page(PHONE)
    sign_in(page, "sunli", PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_load_state()
    assert "elder" in (page.get_attribute("html", "class") or "")
    for name in ("proposals", "members"):
        _check_dashboard(page, name, PHONE)
        shot(page, f"dashboard-{name}-elder")
