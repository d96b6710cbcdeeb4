"""The one way into the security log."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import SecurityEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as Django sees it (a TLS proxy in front sets REMOTE_ADDR via the server)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    username: str = "",
    outcome: str = SecurityEvent.Outcome.SUCCESS,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Append one row to the security log. `actor` is the user acting, if known."""
    if actor is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            actor = candidate
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    return SecurityEvent.objects.create(
        kind=kind,
        outcome=outcome,
        user_id=getattr(actor, "pk", None),
        username=getattr(actor, "username", "") or username[:150],
        committee_id=getattr(actor, "committee_id", None),
        ip_address=client_ip(request),
        user_agent=user_agent,
        target=target[:120],
        details=details or {},
    )
