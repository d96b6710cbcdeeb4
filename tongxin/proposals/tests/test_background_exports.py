"""Large proposal exports go through the files app (tongxin.files.exports): above
EXPORT_INLINE_MAX_ROWS the list page's and the review desk's 导出 make a background file with the
page's filters, re-checked as the requester when the worker makes it; the file has the rows the
inline export has, its progress counts rows, and it is audited like the inline export."""

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
from tongxin.proposals import access, exports, queries
from tongxin.proposals.services.config import settings_for
from tongxin.proposals.services.history import proposals_import_history
from tongxin.proposals.workflow import State

from .factories import joint_proposal, make_cast
from .test_sheets import _import, _rows, _sheet


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_INLINE_MAX_ROWS = 2


def _downloaded(client: Any, file: GeneratedFile) -> list[tuple[Any, ...]]:
    response = client.get(reverse("files:download", args=[file.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_under_the_threshold_the_export_streams_in_the_request(world, client_for):
    _import(world, 2)
    rows = _sheet(client_for(world.zhang_min).get("/proposals/export/"))
    assert len(rows) == 3
    assert not GeneratedFile.objects.exists()


def test_over_the_threshold_a_background_file_has_the_inline_rows(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    _import(world, 4)
    client = client_for(world.zhang_min)
    settings.EXPORT_INLINE_MAX_ROWS = 10
    inline = _sheet(client.get("/proposals/export/", {"text": "建议"}))
    assert len(inline) == 5
    settings.EXPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/proposals/export/", {"text": "建议", "ignored": "x"})
    file = GeneratedFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("files:detail", args=[file.pk])
    assert file.kind == "proposals.list"
    assert file.params == {"text": "建议", "for_user": world.zhang_min.pk}
    assert file.status == GeneratedFile.Status.DONE
    assert file.progress == 100
    # The status page says why the file is made in the background, and offers the download.
    page = client.get(reverse("files:detail", args=[file.pk])).content.decode()
    assert "共 4 行，超过 2 行的导出在后台生成，完成后可在此下载。" in page
    assert reverse("files:download", args=[file.pk]) in page
    assert _downloaded(client, file) == inline
    # Audited: the request, the rows written by the worker (as the requester), the download.
    listed = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, target="proposals.list")
    assert [e.details for e in listed.order_by("pk")] == [
        {"filters": {"text": "建议"}, "rows": 4},
        {"filters": {"text": "建议"}, "rows": 4},
    ]
    assert listed.filter(user_id=world.zhang_min.pk).count() == 2
    events = SecurityEvent.objects.filter(target=f"files.GeneratedFile:{file.pk}")
    assert sorted(e.details.get("event", e.kind) for e in events) == [
        "download",
        "file.generated",
        "file.requested",
    ]


def test_the_background_file_is_the_requesters_only(world, client_for, django_capture_on_commit_callbacks):
    _import(world, 3)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.zhang_min).get("/proposals/export/")
    file = GeneratedFile.objects.get()
    # A colleague who could export the list too still cannot open this one (it is what 张敏 sees).
    for name in ("wang_wei", "sun_li", "liu_yang", "chen_jing", "zhou_qiang", "outsider"):
        other = client_for(world.people[name])
        assert other.get(reverse("files:detail", args=[file.pk])).status_code == 404, name
        assert other.get(reverse("files:download", args=[file.pk])).status_code == 404, name
    # Nor ask for a file in someone else's name through the files app's own form.
    response = client_for(world.wang_wei).post(
        reverse("files:generate", args=["proposals.list"]), {"for_user": world.zhang_min.pk}
    )
    assert response.status_code == 403
    assert GeneratedFile.objects.count() == 1


def test_access_is_checked_again_when_the_worker_makes_the_file(
    world, client_for, django_capture_on_commit_callbacks
):
    cast = make_cast(world)
    queued = [joint_proposal(cast, State.SUBMITTED) for _ in range(3)]
    client = client_for(world.zhang_min)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get("/proposals/review/export/", {"session": queued[0].session_id})
    file = GeneratedFile.objects.get()
    assert response.status_code == 302
    assert file.kind == "proposals.review_desk"
    assert file.status == GeneratedFile.Status.PENDING
    role_revoke(actor=world.secadmin, user=world.zhang_min, role=Role.PROPOSAL_OFFICE)
    for callback in callbacks:
        callback()
    file.refresh_from_db()
    assert file.status == GeneratedFile.Status.FAILED
    assert file.message == "只有提案工作人员可以导出审查台。"
    assert not file.file
    assert not SecurityEvent.objects.filter(target="proposals.review_desk").exists()


def test_review_desk_over_the_threshold_has_the_inline_rows(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    cast = make_cast(world)
    queued = [joint_proposal(cast, State.SUBMITTED) for _ in range(3)]
    client = client_for(world.zhang_min)
    url = f"/proposals/review/export/?session={queued[0].session_id}"
    settings.EXPORT_INLINE_MAX_ROWS = 3
    inline = _sheet(client.get(url))
    assert sorted(r[1] for r in inline[1:]) == sorted(p.title for p in queued)
    settings.EXPORT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 302
    file = GeneratedFile.objects.get()
    assert file.params == {"session": queued[0].session_id, "for_user": world.zhang_min.pk}
    assert _downloaded(client, file) == inline
    # The desk's own access rule still answers first, above the threshold too.
    for name in ("wang_wei", "sun_li", "liu_yang", "zhou_qiang", "sysadmin"):
        assert client_for(world.people[name]).get(url).status_code == 403, name
    assert client.get("/proposals/review/export/?session=999999").status_code == 404
    assert GeneratedFile.objects.count() == 1


def test_progress_reports_rows_written_of_the_total(world, monkeypatch):
    _import(world, 5)
    monkeypatch.setattr("tongxin.core.sheets.PROGRESS_EVERY", 2)
    seen: list[tuple[int, str]] = []
    produced = exports.list_generator.run(
        world.zhang_min, {"for_user": world.zhang_min.pk}, lambda p, m: seen.append((p, m))
    )
    assert produced.filename.endswith(".xlsx")
    assert seen == [
        (0, "共 5 行，正在写入……"),
        (40, "已写入 2 / 5 行"),
        (80, "已写入 4 / 5 行"),
        (100, "已写入 5 / 5 行"),
    ]
    rows = list(load_workbook(io.BytesIO(produced.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 6


def test_export_rows_are_the_pages_summaries(world, django_assert_max_num_queries):
    """queries.list_export_rows reads plain values for speed; each row must still be what the page's
    `summary` shows (proposers in order without the withdrawn, active units with their roles)."""
    cast = make_cast(world)
    proposals = [joint_proposal(cast, until) for until in (State.SUBMITTED, "evaluated")]
    extra = {"主办单位": world.unit.short_name, "会办单位": cast.co_unit.name, "办理结果": "a"}
    proposals_import_history(
        actor=world.zhang_min, committee=world.committee, rows=_rows(world, 3, start=100, **extra)
    )
    qs = access.proposals_visible_to(world.zhang_min)
    conf = settings_for(world.committee.pk)
    expected = [
        {k: queries.summary(p, conf)[k] for k in queries.EXPORT_FIELDS}
        for p in queries.with_list_data(qs).order_by("pk")
    ]
    assert len(expected) == 5
    assert any(len(row["units"]) > 1 for row in expected)
    assert any(len(row["proposer_names"]) > 1 for row in expected)
    assert proposals[0].title in [row["title"] for row in expected]
    with django_assert_max_num_queries(7):  # 3 per chunk of 2: proposals are fetched as one stream
        assert list(queries.list_export_rows(qs, conf, chunk=2)) == expected


def test_a_refused_filter_is_shown_on_the_list_not_a_500(world, client_for):
    client = client_for(world.zhang_min)
    response = client.get("/proposals/review/export/", {"session": "abc"})
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:review")
    assert "会议参数有误。" in client.get(response["Location"]).content.decode()
    response = client.get("/proposals/export/", {"state": "nonsense"})
    assert response["Location"] == reverse("proposals:list")
    assert not GeneratedFile.objects.exists()
