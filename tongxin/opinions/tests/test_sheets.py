"""Opinion-report list and bulletin-issue exports: the page's rows under its filters, streamed,
escaped, audited, and flat in queries."""

from __future__ import annotations

import io
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tongxin.audit.models import SecurityEvent
from tongxin.core.sheets import safe_text
from tongxin.opinions import access, queries

from .factories import adopted, draft, submitted


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response.streaming
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_list_export_is_the_pages_filtered_rows(world, client_for):
    submitted(world.wang_wei, title="@关于老旧小区的建议")
    submitted(world.li_na, title="关于公交线路的建议", is_urgent=True)
    own_draft = draft(world.wang_wei, title="王伟的草稿")
    office = client_for(world.liu_yang)
    rows = _sheet(office.get("/opinions/export/"))
    assert rows[0][:3] == ("标题", "状态", "急事急报")
    expected = queries.opinion_filter(world.liu_yang, {})
    assert len(rows) - 1 == expected.count()
    assert "'@关于老旧小区的建议" in [r[0] for r in rows]  # escaped: no formula
    assert own_draft.title not in [r[0] for r in rows]  # another member's draft stays invisible
    urgent = _sheet(office.get("/opinions/export/", {"urgent": "on"}))
    assert [r[0] for r in urgent[1:]] == ["关于公交线路的建议"]
    mine = _sheet(client_for(world.wang_wei).get("/opinions/export/"))
    assert sorted(r[0] for r in mine[1:]) == sorted(
        safe_text(r.display_title) for r in access.opinions_visible_to(world.wang_wei)
    )
    exports = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, target="opinions.list")
    assert exports.filter(details__filters={"urgent": "True"}, details__rows=1).count() == 1


def test_list_export_queries_do_not_grow_with_rows(world, client_for):
    client = client_for(world.liu_yang)
    for i in range(10):
        submitted(world.wang_wei, title=f"信息{i}")
    with CaptureQueriesContext(connection) as ten:
        _sheet(client.get("/opinions/export/"))
    for i in range(10, 30):
        submitted(world.wang_wei, title=f"信息{i}")
    with CaptureQueriesContext(connection) as thirty:
        assert len(_sheet(client.get("/opinions/export/"))) == 31
    assert len(thirty) == len(ten)


def test_exports_access(world, client_for):
    for name in ("sysadmin", "secadmin", "auditadmin", "zhou_qiang"):
        assert client_for(world.people[name]).get("/opinions/export/").status_code == 403, name
    for name in ("wang_wei", "li_na", "liu_yang", "sun_li"):
        assert client_for(world.people[name]).get("/opinions/export/").status_code == 200, name
    for name in ("wang_wei", "zhang_min", "sysadmin", "zhou_qiang"):
        assert client_for(world.people[name]).get("/opinions/bulletins/export/").status_code == 403, name
    for name in ("liu_yang", "sun_li"):
        assert client_for(world.people[name]).get("/opinions/bulletins/export/").status_code == 200, name


def test_bulletin_export_lists_issues_with_counts(world, client_for):
    adopted(submitted(world.wang_wei), world.liu_yang)
    rows = _sheet(client_for(world.liu_yang).get("/opinions/bulletins/export/"))
    assert rows[0] == ("期次", "标题", "信息篇数", "报送日期", "转报上级")
    assert len(rows) == 2
    assert rows[1][2] == 1
    assert SecurityEvent.objects.filter(target="opinions.bulletins", details__rows=1).count() == 1
