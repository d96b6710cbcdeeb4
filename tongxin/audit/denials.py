"""Answering 403 and logging it: every refused request is a security event (ecosystem.md C9).

Views and API endpoints raise `Forbidden` (from an access rule or a service). Pages: the decorator
below (for views that render their own 403 page) or `DeniedRequestsMiddleware` (for every other
view) records the refusal once; the API's error handler in config/api.py does the same for JSON.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.defaults import page_not_found

from tongxin.core.errors import Forbidden, NotFound

from .services import access_denied_record

F = TypeVar("F", bound=Callable[..., Any])


def renders_denials(view: F) -> F:
    """For HTML views: a Forbidden raised inside is logged and answered with the 403 page; a
    NotFound (also another committee's object) becomes Django's plain 404."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except Forbidden as exc:
            access_denied_record(request=request, reason=exc.code)
            return render(request, "audit/denied.html", {"message": exc.message}, status=403)
        except NotFound as exc:
            raise Http404(exc.message) from None
        return response

    return wrapper  # type: ignore[return-value]


class DeniedRequestsMiddleware:
    """Log every page request refused with 403, whichever app refused it, and answer a domain
    error that reaches the edge with the right status (Forbidden → 403, NotFound → 404)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # the API answers and logs in its own handlers
        if isinstance(exception, Forbidden):
            access_denied_record(request=request, reason=exception.code)
            return render(request, "audit/denied.html", {"message": exception.message}, status=403)
        if isinstance(exception, PermissionDenied):
            access_denied_record(request=request, reason="forbidden")
            return None  # Django renders its 403 page
        if isinstance(exception, NotFound):
            return page_not_found(request, Http404(exception.message))
        return None
