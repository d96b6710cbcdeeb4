"""数据看板 pages: the index with period pickers, one page per dashboard, and its .xlsx."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tongxin.core.errors import Forbidden, Invalid
from tongxin.core.http import signed_in_view
from tongxin.proposals.queries import session_choices

from . import access, exports
from .forms import Period, proposals_period, year_from
from .tables import TITLES, dashboard_for

DASHBOARDS = ("proposals", "opinions", "members", "compare")


def _reader(request: HttpRequest) -> Any:
    user: Any = request.user
    if not access.can_view_dashboards(user):
        raise Forbidden(_("只有机关工作人员和领导可以查看数据看板。"))
    return user


def _period(request: HttpRequest, name: str, committee_id: int) -> Period:
    """The period asked for; bad input falls back to the default with a message (never a crash)."""
    params = request.GET
    try:
        if name == "proposals":
            return proposals_period(committee_id, session=params.get("session"), year=params.get("year"))
        year = year_from(params.get("year"))
    except Invalid as exc:
        messages.error(request, exc.message)
        if name == "proposals":
            return proposals_period(committee_id)
        year = timezone.localdate().year
    return Period(None, year, _("%(y)d 年") % {"y": year})


@signed_in_view
@never_cache
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    return render(
        request,
        "dashboards/index.html",
        {
            "sessions": session_choices(user.committee_id),
            "year": timezone.localdate().year,
            "titles": {name: str(title) for name, title in TITLES.items()},
        },
    )


@signed_in_view
@never_cache
@require_GET
def dashboard(request: HttpRequest, name: str) -> HttpResponse:
    user = _reader(request)
    period = _period(request, name, user.committee_id)
    board, _data = dashboard_for(name, user.committee_id, period)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "name": name,
            "board": board,
            "period": period,
            "sessions": session_choices(user.committee_id) if name == "proposals" else [],
            "query": request.GET.urlencode(),
            "year_value": period.year or "",
        },
    )


@signed_in_view
@never_cache
@require_GET
def dashboard_export(request: HttpRequest, name: str) -> FileResponse:
    user = _reader(request)
    period = _period(request, name, user.committee_id)
    board, _data = dashboard_for(name, user.committee_id, period)
    export = exports.dashboard_export(
        actor=user,
        name=name,
        dashboard=board,
        period={"session": period.session_id, "year": period.year},
        request=request,
    )
    response = FileResponse(
        io.BytesIO(export.content), as_attachment=True, filename=export.filename, content_type=exports.XLSX
    )
    response["Cache-Control"] = "no-store"
    return response
