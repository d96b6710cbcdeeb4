"""The pages: persona × page matrix, the member's form with its clear length message, the office's
actions, bulletins, statistics and its audited Excel export, bounded queries."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tongxin.audit.models import SecurityEvent
from tongxin.opinions import services
from tongxin.opinions.models import BulletinIssue, OpinionReport

from .factories import TEXT, bulletin_type_id, in_state, sent, submitted
from .test_access import PERSONAS, persona

# persona → status of: list, new, detail (submitted), edit (draft), bulletins, statistics, export,
# adopt (POST)
MATRIX = {
    "wang_wei": (200, 200, 200, 200, 403, 403, 403, 403),
    "li_na": (200, 200, 404, 404, 403, 403, 403, 404),
    "sun_li": (200, 200, 200, 404, 200, 200, 200, 403),
    "zhang_min": (403, 403, 404, 404, 403, 403, 403, 404),
    "liu_yang": (200, 200, 200, 404, 200, 200, 200, 302),
    "chen_jing": (403, 403, 404, 404, 403, 403, 403, 404),
    "zhao_lei": (403, 403, 404, 404, 403, 403, 403, 404),
    "zhou_qiang": (403, 403, 404, 404, 403, 403, 403, 404),
    "sysadmin": (403, 403, 404, 404, 403, 403, 403, 404),
    "secadmin": (403, 403, 404, 404, 403, 403, 403, 404),
    "auditadmin": (403, 403, 404, 404, 403, 403, 403, 404),
    "outsider": (200, 200, 404, 404, 403, 403, 403, 404),
    "parent_office": (200, 200, 404, 404, 200, 200, 200, 404),
    "sibling_office": (200, 200, 404, 404, 200, 200, 200, 404),
    "informant": (200, 200, 404, 404, 403, 403, 403, 404),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_page_matrix(world, client_for, name):
    report = submitted(world.wang_wei)
    draft = in_state("draft", world.wang_wei, world.liu_yang)
    client = client_for(persona(world, name))
    got = (
        client.get("/opinions/").status_code,
        client.get("/opinions/new/").status_code,
        client.get(f"/opinions/{report.pk}/").status_code,
        client.get(f"/opinions/{draft.pk}/edit/").status_code,
        client.get("/opinions/bulletins/").status_code,
        client.get("/opinions/statistics/").status_code,
        client.get("/opinions/statistics/export/").status_code,
        client.post(
            f"/opinions/{report.pk}/actions/adopt/",
            {"adopt-target": f"type:{bulletin_type_id(world.committee.pk)}", "adopt-mode": "standalone"},
        ).status_code,
    )
    assert got == MATRIX[name]


def test_anonymous_goes_to_sign_in(world, client):
    assert client.get("/opinions/").status_code == 302


def test_member_writes_and_submits_from_the_form(world, client_for):
    client = client_for(world.wang_wei)
    page = client.get("/opinions/new/")
    assert "一事一报" in page.content.decode()
    key = page.context["form"].initial["idempotency_key"]
    data = {**TEXT, "category": "society", "reporter": "member", "idempotency_key": key, "submit": "1"}
    response = client.post("/opinions/new/", data)
    report = OpinionReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/opinions/{report.pk}/"
    assert report.state == "received"
    # A resubmitted form (double tap) finds the same report.
    client.post("/opinions/new/", data)
    assert OpinionReport.objects.count() == 1


def test_too_long_report_is_saved_as_draft_with_a_clear_message(world, client_for):
    client = client_for(world.wang_wei)
    data = {**TEXT, "situation": "长" * 1600, "category": "society", "reporter": "member", "submit": "1"}
    response = client.post("/opinions/new/", data, follow=True)
    report = OpinionReport.objects.get()
    assert report.state == "draft"
    assert "超过本会 1500 字的限制" in response.content.decode()
    response = client.post(f"/opinions/{report.pk}/edit/", {**data, "situation": "短"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "received"


def test_autosave_answers_the_partial(world, client_for):
    report = in_state("draft", world.wang_wei, world.liu_yang)
    client = client_for(world.wang_wei)
    response = client.post(
        f"/opinions/{report.pk}/autosave/",
        {**TEXT, "title": "自动保存的标题", "category": "other"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "已自动保存" in response.content.decode()
    assert "<html" not in response.content.decode()
    report.refresh_from_db()
    assert report.title == "自动保存的标题"


def test_office_works_the_report_from_the_page(world, client_for):
    report = submitted(world.wang_wei)
    office = client_for(world.liu_yang)
    bad = office.post(f"/opinions/{report.pk}/actions/return_for_revision/", {"return_for_revision-note": ""})
    assert bad.status_code == 422
    edited = office.post(
        f"/opinions/{report.pk}/actions/edit/",
        {"edit-edited_title": "编辑后标题", "edit-edited_situation": TEXT["situation"]},
    )
    assert edited.status_code == 302
    page = client_for(world.wang_wei).get(f"/opinions/{report.pk}/").content.decode()
    assert "编辑稿" in page
    assert "原稿" in page
    assert TEXT["title"] in page
    assert "编辑后标题" in page
    office.post(
        f"/opinions/{report.pk}/actions/adopt/",
        {"adopt-target": f"type:{bulletin_type_id(world.committee.pk)}", "adopt-mode": "standalone"},
    )
    issue = BulletinIssue.objects.get()
    response = office.post(f"/opinions/bulletins/{issue.pk}/send/", {"sent_on": "", "recipients": []})
    assert response.status_code == 422
    office.post(
        f"/opinions/bulletins/{issue.pk}/send/", {"sent_on": "2026-11-20", "recipients": ["party_committee"]}
    )
    report.refresh_from_db()
    assert report.state == "sent"
    stale = office.post(
        f"/opinions/{report.pk}/actions/decline/", {"decline-reason": "x", "decline-disposition": "archive"}
    )
    assert stale.status_code == 302  # the message explains the state; nothing changed
    report.refresh_from_db()
    assert report.state == "sent"


def test_bulletin_pages(world, client_for):
    office = client_for(world.liu_yang)
    type_id = services.bulletin_types_for(world.committee.pk)[0].pk
    response = office.post(
        "/opinions/bulletins/", {"bulletin_type_id": type_id, "recipients": ["government"]}
    )
    issue = BulletinIssue.objects.get()
    assert response["Location"] == f"/opinions/bulletins/{issue.pk}/"
    assert "第1期" in office.get(f"/opinions/bulletins/{issue.pk}/").content.decode()
    assert (
        client_for(world.sun_li).post("/opinions/bulletins/", {"bulletin_type_id": type_id}).status_code
        == 403
    )
    assert client_for(world.outsider).get(f"/opinions/bulletins/{issue.pk}/").status_code == 404


def test_statistics_page_and_audited_export(world, client_for):
    sent(submitted(world.wang_wei), world.liu_yang)
    office = client_for(world.liu_yang)
    page = office.get("/opinions/statistics/?year=2026").content.decode()
    assert "王伟" in page
    response = office.get("/opinions/statistics/export/?year=2026")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[0] == "汇总"
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["收到信息"] == 1
    assert summary["编发（本会刊物采用）"] == 1
    assert SecurityEvent.objects.filter(kind="export", target__startswith="opinions.statistics").count() == 1
    assert office.get("/opinions/statistics/?year=abc").status_code == 200


def test_attachment_download_is_audited_and_scoped(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = in_state("draft", world.wang_wei, world.liu_yang)
    client = client_for(world.wang_wei)
    upload = SimpleUploadedFile("调研.pdf", b"%PDF-1.4 data", content_type="application/pdf")
    client.post(f"/opinions/{report.pk}/attachments/", {"file": upload})
    attachment = report.attachments.get()
    response = client.get(f"/opinions/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert SecurityEvent.objects.filter(
        kind="download", target=f"opinions.attachment:{attachment.pk}"
    ).exists()
    assert client_for(world.li_na).get(f"/opinions/attachments/{attachment.pk}/").status_code == 404
    assert client_for(world.outsider).get(f"/opinions/attachments/{attachment.pk}/").status_code == 404


def test_urgent_reports_top_the_queue_page(world, client_for):
    submitted(world.li_na, title="普通信息")
    submitted(world.wang_wei, title="紧急信息", is_urgent=True)
    page = client_for(world.liu_yang).get("/opinions/?box=queue").content.decode()
    assert page.index("紧急信息") < page.index("普通信息")
    partial = client_for(world.liu_yang).get("/opinions/?box=queue", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "紧急信息" in partial


def test_list_and_detail_pages_are_bounded(world, client_for, django_assert_max_num_queries):
    for _ in range(8):
        sent(submitted(world.wang_wei), world.liu_yang)
    report = OpinionReport.objects.order_by("id").last()
    office = client_for(world.liu_yang)
    with django_assert_max_num_queries(14):
        assert office.get("/opinions/").status_code == 200
    with django_assert_max_num_queries(30):
        assert office.get(f"/opinions/{report.pk}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert office.get("/opinions/bulletins/").status_code == 200
