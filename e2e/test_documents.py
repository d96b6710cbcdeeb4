"""Official documents in a real browser: the proposal office opens the 交办会 page, presses
"生成交办通知", watches the file being made and downloads a .docx whose text carries the session's
figures, then opens the session's proposals dashboard and downloads its .xlsx, whose figures are the
notice's (issue 6: the same queries behind every number); the /documents/ index and the settings page
fit a 320 px phone, also in the 长辈版."""

from __future__ import annotations

import io

import docx
import pytest
from openpyxl import load_workbook

from conftest import PASSWORD

from .conftest import shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_office_generates_and_downloads_the_assignment_notice(world, open_page, media, tmp_path):
    from tongxin.documents.tests.scenario import session_with_proposals
    from tongxin.proposals import queries

    session_with_proposals(world)
    totals = queries.statistics(committee_id=world.committee.pk, session_id=world.session.pk)["totals"]
    page = open_page()
    sign_in(page, "zhangmin", PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/proposals/batch/?session={world.session.pk}")
    page.get_by_role("button", name="生成交办通知").click()
    page.wait_for_url("**/files/*/")
    download_link = page.get_by_role("link", name="下载", exact=True)
    download_link.wait_for(timeout=15000)
    shot(page, "documents-notice-done")
    with page.expect_download() as info:
        download_link.click()
    target = tmp_path / "notice.docx"
    info.value.save_as(target)
    assert info.value.suggested_filename.endswith("提案的通知.docx")
    document = docx.Document(io.BytesIO(target.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"共收到提案{totals['received']}件，经审查，立案{totals['filed_after_merge']}件" in text
    assert f"已交办{totals['assigned']}件" in text

    # The same session on the dashboard: the funnel's first figures are the notice's, on the page and in
    # the .xlsx the office downloads.
    page.goto(f"/dashboards/proposals/?session={world.session.pk}")
    page.wait_for_selector("[data-chart].is-drawn canvas")
    funnel = page.locator("#table-funnel tbody tr")
    assert funnel.first.locator("td").inner_text() == str(totals["received"])
    shot(page, "documents-dashboard-session")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 .xlsx").click()
    sheet_path = tmp_path / "dashboard.xlsx"
    info.value.save_as(sheet_path)
    book = load_workbook(io.BytesIO(sheet_path.read_bytes()))
    assert book.worksheets[0]["B2"].value == totals["received"]
    assert not page.csp_errors


def test_index_and_settings_fit_a_phone(world, open_page):
    page = open_page(NARROW)
    sign_in(page, "zhangmin", PASSWORD)
    page.wait_for_url("**/")
    for path in ("/documents/", "/documents/settings/", "/documents/figures/"):
        page.goto(path)
        assert _fits(page, NARROW["width"]), path
    page.goto("/documents/")
    shot(page, "documents-index-320")
    assert not page.csp_errors
