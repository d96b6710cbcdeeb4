"""The security log's pages: search, one record, and the .xlsx export of the current search."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tongxin.core.errors import Invalid
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.pagination import parse_after, parse_limit

from . import access, services
from .denials import renders_denials
from .export_xlsx import XLSX
from .forms import EventFilterForm
from .queries import committee_names, security_events_filtered, security_events_page, with_committee_names


@never_cache
@login_required
@renders_denials
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    """Search the log: newest first, filtered by the GET parameters, paged by id."""
    access.require_read_security_log(request.user)
    form = EventFilterForm(request.GET)
    page, query = None, {}
    if form.is_valid():
        try:
            after, limit = parse_after(request.GET.get("after")), parse_limit(request.GET.get("limit"))
        except Invalid as exc:
            form.add_error(None, exc.message)
        else:
            query = form.filter().as_dict()
            events = security_events_filtered(access.security_events_visible_to(request.user), form.filter())
            page = security_events_page(events, after=after, limit=limit, query=query)
            with_committee_names(page.items, committee_names(request.user))
    context = {
        "form": form,
        "page": page,
        "export_query": urlencode(query),
    }
    return render_page_or_partial(request, "audit/log.html", context, partial="results")


@never_cache
@login_required
@renders_denials
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One record with every field."""
    access.require_read_security_log(request.user)
    event = access.get_security_event_for_user(request.user, pk)
    names = committee_names(request.user)
    return render(
        request,
        "audit/detail.html",
        {"event": event, "committee_name": names.get(event.committee_id or 0, "")},
    )


@never_cache
@login_required
@renders_denials
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The current search as .xlsx; the export is itself a row of the log."""
    access.require_read_security_log(request.user)
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("查询条件有误，未导出。"))
        return redirect(reverse("audit:log") + "?" + request.GET.urlencode())
    try:
        content = services.security_log_export(actor=request.user, filters=form.filter(), request=request)
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect(reverse("audit:log") + "?" + request.GET.urlencode())
    filename = _("安全审计日志-%(date)s.xlsx") % {"date": timezone.localdate().strftime("%Y%m%d")}
    return HttpResponse(
        content,
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)},
    )
