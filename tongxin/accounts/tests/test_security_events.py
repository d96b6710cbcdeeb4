"""Every security-relevant event of accounts leaves a row with time, user, IP, kind and outcome
(等保 L3 8.1.4.3b; ecosystem.md C9)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

from conftest import PASSWORD
from tongxin.accounts.services import (
    password_change,
    password_reset,
    role_grant,
    role_revoke,
    user_create,
    user_set_active,
    user_update,
)
from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record

IP = "10.12.0.7"


def _client() -> Client:
    return Client(REMOTE_ADDR=IP, HTTP_USER_AGENT="Mozilla/5.0 测试浏览器")


def _request(user=None):
    request = RequestFactory().get("/", REMOTE_ADDR=IP, HTTP_USER_AGENT="Mozilla/5.0 测试浏览器")
    if user is not None:
        request.user = user
    return request


def _row(kind: str, **filters) -> SecurityEvent:
    row = SecurityEvent.objects.filter(kind=kind, **filters).order_by("-id").first()
    assert row is not None, f"no {kind} row"
    assert row.created_at is not None
    assert row.ip_address == IP
    assert row.outcome in ("success", "failure")
    assert row.user_agent.startswith("Mozilla/5.0")
    return row


def test_sign_in_events(world):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = _client()
        client.post("/accounts/login/", {"username": "wangwei", "password": "wrong"})
        row = _row("login_failed")
        assert (row.username, row.outcome, row.user_id, row.committee_id) == (
            "wangwei",
            "failure",
            None,
            world.committee.pk,
        )
        client.post("/accounts/login/", {"username": "no-such-user", "password": "wrong"})
        assert _row("login_failed", username="no-such-user").committee_id is None
        client.post("/accounts/login/", {"username": "wangwei", "password": PASSWORD})
        row = _row("login")
        assert (row.username, row.user_id, row.outcome) == ("wangwei", world.wang_wei.pk, "success")
        client.post("/accounts/logout/")
        assert _row("logout").user_id == world.wang_wei.pk
        for _ in range(5):
            _client().post("/accounts/login/", {"username": "lina", "password": "wrong"})
        assert _row("lockout").username == "lina"
        client.post("/accounts/login/", {"username": "wangwei", "password": PASSWORD})
        clock.shift(dt.timedelta(minutes=45))
        client.get("/")
        row = _row("session_expired")
        assert (row.username, row.details["reason"]) == ("wangwei", "idle")


def test_token_events(world):
    client = _client()
    client.post(
        "/api/v1/auth/token", {"username": "wangwei", "password": PASSWORD}, content_type="application/json"
    )
    assert _row("token_issued").outcome == "success"


def test_password_events(world):
    password_change(
        user=world.wang_wei,
        old_password=PASSWORD,
        new_password="Changed#Pass2026",
        request=_request(world.wang_wei),
    )
    assert _row("password_changed").username == "wangwei"
    password_reset(actor=world.sysadmin, user=world.li_na, request=_request(world.sysadmin))
    row = _row("password_reset")
    assert (row.username, row.target, row.committee_id) == (
        "sysadmin",
        f"user:{world.li_na.pk}",
        world.committee.pk,
    )


def test_account_and_role_events(world):
    admin = world.sysadmin
    user, _ = user_create(
        actor=admin,
        committee=world.committee,
        username="eventful",
        full_name="某人",
        kind="office",
        request=_request(admin),
    )
    assert _row("account_created").target == f"user:{user.pk}"
    user_update(actor=admin, user=user, full_name="某某", request=_request(admin))
    assert _row("account_changed").details == {"full_name": "某某"}
    user_set_active(actor=admin, user=user, active=False, note="调离", request=_request(admin))
    assert _row("account_deactivated").details == {"note": "调离"}
    user_set_active(actor=admin, user=user, active=True, request=_request(admin))
    assert _row("account_reactivated").username == "sysadmin"
    role_grant(actor=world.secadmin, user=user, role="secretariat", request=_request(world.secadmin))
    assert _row("role_granted").details == {"role": "secretariat"}
    role_revoke(actor=world.secadmin, user=user, role="secretariat", request=_request(world.secadmin))
    assert _row("role_revoked").username == "secadmin"


def test_access_denied_events_from_pages_and_api(world, client_for, api_for):
    client = client_for(world.zhang_min)
    client.get("/accounts/users/", REMOTE_ADDR=IP, HTTP_USER_AGENT="Mozilla/5.0 x")
    row = _row("access_denied")
    assert (row.username, row.outcome, row.target) == ("zhangmin", "failure", "GET /accounts/users/")
    api_for(world.wang_wei).post(f"/api/v1/users/{world.li_na.pk}/roles", {"role": "leader"})
    row = SecurityEvent.objects.filter(kind="access_denied", username="wangwei").get()
    assert row.target == f"POST /api/v1/users/{world.li_na.pk}/roles"
    assert row.details == {"reason": "forbidden"}


@pytest.mark.parametrize("kind", SecurityEvent.Kind.values)
def test_the_recorder_keeps_every_field_for_every_kind(world, kind):
    row = security_event_record(
        kind=kind, request=_request(world.zhao_lei), target="members.Person:1", details={"n": 1}
    )
    row.refresh_from_db()
    assert (row.kind, row.outcome, row.username, row.user_id, row.committee_id, row.ip_address) == (
        kind,
        "success",
        "zhaolei",
        world.zhao_lei.pk,
        world.committee.pk,
        IP,
    )
    assert abs(timezone.now() - row.created_at) < dt.timedelta(minutes=1)


def test_no_password_ever_reaches_the_log(world):
    client = _client()
    client.post("/accounts/login/", {"username": "wangwei", "password": "Secret#Guess123"})
    client.post(
        "/api/v1/auth/token", {"username": "wangwei", "password": PASSWORD}, content_type="application/json"
    )
    password = password_reset(actor=world.sysadmin, user=world.li_na)
    dump = " ".join(
        f"{e.username} {e.target} {e.details} {e.user_agent}" for e in SecurityEvent.objects.all()
    )
    for secret in ("Secret#Guess123", PASSWORD, password):
        assert secret not in dump
