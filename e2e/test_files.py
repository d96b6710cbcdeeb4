"""Generated files in a real browser: office staff ask for a file (the generate form's POST with its
CSRF token), the status page shows it queued and polls; a task worker makes it; the page turns to
"已完成" by itself and the download is the stored file with its SHA-256, logged in the security log.
The page fits a 320 px phone, also in the 长辈版, without CSP violations."""

from __future__ import annotations

import hashlib
import re

import pytest

from conftest import PASSWORD

from .conftest import PHONE, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def queued_tasks(settings, tmp_path):
    """Test generators, a media root of this test's own, and tasks that wait for a worker (DummyBackend)
    so that the page is seen while the file is still queued."""
    from tongxin.files.tests.generators import PATHS

    settings.FILE_GENERATORS = PATHS
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_ask_watch_it_finish_and_download(world, open_page, queued_tasks, tmp_path):
    from tongxin.audit.models import SecurityEvent
    from tongxin.files.models import GeneratedFile
    from tongxin.files.services import file_generate

    page = open_page(NARROW)
    sign_in(page, "zhangmin", PASSWORD)
    page.wait_for_url("**/")
    # What generate_button.html posts: the params as fields, the CSRF token, and the page to come back to.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    answer = page.request.post(
        "/files/generate/tests.committee_sheet/",
        form={"title": "交办统计", "rows": "3", "_back": "/"},
        headers={"X-CSRFToken": token},
    )
    assert answer.ok
    file = GeneratedFile.objects.get()
    assert answer.url.endswith(f"/files/{file.pk}/")
    assert file.status == "pending"

    page.goto(f"/files/{file.pk}/")
    status = page.locator("#file-status")
    assert status.get_attribute("hx-trigger") == "every 1s"
    assert page.get_by_text("排队中").first.is_visible()
    assert page.locator("progress").is_visible()
    assert _fits(page, NARROW["width"])
    shot(page, "files-queued-320")

    # The worker makes the file; the page polls and shows it without a reload.
    file_generate(file_id=file.pk)
    download_link = page.get_by_role("link", name="下载", exact=True)
    download_link.wait_for(timeout=5000)
    assert page.get_by_text("已完成").first.is_visible()
    assert status.get_attribute("hx-trigger") is None
    assert page.get_by_text("交办统计-兰州市城关区.xlsx").is_visible()
    assert _fits(page, NARROW["width"])
    shot(page, "files-done-320")

    with page.expect_download() as info:
        download_link.click()
    target = tmp_path / "downloaded.xlsx"
    info.value.save_as(target)
    assert info.value.suggested_filename == "交办统计-兰州市城关区.xlsx"
    file.refresh_from_db()
    assert hashlib.sha256(target.read_bytes()).hexdigest() == file.sha256
    event = SecurityEvent.objects.get(kind="download")
    assert (event.username, event.details["sha256"]) == ("zhangmin", file.sha256)

    # 我的文件 lists it; the 长辈版 still fits the narrow phone.
    page.goto("/files/")
    assert page.get_by_role("link", name="测试统计表").is_visible()
    page.get_by_role("button", name="长辈版").click()
    page.goto(f"/files/{file.pk}/")
    assert _fits(page, NARROW["width"])
    shot(page, "files-done-elder-320")
    assert page.csp_errors == []


def test_a_member_finds_my_files_on_the_phone(world, open_page, queued_tasks):
    page = open_page(PHONE)
    sign_in(page, "wangwei", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/accounts/me/")
    page.get_by_role("link", name="我的文件").click()
    page.wait_for_url(re.compile(r".*/files/$"))
    assert page.get_by_text("还没有生成过文件").is_visible()
    assert _fits(page, PHONE["width"])
    assert page.csp_errors == []
