"""A large roster export is made in the background (tongxin.files.exports): the same rows as the
inline export under the page's filters and the full-number choice, both re-checked by the worker,
audited with the full-number flag."""

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


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_INLINE_MAX_ROWS = 2


def _rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_roster_over_the_threshold_is_a_background_file_with_the_inline_rows(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    client = client_for(world.zhao_lei)
    params = {"full_phone": "1", "term": str(world.term.pk)}
    settings.EXPORT_INLINE_MAX_ROWS = 3
    inline = _rows(client.get("/members/export/", params))
    assert len(inline) == 4
    assert not GeneratedFile.objects.exists()
    settings.EXPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/members/export/", params)
    file = GeneratedFile.objects.get()
    assert response["Location"] == reverse("files:detail", args=[file.pk])
    assert file.params == {"term": str(world.term.pk), "full_phone": "1", "for_user": world.zhao_lei.pk}
    assert file.status == GeneratedFile.Status.DONE
    assert _rows(client.get(reverse("files:download", args=[file.pk]))) == inline
    flags = SecurityEvent.objects.filter(target="members.roster").values_list("details", flat=True)
    assert [(f["rows"], f["full_phone"]) for f in flags] == [(3, True), (3, True)]


def test_roster_refusals_come_before_any_file(world, client_for):
    assert client_for(world.liu_yang).get("/members/export/", {"full_phone": "1"}).status_code == 403
    for name in ("wang_wei", "zhou_qiang", "secadmin", "auditadmin"):
        assert client_for(world.people[name]).get("/members/export/").status_code == 403, name
    assert not GeneratedFile.objects.exists()


def test_the_worker_checks_the_full_number_right_again(world, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(world.zhao_lei).get("/members/export/", {"full_phone": "1"})
    assert response.status_code == 302
    role_revoke(actor=world.secadmin, user=world.zhao_lei, role=Role.MEMBER_AFFAIRS)
    for callback in callbacks:
        callback()
    file = GeneratedFile.objects.get()
    assert file.status == GeneratedFile.Status.FAILED
    assert file.message == "您的角色不能导出委员名册。"
    assert not SecurityEvent.objects.filter(target="members.roster").exists()
