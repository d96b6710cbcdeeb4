"""Bearer tokens: issued once, stored hashed, refused when expired, revoked or malformed — always
401 `{"code", "message"}`."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, ApiClient
from tongxin.accounts.models import ApiToken
from tongxin.accounts.services import password_change, password_reset
from tongxin.audit.models import SecurityEvent

PROBE = "/api/v1/users"  # any authenticated endpoint; the system administrator may read it


def _issue(username: str = "sysadmin", password: str = PASSWORD) -> str:
    response = Client().post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _assert_401(response):
    assert response.status_code == 401
    assert response.json() == {"code": "unauthenticated", "message": "未登录或令牌已失效。"}


def test_token_is_stored_hashed_and_logged(world):
    raw = _issue()
    token = ApiToken.objects.get(user=world.sysadmin)
    assert raw not in token.key_hash
    assert len(token.key_hash) == 64
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - dt.timedelta(hours=settings.API_TOKEN_HOURS)) < dt.timedelta(seconds=1)
    event = SecurityEvent.objects.get(kind="token_issued")
    assert (event.username, event.outcome, event.ip_address) == ("sysadmin", "success", "127.0.0.1")
    assert raw not in str(event.details)
    assert ApiClient(raw).get(PROBE).status_code == 200


def test_expired_token_is_refused(world):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        raw = _issue()
        clock.shift(dt.timedelta(hours=settings.API_TOKEN_HOURS) - dt.timedelta(minutes=1))
        assert ApiClient(raw).get(PROBE).status_code == 200
        clock.shift(dt.timedelta(minutes=2))
        _assert_401(ApiClient(raw).get(PROBE))


def test_password_change_revokes_tokens(world):
    raw = _issue()
    password_change(user=world.sysadmin, old_password=PASSWORD, new_password="Another#Pass2026")
    _assert_401(ApiClient(raw).get(PROBE))
    assert ApiToken.objects.get(user=world.sysadmin).revoked_at is not None


def test_password_reset_revokes_tokens(world):
    raw = _issue("lina")
    password_reset(actor=world.sysadmin, user=world.li_na)
    _assert_401(ApiClient(raw).get("/api/v1/calendar/days", year=2026))


@pytest.mark.parametrize(
    "header",
    [
        "Token abc",
        "Bearer",
        "Bearer ",
        "Basic c3lzYWRtaW46cGFzcw==",
        "Bearer not-a-real-token",
        "bearer\tx",
        "Bearer " + "A" * 5000,
    ],
)
def test_malformed_or_unknown_authorization_is_401(world, header):
    _assert_401(Client().get(PROBE, HTTP_AUTHORIZATION=header))


def test_no_authorization_is_401(db):
    _assert_401(Client().get(PROBE))


def test_wrong_password_is_401_without_saying_whether_the_account_exists(world):
    for username in ("sysadmin", "nobody"):
        response = Client().post(
            "/api/v1/auth/token", {"username": username, "password": "wrong"}, content_type="application/json"
        )
        assert response.status_code == 401
        assert response.json() == {"code": "login_failed", "message": "用户名或密码错误。"}
    assert SecurityEvent.objects.filter(kind="login_failed").count() == 2


@pytest.mark.parametrize("body", [{}, {"username": ""}, {"username": "x" * 41, "password": "p"}, "not json"])
def test_bad_token_request_is_422(db, body):
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert {"code", "message"} <= set(response.json())
