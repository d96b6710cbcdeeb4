"""Roster pages: parse → access → service → render. Every page works without JavaScript; htmx only
swaps the list results, the revealed phone number and the member panel."""

from __future__ import annotations

import io
from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxin.accounts.models import User
from tongxin.core.errors import DomainError, Forbidden, Invalid, NotFound
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.http import signed_in_view
from tongxin.core.pagination import keyset_page, parse_after, parse_limit
from tongxin.core.sheets import import_page_submit
from tongxin.files.exports import export_response
from tongxin.org.models import Term

from . import access, queries, roster, services
from .forms import (
    ImportForm,
    MemberForm,
    PhotoForm,
    RosterFilterForm,
    TermChoiceForm,
    TransitionForm,
    add_service_errors,
)
from .models import Membership
from .workflow import TRANSITIONS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _xlsx(export: roster.ExportFile) -> FileResponse:
    response = FileResponse(
        io.BytesIO(export.content), as_attachment=True, filename=export.filename, content_type=XLSX
    )
    response["Cache-Control"] = "no-store"  # personal data must not stay in shared caches (C21)
    return response


@signed_in_view
@never_cache
@require_GET
def roster_list(request: HttpRequest) -> HttpResponse:
    """委员名册: the committee's roster, filtered, counted and paged by id."""
    user = _user(request)
    if not access.can_view_roster(user):
        if user.person_id is not None:
            return redirect("members:me")
        raise Forbidden(_("您无权查看委员名册。"))
    form = RosterFilterForm(request.GET, committee_id=user.committee_id)
    filters = form.filters()
    queryset = queries.roster_filter(queries.members_visible_to(user), filters)
    try:
        after, limit = parse_after(request.GET.get("after")), parse_limit(request.GET.get("limit"))
    except Invalid:
        after, limit = None, parse_limit(None)
    page = keyset_page(queries.roster_rows(queryset), after=after, limit=limit, query=request.GET.dict())
    context = {
        "form": form,
        "page": page,
        "counts": queries.roster_counts(queryset),
        "filter_items": [(k, v) for k, v in request.GET.items() if k not in ("after", "limit") and v],
        "can_manage": access.can_manage_memberships(user),
        "can_export": access.can_export_roster(user),
        "can_export_full": access.can_export_full_phones(user),
        "term": form.selected_term,
    }
    return render_page_or_partial(request, "members/list.html", context, partial="results")


def _detail_context(
    request: HttpRequest,
    membership: Membership,
    *,
    transition_forms: dict[str, TransitionForm] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    user = _user(request)
    forms = transition_forms or {}
    return {
        "membership": membership,
        "person": membership.person,
        "memberships": queries.person_memberships(membership, user),
        "events": queries.membership_timeline(membership),
        "transitions": [
            (t, forms.get(t.name) or TransitionForm(prefix=t.name))
            for t in queries.transitions_for(user, membership)
        ],
        "can_manage": access.can_manage_memberships(user, membership),
        "can_reveal": access.can_reveal_phone(user, membership),
        "can_view_roster": access.can_view_roster(user),
        "photo_form": PhotoForm(),
        **extra,
    }


@signed_in_view
@never_cache
@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One member: details (phone masked), memberships by term, photo, timeline and actions."""
    membership = access.get_membership_for_user(_user(request), pk)
    return render(request, "members/detail.html", _detail_context(request, membership))


@signed_in_view
@never_cache
@require_GET
def member_me(request: HttpRequest) -> HttpResponse:
    """我的委员信息: a member's own record, every term."""
    user = _user(request)
    memberships = (
        list(
            queries.roster_rows(
                Membership.objects.filter(person_id=user.person_id, term__committee_id=user.committee_id)
            ).order_by("-term__number")
        )
        if user.person_id is not None
        else []
    )
    if not memberships:
        raise NotFound(_("您的账号没有关联委员信息。"))
    return render(request, "members/me.html", {"person": memberships[0].person, "memberships": memberships})


@signed_in_view
@never_cache
@require_POST
def member_reveal_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """显示完整号码: the full number for allowed roles, audited; htmx gets only the phone fragment."""
    user = _user(request)
    membership = access.get_membership_for_user(user, pk)
    phone = services.phone_reveal(actor=user, membership=membership, request=request)
    context = _detail_context(request, membership, revealed=True, revealed_phone=phone)
    return render_page_or_partial(request, "members/detail.html", context, partial="phone")


@signed_in_view
@require_POST
def member_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Resign, remove or reinstate, with a note and a date."""
    user = _user(request)
    membership = access.get_membership_for_user(user, pk)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise NotFound(_("没有这项操作。"))
    if not getattr(access, transition.permission)(user, membership):
        raise Forbidden(_("您无权执行该操作。"))
    form = TransitionForm(request.POST, prefix=action)
    status, notice, error = 422, "", ""
    if form.is_valid():
        try:
            services.membership_transition(
                membership=membership,
                name=action,
                actor=user,
                note=form.cleaned_data["note"],
                on_date=form.cleaned_data["on_date"],
            )
        except (NotFound, Forbidden):
            raise
        except Invalid as exc:
            add_service_errors(form, exc)
            status = exc.status
        except DomainError as exc:
            # A state conflict: the form for this move may no longer be shown, so say it above the panel.
            error, status = exc.message, exc.status
        else:
            notice = _("已%(label)s。") % {"label": transition.label}
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, notice)
                return redirect("members:detail", pk=pk)
            form, status = TransitionForm(prefix=action), 200
    membership = access.get_membership_for_user(user, pk)
    context = _detail_context(
        request, membership, transition_forms={action: form}, notice=notice, error=error
    )
    # htmx swaps only successful responses: it gets 200 and finds the message inside the panel.
    status = 200 if request.htmx else status  # type: ignore[attr-defined]
    return render_page_or_partial(request, "members/detail.html", context, partial="member", status=status)


@signed_in_view
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    """新增委员: a person and their membership of the chosen term."""
    user = _user(request)
    if not access.can_manage_memberships(user):
        raise Forbidden(_("您无权新增委员。"))
    chooser = TermChoiceForm(request.GET or None, committee_id=user.committee_id)
    term = chooser.selected_term() or queries.current_term(user.committee_id)
    if term is None:
        raise NotFound(_("本委员会尚未设置届次。"))
    form = MemberForm(request.POST or None, term=term)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_create(actor=user, term=term, **form.service_kwargs())
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记委员%(name)s。") % {"name": membership.person.name})
            return redirect("members:detail", pk=membership.pk)
    status = 422 if form.errors else 200
    return render(
        request, "members/form.html", {"form": form, "chooser": chooser, "term": term}, status=status
    )


@signed_in_view
@never_cache
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改委员信息."""
    user = _user(request)
    membership = access.get_membership_for_user(user, pk)
    if not access.can_manage_memberships(user, membership):
        raise Forbidden(_("您无权修改委员信息。"))
    form = MemberForm(request.POST or None, term=membership.term, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=user, membership=membership, **form.service_kwargs())
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("members:detail", pk=pk)
    status = 422 if form.errors else 200
    context = {"form": form, "membership": membership, "term": membership.term}
    return render(request, "members/form.html", context, status=status)


@signed_in_view
@require_GET
def member_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The photo, served through access control (never from a public media URL, C17)."""
    membership = access.get_membership_for_user(_user(request), pk)
    photo = membership.person.photo
    if not photo.name or not photo.storage.exists(photo.name):
        raise NotFound(_("没有照片。"))
    content_type = "image/png" if photo.name.endswith(".png") else "image/jpeg"
    response = FileResponse(photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


@signed_in_view
@require_POST
def member_photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """上传照片."""
    user = _user(request)
    membership = access.get_membership_for_user(user, pk)
    if not access.can_manage_memberships(user, membership):
        raise Forbidden(_("您无权上传照片。"))
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.member_photo_set(actor=user, membership=membership, upload=form.cleaned_data["photo"])
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("照片已更新。"))
            return redirect("members:detail", pk=pk)
    context = _detail_context(request, membership, photo_form=form)
    return render(request, "members/detail.html", context, status=422)


@signed_in_view
@require_http_methods(["GET", "POST"])
def roster_import_view(request: HttpRequest) -> HttpResponse:
    """导入名册: upload a term's .xlsx; all rows import or none, with a row-by-row report."""
    user = _user(request)
    if not access.can_manage_memberships(user):
        raise Forbidden(_("您无权导入委员名册。"))
    form = ImportForm(request.POST or None, request.FILES or None, committee_id=user.committee_id)

    def run(upload: Any) -> roster.ImportResult:
        term = form.selected_term()
        assert term is not None  # the form only accepts the committee's terms
        return roster.roster_import(actor=user, term=term, upload=upload, request=request)

    page = import_page_submit(request, form, run)
    context = {"form": form, "result": page.result, "report": page.report}
    return render(request, "members/import.html", context, status=page.status)


@signed_in_view
@require_GET
def roster_export_view(request: HttpRequest) -> HttpResponseBase:
    """导出名册 (.xlsx) with the list's filters; full numbers only when ticked by an allowed role; a
    large roster is made in the background (files.exports)."""
    return export_response(request, roster.ROSTER, request.GET)


@signed_in_view
@require_GET
def roster_template_view(request: HttpRequest) -> HttpResponseBase:
    """下载导入模板 for a term (its sector, party, committee and group names listed)."""
    user = _user(request)
    chooser = TermChoiceForm(request.GET or None, committee_id=user.committee_id)
    term: Term | None = chooser.selected_term() or queries.current_term(user.committee_id)
    if term is None:
        raise NotFound(_("本委员会尚未设置届次。"))
    return _xlsx(roster.roster_template(actor=user, term=term, request=request))
