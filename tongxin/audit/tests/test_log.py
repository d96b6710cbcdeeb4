"""The security log: search, paging newest first, one record, the .xlsx export (itself logged), the
API, and append-only storage on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone
from openpyxl import load_workbook

from tongxin.accounts.models import UserEvent
from tongxin.audit.export_xlsx import XLSX
from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record


def _at(when: dt.datetime, **kwargs) -> SecurityEvent:
    with time_machine.travel(when, tick=False):
        return security_event_record(**kwargs)


def _request(ip: str):
    return RequestFactory().get("/", REMOTE_ADDR=ip)


@pytest.fixture
def log(world):
    """A week of rows: logins, a failure from an office network, an export, a sibling's login."""
    tz = timezone.get_current_timezone()
    day = dt.datetime(2026, 11, 16, 9, 0, tzinfo=tz)
    rows = {
        "monday_login": _at(day, kind="login", actor=world.wang_wei, request=_request("10.12.0.5")),
        "tuesday_failed": _at(
            day + dt.timedelta(days=1),
            kind="login_failed",
            username="wangwei",
            outcome="failure",
            committee_id=world.committee.pk,
            request=_request("10.12.3.9"),
        ),
        "wednesday_export": _at(
            day + dt.timedelta(days=2), kind="export", actor=world.zhao_lei, request=_request("192.168.1.20")
        ),
        "friday_login": _at(
            day + dt.timedelta(days=4), kind="login", actor=world.li_na, request=_request("10.12.0.6")
        ),
        "sibling": _at(
            day + dt.timedelta(days=4), kind="login", actor=world.outsider, request=_request("10.12.0.99")
        ),
    }
    return rows


def _ids(response) -> list[int]:
    return [event.pk for event in response.context["page"].items]


def test_newest_first_and_only_own_committees(world, client_for, log):
    ids = _ids(client_for(world.auditadmin).get("/audit/"))
    mine = [log[k].pk for k in ("friday_login", "wednesday_export", "tuesday_failed", "monday_login")]
    assert [i for i in ids if i in mine] == mine
    assert log["sibling"].pk not in ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=login", ["friday_login", "monday_login"]),
        ("outcome=failure", ["tuesday_failed"]),
        ("username=wangw", ["tuesday_failed", "monday_login"]),
        ("ip=10.12.3.9", ["tuesday_failed"]),
        ("ip=10.12.", ["friday_login", "tuesday_failed", "monday_login"]),
        ("date_from=2026-11-17&date_to=2026-11-18", ["wednesday_export", "tuesday_failed"]),
        ("date_from=2026-11-20&date_to=2026-11-20", ["friday_login"]),
        ("date_to=2026-11-16", ["monday_login"]),
        ("kind=login&ip=10.12.0.5", ["monday_login"]),
    ],
)
def test_search_filters(world, client_for, log, query, expected):
    ids = _ids(client_for(world.auditadmin).get(f"/audit/?{query}"))
    assert ids == [log[k].pk for k in expected]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=nonsense", "kind"),
        ("outcome=maybe", "outcome"),
        ("date_from=2026-13-40", "date_from"),
        ("date_from=2026-11-20&date_to=2026-11-01", "date_to"),
        ("ip=10.0.0.1;drop", "ip"),
    ],
)
def test_bad_search_answers_a_message(world, client_for, log, query, field):
    response = client_for(world.auditadmin).get(f"/audit/?{query}")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["page"] is None


@pytest.mark.parametrize("query", ["after=x", "limit=0", "limit=101"])
def test_bad_paging_answers_a_message(world, client_for, log, query):
    response = client_for(world.auditadmin).get(f"/audit/?{query}")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_keyset_paging_newest_first(world, client_for, log):
    client = client_for(world.auditadmin)
    all_ids = _ids(client.get("/audit/?limit=100"))
    first = client.get("/audit/?limit=2")
    page = first.context["page"]
    assert [e.pk for e in page.items] == all_ids[:2]
    assert page.next_after == all_ids[1]
    second = client.get(f"/audit/?limit=2&after={page.next_after}").context["page"]
    assert [e.pk for e in second.items] == all_ids[2:4]
    html = first.content.decode()
    assert f"after={page.next_after}" in html


def test_htmx_search_answers_the_results_partial(world, client_for, log):
    response = client_for(world.auditadmin).get("/audit/?kind=export", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "导出" in html
    assert "export" in html  # the export link carries the filter


def test_detail_shows_every_field(world, client_for, log):
    event = log["tuesday_failed"]
    html = client_for(world.auditadmin).get(f"/audit/events/{event.pk}/").content.decode()
    for text in ("登录失败", "失败", "wangwei", "10.12.3.9", "兰州市城关区", "2026-11-17"):
        assert text in html


def test_hostile_user_names_are_shown_inert(world, client_for):
    security_event_record(
        kind="login_failed",
        username="<script>alert(1)</script>\n伪造一行",
        outcome="failure",
        committee_id=world.committee.pk,
    )
    html = client_for(world.auditadmin).get("/audit/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_export_is_the_current_search_and_is_itself_logged(world, client_for, log):
    response = client_for(world.auditadmin).get("/audit/export/?kind=login")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "时间", "事件类型", "结果", "用户名")
    assert [r[0] for r in rows[1:]] == [log["friday_login"].pk, log["monday_login"].pk]
    assert rows[-1][1] == "2026-11-16T09:00:00+08:00"  # local time with its offset (ASVS 16.2.2)
    assert rows[-1][2:5] == ("登录", "成功", "wangwei")
    assert rows[-1][6] == "兰州市城关区"
    assert rows[-1][7] == "10.12.0.5"
    exported = SecurityEvent.objects.get(kind="export", username="auditadmin")
    assert exported.details == {"filters": {"kind": "login"}, "rows": 2}
    assert exported.target == "audit:security_log"


def test_export_neutralises_formulas(world, client_for):
    security_event_record(
        kind="login_failed",
        username='=HYPERLINK("http://evil","x")',
        outcome="failure",
        committee_id=world.committee.pk,
    )
    response = client_for(world.auditadmin).get("/audit/export/?kind=login_failed")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=5)
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil","x")'


def test_export_refuses_more_than_the_limit(world, client_for, log, monkeypatch):
    monkeypatch.setattr("tongxin.audit.services.EXPORT_MAX_ROWS", 2)
    response = client_for(world.auditadmin).get("/audit/export/", follow=True)
    assert response.status_code == 200
    assert "超过单次导出上限" in response.content.decode()
    assert not SecurityEvent.objects.filter(kind="export", username="auditadmin").exists()


def test_export_with_a_bad_filter_exports_nothing(world, client_for, log):
    response = client_for(world.auditadmin).get("/audit/export/?kind=nonsense")
    assert response.status_code == 302
    assert not SecurityEvent.objects.filter(kind="export", username="auditadmin").exists()


def test_api_search(world, api_for, log):
    api = api_for(world.auditadmin)
    body = api.get("/api/v1/audit/events", kind="login").json()
    ids = [item["id"] for item in body["items"]]
    assert log["friday_login"].pk == ids[0]
    assert log["monday_login"].pk in ids
    assert log["sibling"].pk not in ids
    item = next(i for i in body["items"] if i["id"] == log["monday_login"].pk)
    assert item["kind_label"] == "登录"
    assert item["ip_address"] == "10.12.0.5"
    assert item["created_at"].endswith(("+08:00", "Z", "+00:00"))
    page = api.get("/api/v1/audit/events", limit=2).json()
    assert len(page["items"]) == 2
    rest = api.get("/api/v1/audit/events", limit=100, after=page["next_after"]).json()
    assert all(i["id"] < page["next_after"] for i in rest["items"])
    dated = api.get("/api/v1/audit/events", date_from="2026-11-17", date_to="2026-11-17").json()
    assert [i["id"] for i in dated["items"]] == [log["tuesday_failed"].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "nonsense"}, "kind"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_from": "2026-11-20", "date_to": "2026-11-01"}, "date_to"),
        ({"limit": 0}, "limit"),
        ({"ip": "x" * 46}, "ip"),
    ],
)
def test_api_search_refuses_bad_filters(world, api_for, params, field):
    response = api_for(world.auditadmin).get("/api/v1/audit/events", **params)
    assert response.status_code == 422
    assert field in response.json()["fields"]


def test_api_export(world, api_for, log):
    response = api_for(world.auditadmin).get("/api/v1/audit/events/export", outcome="failure")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [log["tuesday_failed"].pk]
    assert SecurityEvent.objects.get(kind="export", username="auditadmin").details["rows"] == 1


def test_api_detail(world, api_for, log):
    body = api_for(world.auditadmin).get(f"/api/v1/audit/events/{log['tuesday_failed'].pk}").json()
    assert (body["kind"], body["outcome"], body["username"]) == ("login_failed", "failure", "wangwei")


def test_log_page_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    for n in range(60):
        security_event_record(kind="login", actor=world.wang_wei if n % 2 else world.li_na)
    client = client_for(world.auditadmin)
    with django_assert_max_num_queries(12):
        response = client.get("/audit/")
    assert len(response.context["page"].items) == 50
    event = response.context["page"].items[0]
    with django_assert_max_num_queries(12):
        client.get(f"/audit/events/{event.pk}/")


def test_openapi_documents_the_log(db):
    from django.test import Client

    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/audit/events", "/api/v1/audit/events/export", "/api/v1/audit/events/{event_id}"} <= set(
        paths
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists only on PostgreSQL; SQLite does not enforce it (ADR 0004)",
)
def test_rows_cannot_be_changed_or_deleted_on_postgresql(world):
    event = security_event_record(kind="login", actor=world.wang_wei)
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(username="someone-else")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_securityevent SET outcome = 'failure' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_securityevent")
    user_event = UserEvent.objects.filter(user=world.wang_wei).first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_userevent SET name = 'x' WHERE id = %s", [user_event.pk])
    event.refresh_from_db()
    assert (event.username, event.outcome) == ("wangwei", "success")
