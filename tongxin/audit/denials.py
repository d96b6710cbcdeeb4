"""Answering 403 and logging it: every refused request is a security event (ecosystem.md C9).

Views and API endpoints raise `Forbidden` (from an access rule or a service); these two decorators
sit at the edge, record the refusal once and let each front door answer in its own way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

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


def records_denials(operation: F) -> F:
    """For django-ninja operations (Router.add_decorator): log a Forbidden, then let the API's
    handler turn it into `{"code", "message"}` with 403."""

    @functools.wraps(operation)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return operation(request, *args, **kwargs)
        except Forbidden as exc:
            access_denied_record(request=request, reason=exc.code)
            raise

    return wrapper  # type: ignore[return-value]
