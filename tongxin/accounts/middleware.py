"""Session lifetime and password policy, enforced on every request (ecosystem.md C1, C2)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import services

SESSION_STARTED_KEY = "tongxin_started_at"


class SessionLifetimeMiddleware:
    """End a session after SESSION_ABSOLUTE_HOURS however active it is, and log both kinds of expiry.

    The idle timeout is Django's own: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST slides.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            limit = settings.SESSION_ABSOLUTE_HOURS * 3600
            if started is None:
                request.session[SESSION_STARTED_KEY] = int(time.time())
            elif time.time() - started > limit:
                services.logout_recorded(request=request, user=user, reason="expired")
                logout(request)
                return redirect(settings.LOGIN_URL)
        elif user is not None:
            self.record_idle_expiry(request)
        return self.get_response(request)

    @staticmethod
    def record_idle_expiry(request: HttpRequest) -> None:
        """A browser came back with the cookie of a session that idled out: log it, once.

        Django drops an expired session silently, so the only trace of an idle timeout is the stale
        row it leaves; reading it names the user, and deleting it (剩余信息保护, ecosystem.md C21)
        keeps the event from being logged twice.
        """
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not key or not isinstance(request.session, DatabaseSessionStore):
            return
        stale = Session.objects.filter(session_key=key, expire_date__lte=timezone.now()).first()
        if stale is None:
            return
        user_id = stale.get_decoded().get(SESSION_KEY)
        Session.objects.filter(pk=stale.pk).delete()
        if user_id is not None and str(user_id).isdigit():
            services.session_idle_expired(request=request, user_id=int(user_id), expired_at=stale.expire_date)


class PasswordPolicyMiddleware:
    """Send a user whose password is one-time or too old to the change page before anything else."""

    ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and services.password_expired(user)
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
