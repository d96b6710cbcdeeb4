"""The edge of every HTML view: signed-in only, and domain errors answered with HTTP statuses."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from .errors import Forbidden, NotFound

View = Callable[..., HttpResponseBase]


def signed_in_view(view: View) -> View:
    """Signed-in only. NotFound → 404 (never a hint that another committee's object exists);
    Forbidden → 403 (logged as access_denied by audit.denials.DeniedRequestsMiddleware)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None

    return login_required(wrapped)
