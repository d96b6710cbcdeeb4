"""A large report list export is made in the background (tongxin.files.exports): same rows as the
inline export, the page's filters kept, access re-checked by the worker, audited."""

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

from .factories import submitted
from .test_sheets import _sheet


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_INLINE_MAX_ROWS = 2


def _downloaded(client: Any, file: GeneratedFile) -> list[tuple[Any, ...]]:
    response = client.get(reverse("files:download", args=[file.pk]))
    assert response.status_code == 200
    return list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        .worksheets[0]
        .iter_rows(values_only=True)
    )


def test_report_list_inline_under_and_background_over_the_threshold(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    for i in range(3):
        submitted(world.wang_wei, title=f"急报{i}", is_urgent=True)
    submitted(world.li_na, title="不急的信息")
    office = client_for(world.liu_yang)
    settings.EXPORT_INLINE_MAX_ROWS = 3
    inline = _sheet(office.get("/opinions/export/", {"urgent": "on"}))
    assert len(inline) == 4
    assert not GeneratedFile.objects.exists()
    settings.EXPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = office.get("/opinions/export/", {"urgent": "on"})
    file = GeneratedFile.objects.get()
    assert response["Location"] == reverse("files:detail", args=[file.pk])
    assert file.kind == "opinions.list"
    assert file.params == {"urgent": True, "for_user": world.liu_yang.pk}
    assert file.status == GeneratedFile.Status.DONE
    assert _downloaded(office, file) == inline
    audited = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, target="opinions.list")
    assert [e.details["rows"] for e in audited] == [3, 3]
    # Refused users are refused before any file is asked for.
    for name in ("sysadmin", "zhou_qiang"):
        assert client_for(world.people[name]).get("/opinions/export/").status_code == 403, name
    assert GeneratedFile.objects.count() == 1


def test_the_worker_checks_access_again(world, client_for, django_capture_on_commit_callbacks):
    for i in range(3):
        submitted(world.wang_wei, title=f"信息{i}")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client_for(world.liu_yang).get("/opinions/export/").status_code == 302
    role_revoke(actor=world.secadmin, user=world.liu_yang, role=Role.INFORMATION_OFFICE)
    for callback in callbacks:
        callback()
    file = GeneratedFile.objects.get()
    assert file.status == GeneratedFile.Status.FAILED
    assert file.message == "您无权查看社情民意信息。"
    assert not SecurityEvent.objects.filter(target="opinions.list").exists()
