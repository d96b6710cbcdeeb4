"""API routes of the organisation, mounted at /api/v1/ (so paths start with /committees, /terms …).

Every kind gets the same six endpoints from one table (RESOURCES): list, create, read, update,
deactivate, reactivate. Each endpoint checks access, calls the same service the pages call, and
answers with the kind's schema. Objects are created in the caller's committee unless a committee
(or term) within the caller's scope is named.

This module does not use `from __future__ import annotations`: django-ninja reads the endpoint
signatures at import time, and the generated endpoints' schemas are local variables.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from tongxin.core.errors import Invalid, NotFound
from tongxin.core.pagination import keyset_page, parse_after, parse_limit
from tongxin.core.roles import Role
from tongxin.core.schemas import SheetErrorOut

from . import access, presets, queries, services, unit_import
from .entities import ENTITIES
from .models import Committee, HandlingUnit, HandlingUnitContact, Term
from .schemas import (
    ActivityGroupFields,
    ActivityGroupIn,
    ActivityGroupOut,
    CommitteeFields,
    CommitteeIn,
    CommitteeOut,
    ContactFields,
    ContactOut,
    DepartmentFields,
    DepartmentIn,
    DepartmentOut,
    ErrorOut,
    HandlingUnitFields,
    HandlingUnitIn,
    HandlingUnitOut,
    ListFilters,
    Page,
    ParticipatingUnitFields,
    ParticipatingUnitIn,
    ParticipatingUnitOut,
    PresetOut,
    SectorFields,
    SectorIn,
    SectorOut,
    SessionFields,
    SessionIn,
    SessionOut,
    SpecialCommitteeFields,
    SpecialCommitteeIn,
    SpecialCommitteeOut,
    TermFields,
    TermIn,
    TermListFilters,
    TermOut,
    UnitImportOut,
    partial,
)

if TYPE_CHECKING:
    from tongxin.accounts.models import User

router = Router()

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _roles(roles: frozenset[str]) -> str:
    return "、".join(str(Role(r).label) for r in sorted(roles))


def _who(entity: str) -> str:
    """The permission line of an endpoint's description (Saleor: name the required roles)."""
    return _("读取：%(readers)s。管理：%(managers)s（系统管理员含下级委员会）。") % {
        "readers": _roles(access.READER_ROLES),
        "managers": _roles(access.MANAGER_ROLES[entity]),
    }


@dataclass(frozen=True)
class Resource:
    """One kind's schemas: its editable fields (PATCH sends any of them), its create input, its output."""

    entity: str
    fields: type[Schema]
    create_in: type[Schema]
    out: type[Schema]
    filters: type[Schema] = ListFilters


RESOURCES = (
    Resource("committee", CommitteeFields, CommitteeIn, CommitteeOut),
    Resource("term", TermFields, TermIn, TermOut),
    Resource("session", SessionFields, SessionIn, SessionOut, TermListFilters),
    Resource("sector", SectorFields, SectorIn, SectorOut, TermListFilters),
    Resource("participating_unit", ParticipatingUnitFields, ParticipatingUnitIn, ParticipatingUnitOut),
    Resource("special_committee", SpecialCommitteeFields, SpecialCommitteeIn, SpecialCommitteeOut),
    Resource("activity_group", ActivityGroupFields, ActivityGroupIn, ActivityGroupOut, TermListFilters),
    Resource("handling_unit", HandlingUnitFields, HandlingUnitIn, HandlingUnitOut),
    Resource("department", DepartmentFields, DepartmentIn, DepartmentOut),
)


# --- Where a request points: who, which committee, which term ---------------------------------------


def _actor(request: HttpRequest) -> "User":
    # The router's bearer authentication has set an active, signed-in user (config/api.py).
    return cast("User", request.user)


def _committee(user: Any, pk: int | None) -> Committee:
    return access.get_committee_for_user(user, pk or user.committee_id)


def _term(user: Any, pk: int) -> Term:
    term = access.get_for_user(user, "term", pk)
    assert isinstance(term, Term)
    return term


def _parent(user: Any, entity: str, values: dict[str, Any]) -> Model:
    """The object a new one hangs from, taken out of the payload's parent_id/committee_id/term_id."""
    kind = ENTITIES[entity]
    parent_id, committee_id, term_id = (values.pop(k, None) for k in ("parent_id", "committee_id", "term_id"))
    if kind.parent in ("parent", "committee"):
        return _committee(user, parent_id or committee_id)
    if term_id is not None:
        term = _term(user, term_id)
        if committee_id is not None and committee_id != term.committee_id:
            raise Invalid(_("届与委员会不对应。"), {"term_id": [_("该届不属于所指定的委员会。")]})
        return term
    committee = _committee(user, committee_id)
    current = queries.current_term(committee.pk)
    if current is None:
        message = _("本委员会尚未设定本届，请指定 term_id。")
        raise Invalid(message, {"term_id": [message]})
    return current


def _page(user: Any, entity: str, filters: Any) -> dict[str, Any]:
    """One page of a kind's list for the committee (or term) the filters name."""
    term = _term(user, filters.term) if getattr(filters, "term", None) else None
    if entity == "committee":
        # ?committee= narrows the list to that committee and those below it.
        top = _committee(user, filters.committee)
        committee_ids = queries.committee_scope_ids(top.pk) & access.visible_committee_ids(user)
    else:
        committee_ids = {term.committee_id if term else _committee(user, filters.committee).pk}
    qs = queries.org_objects(
        entity, committee_ids=committee_ids, term=term, q=filters.q or "", active=filters.is_active
    )
    page = keyset_page(qs, after=parse_after(filters.after), limit=parse_limit(filters.limit))
    return {"items": page.items, "next_after": page.next_after}


def _register(res: Resource) -> None:
    """The six endpoints of one kind."""
    kind = ENTITIES[res.entity]
    path, label, key = f"/{kind.slug}", kind.label, res.entity
    create_in, out, filters_schema = res.create_in, res.out, res.filters
    patch_in = partial(res.fields, res.fields.__name__.replace("Fields", "Patch"))
    create, update = services.WRITERS[key]
    who = _who(key)

    @router.get(
        path,
        response={200: Page[out], **READ_ERRORS},  # type: ignore[valid-type]
        summary=_("%(label)s列表") % {"label": label},
        description=who,
        operation_id=f"{key}_list",
    )
    def list_objects(request: HttpRequest, filters: Query[filters_schema]) -> Any:  # type: ignore[valid-type]
        return _page(request.user, key, filters)

    @router.post(
        path,
        response={201: out, **ERRORS},
        summary=_("新增%(label)s") % {"label": label},
        description=who,
        operation_id=f"{key}_create",
    )
    def create_object(request: HttpRequest, payload: create_in) -> Any:  # type: ignore[valid-type]
        values = payload.dict()  # type: ignore[attr-defined]
        parent = _parent(request.user, key, values)
        return Status(201, create(actor=_actor(request), **{kind.parent: parent}, **values, request=request))

    @router.get(
        f"{path}/{{int:pk}}",
        response={200: out, **READ_ERRORS},
        summary=_("查看%(label)s") % {"label": label},
        description=who,
        operation_id=f"{key}_read",
    )
    def read_object(request: HttpRequest, pk: int) -> Any:
        return access.get_for_user(request.user, key, pk)

    @router.patch(
        f"{path}/{{int:pk}}",
        response={200: out, **ERRORS},
        summary=_("修改%(label)s") % {"label": label},
        description=who + _("只修改请求中给出的字段。"),
        operation_id=f"{key}_update",
    )
    def update_object(request: HttpRequest, pk: int, payload: patch_in) -> Any:  # type: ignore[valid-type]
        obj = access.get_for_user(request.user, key, pk)
        values = {name: getattr(obj, name) for name in kind.fields}
        values.update(payload.dict(exclude_unset=True))  # type: ignore[attr-defined]
        return update(actor=_actor(request), **{key: obj}, **values, request=request)

    for active in (False, True):
        _register_state(path, label, key, out, who, active=active)


def _register_state(path: str, label: Any, key: str, out: type[Schema], who: str, *, active: bool) -> None:
    verb, change = (
        ("reactivate", services.org_object_reactivate)
        if active
        else ("deactivate", services.org_object_deactivate)
    )
    summary = (_("启用%(label)s") if active else _("停用%(label)s")) % {"label": label}

    @router.post(
        f"{path}/{{int:pk}}/{verb}",
        response={200: out, **ERRORS},
        summary=summary,
        description=who + _("停用后保留历史，不再用于新的工作。"),
        operation_id=f"{key}_{verb}",
    )
    def set_state(request: HttpRequest, pk: int) -> Any:
        obj = access.get_for_user(request.user, key, pk)
        return change(actor=_actor(request), obj=obj, request=request)


for _resource in RESOURCES:
    _register(_resource)


# --- Terms: the current term and the sector preset ---------------------------------------------------


@router.post(
    "/terms/{int:pk}/set-current",
    response={200: TermOut, **ERRORS},
    summary=_("设为本届"),
    description=_who("term") + _("原本届随之不再是本届。"),
    operation_id="term_set_current",
)
def term_set_current(request: HttpRequest, pk: int) -> Any:
    return services.term_set_current(actor=_actor(request), term=_term(request.user, pk), request=request)


@router.post(
    "/terms/{int:pk}/sectors/apply-preset",
    response={200: PresetOut, **ERRORS},
    summary=_("应用全国政协第十四届界别设置"),
    operation_id="sector_apply_preset",
    description=_who("sector") + _("添加该届尚未有的界别（按名称比对），重复应用不会重复添加。"),
)
def sectors_apply_preset(request: HttpRequest, pk: int) -> Any:
    return presets.sectors_apply_preset(actor=_actor(request), term=_term(request.user, pk), request=request)


def _register_committee_preset(entity: str) -> None:
    preset = presets.PRESETS[presets.PRESET_FOR_ENTITY[entity]]
    apply = presets.COMMITTEE_APPLIERS[entity]

    @router.post(
        f"/committees/{{int:pk}}/{ENTITIES[entity].slug}/apply-preset",
        response={200: PresetOut, **ERRORS},
        summary=_("应用预设：%(label)s") % {"label": preset.label},
        operation_id=f"{entity}_apply_preset",
        description=_who(entity) + _("添加尚未有的项（按名称比对），重复应用不会重复添加。"),
    )
    def apply_preset(request: HttpRequest, pk: int) -> Any:
        return apply(actor=_actor(request), committee=_committee(request.user, pk), request=request)


for _entity in ("participating_unit", "special_committee", "department"):
    _register_committee_preset(_entity)


# --- Handling units from a spreadsheet ----------------------------------------------------------------


@router.post(
    "/handling-units/import",
    response={200: UnitImportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: SheetErrorOut},
    summary=_("导入承办单位（xlsx）"),
    description=_(
        "multipart：`file`（.xlsx，表头同导入模板：单位名称、简称、类别、联系人、职务、联系电话、电子邮箱），"
        "可选 `committee_id`（默认本委员会）。全部行无误才导入，否则 422 并逐行报告（`errors`），"
        "不导入任何一行；与已有单位同名的行更新该单位。"
    )
    + " "
    + _who("handling_unit"),
    operation_id="handling_unit_import",
)
def handling_unit_import(
    request: HttpRequest, file: File[UploadedFile], committee_id: Form[int | None] = None
) -> Any:
    committee = _committee(request.user, committee_id)
    result = unit_import.handling_units_import(
        actor=_actor(request), committee=committee, upload=file, request=request
    )
    return UnitImportOut(
        rows=result.rows, created=result.created, updated=result.updated, contacts=result.contacts
    )


# --- Contacts of a handling unit -------------------------------------------------------------------

ContactPatch = partial(ContactFields, "ContactPatch")


def _contact(user: Any, unit_pk: int, pk: int) -> HandlingUnitContact:
    contact = access.get_for_user(user, "contact", pk)
    assert isinstance(contact, HandlingUnitContact)
    if contact.unit_id != unit_pk:
        raise NotFound(_("承办单位联系人不存在。"))
    return contact


@router.get(
    "/handling-units/{int:pk}/contacts",
    response={200: Page[ContactOut], **READ_ERRORS},
    summary=_("承办单位联系人列表"),
    description=_who("contact"),
    operation_id="contact_list",
)
def contact_list(request: HttpRequest, pk: int, after: int | None = None, limit: int | None = None) -> Any:
    unit = access.get_for_user(request.user, "handling_unit", pk)
    qs = HandlingUnitContact.objects.filter(unit_id=unit.pk)
    page = keyset_page(qs, after=parse_after(after), limit=parse_limit(limit))
    return {"items": page.items, "next_after": page.next_after}


@router.post(
    "/handling-units/{int:pk}/contacts",
    response={201: ContactOut, **ERRORS},
    summary=_("添加承办单位联系人"),
    description=_who("contact"),
    operation_id="contact_create",
)
def contact_create(request: HttpRequest, pk: int, payload: ContactFields) -> Any:
    unit = access.get_for_user(request.user, "handling_unit", pk)
    assert isinstance(unit, HandlingUnit)
    contact = services.handling_unit_contact_add(
        actor=_actor(request), unit=unit, **payload.dict(), request=request
    )
    return Status(201, contact)


@router.patch(
    "/handling-units/{int:pk}/contacts/{int:cid}",
    response={200: ContactOut, **ERRORS},
    summary=_("修改承办单位联系人"),
    description=_who("contact"),
    operation_id="contact_update",
)
def contact_update(request: HttpRequest, pk: int, cid: int, payload: ContactPatch) -> Any:  # type: ignore[valid-type]
    contact = _contact(request.user, pk, cid)
    values = {name: getattr(contact, name) for name in ENTITIES["contact"].fields}
    values.update(payload.dict(exclude_unset=True))  # type: ignore[attr-defined]
    return services.handling_unit_contact_update(
        actor=_actor(request), contact=contact, **values, request=request
    )


@router.delete(
    "/handling-units/{int:pk}/contacts/{int:cid}",
    response={204: None, **ERRORS},
    summary=_("删除承办单位联系人"),
    description=_who("contact"),
    operation_id="contact_delete",
)
def contact_delete(request: HttpRequest, pk: int, cid: int) -> Any:
    services.handling_unit_contact_remove(
        actor=_actor(request), contact=_contact(request.user, pk, cid), request=request
    )
    return Status(204, None)
