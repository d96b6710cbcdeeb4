"""Duty record pages: a member's own record on the phone; the office's overview, rules, manual
entries and assessment at the desk. parse → access → service → render; no JavaScript needed."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxin.accounts.models import User
from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.http import signed_in_view
from tongxin.core.pagination import keyset_page, parse_after
from tongxin.members.models import Membership

from . import access, exports, queries, services
from .forms import (
    ChecklistPresetForm,
    ClaimFilterForm,
    ClaimForm,
    NoteForm,
    PresetForm,
    QueryForm,
    ReportForm,
    YearForm,
    add_service_errors,
)
from .models import DutyClaim, DutyReport
from .workflow import CLAIM_TRANSITIONS, QUERY_STATES, REPORT_STATES, SCORING_STATES, TRANSITIONS


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _year(request: HttpRequest) -> int:
    return YearForm(request.GET).year_or(timezone.localdate().year)


def _record_context(request: HttpRequest, membership: Membership, year: int) -> dict[str, Any]:
    cycle = queries.cycle_for(membership.term.committee_id, year)
    events = list(queries.record_events(membership, year))
    return {
        "membership": membership,
        "year": year,
        "year_form": YearForm(initial={"year": year}),
        "events": events,
        "score": queries.explanation(membership, year),
        "checklist": queries.checklist_progress(membership, year),
        "cycle": cycle,
        "own": access.is_own_membership(_user(request), membership),
        "can_query": cycle is not None and cycle.state in QUERY_STATES,
        # A grade is the year's result only once graded (§10.9); before that the bands would alarm.
        "graded": cycle is not None and cycle.state not in SCORING_STATES,
        "can_report": cycle is not None and cycle.state in REPORT_STATES,
        "query_form": QueryForm(events=events),
    }


@signed_in_view
@never_cache
@require_GET
def my_record(request: HttpRequest) -> HttpResponse:
    """我的履职档案: the member's own record, score and checklist; staff go to the overview."""
    user = _user(request)
    membership = access.own_membership(user)
    if membership is None:
        if access.can_view_committee_records(user):
            return redirect("duties:overview")
        raise Forbidden(_("您没有履职档案。"))
    return render(request, "duties/record.html", _record_context(request, membership, _year(request)))


@signed_in_view
@never_cache
@require_GET
def member_record(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's record (the member themself, office staff and leaders)."""
    membership = access.get_membership_for_record(_user(request), pk)
    return render(request, "duties/record.html", _record_context(request, membership, _year(request)))


@signed_in_view
@never_cache
@require_GET
def scores_export(request: HttpRequest) -> FileResponse:
    """The year's scores (every page, best first) and per-capita tables as .xlsx (audited)."""
    return exports.scores_export(actor=_user(request), year=_year(request), request=request).response()


@signed_in_view
@never_cache
@require_GET
def committee_overview(request: HttpRequest) -> HttpResponse:
    """履职考核: the year's cycle, ranking, per-capita averages and checklist progress."""
    user = _user(request)
    if not access.can_view_committee_records(user):
        raise Forbidden(_("只有机关工作人员和领导可以查看全会履职考核。"))
    year = _year(request)
    try:
        after = parse_after(request.GET.get("after"))
    except Invalid:
        after = None
    page = keyset_page(
        queries.scores_for(user.committee_id, year).order_by(),
        after=after,
        limit=50,
        query=request.GET.dict(),
    )
    cycle = queries.cycle_for(user.committee_id, year)
    context = {
        "year": year,
        "year_form": YearForm(initial={"year": year}),
        "page": page,
        "top": list(queries.scores_for(user.committee_id, year)[:20]),
        "averages": [
            (label, queries.averages(user.committee_id, year, dim))
            for dim, label in (
                ("activity_group", _("活动组")),
                ("sector", _("界别")),
                ("participating_unit", _("参加单位")),
                ("special_committee", _("专委会")),
            )
        ],
        "checklist": queries.checklist_summary(user.committee_id, year),
        "cycle": cycle,
        "cycle_actions": [
            t
            for t in TRANSITIONS.values()
            if cycle and cycle.state in t.sources and access.can_manage_assessment(user, cycle)
        ],
        "can_manage": access.can_manage_assessment(user),
        "pending_claims": queries.claims_pending(user.committee_id).count(),
    }
    return render_page_or_partial(request, "duties/overview.html", context, partial="ranking")


@signed_in_view
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """计分规则: the year's rules and checklist; member affairs applies presets."""
    user = _user(request)
    if not access.can_view_committee_records(user):
        raise Forbidden(_("只有机关工作人员和领导可以查看计分规则。"))
    year = _year(request)
    preset_form = PresetForm(initial={"year": year})
    checklist_form = ChecklistPresetForm(initial={"year": year})
    if request.method == "POST":
        which = request.POST.get("which")
        form: PresetForm | ChecklistPresetForm = (
            PresetForm(request.POST) if which == "rules" else ChecklistPresetForm(request.POST)
        )
        if form.is_valid():
            try:
                if which == "rules":
                    services.score_rules_apply_preset(actor=user, **form.cleaned_data)
                else:
                    services.checklist_apply_preset(actor=user, **form.cleaned_data)
            except (Invalid, Conflict) as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已采用预设。"))
                return redirect(f"{request.path}?year={form.cleaned_data['year']}")
        else:
            messages.error(request, _("请选择年度和预设。"))
    rule_set = services.rule_set_for(user.committee_id, year)
    context = {
        "year": year,
        "rule_set": rule_set,
        "rules": list(rule_set.rules.all()),
        "bands": list(rule_set.bands.all()),
        "checklist": services.checklist_for(user.committee_id, year),
        "can_manage": access.can_manage_rules(user),
        "preset_form": preset_form,
        "checklist_form": checklist_form,
    }
    return render(request, "duties/rules.html", context)


@signed_in_view
@never_cache
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    """履职补录: member affairs sees the committee's entries to decide; a member their own."""
    user = _user(request)
    form = ClaimFilterForm(request.GET)
    qs = DutyClaim.objects.select_related("membership__person")
    if access.can_view_committee_records(user):
        qs = qs.filter(membership__term__committee_id=user.committee_id)
    elif user.person_id is not None:
        qs = qs.filter(membership__person_id=user.person_id)
    else:
        raise Forbidden(_("您无权查看履职补录。"))
    if form.is_valid() and form.cleaned_data["state"]:
        qs = qs.filter(state=form.cleaned_data["state"])
    try:
        after = parse_after(request.GET.get("after"))
    except Invalid:
        after = None
    page = keyset_page(qs, after=after, limit=50, query=request.GET.dict())
    rows = [
        (
            c,
            [
                t
                for t in CLAIM_TRANSITIONS.values()
                if c.state in t.sources and getattr(access, t.permission)(user, c)
            ],
        )
        for c in page.items
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "note_form": NoteForm(),
        "is_member": access.own_membership(user) is not None,
    }
    return render_page_or_partial(request, "duties/claims.html", context, partial="results")


@signed_in_view
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest) -> HttpResponse:
    """补录履职: a member enters 联系群众, 办实事, a commendation … with evidence."""
    user = _user(request)
    membership = access.own_membership(user)
    if membership is None:
        raise Forbidden(_("只有委员可以补录履职情况。"))
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_create(actor=user, membership=membership, **form.cleaned_data)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已提交，等待委员工作部门认定。"))
            return redirect("duties:claims")
    return render(request, "duties/claim_form.html", {"form": form}, status=422 if form.errors else 200)


@signed_in_view
@require_POST
def claim_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve, reject or withdraw a manual entry."""
    user = _user(request)
    claim = (
        DutyClaim.objects.select_related("membership__person", "membership__term__committee")
        .filter(pk=pk)
        .first()
    )
    if claim is None or not access.can_view_claim(user, claim) or action not in CLAIM_TRANSITIONS:
        raise Http404
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.claim_transition(actor=user, claim=claim, name=action, note=note)
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已%(label)s。") % {"label": CLAIM_TRANSITIONS[action].label})
    return redirect("duties:claims")


@signed_in_view
@require_POST
def assessment_open_view(request: HttpRequest) -> HttpResponse:
    """Open the year's assessment."""
    form = YearForm(request.POST)
    year = form.year_or(timezone.localdate().year)
    try:
        services.assessment_open(actor=_user(request), year=year)
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已开启 %(y)d 年度履职考核。") % {"y": year})
    return redirect(f"{reverse('duties:overview')}?year={year}")


@signed_in_view
@require_POST
def assessment_action(request: HttpRequest, year: int, action: str) -> HttpResponse:
    """Move the year's assessment one step."""
    user = _user(request)
    cycle = queries.cycle_for(user.committee_id, year)
    if cycle is None or action not in TRANSITIONS:
        raise Http404
    try:
        services.assessment_transition(
            actor=user, cycle=cycle, name=action, note=request.POST.get("note", "")
        )
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已%(label)s。") % {"label": TRANSITIONS[action].label})
    return redirect(f"{reverse('duties:overview')}?year={year}")


def _prefill(membership: Membership, year: int) -> str:
    """The report's first draft, from the record: the score and each kind of duty with its count."""
    data = queries.explanation(membership, year)
    counts: dict[str, int] = {}
    for e in queries.record_events(membership, year).filter(voided_at__isnull=True):
        label = str(e.get_kind_display())
        counts[label] = counts.get(label, 0) + 1
    lines = [_("%(y)d 年度履职情况：") % {"y": year}]
    lines += [f"{label}：{n} 次" for label, n in counts.items()]
    lines.append(_("年度得分 %(t)s 分。") % {"t": data["total"]})
    return "\n".join(lines)


@signed_in_view
@require_http_methods(["GET", "POST"])
def duty_report(request: HttpRequest) -> HttpResponse:
    """年度履职报告 (述职): pre-filled from the record, edited and submitted by the member."""
    user = _user(request)
    membership = access.own_membership(user)
    if membership is None:
        raise Forbidden(_("只有委员可以填写履职报告。"))
    year = (
        _year(request)
        if request.method == "GET"
        else YearForm(request.POST).year_or(timezone.localdate().year)
    )
    report = DutyReport.objects.filter(membership=membership, year=year).first()
    form = ReportForm(
        request.POST or None, initial={"body": report.body if report else _prefill(membership, year)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_report_save(actor=user, membership=membership, year=year, **form.cleaned_data)
        except (Invalid, Conflict) as exc:
            add_service_errors(form, exc) if isinstance(exc, Invalid) else messages.error(
                request, exc.message
            )
        else:
            messages.success(request, _("已保存履职报告。"))
            return redirect(f"{request.path}?year={year}")
    return render(request, "duties/report.html", {"form": form, "year": year, "report": report})


@signed_in_view
@require_POST
def query_new(request: HttpRequest) -> HttpResponse:
    """A member queries an entry during the review window."""
    user = _user(request)
    membership = access.own_membership(user)
    if membership is None:
        raise Forbidden(_("只有委员可以提出异议。"))
    year = YearForm(request.POST).year_or(timezone.localdate().year)
    events = list(queries.record_events(membership, year))
    form = QueryForm(request.POST, events=events)
    if not form.is_valid():
        messages.error(request, _("请填写异议内容。"))
    else:
        event = next((e for e in events if e.pk == form.cleaned_data["event"]), None)
        try:
            services.entry_query_create(
                actor=user,
                membership=membership,
                year=year,
                message=form.cleaned_data["message"],
                event=event,
            )
        except (Invalid, Conflict) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已提交异议，委员工作部门将答复。"))
    return redirect(f"{reverse('duties:me')}?year={year}")
