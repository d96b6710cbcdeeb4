"""The access matrix of the security log: only the audit administrator, and only rows of their
committee and the committees below it (三员分立, ecosystem.md C6)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, PERSONAS
from tongxin.audit import access
from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record

PAGES = ["/audit/", "/audit/?kind=login&outcome=success", "/audit/events/{id}/", "/audit/export/"]
ENDPOINTS = ["/api/v1/audit/events", "/api/v1/audit/events/{id}", "/api/v1/audit/events/export"]


@pytest.fixture
def own_event(world):
    return security_event_record(kind=SecurityEvent.Kind.LOGIN, actor=world.wang_wei)


@pytest.fixture
def sibling_event(world):
    return security_event_record(kind=SecurityEvent.Kind.LOGIN, actor=world.outsider)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", PAGES)
def test_page_matrix(world, client_for, own_event, persona, url):
    user = getattr(world, persona)
    response = client_for(user).get(url.format(id=own_event.pk))
    expected = 200 if persona == "auditadmin" else 403
    assert response.status_code == expected
    denied = SecurityEvent.objects.filter(kind="access_denied", username=user.username).exists()
    assert denied == (expected == 403)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", ENDPOINTS)
def test_endpoint_matrix(world, api_for, own_event, persona, path):
    user = getattr(world, persona)
    response = api_for(user).get(path.format(id=own_event.pk))
    expected = 200 if persona == "auditadmin" else 403
    assert response.status_code == expected, response.content
    if expected == 403:
        assert set(response.json()) == {"code", "message"}
        assert SecurityEvent.objects.filter(kind="access_denied", username=user.username).exists()


def test_another_committees_row_is_404(world, client_for, api_for, sibling_event):
    assert client_for(world.auditadmin).get(f"/audit/events/{sibling_event.pk}/").status_code == 404
    response = api_for(world.auditadmin).get(f"/api/v1/audit/events/{sibling_event.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    listed = client_for(world.auditadmin).get("/audit/").context["page"].items
    assert sibling_event not in listed


@pytest.mark.parametrize("url", ["/audit/", "/audit/export/", "/audit/events/1/"])
def test_signed_out_visitors_are_sent_to_sign_in(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    "path", ["/api/v1/audit/events", "/api/v1/audit/events/export", "/api/v1/audit/events/1"]
)
def test_api_without_token_is_401(db, anon_api, path):
    assert anon_api.get(path).status_code == 401


@pytest.mark.parametrize("persona", PERSONAS)
def test_rule_and_scope(world, persona, own_event, sibling_event):
    user = getattr(world, persona)
    assert access.can_read_security_log(user) == (persona == "auditadmin")
    visible = set(access.security_events_visible_to(user))
    if persona == "auditadmin":
        assert own_event in visible
        assert sibling_event not in visible
    else:
        assert visible == set()


def test_city_audit_admin_reads_the_districts_and_installation_rows(world, sibling_event, own_event):
    from tongxin.accounts.services import role_grant, user_create

    city_auditor, _ = user_create(
        actor=None,
        committee=world.city,
        username="cityaudit",
        full_name="市审计员",
        kind="admin",
        password=PASSWORD,
    )
    role_grant(actor=None, user=city_auditor, role="audit_admin")
    unknown = security_event_record(kind="login_failed", username="nobody", outcome="failure")
    visible = set(access.security_events_visible_to(city_auditor))
    assert {own_event, sibling_event, unknown} <= visible
    # A district's auditor does not read rows that belong to no committee.
    assert unknown not in set(access.security_events_visible_to(world.auditadmin))
