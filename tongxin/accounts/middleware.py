"""Session lifetime and password policy, enforced on every request (ecosystem.md C1, C2)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import services

SESSION_STARTED_KEY = "tongxin_started_at"


class SessionLifetimeMiddleware:
    """End a session after SESSION_ABSOLUTE_HOURS however active it is.

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
        return self.get_response(request)


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
