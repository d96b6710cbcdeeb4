from __future__ import annotations

import hashlib

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from conftest import PERSONAS
from tongxin.audit.models import SecurityEvent
from tongxin.files.models import GeneratedFile
from tongxin.files.services import file_generation_start

# Who may open zhang_min's file: she asked for it; the generator's check lets office staff and
# leaders of the same committee ask for the same file; everyone else gets 404.
OPENS = {"zhang_min", "liu_yang", "chen_jing", "zhao_lei", "sun_li"}


def start(user, title="交办统计", kind="tests.committee_sheet"):
    return file_generation_start(actor=user, kind=kind, params={"title": title, "rows": 2})


@pytest.fixture
def done_file(world, run_tasks):
    with run_tasks():
        file = start(world.zhang_min)
    file.refresh_from_db()
    assert file.status == "done"
    return file


@pytest.mark.parametrize("url", ["/files/", "/files/1/", "/files/1/download/", "/files/1/preview.pdf"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_anonymous_generate_is_sent_to_sign_in(client, world):
    response = client.post("/files/generate/tests.committee_sheet/", {"title": "x"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert GeneratedFile.objects.count() == 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix_for_a_finished_file(world, client_for, done_file, persona):
    client = client_for(getattr(world, persona))
    expected = 200 if persona in OPENS else 404
    assert client.get(f"/files/{done_file.pk}/").status_code == expected
    response = client.get(f"/files/{done_file.pk}/download/")
    assert response.status_code == expected
    downloads = SecurityEvent.objects.filter(kind="download", user_id=getattr(world, persona).pk)
    assert downloads.count() == (1 if expected == 200 else 0)
    # The list holds only one's own files.
    listed = client.get("/files/").content.decode()
    assert (f"/files/{done_file.pk}/" in listed) == (persona == "zhang_min")


def test_download_serves_the_stored_bytes_with_the_chinese_name(world, client_for, done_file):
    response = client_for(world.zhang_min).get(f"/files/{done_file.pk}/download/")
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == done_file.sha256
    assert response["Content-Type"] == done_file.content_type
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    assert "no-store" in response["Cache-Control"]
    event = SecurityEvent.objects.get(kind="download")
    assert event.details["sha256"] == done_file.sha256
    assert event.ip_address == "127.0.0.1"


def test_status_page_polls_while_pending_and_stops_when_done(world, client_for):
    file = start(world.zhang_min)
    client = client_for(world.zhang_min)
    page = client.get(f"/files/{file.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page
    assert "排队中" in page
    assert f"/files/{file.pk}/download/" not in page
    # htmx asks for the status block only.
    partial = client.get(f"/files/{file.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="file-status"')
    assert "<html" not in partial
    from tongxin.files.services import file_generate

    file_generate(file_id=file.pk)
    done = client.get(f"/files/{file.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done
    assert f"/files/{file.pk}/download/" in done
    assert "已完成" in done
    assert "在线预览" not in done  # an .xlsx offers no PDF preview


def test_a_failed_file_shows_why(world, client_for, run_tasks):
    with run_tasks():
        file = start(world.zhang_min, kind="tests.broken")
    page = client_for(world.zhang_min).get(f"/files/{file.pk}/").content.decode()
    assert "失败" in page
    assert "生成文件时出错" in page
    assert "hx-trigger" not in page
    response = client_for(world.zhang_min).get(f"/files/{file.pk}/download/")
    assert response.status_code == 302
    assert response["Location"] == f"/files/{file.pk}/"


def test_generate_posts_params_and_lands_on_the_status_page(world, client_for, run_tasks):
    client = client_for(world.zhang_min)
    with run_tasks():
        response = client.post(
            "/files/generate/tests.committee_sheet/",
            {"title": "年度统计", "rows": "3", "_back": "/proposals/"},
        )
    file = GeneratedFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/files/{file.pk}/"
    assert file.params == {"title": "年度统计", "rows": 3}
    assert file.status == "done"
    assert client.get("/files/generate/tests.committee_sheet/").status_code == 405


def test_generate_refusals(world, client_for):
    client = client_for(world.zhang_min)
    bad = client.post("/files/generate/tests.committee_sheet/", {"title": "", "_back": "/proposals/"})
    assert bad.status_code == 302
    assert bad["Location"] == "/proposals/"
    page = client.get("/proposals/").content.decode()
    assert "标题须为 1 到 30 个字" in page
    # An off-site back link is not followed.
    off = client.post(
        "/files/generate/tests.committee_sheet/", {"title": "", "_back": "https://evil.example/"}
    )
    assert off["Location"] == "/files/"
    assert client.post("/files/generate/tests.nothing/", {"title": "x"}).status_code == 404
    assert (
        client_for(world.wang_wei).post("/files/generate/tests.committee_sheet/", {"title": "x"}).status_code
        == 403
    )
    assert SecurityEvent.objects.filter(kind="access_denied", user_id=world.wang_wei.pk).count() == 1
    assert GeneratedFile.objects.count() == 0


def test_the_generate_button_include(world):
    request = RequestFactory().get("/proposals/?session=5")
    request.user = world.zhang_min
    html = render_to_string(
        "files/generate_button.html",
        {"kind": "tests.committee_sheet", "label": "生成统计表", "params": {"title": "年度统计", "rows": 3}},
        request=request,
    )
    assert 'action="/files/generate/tests.committee_sheet/"' in html
    assert 'name="title" value="年度统计"' in html
    assert 'name="rows" value="3"' in html
    assert 'name="_back" value="/proposals/?session=5"' in html
    assert "csrfmiddlewaretoken" in html
    assert "生成统计表" in html


def test_list_refreshes_itself_only_while_a_file_is_active(world, client_for, done_file):
    client = client_for(world.zhang_min)
    page = client.get("/files/").content.decode()
    assert "hx-trigger" not in page
    assert done_file.filename in page
    start(world.zhang_min, title="排队")
    page = client.get("/files/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    partial = client.get("/files/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="files"')


def test_list_pages_by_id_and_uses_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries, settings
):
    settings.FILE_MAX_ACTIVE_PER_USER = 100
    for index in range(25):
        start(world.zhang_min, title=f"第{index}份")
    client = client_for(world.zhang_min)
    client.get("/files/")  # warm the session
    with django_assert_max_num_queries(8):
        first = client.get("/files/")
    html = first.content.decode()
    ids = list(GeneratedFile.objects.order_by("-pk").values_list("pk", flat=True))
    assert html.count('class="card"') == 20
    assert f'href="/files/{ids[0]}/"' in html
    assert f'href="/files/{ids[20]}/"' not in html
    assert f"?after={ids[19]}" in html
    second = client.get(f"/files/?after={ids[19]}").content.decode()
    assert second.count('class="card"') == 5
    assert f'href="/files/{ids[24]}/"' in second
    assert f'href="/files/{ids[19]}/"' not in second


def test_detail_page_uses_a_bounded_number_of_queries(
    world, client_for, done_file, django_assert_max_num_queries
):
    client = client_for(world.zhang_min)
    client.get(f"/files/{done_file.pk}/")
    with django_assert_max_num_queries(7):
        assert client.get(f"/files/{done_file.pk}/", HTTP_HX_REQUEST="true").status_code == 200


def test_navigation_and_profile_lead_to_my_files(world, client_for):
    office = client_for(world.zhang_min).get("/").content.decode()
    assert 'href="/files/"' in office
    member_home = client_for(world.wang_wei).get("/").content.decode()
    assert 'href="/files/"' not in member_home
    profile = client_for(world.wang_wei).get("/accounts/me/").content.decode()
    assert 'href="/files/"' in profile
    admin_profile = client_for(world.auditadmin).get("/accounts/me/").content.decode()
    assert 'href="/files/"' not in admin_profile


def test_preview_is_not_offered_for_a_spreadsheet(world, client_for, done_file):
    response = client_for(world.zhang_min).get(f"/files/{done_file.pk}/preview.pdf")
    assert response.status_code == 404


def test_a_generator_that_cannot_read_old_params_hides_the_file_from_colleagues_only(
    world, client_for, done_file, settings
):
    settings.FILE_GENERATORS = ["tongxin.files.tests.generators.CHANGED_SHEET"]
    assert client_for(world.chen_jing).get(f"/files/{done_file.pk}/").status_code == 404
    assert client_for(world.zhang_min).get(f"/files/{done_file.pk}/download/").status_code == 200
