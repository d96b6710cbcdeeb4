"""The PDF preview of a .docx: rendered by LibreOffice on first request, then kept with its own hash."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone

from tongxin.audit.models import SecurityEvent
from tongxin.files.services import file_generation_start
from tongxin.gongwen.pdf import pdf_available


def make_note(world, run_tasks):
    with run_tasks():
        file = file_generation_start(actor=world.zhang_min, kind="tests.note", params={"title": "测试通知"})
    file.refresh_from_db()
    assert file.status == "done"
    return file


@pytest.fixture
def note(world, run_tasks):
    return make_note(world, run_tasks)


@pytest.mark.skipif(not pdf_available(), reason="LibreOffice is not installed")
def test_preview_is_rendered_once_kept_and_audited(world, client_for, note):
    # The task rendered the PDF right after the .docx was made.
    assert note.preview
    rendered = note.preview_sha256
    client = client_for(world.chen_jing)  # a colleague the generator lets through
    page = client.get(f"/files/{note.pk}/").content.decode()
    assert f'href="/files/{note.pk}/preview.pdf"' in page
    assert "在线预览（PDF）" in page
    response = client.get(f"/files/{note.pk}/preview.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "Content-Security-Policy" not in response  # the browser's PDF viewer needs object-src
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    note.refresh_from_db()
    assert note.preview_sha256 == rendered == hashlib.sha256(pdf).hexdigest()
    assert note.preview.name == f"generated/{timezone.localdate():%Y}/{note.preview_sha256}.pdf"
    assert note.preview_sha256 != note.sha256
    event = SecurityEvent.objects.get(kind="download", user_id=world.chen_jing.pk)
    assert event.details["variant"] == "pdf_preview"
    assert event.details["sha256"] == note.preview_sha256
    assert event.details["source_sha256"] == note.sha256
    # The second request serves the kept PDF (same hash; no second rendering).
    again = b"".join(client.get(f"/files/{note.pk}/preview.pdf").streaming_content)
    assert again == pdf


def test_no_preview_without_libreoffice(world, client_for, run_tasks, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    note = make_note(world, run_tasks)
    assert not note.preview
    client = client_for(world.zhang_min)
    page = client.get(f"/files/{note.pk}/").content.decode()
    assert "在线预览" not in page
    assert client.get(f"/files/{note.pk}/preview.pdf").status_code == 404
    # The .docx itself is still there.
    assert client.get(f"/files/{note.pk}/download/").status_code == 200


@pytest.mark.skipif(not pdf_available(), reason="LibreOffice is not installed")
def test_preview_made_on_first_request_when_the_task_could_not(world, client_for, run_tasks, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    note = make_note(world, run_tasks)
    assert not note.preview
    monkeypatch.undo()
    response = client_for(world.zhang_min).get(f"/files/{note.pk}/preview.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    note.refresh_from_db()
    assert note.preview_sha256


def test_preview_refused_to_those_who_may_not_open_the_file(world, client_for, note):
    for persona in ("wang_wei", "outsider", "auditadmin"):
        assert client_for(getattr(world, persona)).get(f"/files/{note.pk}/preview.pdf").status_code == 404
