"""Pages: the documents index (what the user may generate, by session and year), the settings page
and the work-report figures page staff copy from. Generating goes through tongxin.files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tongxin.core.errors import Forbidden, Invalid
from tongxin.core.http import signed_in_view
from tongxin.opinions.models import BulletinIssue

from . import access, queries, services
from .forms import DocumentSettingsForm, YearForm
from .models import IssuedDocument


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return int(form.cleaned_data["year"])
    return timezone.localdate().year


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(_("您无权打开此页面。"))


@signed_in_view
@never_cache
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """公文: each document the user may make, for the committee's sessions and the chosen year."""
    user: Any = request.user
    _require(access.can_open_index(user))
    year = _year(request)
    sessions = queries.sessions_of(user.committee_id)[:6]
    issues = list(
        BulletinIssue.objects.filter(committee_id=user.committee_id, year=year)
        .select_related("bulletin_type")
        .order_by("-number")[:20]
    )
    context: dict[str, Any] = {
        "year": year,
        "year_form": YearForm(initial={"year": year}),
        "sessions": [{"session": s, "short": queries.session_short(s)} for s in sessions],
        "issues": issues,
        "proposals": access.can_make_proposal_documents(user),
        "opinions": access.can_make_opinion_documents(user),
        "duties": access.can_make_duty_circular(user),
        "figures": access.can_read_work_report_figures(user),
        "settings": access.can_manage_settings(user),
        "issued": list(
            IssuedDocument.objects.filter(committee_id=user.committee_id).select_related("issued_by")[:20]
        ),
    }
    return render(request, "documents/index.html", context)


@signed_in_view
@never_cache
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """The year's figures for the 工作报告, as sentences to copy."""
    user: Any = request.user
    _require(access.can_read_work_report_figures(user))
    year = _year(request)
    sections = queries.work_report_figures(user.committee_id, year)
    return render(
        request,
        "documents/figures.html",
        {"year": year, "year_form": YearForm(initial={"year": year}), "sections": sections},
    )


@signed_in_view
@never_cache
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """公文设置: 机关代字, issuers, recipients, 抄送 and wording templates; presets until changed."""
    user: Any = request.user
    _require(access.can_read_settings(user))
    conf = services.settings_for(user.committee_id)
    form = DocumentSettingsForm(request.POST or None, conf=conf)
    status = 200
    if request.method == "POST":
        _require(access.can_manage_settings(user))
        if form.is_valid():
            try:
                services.document_settings_update(
                    actor=user, committee_id=user.committee_id, changes=form.changes()
                )
            except Invalid as exc:
                for where, problems in (exc.fields or {}).items():
                    name = where.replace(".", "__", 1)
                    form.add_error(name if name in form.fields else None, problems)
                status = 422
            else:
                messages.success(request, _("公文设置已保存。"))
                return redirect("documents:settings")
        else:
            status = 422
    return render(
        request,
        "documents/settings.html",
        {"form": form, "can_edit": access.can_manage_settings(user)},
        status=status,
    )
