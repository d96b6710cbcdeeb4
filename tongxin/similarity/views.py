"""Pages: the draft check with its similar panel, the session's 并案 desk, unit suggestions, search."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tongxin.core.errors import DomainError, Forbidden, Invalid, NotFound
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.pagination import keyset_page, parse_after, parse_limit
from tongxin.org.models import HandlingUnit, PlenarySession
from tongxin.proposals import access as proposal_access
from tongxin.proposals.workflow import State

from . import access, queries, services
from .forms import DraftForm, MergeForm, SearchForm


def _guard(fn: Any, *args: Any) -> Any:
    """Domain access errors as Django's 404 / 403."""
    try:
        return fn(*args)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None


def _require(user: Any) -> None:
    _guard(access.require_similarity, user)


def _draft_items(request: HttpRequest) -> tuple[DraftForm, list[queries.SimilarItem]]:
    form = DraftForm(request.GET)
    if not form.is_valid():
        return form, []
    d = form.cleaned_data
    return form, queries.similar_for_text(
        user=request.user, title=d["title"], body=form.body_text(), exclude=d["exclude"]
    )


@login_required
@require_GET
def similar_panel(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    form, items = _draft_items(request)
    return render(
        request,
        "similarity/similar_panel.html",
        {"items": items, "asked": bool(form.data.get("title") or form.data.get("body"))},
    )


@login_required
@require_GET
def draft_check(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    form, items = _draft_items(request)
    asked = bool(request.GET.get("title") or request.GET.get("body"))
    return render(request, "similarity/draft_check.html", {"form": form, "items": items, "asked": asked})


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    """The navigation's 并案建议: the latest active session's desk (the proposal office only)."""
    if not proposal_access.is_proposal_office(request.user):
        raise PermissionDenied(_("只有提案工作机构可以审查并案建议。"))
    session = (
        PlenarySession.objects.filter(term__committee_id=request.user.committee_id, is_active=True)  # type: ignore[union-attr]
        .order_by("-opens_on", "-pk")
        .first()
    )
    if session is not None:
        return redirect("similarity:clusters", session_id=session.pk)
    return render(request, "similarity/desk_empty.html")


@login_required
@require_GET
def session_clusters(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _guard(access.get_session_for_office, request.user, session_id)
    result = queries.session_clusters(session=session)
    ctx = {
        "session": session,
        "clusters": result.clusters,
        "computed_at": result.computed_at,
        "copies": queries.copies_for_session(session),
        "filed": State.FILED,
    }
    return render(request, "similarity/clusters.html", ctx)


@login_required
@require_POST
def cluster_recompute(request: HttpRequest, session_id: int) -> HttpResponse:
    """重新计算: compute the session's clusters again instead of showing the cached result."""
    session: PlenarySession = _guard(access.get_session_for_office, request.user, session_id)
    queries.session_clusters(session=session, refresh=True)
    messages.success(request, _("已重新计算并案建议。"))
    return redirect("similarity:clusters", session_id=session.pk)


@login_required
@require_POST
def cluster_merge(request: HttpRequest, session_id: int) -> HttpResponse:
    session: PlenarySession = _guard(access.get_session_for_office, request.user, session_id)
    ids = [int(v) for v in request.POST.getlist("members") if v.isdigit()]
    form = MergeForm(request.POST, member_ids=ids)
    if not form.is_valid():
        messages.error(request, _("并案请求有误，请重新选择。"))
        return redirect("similarity:clusters", session_id=session.pk)
    try:
        lead = services.cluster_merge(
            actor=request.user,
            session=session,
            lead_id=form.cleaned_data["lead"],
            member_ids=form.cleaned_data["members"],
            note=form.cleaned_data["note"],
        )
    except (Invalid, DomainError) as exc:
        if isinstance(exc, Forbidden):
            raise PermissionDenied(str(exc)) from None
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已并案，牵头提案：%(title)s") % {"title": lead.title})
    return redirect("similarity:clusters", session_id=session.pk)


@login_required
@require_GET
def unit_suggestions(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = _guard(access.get_proposal_for_unit_suggestions, request.user, proposal_id)
    suggestions = queries.unit_suggestions(user=request.user, proposal=proposal)
    return render(
        request, "similarity/unit_suggestions.html", {"proposal": proposal, "suggestions": suggestions}
    )


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    form = SearchForm(request.GET)
    page = None
    hits: list[dict[str, Any]] = []
    if form.is_valid() and form.cleaned_data["q"]:
        d = form.cleaned_data
        filters = queries.SearchFilters(
            q=d["q"],
            kind=d["type"] or "proposal",
            session_id=d["session"],
            state=d["state"],
            unit_id=d["unit"],
        )
        try:
            limit = parse_limit(request.GET.get("limit"))
            after = parse_after(request.GET.get("after"))
        except Invalid:
            limit, after = 20, None
        query = {k: v for k, v in request.GET.items() if k not in ("after",) and v}
        page = keyset_page(
            queries.search(user=request.user, filters=filters), after=after, limit=limit, query=query
        )
        terms = queries.search_terms(d["q"])
        hits = queries.search_hits(request.user, list(page.items), terms)
    committee_id = request.user.committee_id  # type: ignore[union-attr]
    ctx = {
        "form": form,
        "page": page,
        "hits": hits,
        "sessions": PlenarySession.objects.filter(term__committee_id=committee_id).select_related("term"),
        "units": HandlingUnit.objects.filter(committee_id=committee_id, is_active=True).order_by("name"),
        "states": State.choices,
    }
    return render_page_or_partial(request, "similarity/search.html", ctx, partial="results")
