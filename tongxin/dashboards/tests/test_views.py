"""Pages, exports and API: who may (every persona), the .xlsx equal to the page, bounded queries
whatever the data size, the API's shape and bad input."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tongxin.audit.models import SecurityEvent
from tongxin.dashboards import queries
from tongxin.dashboards.caching import SOURCES
from tongxin.dashboards.forms import Period
from tongxin.dashboards.tables import dashboard_for
from tongxin.proposals.tests.factories import act, draft

from .activity import build_activity, make_cast

pytestmark = pytest.mark.django_db

PERSONAS = (
    "wang_wei",
    "li_na",
    "sun_li",
    "zhang_min",
    "liu_yang",
    "chen_jing",
    "zhao_lei",
    "zhou_qiang",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "outsider",
)
READERS = {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"}
PAGES = (
    "/dashboards/",
    "/dashboards/proposals/",
    "/dashboards/opinions/",
    "/dashboards/members/",
    "/dashboards/compare/",
    "/dashboards/proposals/export/",
    "/dashboards/opinions/export/",
    "/dashboards/members/export/",
    "/dashboards/compare/export/",
)
ENDPOINTS = ("proposals", "opinions", "members", "compare")


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_matrix(world, client_for, persona):
    client = client_for(world.people[persona])
    for path in PAGES:
        response = client.get(path)
        expected = 200 if persona in READERS else 403
        assert response.status_code == expected, (persona, path, response.status_code)
    denied = SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ACCESS_DENIED, username=world.people[persona].username
    )
    assert denied.count() == (0 if persona in READERS else len(PAGES))


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_access_matrix(world, api_for, persona):
    api = api_for(world.people[persona])
    for name in ENDPOINTS:
        response = api.get(f"/api/v1/dashboards/{name}")
        assert response.status_code == (200 if persona in READERS else 403), (persona, name)
        if response.status_code == 403:
            assert set(response.json()) >= {"code", "message"}


def test_anonymous_is_sent_to_sign_in(client, anon_api):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    for name in ENDPOINTS:
        assert anon_api.get(f"/api/v1/dashboards/{name}").status_code == 401


def test_navigation_shows_the_dashboards_to_readers_only(world, client_for):
    assert "数据看板" in client_for(world.zhang_min).get("/dashboards/").content.decode()
    assert 'href="/dashboards/"' not in client_for(world.wang_wei).get("/").content.decode()
    assert 'href="/dashboards/"' in client_for(world.sun_li).get("/").content.decode()


class TableReader(HTMLParser):
    """The page's data tables as {id: [[cell text, …], …]} (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Any]]) -> None:
        a = dict(attrs)
        if tag == "table" and (a.get("id") or "").startswith("table-"):
            self.current = self.tables.setdefault(a["id"][len("table-") :], [])
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.current is not None and self.cell is not None:
            self.current[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _page_tables(html: str) -> dict[str, list[list[str]]]:
    reader = TableReader()
    reader.feed(html)
    return reader.tables


def _text(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def _same(value: str) -> Any:
    """A cell compared by value: Excel reads 50.0 back as 50."""
    try:
        return float(value)
    except ValueError:
        return value


@pytest.mark.parametrize("name", ENDPOINTS)
def test_xlsx_holds_the_numbers_of_the_page(world, client_for, name):
    cast = make_cast(world)
    build_activity(world, cast)
    client = client_for(world.zhang_min)
    query = "?year=2026"
    page = _page_tables(client.get(f"/dashboards/{name}/{query}").content.decode())
    response = client.get(f"/dashboards/{name}/export/{query}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    board, _data = dashboard_for(name, world.committee.pk, Period(None, 2026, "2026 年"))
    assert len(book.worksheets) == len(board.tables) == len(page)
    for sheet, table in zip(book.worksheets, board.tables, strict=True):
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width >= 8
        rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert rows[0] == table.headings
        shown = [row for row in page[table.key] if row != ["暂无数据。"]]
        assert [[_same(v) for v in row] for row in rows] == [[_same(v) for v in row] for row in shown]
    events = SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.EXPORT, target__startswith=f"dashboards.{name}"
    )
    assert events.count() == 1
    assert events.get().details["period"] == {"session": None, "year": 2026}


def test_the_pages_show_the_numbers_of_the_queries(world, client_for):
    cast = make_cast(world)
    build_activity(world, cast)
    html = client_for(world.sun_li).get(f"/dashboards/proposals/?session={world.session.pk}").content.decode()
    tables = _page_tables(html)
    data = queries.proposals_dashboard(world.committee.pk, session_id=world.session.pk)
    assert [row[1] for row in tables["funnel"][1:]] == [str(s["count"]) for s in data["funnel"]]
    units = {row[0]: row for row in tables["units"][1:]}
    assert units[cast.lead_unit.name][5] == "100.0"  # on-time rate
    # The chart draws from the same rows, through JSON the static script reads (no inline script).
    assert 'id="chart-data-funnel" type="application/json"' in html
    assert "dashboards/dashboards.js" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "<script>" not in html


# Each page's bound: the apps' statistics queries (a fixed number each) plus the session, the
# navigation and the messages. The year comparison runs every dashboard's statistics for two years.
QUERY_BOUNDS = {"proposals": 26, "opinions": 28, "members": 20, "compare": 60}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_page_queries_do_not_grow_with_the_data(world, client_for, name, django_assert_max_num_queries):
    cast = make_cast(world)
    client = client_for(world.zhang_min)
    path = f"/dashboards/{name}/?year=2026"
    build_activity(world, cast, n=1)
    client.get(path)  # first use creates per-committee settings and the year's checklist
    cache.clear()  # measure the computing path, not a cache hit
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    build_activity(world, cast, n=2)
    cache.clear()
    with django_assert_max_num_queries(QUERY_BOUNDS[name]), CaptureQueriesContext(connection) as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), (name, len(small), len(large))
    if name in SOURCES:  # pre-aggregated: a repeated request reads the cache
        with CaptureQueriesContext(connection) as hit:
            assert client.get(path).status_code == 200
        assert len(hit) < len(large) - 10, (name, len(hit), len(large))


def test_cached_dashboards_follow_every_change(world, client_for, api_for):
    cast = make_cast(world)
    build_activity(world, cast)
    client, api = client_for(world.zhang_min), api_for(world.sun_li)

    def received() -> tuple[str, int, int]:
        page = _page_tables(client.get("/dashboards/proposals/").content.decode())
        compare = {r["indicator"]: r for r in api.get("/api/v1/dashboards/compare", year=2026).json()["rows"]}
        return (
            page["funnel"][1][1],
            api.get("/api/v1/dashboards/proposals").json()["funnel"][0]["count"],
            (compare["proposals_received"]["current"]),
        )

    assert received() == ("2", 2, 2)
    assert received() == ("2", 2, 2)  # from the cache
    act(draft(world, world.li_na), "submit", world.li_na)  # writes a ProposalEvent: a new version
    assert received() == ("3", 3, 3)


def test_api_shape_and_bad_input(world, api_for):
    cast = make_cast(world)
    build_activity(world, cast)
    api = api_for(world.zhang_min)
    body = api.get("/api/v1/dashboards/proposals", session=world.session.pk).json()
    assert set(body) == {"session_id", "year", "totals", "funnel", "classes", "by_category", "by_unit", "key"}
    assert body == api.get("/api/v1/dashboards/proposals").json()  # the newest session by default
    assert body["funnel"][0] == {"stage": "received", "count": 2}
    assert set(body["by_unit"][0]) >= {"on_time_rate", "classes", "attitude_satisfaction_rate"}
    members = api.get("/api/v1/dashboards/members", year=2026).json()
    assert set(members) == {"year", "scores", "averages", "checklist", "attendance"}
    assert members["attendance"]["totals"]["attendance_rate"] == 33.3
    opinions = api.get("/api/v1/dashboards/opinions", year=2026).json()
    assert opinions["totals"]["adopted_upstream"] == 1
    compare = api.get("/api/v1/dashboards/compare", year=2026).json()
    assert {r["indicator"] for r in compare["rows"]} >= {"proposals_received", "attendance_rate"}
    assert api.get("/api/v1/dashboards/members", year=1900).status_code == 422
    assert api.get("/api/v1/dashboards/proposals", session="x").status_code == 422
    from tongxin.org.models import PlenarySession, Term

    other = PlenarySession.objects.create(
        term=Term.objects.get(committee=world.sibling),
        number=1,
        opens_on=world.session.opens_on,
        closes_on=world.session.closes_on,
        proposal_window_starts_at=world.session.proposal_window_starts_at,
        proposal_deadline=world.session.proposal_deadline,
    )
    response = api.get("/api/v1/dashboards/proposals", session=other.pk)
    assert response.status_code == 404
    assert set(response.json()) >= {"code", "message"}


def test_bad_period_on_a_page_falls_back_with_a_message(world, client_for):
    client = client_for(world.zhang_min)
    response = client.get("/dashboards/members/?year=abc")
    assert response.status_code == 200
    assert "年度有误" in response.content.decode()
    assert client.get("/dashboards/proposals/?session=999999").status_code == 404
    assert client.get("/dashboards/nope/").status_code == 404
