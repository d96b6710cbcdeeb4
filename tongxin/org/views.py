"""Organisation pages: the overview, one list/create/edit/deactivate set serving every kind, the term
page with its presets, and the handling-unit page with its contacts.

Each view parses, asks access.py, calls the same service the API calls, and renders. A committee
other than the user's own is chosen with ?committee= (a system administrator's lower committees).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxin.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.pagination import keyset_page, parse_after
from tongxin.core.sheets import import_page_submit

from . import access, exports, presets, queries, services, unit_import
from .entities import ENTITIES, Entity, entity_of
from .forms import ListFilterForm, UnitImportForm, form_for
from .models import Committee, HandlingUnit, HandlingUnitContact, Term

if TYPE_CHECKING:
    from tongxin.accounts.models import User

PAGE_SIZE = 50


@dataclass(frozen=True)
class Section:
    """How a kind's list page looks: its columns (heading, attribute) and whether it has a detail page."""

    entity: str
    columns: tuple[tuple[str | Promise, str], ...]
    detail: bool = False

    @property
    def kind(self) -> Entity:
        return ENTITIES[self.entity]


_ORDER = (gettext_lazy("排序"), "position")
_NAME = (gettext_lazy("名称"), "name")
_SHORT = (gettext_lazy("简称"), "short_name")

SECTIONS: dict[str, Section] = {
    s.entity: s
    for s in (
        Section(
            "term",
            (
                (gettext_lazy("届"), "full_name"),
                _SHORT,
                (gettext_lazy("开始日期"), "starts_on"),
                (gettext_lazy("结束日期"), "ends_on"),
                (gettext_lazy("本届"), "is_current"),
            ),
            detail=True,
        ),
        Section(
            "session",
            (
                (gettext_lazy("全称"), "full_name"),
                _SHORT,
                (gettext_lazy("开幕日期"), "opens_on"),
                (gettext_lazy("闭幕日期"), "closes_on"),
                (gettext_lazy("大会提案截止"), "proposal_deadline"),
            ),
        ),
        Section("sector", (_ORDER, _NAME)),
        Section(
            "participating_unit",
            (_ORDER, (gettext_lazy("全称"), "name"), _SHORT, (gettext_lazy("类别"), "get_kind_display")),
        ),
        Section("special_committee", (_ORDER, _NAME)),
        Section("activity_group", (_ORDER, _NAME, (gettext_lazy("划分方式"), "get_basis_display"))),
        Section(
            "handling_unit",
            (
                _NAME,
                _SHORT,
                (gettext_lazy("类别"), "get_kind_display"),
                (gettext_lazy("联系人"), "contact_count"),
            ),
            detail=True,
        ),
        Section("department", (_NAME, (gettext_lazy("职能"), "get_kind_display"))),
        Section(
            "committee",
            (
                (gettext_lazy("全称"), "full_name"),
                _SHORT,
                (gettext_lazy("层级"), "get_level_display"),
                (gettext_lazy("上级委员会"), "parent"),
            ),
        ),
    )
}


def _actor(request: HttpRequest) -> User:
    # org_page has required a signed-in user.
    return cast("User", request.user)


def org_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required; access.py's NotFound and Forbidden become Django's 404 and 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from None

    return wrapper


# --- Parsing the page's place: which committee, which term ------------------------------------------


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not raw.isdigit():
        raise NotFound(_("对象不存在。"))
    return int(raw)


def _committee_param(request: HttpRequest) -> Committee:
    """?committee= (within what the user may see), else the user's own committee."""
    pk = _int_param(request, "committee") or _actor(request).committee_id
    return access.get_committee_for_user(request.user, pk)


def _place(request: HttpRequest, kind: Entity, unit_pk: int | None = None) -> tuple[Committee, Model | None]:
    """The committee a page is about and the parent new objects go under: ?term= (else the current
    term, None if there is none), the handling unit in the URL, or the committee itself."""
    if kind.parent == "unit":
        unit = access.get_for_user(request.user, "handling_unit", unit_pk or 0)
        assert isinstance(unit, HandlingUnit)
        return unit.committee, unit
    term_pk = _int_param(request, "term") if kind.parent == "term" else None
    if term_pk is not None:
        term = access.get_for_user(request.user, "term", term_pk)
        assert isinstance(term, Term)
        return term.committee, term
    committee = _committee_param(request)
    return committee, (queries.current_term(committee.pk) if kind.parent == "term" else committee)


def _scope(committee: Committee, request: HttpRequest) -> str:
    """The query that keeps a page on a lower committee ("" for the user's own)."""
    own = committee.pk == _actor(request).committee_id
    return "" if own else urlencode({"committee": committee.pk})


def _list_url(kind: Entity, parent: Model | None, request: HttpRequest) -> str:
    url = reverse(f"org:{kind.key}_list")
    if isinstance(parent, Term):
        return f"{url}?{urlencode({'term': parent.pk})}"
    if isinstance(parent, Committee) and (scope := _scope(parent, request)):
        return f"{url}?{scope}"
    return url


def _object_url(obj: Model, request: HttpRequest) -> str:
    """Where an object is shown: its detail page, its unit's page, or its edit page."""
    if isinstance(obj, HandlingUnitContact):
        return reverse("org:handling_unit_detail", args=[obj.unit_id])
    kind = entity_of(obj)
    return reverse(f"org:{kind.key}_{'detail' if SECTIONS[kind.key].detail else 'edit'}", args=[obj.pk])


def _show_errors(form: Any, exc: DomainError) -> None:
    fields = exc.fields if isinstance(exc, Invalid) else {}
    for name, errors in fields.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)
    if not fields:
        form.add_error(None, exc.message)


# --- Overview ----------------------------------------------------------------------------------------


@org_page
def overview(request: HttpRequest) -> HttpResponse:
    """组织机构: the committee's names, current term and sessions, and every section with its count."""
    committee = _committee_param(request)
    data = queries.committee_overview(committee)
    scope = _scope(committee, request)
    sections = [
        {
            # The committees list shows the committees below this one; term bodies count the current term.
            "label": _("下级委员会") if key == "committee" else s.kind.label,
            "note": _("本届") if s.kind.parent == "term" else "",
            "count": data.counts.get(key, 0),
            "url": _list_url(s.kind, committee, request),
        }
        for key, s in SECTIONS.items()
    ]
    return render(
        request,
        "org/overview.html",
        {"overview": data, "committee": committee, "sections": sections, "scope": scope},
    )


# --- The generic list, create, edit and deactivate pages -----------------------------------------


def _section_query(request: HttpRequest, entity: str) -> tuple[Committee, Model | None, ListFilterForm, Any]:
    """The list's place, its filter form and its queryset: shared by the page and its export."""
    kind = SECTIONS[entity].kind
    committee, parent = _place(request, kind)
    terms = [(t.pk, t.short_name) for t in queries.terms_of(committee.pk)] if kind.parent == "term" else None
    data = request.GET.copy()
    if isinstance(parent, Term):
        data.setdefault("term", str(parent.pk))  # the picker shows the term the list is about
    filters = ListFilterForm(
        data or None, named="name" in kind.fields, terms=terms, contacts=entity == "handling_unit"
    )
    status = filters.value("status")
    # The committees list: the page's committee and those below it that the user may see.
    visible = (
        queries.committee_scope_ids(committee.pk) & access.visible_committee_ids(request.user)
        if entity == "committee"
        else {committee.pk}
    )
    qs = queries.org_objects(
        entity,
        committee_ids=visible,
        term=parent if isinstance(parent, Term) else None,
        q=str(filters.value("q") or ""),
        active={"active": True, "inactive": False}.get(str(status)),
        without_contact=bool(filters.value("without_contact")),
    )
    return committee, parent, filters, qs


@org_page
def section_list(request: HttpRequest, entity: str) -> HttpResponse:
    """A kind's list for one committee (and one term), filtered by name and status, paged by id."""
    section = SECTIONS[entity]
    kind = section.kind
    committee, parent, filters, qs = _section_query(request, entity)
    try:
        after = parse_after(request.GET.get("after"))
    except Invalid:
        after = None
    page = keyset_page(qs, after=after, limit=PAGE_SIZE, query=request.GET.dict())
    rows = [(obj, [_cell(obj, attr) for _heading, attr in section.columns]) for obj in page.items]
    context = {
        "section": section,
        "kind": kind,
        "committee": committee,
        "parent": parent,
        "scope": _scope(committee, request),
        "filters": filters,
        "page": page,
        "rows": rows,
        "can_manage": access.can_manage(request.user, entity, committee.pk),
        "preset": presets.PRESETS.get(presets.PRESET_FOR_ENTITY.get(entity, "")),
        "create_query": "" if parent is None else _list_url(kind, parent, request).partition("?")[2],
    }
    return render_page_or_partial(request, "org/list.html", context, partial="results")


@org_page
@require_GET
def section_export(request: HttpRequest, entity: str) -> HttpResponseBase:
    """The list as .xlsx: the page's columns and filters, every page of it (audited)."""
    section = SECTIONS[entity]
    _committee, _parent, _filters, qs = _section_query(request, entity)
    columns = [(str(heading), lambda obj, attr=attr: _cell(obj, attr)) for heading, attr in section.columns]
    return exports.org_list_export(
        actor=_actor(request),
        entity=entity,
        label=str(section.kind.label),
        columns=columns,
        rows=qs.order_by("pk"),
        filters=request.GET,
        request=request,
    ).response()


@org_page
@require_http_methods(["GET", "POST"])
def handling_unit_import(request: HttpRequest) -> HttpResponse:
    """导入承办单位: upload the office's list; every row is written or none, with a row-by-row report."""
    committee = _committee_param(request)
    access.require_manage(request.user, "handling_unit", committee.pk)
    form = UnitImportForm(request.POST or None, request.FILES or None)
    page = import_page_submit(
        request,
        form,
        lambda upload: unit_import.handling_units_import(
            actor=_actor(request), committee=committee, upload=upload, request=request
        ),
    )
    context = {
        "form": form,
        "result": page.result,
        "report": page.report,
        "committee": committee,
        "scope": _scope(committee, request),
    }
    return render(request, "org/unit_import.html", context, status=page.status)


@org_page
@require_GET
def handling_unit_template(request: HttpRequest) -> HttpResponseBase:
    """下载导入模板 for handling units (audited)."""
    committee = _committee_param(request)
    return unit_import.handling_unit_template(
        actor=_actor(request), committee=committee, request=request
    ).response()


def _cell(obj: Model, attr: str) -> Any:
    value = getattr(obj, attr)
    value = value() if callable(value) else value
    if isinstance(value, bool):
        return _("是") if value else ""
    return value


def _form_page(
    request: HttpRequest, kind: Entity, form: Any, parent: Model | None, obj: Model | None = None
) -> HttpResponse:
    """The create or edit page; an edit page adds the state button and the timeline."""
    back_label: str | Promise = kind.label
    if isinstance(parent, HandlingUnit):
        back_url, back_label = reverse("org:handling_unit_detail", args=[parent.pk]), parent.name
    elif kind.key == "committee":
        # A committee's parent may lie above what the user manages: go back to their own list.
        back_url = reverse("org:committee_list")
    else:
        back_url = _list_url(kind, parent, request)
    context: dict[str, Any] = {
        "kind": kind,
        "form": form,
        "obj": obj,
        "place": getattr(parent, "full_name", None) or parent or "—",
        "back_url": back_url,
        "back_label": back_label,
    }
    if obj is not None:
        active = getattr(obj, "is_active", None)
        context["has_state"] = active is not None
        if active is not None:
            context["state_url"] = reverse(
                f"org:{kind.key}_{'deactivate' if active else 'reactivate'}", args=[obj.pk]
            )
        timeline_of = ("handling_unit", parent.pk) if isinstance(parent, HandlingUnit) else (kind.key, obj.pk)
        context["events"] = queries.org_timeline(*timeline_of)
    return render(request, "org/form.html", context)


@org_page
def section_create(request: HttpRequest, entity: str, unit_pk: int | None = None) -> HttpResponse:
    """Add an object of a kind under the page's committee, term or handling unit."""
    kind = ENTITIES[entity]
    committee, parent = _place(request, kind, unit_pk)
    access.require_manage(request.user, entity, committee.pk)
    if parent is None:
        messages.warning(request, _("本委员会尚未设定本届，请先添加届次并设为本届。"))
        return redirect(_list_url(ENTITIES["term"], committee, request))
    initial = {}
    if "number" in kind.fields or "position" in kind.fields:
        initial["number" if "number" in kind.fields else "position"] = queries.next_number(entity, parent)
    form = form_for(entity, create=True)(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        create = services.WRITERS[entity][0]
        try:
            obj = create(actor=_actor(request), **{kind.parent: parent}, **form.cleaned_data, request=request)
        except (Invalid, Conflict) as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("已添加%(label)s“%(name)s”。") % {"label": kind.label, "name": obj})
            detail = entity == "contact" or SECTIONS[entity].detail
            return redirect(_object_url(obj, request) if detail else _list_url(kind, parent, request))
    return _form_page(request, kind, form, parent)


@org_page
def section_edit(request: HttpRequest, entity: str, pk: int, unit_pk: int | None = None) -> HttpResponse:
    """Change an object; the page shows its timeline and the deactivate or reactivate button."""
    kind = ENTITIES[entity]
    obj = access.get_for_user(request.user, entity, pk, write=True)
    if unit_pk is not None and getattr(obj, "unit_id", None) != unit_pk:
        raise NotFound(_("对象不存在。"))
    form = form_for(entity)(request.POST or None, initial={f: getattr(obj, f) for f in kind.fields})
    if request.method == "POST" and form.is_valid():
        update = services.WRITERS[entity][1]
        try:
            update(actor=_actor(request), **{entity: obj}, **form.cleaned_data, request=request)
        except (Invalid, Conflict) as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(_object_url(obj, request))
    return _form_page(request, kind, form, getattr(obj, kind.parent), obj)


def _set_active(request: HttpRequest, entity: str, pk: int, *, active: bool) -> HttpResponse:
    obj = access.get_for_user(request.user, entity, pk, write=True)
    change = services.org_object_reactivate if active else services.org_object_deactivate
    try:
        change(actor=_actor(request), obj=obj, request=request)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        done = _("已启用%(label)s“%(name)s”。") if active else _("已停用%(label)s“%(name)s”。")
        messages.success(request, done % {"label": ENTITIES[entity].label, "name": obj})
    return redirect(_object_url(obj, request))


@org_page
@require_POST
def section_deactivate(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    """Deactivate an object (it stays in history)."""
    return _set_active(request, entity, pk, active=False)


@org_page
@require_POST
def section_reactivate(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    """Reactivate a deactivated object."""
    return _set_active(request, entity, pk, active=True)


# --- Terms: the term page, making a term current, the national sector preset ----------------------


@org_page
def term_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A term with its sessions, sectors and activity groups, the preset button and its timeline."""
    term = access.get_for_user(request.user, "term", pk)
    assert isinstance(term, Term)
    context = {
        "term": term,
        "committee": term.committee,
        "contents": queries.term_contents(term),
        "events": queries.org_timeline("term", term.pk),
        "can_manage_term": access.can_manage(request.user, "term", term.committee_id),
        "can_manage_bodies": access.can_manage(request.user, "sector", term.committee_id),
        "preset": presets.PRESETS["sectors_national_14"],
    }
    return render(request, "org/term_detail.html", context)


@org_page
@require_POST
def term_set_current(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a term the committee's current term."""
    term = access.get_for_user(request.user, "term", pk, write=True)
    assert isinstance(term, Term)
    try:
        services.term_set_current(actor=_actor(request), term=term, request=request)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已将%(term)s设为本届。") % {"term": term.short_name})
    return redirect("org:term_detail", pk=term.pk)


def _preset_done(request: HttpRequest, result: presets.PresetResult) -> None:
    if result.added:
        messages.success(request, _("已添加 %(n)d 项。") % {"n": len(result.added)})
    else:
        messages.info(request, _("预设中的各项均已存在，未重复添加。"))


@org_page
@require_POST
def term_apply_preset(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a term the national 14th-term sector setting."""
    term = access.get_for_user(request.user, "term", pk)
    assert isinstance(term, Term)
    access.require_manage(request.user, "sector", term.committee_id)
    try:
        result = presets.sectors_apply_preset(actor=_actor(request), term=term, request=request)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        _preset_done(request, result)
    return redirect("org:term_detail", pk=term.pk)


@org_page
@require_POST
def committee_apply_preset(request: HttpRequest, pk: int, entity: str) -> HttpResponse:
    """Fill a committee's participating units, special committees or departments from the preset."""
    committee = access.get_committee_for_user(request.user, pk, write=True, entity=entity)
    try:
        result = presets.COMMITTEE_APPLIERS[entity](
            actor=_actor(request), committee=committee, request=request
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        _preset_done(request, result)
    return redirect(_list_url(ENTITIES[entity], committee, request))


# --- Handling units and contacts ---------------------------------------------------------------------


@org_page
def handling_unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A handling unit, its contacts (with the add form for the proposal office) and its timeline."""
    unit = access.get_for_user(request.user, "handling_unit", pk)
    assert isinstance(unit, HandlingUnit)
    can_manage = access.can_manage(request.user, "contact", unit.committee_id)
    context = {
        "unit": unit,
        "committee": unit.committee,
        "contacts": list(unit.contacts.all()),
        "can_manage_unit": access.can_manage(request.user, "handling_unit", unit.committee_id),
        "can_manage": can_manage,
        "form": form_for("contact", create=True)() if can_manage else None,
        "events": queries.org_timeline("handling_unit", unit.pk),
    }
    return render(request, "org/handling_unit_detail.html", context)


@org_page
@require_POST
def contact_remove(request: HttpRequest, unit_pk: int, pk: int) -> HttpResponse:
    """Remove a contact who left the unit."""
    contact = access.get_for_user(request.user, "contact", pk, write=True)
    assert isinstance(contact, HandlingUnitContact)
    if contact.unit_id != unit_pk:
        raise NotFound(_("对象不存在。"))
    services.handling_unit_contact_remove(actor=_actor(request), contact=contact, request=request)
    messages.success(request, _("已删除联系人“%(name)s”。") % {"name": contact.name})
    return redirect("org:handling_unit_detail", pk=unit_pk)
