"""A large attendance sheet is made in the background (tongxin.files.exports): the same rows as the
inline export, the meeting re-checked by the worker, audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tongxin.accounts.services import role_revoke
from tongxin.audit.models import SecurityEvent
from tongxin.core.roles import Role
from tongxin.files.models import GeneratedFile

from .test_sheets import _sheet


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_INLINE_MAX_ROWS = 2


def test_attendance_over_the_threshold_is_a_background_file_with_the_inline_rows(
    world, client_for, settings, make_meeting, django_capture_on_commit_callbacks
):
    meeting = make_meeting("plenary")
    invited = meeting.attendances.count()
    assert invited > 2
    url = f"/meetings/{meeting.pk}/attendance/export/"
    office = client_for(world.chen_jing)
    settings.EXPORT_INLINE_MAX_ROWS = invited
    inline = _sheet(office.get(url))
    settings.EXPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = office.get(url)
    file = GeneratedFile.objects.get()
    assert response["Location"] == reverse("files:detail", args=[file.pk])
    assert file.params == {"meeting": meeting.pk, "for_user": world.chen_jing.pk}
    assert file.status == GeneratedFile.Status.DONE
    download = office.get(reverse("files:download", args=[file.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert list(book.worksheets[0].iter_rows(values_only=True)) == inline
    assert SecurityEvent.objects.filter(target=f"meetings.attendance:{meeting.pk}").count() == 2
    # Who may not see the sheet is refused before any file is asked for.
    assert client_for(world.wang_wei).get(url).status_code in (403, 404)
    assert client_for(world.outsider).get(url).status_code == 404
    assert GeneratedFile.objects.count() == 1


def test_the_worker_checks_access_again(world, client_for, make_meeting, django_capture_on_commit_callbacks):
    meeting = make_meeting("plenary")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert (
            client_for(world.chen_jing).get(f"/meetings/{meeting.pk}/attendance/export/").status_code == 302
        )
    role_revoke(actor=world.secadmin, user=world.chen_jing, role=Role.SECRETARIAT)
    for callback in callbacks:
        callback()
    file: Any = GeneratedFile.objects.get()
    assert file.status == GeneratedFile.Status.FAILED
    assert not SecurityEvent.objects.filter(target=f"meetings.attendance:{meeting.pk}").exists()
