"""The one way into the security log, and the log's export (the export is itself logged)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from django.http import HttpRequest
from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, Invalid
from tongxin.core.sheets import SheetFile, template_workbook

from . import access
from .export_xlsx import security_events_xlsx
from .models import SecurityEvent
from .queries import EXPORT_MAX_ROWS, EventFilter, committee_names, security_events_filtered


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
    committee_id: int | None = None,
) -> SecurityEvent:
    """Append one row to the security log. `actor` is the user acting, if known.

    `committee_id` says whose audit administrator reads the row: by default the actor's committee;
    an action on an account passes that account's committee, so the committee the account belongs
    to sees what was done to it even when a higher committee's administrator did it.
    """
    if actor is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            actor = candidate
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    if committee_id is None:
        committee_id = getattr(actor, "committee_id", None)
    return SecurityEvent.objects.create(
        kind=kind,
        outcome=outcome,
        user_id=getattr(actor, "pk", None),
        username=getattr(actor, "username", "") or username[:150],
        committee_id=committee_id,
        ip_address=client_ip(request),
        user_agent=user_agent,
        target=target[:120],
        details=details or {},
    )


def access_denied_record(*, request: HttpRequest, reason: str = "") -> SecurityEvent:
    """Log a request that was answered 403 (等保 L3 8.1.4.3a: 越权访问 is a security event)."""
    return security_event_record(
        kind=SecurityEvent.Kind.ACCESS_DENIED,
        request=request,
        outcome=SecurityEvent.Outcome.FAILURE,
        target=f"{request.method} {request.path}",
        details={"reason": reason} if reason else {},
    )


def export_record(
    *,
    actor: Any,
    target: str,
    rows: int,
    filters: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> SecurityEvent:
    """Log one list export: what list, under which filters, how many rows left (ecosystem.md C9)."""
    return security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        actor=actor,
        target=target,
        details={"filters": filters or {}, "rows": rows},
    )


class ImportRecord:
    """The security-log entry of one import in progress (see `import_record`)."""

    def __init__(self, *, actor: Any, target: str, request: HttpRequest | None, details: dict[str, Any]):
        self.actor = actor
        self.target = target
        self.request = request
        self.details = details

    def succeeded(self, **counts: Any) -> SecurityEvent:
        """Log the import as done, with its counts; call it inside the import's transaction."""
        return security_event_record(
            kind=SecurityEvent.Kind.IMPORT,
            request=self.request,
            actor=self.actor,
            target=self.target,
            details={**self.details, **counts},
        )


@contextmanager
def import_record(
    *, actor: Any, target: str, details: dict[str, Any], request: HttpRequest | None = None
) -> Iterator[ImportRecord]:
    """Audit one import (ecosystem.md C9): the body calls `.succeeded(**counts)` when it has written
    everything; an `Invalid` leaving the body is logged as a failure (with the number of row errors, 1
    for a refused file, and the code) and raised again. `details` (the file's name) go in both."""
    record = ImportRecord(actor=actor, target=target, request=request, details=details)
    try:
        yield record
    except Invalid as exc:
        security_event_record(
            kind=SecurityEvent.Kind.IMPORT,
            request=request,
            actor=actor,
            outcome=SecurityEvent.Outcome.FAILURE,
            target=target,
            details={**details, "errors": len(getattr(exc, "errors", [])) or 1, "code": exc.code},
        )
        raise


class TemplateColumn(Protocol):
    """A column of an import template: its header, width, and what it takes."""

    @property
    def header(self) -> str: ...
    @property
    def width(self) -> int: ...
    @property
    def note(self) -> Any: ...


def template_download(
    columns: Sequence[TemplateColumn],
    *,
    title: str,
    filename: str,
    actor: Any,
    target: str,
    details: dict[str, Any],
    request: HttpRequest | None = None,
) -> SheetFile:
    """An empty import template (tongxin.core.sheets.template_workbook), its download logged."""
    sheet = template_workbook(
        [(c.header, c.width, str(c.note)) for c in columns], title=title, filename=filename
    )
    security_event_record(
        kind=SecurityEvent.Kind.DOWNLOAD,
        request=request,
        actor=actor,
        target=target,
        details=details,
    )
    return sheet


def security_log_export(*, actor: Any, filters: EventFilter, request: HttpRequest | None = None) -> bytes:
    """The audit administrator's .xlsx of the log under `filters`; the export itself is logged."""
    if not access.can_read_security_log(actor):
        raise Forbidden(_("只有审计管理员可以导出安全审计日志。"))
    events = security_events_filtered(access.security_events_visible_to(actor), filters)
    count = events.count()
    if count > EXPORT_MAX_ROWS:
        message = _("符合条件的记录有 %(count)d 条，超过单次导出上限 %(limit)d 条，请缩小时间范围。") % {
            "count": count,
            "limit": EXPORT_MAX_ROWS,
        }
        raise Invalid(message, {"date_from": [message]})
    content = security_events_xlsx(
        events.order_by("-pk").iterator(chunk_size=2000), committee_names=committee_names(actor)
    )
    # Logged after the file is built: a failed build exported nothing. The filter is kept so the
    # auditor of the auditor can see what left the system (ecosystem.md C9).
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        actor=actor,
        target="audit:security_log",
        details={"filters": filters.as_dict(), "rows": count},
    )
    return content
