"""Proposal pages: parse → access → service → render. Members write on a phone; the office and the
units work at a desk. Every action is one POST view that calls `proposal_transition` with the payload
schema the API uses; htmx swaps partials where it helps and every page works without JavaScript."""

from __future__ import annotations

import uuid
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxin.core.errors import DomainError, Forbidden, Invalid, NotFound
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.http import signed_in_view
from tongxin.core.pagination import keyset_page, parse_after, parse_limit
from tongxin.core.sheets import import_page_submit
from tongxin.files.exports import export_response

from . import access, exports, queries, services
from .forms import (
    AttachmentForm,
    DraftForm,
    HistoryImportForm,
    ListFilterForm,
    action_form,
    action_payload,
    add_service_errors,
    proposal_kind_for,
)
from .models import Proposal, Proposer, Rating
from .services import history
from .services.config import class_labels, settings_for
from .workflow import EDITABLE_STATES, TRANSITIONS, State

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> Any:
    return request.user


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(_("您无权打开此页面。"))


# --- Lists ------------------------------------------------------------------------------------------


@signed_in_view
@never_cache
@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """我的提案 for members, the committee's proposals for the office and leaders, the assigned ones
    for a handling unit: filtered by GET parameters and paged by id."""
    user = _user(request)
    _require(access.is_business_user(user))
    form = ListFilterForm(request.GET)
    form.is_valid()
    params = {k: v for k, v in request.GET.items() if k in ("text", "state", "session", "unit")}
    try:
        qs = queries.with_list_data(queries.proposal_filter(user, params))
        page = keyset_page(
            qs,
            after=parse_after(request.GET.get("after")),
            limit=parse_limit(request.GET.get("limit")),
            query=params,
        )
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect("proposals:list")
    conf = settings_for(user.committee_id)
    context = {
        "form": form,
        "page": page,
        "rows": [queries.summary(p, conf) for p in page.items],
        "can_write": access.can_write_proposal(user),
        "office": access.can_use_review_desk(user),
        "can_see_due": access.can_see_due_lists(user),
        "can_see_key": access.can_see_key_lists(user),
    }
    return render_page_or_partial(request, "proposals/list.html", context, partial="results")


@signed_in_view
@never_cache
@require_GET
def proposal_list_export(request: HttpRequest) -> HttpResponseBase:
    """The list as .xlsx with the page's filters, every page of it (audited)."""
    return export_response(request, exports.PROPOSAL_LIST, request.GET)


# --- Writing ------------------------------------------------------------------------------------------


def _draft_form(request: HttpRequest, proposal: Proposal | None, data: Any = None) -> DraftForm:
    user = _user(request)
    committee_id = user.committee_id
    joint = proposal is None or proposal.kind in (Proposal.Kind.INDIVIDUAL, Proposal.Kind.JOINT)
    first = None
    if proposal is not None:
        first = next((p.person_id for p in proposal.proposers.all() if p.role == Proposer.Role.FIRST), None)
    initial: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex}
    if proposal is not None:
        initial = {
            "title": proposal.title,
            "background": proposal.background,
            "analysis": proposal.analysis,
            "suggestions": proposal.suggestions,
            "category_id": proposal.category_id,
            "suggested_unit_ids": queries.suggested_unit_ids(proposal),
            "cosigner_person_ids": [
                p.person_id for p in proposal.proposers.all() if p.role == Proposer.Role.COSIGNER
            ],
        }
    return DraftForm(
        data,
        initial=initial,
        categories=queries.category_choices(committee_id),
        units=queries.unit_choices(committee_id),
        members=queries.member_choices(committee_id, exclude_person_id=first or user.person_id)
        if joint
        else None,
    )


def _similarity_url() -> str:
    """The similarity panel's URL once that capability is installed and mounted, else ""."""
    if not apps.is_installed("tongxin.similarity"):
        return ""
    try:
        return reverse("similarity:similar_panel")
    except NoReverseMatch:  # installed but not mounted yet: show nothing rather than fail
        return ""


def _save_new(request: HttpRequest, form: DraftForm) -> Proposal:
    """Create the draft under the form's idempotency key (a retried or doubled POST finds the first
    one), then save the form's fields on it while it is still editable."""
    changes = form.changes()
    cosigners = changes.pop("cosigner_person_ids", []) or []
    proposal = services.proposal_create(
        actor=_user(request),
        kind=proposal_kind_for(cosigners),
        idempotency_key=form.cleaned_data.get("idempotency_key") or "",
        cosigner_person_ids=cosigners,
        **{k: v for k, v in changes.items() if v not in (None, "")},
    )
    if proposal.state in EDITABLE_STATES and access.can_edit_draft(_user(request), proposal):
        # An autosaved draft may exist under this key from before co-signers were chosen.
        if proposal.kind in (Proposal.Kind.INDIVIDUAL, Proposal.Kind.JOINT):
            changes["cosigner_person_ids"] = cosigners
        services.proposal_update_draft(proposal=proposal, actor=_user(request), changes=changes)
    return proposal


@signed_in_view
@never_cache
@require_http_methods(["GET", "POST"])
def proposal_new(request: HttpRequest) -> HttpResponse:
    """A new proposal: 案由, the body in sections, category, units and co-signers; saved as a draft
    (idempotent by the form's hidden key) and submitted when the member presses 提交."""
    user = _user(request)
    _require(access.can_write_proposal(user))
    if request.method == "POST":
        form = _draft_form(request, None, request.POST)
        if form.is_valid():
            try:
                proposal = _save_new(request, form)
                if "submit" in request.POST and proposal.state in EDITABLE_STATES:
                    services.proposal_transition(proposal=proposal, name="submit", actor=user)
                    messages.success(request, _("提案已提交。"))
                    return redirect("proposals:detail", pk=proposal.pk)
            except Invalid as exc:
                add_service_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                if proposal.state not in EDITABLE_STATES:  # a doubled submit: show the first one
                    return redirect("proposals:detail", pk=proposal.pk)
                messages.success(request, _("草稿已保存。"))
                return redirect("proposals:edit", pk=proposal.pk)
        return render(request, "proposals/edit.html", _edit_context(None, form), status=422)
    return render(request, "proposals/edit.html", _edit_context(None, _draft_form(request, None)))


def _edit_context(proposal: Proposal | None, form: DraftForm) -> dict[str, Any]:
    return {
        "proposal": proposal,
        "form": form,
        "attachment_form": AttachmentForm(),
        "similarity_url": _similarity_url(),
    }


def _editable(request: HttpRequest, pk: int) -> Proposal:
    proposal = queries.proposal_for_detail(_user(request), pk)
    if not access.can_edit_draft(_user(request), proposal):
        raise Forbidden(_("只有提案人可以修改草稿。"))
    return proposal


@signed_in_view
@never_cache
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author edits a draft (or a proposal returned for revision) and submits it."""
    user = _user(request)
    proposal = _editable(request, pk)
    if proposal.state not in EDITABLE_STATES:
        return redirect("proposals:detail", pk=pk)
    if request.method == "POST":
        form = _draft_form(request, proposal, request.POST)
        if form.is_valid():
            try:
                services.proposal_update_draft(proposal=proposal, actor=user, changes=form.changes())
                if "submit" in request.POST:
                    services.proposal_transition(proposal=proposal, name="submit", actor=user)
                    messages.success(request, _("提案已提交。"))
                    return redirect("proposals:detail", pk=pk)
                messages.success(request, _("草稿已保存。"))
                return redirect("proposals:edit", pk=pk)
            except Invalid as exc:
                add_service_errors(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
        return render(request, "proposals/edit.html", _edit_context(proposal, form), status=422)
    context = _edit_context(proposal, _draft_form(request, proposal))
    context["attachments"] = list(proposal.attachments.all())
    context["warnings"] = queries.proposal_warnings(proposal, settings_for(proposal.committee_id))
    return render(request, "proposals/edit.html", context)


@signed_in_view
@never_cache
@require_POST
def draft_autosave(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """htmx autosave every ~20 s and on leaving a field: a new draft is created under the form's key
    (so the later 保存/提交 reuses it), an existing one is updated. Answers a status fragment."""
    user = _user(request)
    proposal = _editable(request, pk) if pk is not None else None
    if proposal is None:
        _require(access.can_write_proposal(user))
    form = _draft_form(request, proposal, request.POST)
    status, saved_at, error, submitted = 200, None, "", False
    if form.is_valid():
        try:
            if proposal is None:
                proposal = _save_new(request, form)
                saved_at = timezone.localtime()
            elif services.proposal_autosave(proposal=proposal, actor=user, changes=form.changes()) is None:
                # The member's own 提交 won the race: nothing to save, and htmx stops polling on 286.
                status, submitted = 286, True
            else:
                saved_at = timezone.localtime()
        except DomainError as exc:
            status, error = 422, str(exc.message)
    else:
        status, error = 422, _("有内容未能保存，请检查后再保存。")
    context = {"saved_at": saved_at, "error": error, "proposal": proposal, "submitted": submitted}
    return render(request, "proposals/edit.html#autosave", context, status=status)


@signed_in_view
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to a draft (author) or a proposal under review (office)."""
    proposal = queries.proposal_for_detail(_user(request), pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(proposal=proposal, actor=_user(request), upload=form.cleaned_data["file"])
            messages.success(request, _("附件已上传。"))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请选择要上传的文件。"))
    target = "proposals:edit" if proposal.state in EDITABLE_STATES else "proposals:detail"
    return redirect(target, pk=pk)


@signed_in_view
@never_cache
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """An attachment, sent as a download (recorded in the security log by the service)."""
    proposal = access.get_proposal_for_user(_user(request), pk)
    attachment = services.attachment_download(
        proposal=proposal, actor=_user(request), attachment_id=attachment_id, request=request
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


@signed_in_view
@require_POST
def reply_letter_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead or separate unit attaches the signed, stamped reply letter (答复函)."""
    proposal = queries.proposal_for_detail(_user(request), pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reply_letter_attach(
                proposal=proposal, actor=_user(request), upload=form.cleaned_data["file"]
            )
            messages.success(request, _("答复函已上传。"))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("proposals:detail", pk=pk)


# --- The proposal page and its actions -------------------------------------------------------------


def _choices(proposal: Proposal, names: list[str], detail: dict[str, Any]) -> dict[str, Any]:
    """Lists the action forms pick from, loaded once per page and only when a form needs them."""
    fields = {f for n in names for f in action_form(n).fields}
    out: dict[str, Any] = {}
    if fields & {"lead_unit_id", "co_unit_ids", "unit_ids", "new_unit_id"}:
        units = queries.unit_choices(proposal.committee_id)
        out.update(lead_unit_id=units, co_unit_ids=units, unit_ids=units, new_unit_id=units)
    if "unit_id" in fields:
        out["unit_id"] = [(a["unit_id"], a["unit_name"]) for a in detail["assignments"]]
    if "reason_code" in fields:
        out["reason_code"] = queries.reason_choices(proposal.committee_id)
    if "category_id" in fields:
        out["category_id"] = queries.category_choices(proposal.committee_id)
    if "result_class" in fields:
        out["result_class"] = list(class_labels(queries.conf_of(proposal)).items())
    if "proposer_id" in fields:
        out["proposer_id"] = [(p["id"], p["name"]) for p in detail["proposers"] if p["status"] == "confirmed"]
    return out


def _detail_context(
    request: HttpRequest, proposal: Proposal, *, failed: tuple[str, Any] | None = None
) -> dict[str, Any]:
    user = _user(request)
    data = queries.detail(user, proposal)
    names = [
        n for n in data["available_actions"] if n != "submit" or not access.can_edit_draft(user, proposal)
    ]
    choices = _choices(proposal, names, data)
    forms_by_name = {n: action_form(n, choices=choices) for n in names}
    if failed is not None:  # show the refused form with its message, even if no longer offered
        forms_by_name[failed[0]] = failed[1]
        names = names if failed[0] in names else [failed[0], *names]
    return {
        "proposal": proposal,
        "d": data,
        "events": queries.timeline(proposal),
        "actions": [
            {
                "name": n,
                "label": TRANSITIONS[n].label,
                "form": forms_by_name[n],
                "open": bool(failed and failed[0] == n),
            }
            for n in names
        ],
        "attachments": list(proposal.attachments.all()),
        "attachment_form": AttachmentForm(),
        "can_edit": access.can_edit_draft(user, proposal) and proposal.state in EDITABLE_STATES,
        "can_upload_letter": "approve_reply" not in data["available_actions"]
        and access.can_answer_as_unit(user, proposal)
        and proposal.state == State.REPLY_DRAFTED,
        "class_labels": class_labels(queries.conf_of(proposal)),
        # 满意 / 基本满意 / 不满意, not the stored codes.
        "rating_labels": dict(Rating.Level.choices),
    }


@signed_in_view
@never_cache
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposal: status, text, proposers, units, released replies, ratings, timeline and the
    actions the visitor may take now."""
    proposal = queries.proposal_for_detail(_user(request), pk)
    return render(request, "proposals/detail.html", _detail_context(request, proposal))


@signed_in_view
@require_POST
def proposal_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one action of the lifecycle with the form's payload (validated by the API's schema inside
    proposal_transition); htmx gets the actions partial back, a plain POST is redirected."""
    if action not in TRANSITIONS:
        raise NotFound(_("没有这个操作。"))
    user = _user(request)
    proposal = queries.proposal_for_detail(user, pk)
    data = queries.detail(user, proposal)
    form = action_form(action, data=request.POST, choices=_choices(proposal, [action], data))
    status = 200
    if form.is_valid():
        try:
            services.proposal_transition(
                proposal=proposal, name=action, actor=user, payload=action_payload(form)
            )
        except Invalid as exc:
            add_service_errors(form, exc)
            status = 422
        except Forbidden:
            raise
        except DomainError as exc:  # 409: another person acted first, or the step is blocked
            form.add_error(None, str(exc.message))
            status = 409
        else:
            messages.success(request, _("已完成：%(action)s。") % {"action": TRANSITIONS[action].label})
            url = reverse("proposals:detail", kwargs={"pk": pk})
            if getattr(request, "htmx", None):
                # The status, replies and timeline all changed: htmx reloads the whole page.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    else:
        status = 422
    context = _detail_context(request, proposal, failed=(action, form))
    if getattr(request, "htmx", None):
        status = 200  # htmx swaps only 2xx answers; the form shows its errors either way
    return render_page_or_partial(request, "proposals/detail.html", context, partial="actions", status=status)


# --- The proposal office -------------------------------------------------------------------------


def _session_id(request: HttpRequest, sessions: list[Any]) -> int | None:
    raw = request.GET.get("session") or request.POST.get("session")
    if raw:
        try:
            wanted = int(raw)
        except ValueError:
            raise Invalid(_("会议参数有误。"), {"session": [_("须为整数。")]}) from None
        if not any(s.pk == wanted for s in sessions):
            raise NotFound(_("会议不存在。"))
        return wanted
    return sessions[0].pk if sessions else None


def _year(request: HttpRequest) -> int:
    """The ?year= of the excellent-proposal pages: this year when absent or unreadable, within 2000–2100."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, 2000), 2100)


@signed_in_view
@never_cache
@require_GET
def review_desk(request: HttpRequest) -> HttpResponse:
    """审查台: the session's submitted proposals, each with similar ones beside it."""
    user = _user(request)
    _require(access.can_use_review_desk(user))
    sessions = queries.session_choices(user.committee_id)
    session_id = _session_id(request, sessions)
    after = parse_after(request.GET.get("after"))
    rows = queries.review_desk(user, session_id=session_id, after=after, limit=50)
    next_after = rows[-1]["id"] if len(rows) == 50 else None
    return render(
        request,
        "proposals/review.html",
        {"rows": rows, "sessions": sessions, "session_id": session_id, "next_after": next_after},
    )


@signed_in_view
@never_cache
@require_http_methods(["GET", "POST"])
def batch_assign(request: HttpRequest) -> HttpResponse:
    """交办会: assign every filed proposal of a session at once (a lead and co-units per row, the
    suggested units preselected); each row goes through the same `assign` action as one by one."""
    user = _user(request)
    _require(access.can_use_review_desk(user))
    sessions = queries.session_choices(user.committee_id)
    session_id = _session_id(request, sessions)
    filed = list(
        queries.with_list_data(
            access.proposals_visible_to(user).filter(session_id=session_id, state=State.FILED)
        )
        .prefetch_related("suggested_units")
        .order_by("number", "pk")[:500]
    )
    errors: dict[int, str] = {}
    if request.method == "POST":
        done = 0
        for p in filed:
            lead = request.POST.get(f"lead_{p.pk}")
            if not lead:
                continue
            payload: dict[str, Any] = {
                "mode": "lead",
                "lead_unit_id": lead,
                "co_unit_ids": request.POST.getlist(f"co_{p.pk}"),
            }
            if request.POST.get("reply_due_on"):
                payload["reply_due_on"] = request.POST["reply_due_on"]
            try:
                services.proposal_transition(proposal=p, name="assign", actor=user, payload=payload)
                done += 1
            except DomainError as exc:
                fields = getattr(exc, "fields", {}) or {}
                errors[p.pk] = "；".join([str(exc.message), *(str(m) for ms in fields.values() for m in ms)])
        if not errors:
            messages.success(request, _("已交办 %(n)d 件。") % {"n": done})
            url = reverse("proposals:batch")
            return redirect(f"{url}?session={session_id}" if session_id else url)
        messages.error(
            request, _("已交办 %(n)d 件，%(e)d 件未能交办，请查看。") % {"n": done, "e": len(errors)}
        )
        filed = [p for p in filed if p.pk in errors]
    conf = settings_for(user.committee_id)
    rows = [
        {
            **queries.summary(p, conf),
            "suggested": [u.pk for u in p.suggested_units.all()],
            "error": errors.get(p.pk, ""),
        }
        for p in filed
    ]
    context = {
        "rows": rows,
        "units": queries.unit_choices(user.committee_id),
        "sessions": sessions,
        "session_id": session_id,
    }
    return render(request, "proposals/batch.html", context, status=422 if errors else 200)


@signed_in_view
@never_cache
@require_GET
def batch_export(request: HttpRequest) -> FileResponse:
    """The session's 交办清单 as .xlsx (recorded in the security log)."""
    user = _user(request)
    _require(access.can_use_review_desk(user))
    sessions = queries.session_choices(user.committee_id)
    session_id = _session_id(request, sessions)
    if session_id is None:
        raise NotFound(_("会议不存在。"))
    return exports.assignment_list_export(actor=user, session_id=session_id, request=request).response()


@signed_in_view
@never_cache
@require_http_methods(["GET", "POST"])
def history_import(request: HttpRequest) -> HttpResponse:
    """历史提案导入: an .xlsx of earlier sessions' proposals with replies; all rows or none."""
    user = _user(request)
    _require(access.can_use_review_desk(user))
    form = HistoryImportForm(request.POST or None, request.FILES or None)
    page = import_page_submit(
        request,
        form,
        lambda upload: history.proposals_history_sheet_import(
            actor=user, committee=user.committee, upload=upload, request=request
        ),
    )
    context = {"form": form, "result": page.result, "report": page.report}
    return render(request, "proposals/history_import.html", context, status=page.status)


@signed_in_view
@never_cache
@require_GET
def history_template(request: HttpRequest) -> FileResponse:
    """下载模板 for the history import (audited)."""
    user = _user(request)
    _require(access.can_use_review_desk(user))
    sheet = history.proposals_history_template(actor=user, committee=user.committee, request=request)
    return sheet.response()


@signed_in_view
@never_cache
@require_GET
def key_export(request: HttpRequest) -> FileResponse:
    """重点提案 as .xlsx (audited)."""
    user = _user(request)
    _require(access.can_see_key_lists(user))
    session_id = _session_id(request, queries.session_choices(user.committee_id))
    return exports.key_list_export(actor=user, session_id=session_id, request=request).response()


@signed_in_view
@never_cache
@require_GET
def excellent_export(request: HttpRequest) -> FileResponse:
    """优秀提案 of the year as .xlsx (audited)."""
    user = _user(request)
    _require(access.can_see_key_lists(user))
    year = _year(request)
    return exports.excellent_list_export(actor=user, year=year, request=request).response()


@signed_in_view
@never_cache
@require_GET
def due_export(request: HttpRequest) -> FileResponse:
    """逾期与临期答复 as .xlsx (audited)."""
    user = _user(request)
    _require(access.can_see_due_lists(user))
    return exports.due_lists_export(actor=user, request=request).response()


@signed_in_view
@never_cache
@require_GET
def review_export(request: HttpRequest) -> HttpResponseBase:
    """审查台 as .xlsx: the session's whole queue, not only the page shown (audited)."""
    return export_response(request, exports.REVIEW_DESK, request.GET)


@signed_in_view
@never_cache
@require_GET
def due_list(request: HttpRequest) -> HttpResponse:
    """Overdue and due-soon replies: the unit's own, or the whole committee's for the office."""
    user = _user(request)
    _require(access.can_see_due_lists(user))
    lists = queries.due_lists(user, today=timezone.localdate())
    return render(request, "proposals/due.html", {"lists": lists, "today": timezone.localdate()})


@signed_in_view
@never_cache
@require_GET
def key_list(request: HttpRequest) -> HttpResponse:
    """重点提案: candidates and the chair council's decisions, with the share guide."""
    user = _user(request)
    _require(access.can_see_key_lists(user))
    sessions = queries.session_choices(user.committee_id)
    session_id = _session_id(request, sessions)
    data = queries.key_proposals(user, session_id=session_id)
    return render(
        request, "proposals/key.html", {"data": data, "sessions": sessions, "session_id": session_id}
    )


@signed_in_view
@never_cache
@require_GET
def excellent_list(request: HttpRequest) -> HttpResponse:
    """优秀提案: the year's nominations and selections for the commendation."""
    user = _user(request)
    _require(access.can_see_key_lists(user))
    year = _year(request)
    data = queries.excellent_list(user, year=year)
    return render(request, "proposals/excellent.html", {"data": data, "year": year})


@signed_in_view
@never_cache
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """提案统计 of a session: counts, rates, class mix and the breakdowns."""
    user = _user(request)
    _require(access.can_see_statistics(user))
    sessions = queries.session_choices(user.committee_id)
    session_id = _session_id(request, sessions)
    data = queries.statistics(committee_id=user.committee_id, session_id=session_id)
    return render(
        request,
        "proposals/statistics.html",
        {"data": data, "sessions": sessions, "session_id": session_id},
    )
