"""A large list export in a real browser (issue 6): above EXPORT_INLINE_MAX_ROWS the list page's
"导出 .xlsx" lands on the file's status page, which says why, shows the progress while a worker makes
the file, then offers the download: the same rows as the list, on a 320 px phone."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from conftest import PASSWORD

from .conftest import shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def large_exports(settings, tmp_path):
    """Two rows are "large"; tasks wait for a worker (DummyBackend) so the queued page is seen."""
    settings.EXPORT_INLINE_MAX_ROWS = 2
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_a_large_proposal_export_becomes_a_file_to_download(world, open_page, large_exports, tmp_path):
    from tongxin.files.models import GeneratedFile
    from tongxin.files.services import file_generate
    from tongxin.proposals.services.history import proposals_import_history
    from tongxin.proposals.tests.test_sheets import _rows

    proposals_import_history(actor=world.zhang_min, committee=world.committee, rows=_rows(world, 3))
    page = open_page(NARROW)
    sign_in(page, "zhangmin", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/proposals/")
    page.get_by_role("link", name="导出 .xlsx").click()
    page.wait_for_url("**/files/*/")
    file = GeneratedFile.objects.get()
    assert file.kind == "proposals.list"
    assert page.get_by_text("共 3 行，超过 2 行的导出在后台生成").is_visible()
    assert page.get_by_text("排队中").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    shot(page, "exports-background-queued-320")

    file_generate(file_id=file.pk)
    download_link = page.get_by_role("link", name="下载", exact=True)
    download_link.wait_for(timeout=5000)
    assert page.get_by_text("已完成").first.is_visible()
    shot(page, "exports-background-done-320")
    with page.expect_download() as info:
        download_link.click()
    target = tmp_path / "proposals.xlsx"
    info.value.save_as(target)
    rows = list(load_workbook(io.BytesIO(target.read_bytes())).worksheets[0].iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[1:]) == [f"关于改进第{i}项工作的建议" for i in (1, 2, 3)]
    assert page.csp_errors == []
