"""Sign-in, sign-out, password change, the personal page and the 长辈版 switch."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tongxin.core.errors import DomainError, Invalid

from . import services
from .context_processors import ELDER_COOKIE
from .forms import LoginForm, PasswordChangeForm
from .middleware import SESSION_STARTED_KEY


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_attempt(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_STARTED_KEY] = int(time.time())
            services.login_succeeded(request=request, user=user)
            return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/login.html", {"form": form}, status=status)


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """django-axes' hook: our login view and token endpoint already answered with the lockout message."""
    if original_response is not None:
        return original_response
    return render(request, "accounts/login.html", {"form": LoginForm(), "locked": True}, status=403)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logout_recorded(request=request, user=request.user)  # type: ignore[arg-type]
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except Invalid as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改。"))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "forced": services.password_expired(request.user),  # type: ignore[arg-type]
            "policy": password_validators_help_texts(),
        },
    )


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"account": request.user})


@require_POST
def elder_mode_view(request: HttpRequest) -> HttpResponse:
    """Switch the 长辈版; kept on the account, or in a cookie before sign-in."""
    enabled = request.POST.get("enabled") == "1"
    response: HttpResponse = HttpResponseRedirect(_safe_next(request, "/"))
    if request.user.is_authenticated:
        services.elder_mode_set(user=request.user, enabled=enabled)  # type: ignore[arg-type]
    else:
        response.set_cookie(ELDER_COOKIE, "1" if enabled else "0", max_age=365 * 86400, samesite="Lax")
    return response
