"""API: the security log for the audit administrator (search, one record, .xlsx export)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Query, Router

from tongxin.core.pagination import parse_limit

from . import access, services
from .export_xlsx import XLSX
from .models import SecurityEvent
from .queries import EventFilter, event_filter, security_events_filtered, security_events_page
from .schemas import ErrorOut, EventListOut, EventOut, EventQuery

router = Router()

ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


def _filter(query: EventQuery) -> EventFilter:
    return event_filter(
        date_from=query.date_from,
        date_to=query.date_to,
        kind=query.kind,
        outcome=query.outcome,
        username=query.username,
        ip=query.ip,
    )


@router.get("/events", response={200: EventListOut, **ERRORS}, summary="查询安全审计日志")
def event_list(request: HttpRequest, query: Query[EventQuery]) -> dict[str, Any]:
    """Newest first, keyset by id: pass the answer's `next_after` as `after` for the next page.
    Only the audit administrator; rows of their committee and the committees below it."""
    access.require_read_security_log(request.user)
    events = security_events_filtered(access.security_events_visible_to(request.user), _filter(query))
    page = security_events_page(events, after=query.after, limit=parse_limit(query.limit))
    return {"items": page.items, "next_after": page.next_after}


@router.get(
    "/events/export",
    response={200: None, **ERRORS},
    summary="导出安全审计日志（xlsx）",
    openapi_extra={"responses": {200: {"description": "xlsx", "content": {XLSX: {}}}}},
)
def event_export(request: HttpRequest, query: Query[EventQuery]) -> HttpResponse:
    """The same filters as the search, as an .xlsx file; the export is itself logged (kind `export`)."""
    content = services.security_log_export(actor=request.user, filters=_filter(query), request=request)
    filename = _("安全审计日志-%(date)s.xlsx") % {"date": timezone.localdate().strftime("%Y%m%d")}
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)},
    )


@router.get(
    "/events/{int:event_id}",
    response={200: EventOut, 404: ErrorOut, **ERRORS},
    summary="查看一条安全审计记录",
)
def event_detail(request: HttpRequest, event_id: int) -> SecurityEvent:
    """Another committee's record answers 404."""
    access.require_read_security_log(request.user)
    return access.get_security_event_for_user(request.user, event_id)
