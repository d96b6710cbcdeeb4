"""Sign-in policy over time (ecosystem.md C1, C2; ADR 0003): forced change of one-time and expired
passwords, the 30-minute idle timeout, the 12-hour absolute lifetime, and the lockout after five
failures with its 15-minute cool-off, on the login page and on the token endpoint."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from tongxin.accounts.services import user_create
from tongxin.audit.models import SecurityEvent

NEW_PASSWORD = "Fresh#Start2026"


def _sign_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


def _token(username: str, password: str = PASSWORD):
    return Client().post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_one_time_password_must_be_changed_first(world):
    _user, one_time = user_create(
        actor=world.sysadmin, committee=world.committee, username="newbie", full_name="新人", kind="office"
    )
    client = _sign_in("newbie", one_time)
    for path in ("/", "/accounts/me/", "/accounts/users/"):
        assert client.get(path).url == "/accounts/password/"
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert page.context["forced"] is True
    client.post(
        "/accounts/password/",
        {"old_password": one_time, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert client.get("/").status_code == 200
    assert _token("newbie", NEW_PASSWORD).status_code == 200


def test_expired_password_must_be_changed(world, clock):
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    clock.shift(dt.timedelta(days=89))
    assert _sign_in("wangwei").get("/").status_code == 200
    clock.shift(dt.timedelta(days=2))
    client = _sign_in("wangwei")
    assert client.get("/").url == "/accounts/password/"
    response = _token("wangwei")
    assert response.status_code == 403
    assert response.json()["code"] == "password_expired"
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert client.get("/").status_code == 200


def test_idle_session_ends_after_thirty_minutes_and_is_logged(world, clock):
    assert settings.SESSION_IDLE_MINUTES == 30
    client = _sign_in("wangwei")
    clock.shift(dt.timedelta(minutes=29))
    assert client.get("/").status_code == 200  # activity slides the window
    clock.shift(dt.timedelta(minutes=29))
    assert client.get("/").status_code == 200
    clock.shift(dt.timedelta(minutes=31))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    event = SecurityEvent.objects.get(kind="session_expired")
    assert (event.username, event.details["reason"]) == ("wangwei", "idle")
    # Logged once: the stale session is gone.
    client.get("/")
    assert SecurityEvent.objects.filter(kind="session_expired").count() == 1


def test_session_ends_after_twelve_hours_however_active(world, clock):
    assert settings.SESSION_ABSOLUTE_HOURS == 12
    client = _sign_in("wangwei")
    elapsed = dt.timedelta()
    step = dt.timedelta(minutes=25)
    while elapsed + step <= dt.timedelta(hours=12):
        clock.shift(step)
        elapsed += step
        assert client.get("/").status_code == 200, elapsed
    clock.shift(step)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login")
    event = SecurityEvent.objects.get(kind="session_expired")
    assert (event.username, event.details["reason"]) == ("wangwei", "absolute")
    assert client.get("/").status_code == 302


def test_logout_ends_the_session_server_side(world):
    client = _sign_in("wangwei")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert replay.get("/").status_code == 302
    assert SecurityEvent.objects.filter(kind="logout", username="wangwei").exists()


def test_lockout_on_the_login_page_and_unlock_after_cool_off(world, clock):
    client = Client()
    for _ in range(4):
        assert (
            client.post("/accounts/login/", {"username": "wangwei", "password": "wrong"}).status_code == 401
        )
    fifth = client.post("/accounts/login/", {"username": "wangwei", "password": "wrong"})
    assert fifth.status_code == 403
    assert "锁定" in fifth.content.decode()
    assert client.post("/accounts/login/", {"username": "wangwei", "password": PASSWORD}).status_code == 403
    assert SecurityEvent.objects.filter(kind="login_failed", username="wangwei").count() == 4
    lockout = SecurityEvent.objects.filter(kind="lockout", username="wangwei").first()
    assert lockout.outcome == "failure"
    assert lockout.committee_id == world.committee.pk
    # Another account is not affected (lockout is per account).
    assert Client().post("/accounts/login/", {"username": "lina", "password": PASSWORD}).status_code == 302
    clock.shift(settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1))
    assert Client().post("/accounts/login/", {"username": "wangwei", "password": PASSWORD}).status_code == 403
    # django-axes counts the cool-off from the last attempt, so that refused try started it again.
    clock.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1))
    assert Client().post("/accounts/login/", {"username": "wangwei", "password": PASSWORD}).status_code == 302


def test_lockout_on_the_token_endpoint_and_unlock_after_cool_off(world, clock):
    for _ in range(4):
        response = _token("wangwei", "wrong")
        assert response.status_code == 401
        assert response.json()["code"] == "login_failed"
    response = _token("wangwei", "wrong")
    assert response.status_code == 403
    assert response.json()["code"] == "locked_out"
    assert _token("wangwei").json()["code"] == "locked_out"
    # The web sign-in shares the count.
    assert Client().post("/accounts/login/", {"username": "wangwei", "password": PASSWORD}).status_code == 403
    clock.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1))
    assert _token("wangwei").status_code == 200


def test_success_resets_the_failure_count(world):
    client = Client()
    for _ in range(4):
        client.post("/accounts/login/", {"username": "wangwei", "password": "wrong"})
    _sign_in("wangwei")
    for _ in range(4):
        assert (
            client.post("/accounts/login/", {"username": "wangwei", "password": "wrong"}).status_code == 401
        )


def test_deactivated_account_session_and_token_stop_at_once(world, api_for):
    from tongxin.accounts.services import user_set_active

    client = _sign_in("lina")
    api = api_for(world.li_na)
    assert client.get("/").status_code == 200
    assert api.get("/api/v1/calendar/days", year=2026).status_code == 200
    user_set_active(actor=world.sysadmin, user=world.li_na, active=False)
    assert client.get("/").status_code == 302
    response = api.get("/api/v1/calendar/days", year=2026)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}
    assert _token("lina").status_code == 401
