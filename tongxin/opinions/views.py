"""Opinion pages: parse → access → service → render. Every page works without JavaScript; htmx only
swaps the list results and shows the draft's autosave."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxin.accounts.models import User
from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.http import signed_in_view
from tongxin.core.pagination import keyset_page, parse_after, parse_limit
from tongxin.files.exports import export_response

from . import access, exports, queries, services
from .forms import (
    ACTION_FORMS,
    AdoptForm,
    AttachmentForm,
    EditForm,
    FilterForm,
    IssueForm,
    NewReportForm,
    ReportForm,
    SendForm,
    YearForm,
    add_service_errors,
)
from .models import OpinionAttachment, OpinionReport
from .workflow import EDITABLE_STATES, TRANSITIONS


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@signed_in_view
@never_cache
@require_GET
def opinion_list(request: HttpRequest) -> HttpResponse:
    """社情民意信息: the caller's reports, or the committee's for the office and leaders."""
    user = _user(request)
    if not (access.can_report(user) or access.sees_whole_committee(user)):
        raise Forbidden(_("您无权查看社情民意信息。"))
    form = FilterForm(request.GET)
    filters = form.filters()
    try:
        after, limit = parse_after(request.GET.get("after")), parse_limit(request.GET.get("limit"))
    except Invalid:
        after, limit = None, parse_limit(None)
    qs = queries.with_list_data(queries.opinion_filter(user, filters))
    urgent = queries.urgent_queue(user) if filters.get("box") == "queue" and after is None else []
    if urgent:
        qs = qs.exclude(pk__in=[r.pk for r in urgent])
    context = {
        "form": form,
        "page": keyset_page(qs, after=after, limit=limit, query=request.GET.dict()),
        "urgent": urgent,
        "can_report": access.can_report(user),
        "is_office": access.is_information_office(user),
        "can_statistics": access.can_view_statistics(user),
    }
    return render_page_or_partial(request, "opinions/list.html", context, partial="results")


@signed_in_view
@never_cache
@require_GET
def opinion_list_export(request: HttpRequest) -> HttpResponseBase:
    """The list as .xlsx with the page's filters, every page of it (audited); a large one is made in
    the background (files.exports)."""
    return export_response(request, exports.OPINION_LIST, request.GET)


@signed_in_view
@never_cache
@require_GET
def bulletin_list_export(request: HttpRequest) -> FileResponse:
    """刊物期次 as .xlsx (audited)."""
    return exports.bulletin_list_export(actor=_user(request), request=request).response()


@signed_in_view
@never_cache
@require_http_methods(["GET", "POST"])
def opinion_new(request: HttpRequest) -> HttpResponse:
    """Write a new report (phone-first); saving creates the draft, submitting sends it."""
    user = _user(request)
    if not access.can_report(user):
        raise Forbidden(_("您无权撰写社情民意信息。"))
    limit = services.settings_for(user.committee_id).max_chars
    if request.method == "GET":
        form = NewReportForm(user=user, limit=limit, initial={"idempotency_key": uuid.uuid4().hex})
        return render(request, "opinions/form.html", {"form": form, "limit": limit})
    form = NewReportForm(request.POST, user=user, limit=limit)
    if form.is_valid():
        try:
            report = services.opinion_create(actor=user, **form.service_kwargs())
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            # A form sent twice (a double tap) finds the first report: show it, never submit it twice.
            if "submit" in request.POST and report.state in EDITABLE_STATES:
                try:
                    services.opinion_transition(report=report, name="submit", actor=user)
                except Invalid as exc:
                    # The draft is saved but cannot go yet: continue on its edit page with the reason.
                    messages.error(request, exc.message)
                    return redirect("opinions:edit", pk=report.pk)
                messages.success(request, _("已报送信息科。"))
            else:
                messages.success(request, _("草稿已保存。"))
            return redirect("opinions:detail", pk=report.pk)
    return render(request, "opinions/form.html", {"form": form, "limit": limit}, status=422)


def _draft_form(request: HttpRequest, report: OpinionReport, limit: int) -> ReportForm:
    fields = ("title", "situation", "analysis", "suggestions", "category", "is_urgent", "reporter_unit")
    if request.method == "POST":
        return ReportForm(request.POST, user=request.user, limit=limit)
    return ReportForm(initial={f: getattr(report, f) for f in fields}, user=request.user, limit=limit)


@signed_in_view
@never_cache
@require_http_methods(["GET", "POST"])
def opinion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author revises a draft or a returned report, then saves or submits it."""
    user = _user(request)
    report = access.get_report_for_user(user, pk)
    if not access.can_edit_draft(user, report):
        raise Forbidden(_("只有反映人可以修改。"))
    if report.state not in EDITABLE_STATES:
        messages.error(request, _("已报送的信息不能再修改。"))
        return redirect("opinions:detail", pk=pk)
    limit = services.settings_for(report.committee_id).max_chars
    form = _draft_form(request, report, limit)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_update_draft(report=report, actor=user, changes=form.cleaned_data)
            if "submit" in request.POST:
                services.opinion_transition(report=report, name="submit", actor=user)
                messages.success(request, _("已报送信息科。"))
            else:
                messages.success(request, _("草稿已保存。"))
            return redirect("opinions:detail", pk=pk)
        except Invalid as exc:
            add_service_errors(form, exc)
            status = 422
        except (Conflict, NotFound) as exc:
            # Someone acted first (the office returned or the author withdrew it elsewhere).
            messages.error(request, exc.message)
            return redirect("opinions:detail", pk=pk)
    elif request.method == "POST":
        status = 422
    context = {"form": form, "report": report, "limit": limit}
    return render(request, "opinions/form.html", context, status=status)


@signed_in_view
@require_POST
def opinion_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx autosave of a draft while the author types; answers a short status line."""
    user = _user(request)
    report = access.get_report_for_user(user, pk)
    limit = services.settings_for(report.committee_id).max_chars
    form = ReportForm(request.POST, user=user, limit=limit)
    context: dict[str, Any] = {"report": report, "limit": limit}
    if not form.is_valid():
        context["autosave_error"] = _("内容有误，未能自动保存。")
    else:
        try:
            report = services.opinion_update_draft(report=report, actor=user, changes=form.cleaned_data)
            context.update(report=report, saved_at=timezone.localtime())
        except DomainError as exc:
            context["autosave_error"] = exc.message
    return render(request, "opinions/form.html#autosave", context)


def _detail_context(
    request: HttpRequest, report: OpinionReport, action_forms: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = _user(request)
    actions = queries.available_actions(user, report)
    built = dict(action_forms or {})
    for name in actions:
        if name in built:
            continue
        if name == "edit":
            built[name] = EditForm.for_report(report, prefix=name)
        elif name == "adopt":
            built[name] = AdoptForm(
                issues=queries.open_issues(report.committee_id),
                types=services.bulletin_types_for(report.committee_id),
                prefix=name,
            )
        else:
            built[name] = ACTION_FORMS[name](prefix=name)
    can_attach = (access.can_edit_draft(user, report) and report.state in EDITABLE_STATES) or (
        access.can_handle(user, report) and report.state in ("received", "editing")
    )
    return {
        "report": report,
        "authors": [a.membership.person.name for a in report.authors.all()],
        "outcomes": queries.outcomes(report),
        "attachments": list(report.attachments.all()),
        "events": queries.opinion_timeline(report),
        "actions": [(TRANSITIONS[name], built[name]) for name in actions],
        "can_edit": access.can_edit_draft(user, report) and report.state in EDITABLE_STATES,
        "can_attach": can_attach,
        "can_view_bulletins": access.can_view_bulletins(user),
        "attachment_form": AttachmentForm(),
        "limit": services.settings_for(report.committee_id).max_chars,
    }


@signed_in_view
@never_cache
@require_GET
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: the original and the edited text, what came back from every level, the timeline."""
    report = access.get_report_for_user(_user(request), pk)
    return render(request, "opinions/detail.html", _detail_context(request, report))


@signed_in_view
@require_POST
def opinion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow action from its form on the report page."""
    user = _user(request)
    report = access.get_report_for_user(user, pk)
    transition = TRANSITIONS.get(action)
    if transition is None or action not in ACTION_FORMS:
        raise NotFound(_("没有这项操作。"))
    access.require(user, transition.permission, report)
    form: forms.Form
    if action == "adopt":
        form = AdoptForm(
            request.POST,
            issues=queries.open_issues(report.committee_id),
            types=services.bulletin_types_for(report.committee_id),
            prefix=action,
        )
    else:
        form = ACTION_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        payload = form.service_payload() if isinstance(form, AdoptForm) else form.cleaned_data
        try:
            services.opinion_transition(report=report, name=action, actor=user, payload=payload)
        except Invalid as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            if isinstance(exc, NotFound | Forbidden):
                raise
            messages.error(request, exc.message)
            return redirect("opinions:detail", pk=pk)
        else:
            messages.success(request, _("已%(label)s。") % {"label": transition.label})
            return redirect("opinions:detail", pk=pk)
    report = access.get_report_for_user(user, pk)
    return render(
        request, "opinions/detail.html", _detail_context(request, report, {action: form}), status=422
    )


@signed_in_view
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an attachment from the report page."""
    user = _user(request)
    report = access.get_report_for_user(user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(report=report, actor=user, upload=form.cleaned_data["file"])
            messages.success(request, _("附件已上传。"))
        except Invalid as exc:
            messages.error(request, exc.message)
        except DomainError as exc:
            if isinstance(exc, NotFound | Forbidden):
                raise
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("opinions:detail", pk=pk)


@signed_in_view
@never_cache
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Download an attachment of a report the caller may read; every download is audited."""
    user = _user(request)
    attachment = OpinionAttachment.objects.select_related("report").filter(pk=pk).first()
    if attachment is None:
        raise NotFound(_("附件不存在。"))
    access.get_report_for_user(user, attachment.report_id)
    security_event_record(
        kind=SecurityEvent.Kind.DOWNLOAD,
        request=request,
        actor=user,
        target=f"opinions.attachment:{attachment.pk}",
        details={"report_id": attachment.report_id, "name": attachment.original_name},
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


# --- bulletins -------------------------------------------------------------------------------


@signed_in_view
@never_cache
@require_http_methods(["GET", "POST"])
def bulletin_list(request: HttpRequest) -> HttpResponse:
    """The committee's bulletin issues; the office numbers a new one here."""
    user = _user(request)
    if not access.can_view_bulletins(user):
        raise Forbidden(_("您无权查看刊物。"))
    types = services.bulletin_types_for(user.committee_id)
    form = IssueForm(request.POST or None, types=types)
    status = 200
    if request.method == "POST":
        if not access.can_manage_bulletins(user):
            raise Forbidden(_("只有信息工作人员可以编排刊物。"))
        if form.is_valid():
            try:
                issue = services.bulletin_issue_create(actor=user, **form.cleaned_data)
                messages.success(request, _("已新建 %(label)s。") % {"label": issue.label})
                return redirect("opinions:bulletin_detail", pk=issue.pk)
            except Invalid as exc:
                add_service_errors(form, exc)
        status = 422
    try:
        after = parse_after(request.GET.get("after"))
    except Invalid:
        after = None
    page = keyset_page(queries.issues_for(user), after=after, limit=50, query=request.GET.dict())
    context = {"page": page, "form": form, "can_manage": access.can_manage_bulletins(user)}
    return render(request, "opinions/bulletins.html", context, status=status)


def _issue_context(request: HttpRequest, issue: Any, send_form: SendForm | None = None) -> dict[str, Any]:
    user = _user(request)
    return {
        "issue": issue,
        "reports": queries.issue_reports(issue),
        "events": list(issue.events.select_related("actor")),
        "can_manage": access.can_manage_bulletins(user),
        "send_form": send_form
        or SendForm(initial={"recipients": issue.recipients, "recipient_note": issue.recipient_note}),
        "recipient_labels": [str(dict(issue.Recipient.choices).get(r, r)) for r in issue.recipients],
    }


@signed_in_view
@never_cache
@require_GET
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One issue: its reports, recipients, and the send and forward buttons."""
    issue = access.get_issue_for_user(_user(request), pk)
    return render(request, "opinions/bulletin_detail.html", _issue_context(request, issue))


@signed_in_view
@require_POST
def bulletin_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the issue: every report in it becomes 已报送."""
    user = _user(request)
    issue = access.get_issue_for_user(user, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            services.bulletin_send(issue=issue, actor=user, **form.cleaned_data)
            messages.success(request, _("本期已报送。"))
            return redirect("opinions:bulletin_detail", pk=pk)
        except Invalid as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            if isinstance(exc, NotFound | Forbidden):
                raise
            messages.error(request, exc.message)
            return redirect("opinions:bulletin_detail", pk=pk)
    return render(request, "opinions/bulletin_detail.html", _issue_context(request, issue, form), status=422)


@signed_in_view
@require_POST
def bulletin_forward_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Forward the whole issue to the parent committee."""
    user = _user(request)
    issue = access.get_issue_for_user(user, pk)
    try:
        services.bulletin_forward(issue=issue, actor=user)
        messages.success(request, _("本期已转报上级政协。"))
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        messages.error(request, exc.message)
    return redirect("opinions:bulletin_detail", pk=pk)


# --- statistics ------------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    form = YearForm(request.GET or {"year": timezone.localdate().year})
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


@signed_in_view
@never_cache
@require_GET
def statistics_view(request: HttpRequest) -> HttpResponse:
    """The year's figures and rankings (社情民意信息采纳情况通报)."""
    user = _user(request)
    if not access.can_view_statistics(user):
        raise Forbidden(_("只有信息工作人员和领导可以查看统计。"))
    year = _year(request)
    stats = queries.statistics(committee_id=user.committee_id, year=year)
    return render(
        request,
        "opinions/statistics.html",
        {"stats": stats, "year": year, "form": YearForm(initial={"year": year})},
    )


@signed_in_view
@never_cache
@require_GET
def statistics_export(request: HttpRequest) -> FileResponse:
    """The same figures as an Excel workbook; the export is audited."""
    user = _user(request)
    return exports.statistics_export(actor=user, year=_year(request), request=request).response()
