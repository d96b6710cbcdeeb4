"""Reads over the organisation: the committee tree, lists, a committee's overview, timelines, to-dos."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.core.roles import Role
from tongxin.core.todos import Todo

from .entities import ENTITIES
from .models import (
    ActivityGroup,
    Committee,
    HandlingUnit,
    OfficeDepartment,
    OrgEvent,
    ParticipatingUnit,
    PlenarySession,
    Sector,
    SpecialCommittee,
    Term,
)


def committee_scope_ids(committee_id: int) -> set[int]:
    """The committee and every committee below it (a city hosting its districts' administration)."""
    scope = {committee_id}
    frontier = [committee_id]
    while frontier:
        children = list(Committee.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = [c for c in children if c not in scope]
        scope.update(frontier)
    return scope


def org_objects(
    entity: str,
    *,
    committee_ids: Iterable[int],
    term: Term | None = None,
    q: str = "",
    active: bool | None = None,
    without_contact: bool = False,
) -> QuerySet[Any]:
    """One kind's objects in these committees (and this term), by name and status, with what rows show."""
    kind = ENTITIES[entity]
    qs = kind.model._default_manager.select_related(*kind.related).filter(
        **{f"{kind.committee_path}__in": list(committee_ids)}
    )
    if term is not None and kind.parent == "term":
        qs = qs.filter(term=term)
    if q and "name" in kind.fields:
        qs = qs.filter(name__icontains=q)
    if active is not None:
        qs = qs.filter(is_active=active)
    if entity == "handling_unit":
        qs = qs.annotate(contact_count=Count("contacts"))
        if without_contact:
            qs = qs.filter(contact_count=0)
    return qs


def current_term(committee_id: int) -> Term | None:
    """The committee's current term (本届), if one is set."""
    return Term.objects.select_related("committee").filter(committee_id=committee_id, is_current=True).first()


def terms_of(committee_id: int) -> list[Term]:
    """A committee's terms, newest first, for pickers and filters."""
    return list(
        Term.objects.select_related("committee").filter(committee_id=committee_id).order_by("-number")
    )


def next_number(entity: str, parent: Model) -> int:
    """The next free number (届次, 次数) or position under `parent`, offered as a form's default."""
    kind = ENTITIES[entity]
    column = "number" if "number" in kind.fields else "position"
    top = kind.model._default_manager.filter(**{kind.parent: parent}).aggregate(top=Max(column))["top"]
    return int(top or 0) + 1


@dataclass
class TermContents:
    """What a term page shows: its sessions, sectors and activity groups."""

    sessions: list[PlenarySession]
    sectors: list[Sector]
    activity_groups: list[ActivityGroup]


def term_contents(term: Term) -> TermContents:
    """A term's sessions, sectors and activity groups (three queries, whatever their number)."""
    return TermContents(
        sessions=list(PlenarySession.objects.select_related("term__committee").filter(term=term)),
        sectors=list(Sector.objects.filter(term=term)),
        activity_groups=list(ActivityGroup.objects.filter(term=term)),
    )


@dataclass
class Overview:
    """A committee at a glance: its current term and sessions, and how many of each body it has."""

    committee: Committee
    term: Term | None
    sessions: list[PlenarySession]
    counts: dict[str, int] = field(default_factory=dict)


def committee_overview(committee: Committee) -> Overview:
    """The overview page's data: a fixed number of queries."""
    term = current_term(committee.pk)
    sessions = (
        list(PlenarySession.objects.select_related("term__committee").filter(term=term)) if term else []
    )
    by_committee: dict[str, Any] = {
        "participating_unit": ParticipatingUnit,
        "special_committee": SpecialCommittee,
        "handling_unit": HandlingUnit,
        "department": OfficeDepartment,
        "term": Term,
    }
    counts = {
        key: model._default_manager.filter(committee=committee).count() for key, model in by_committee.items()
    }
    counts["committee"] = Committee.objects.filter(parent=committee).count()
    counts["session"] = len(sessions)
    counts["sector"] = Sector.objects.filter(term=term).count() if term else 0
    counts["activity_group"] = ActivityGroup.objects.filter(term=term).count() if term else 0
    return Overview(committee=committee, term=term, sessions=sessions, counts=counts)


EVENT_LABELS = {
    "created": gettext_lazy("创建"),
    "updated": gettext_lazy("修改"),
    "deactivated": gettext_lazy("停用"),
    "reactivated": gettext_lazy("启用"),
    "preset_applied": gettext_lazy("应用全国预设"),
    "set_current": gettext_lazy("设为本届"),
    "unset_current": gettext_lazy("不再是本届"),
    "contact_added": gettext_lazy("添加联系人"),
    "contact_updated": gettext_lazy("修改联系人"),
    "contact_removed": gettext_lazy("删除联系人"),
}


def _event_label(event: OrgEvent, model: type[Model]) -> str:
    verb = str(EVENT_LABELS.get(event.name, event.name))
    data = event.data or {}
    if event.name == "updated":
        names = [
            str(getattr(model._meta.get_field(f), "verbose_name", f))
            for f in data
            if f in _field_names(model)
        ]
        return f"{verb}：{'、'.join(names)}" if names else verb
    if event.name == "preset_applied":
        return _("%(verb)s：新增 %(n)d 项") % {"verb": verb, "n": len(data.get("added", []))}
    if event.name.startswith("contact_") and data.get("name"):
        return f"{verb}：{data['name']}"
    return verb


def _field_names(model: type[Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def org_timeline(entity: str, entity_id: int) -> list[OrgEvent]:
    """The events of one object, oldest first, each with a `label` for components/timeline.html."""
    model = ENTITIES[entity].model
    events = list(OrgEvent.objects.select_related("actor").filter(entity=entity, entity_id=entity_id))
    for event in events:
        event.label = _event_label(event, model)  # type: ignore[attr-defined]
    return events


def todos_for(user: Any) -> list[Todo]:
    """The organisation's items on "我的待办": a committee not yet set up for its current term."""
    if not user.is_authenticated or not user.has_role(
        Role.SYSTEM_ADMIN, Role.MEMBER_AFFAIRS, Role.PROPOSAL_OFFICE
    ):
        return []
    items: list[Todo] = []
    # Each item is for the roles that can act on it (access.MANAGER_ROLES); their own committee is
    # always within their scope.
    term = current_term(user.committee_id)
    if user.has_role(Role.SYSTEM_ADMIN) and term is None:
        items.append(
            Todo(
                title=_("本委员会尚未设定本届，请添加届次并设为本届"),
                url=reverse("org:term_list"),
                kind="org",
            )
        )
    sector_keeper = user.has_role(Role.SYSTEM_ADMIN, Role.MEMBER_AFFAIRS)
    if term is not None and sector_keeper and not Sector.objects.filter(term=term).exists():
        items.append(
            Todo(
                title=_("%(term)s尚未设置界别，可应用全国政协第十四届界别设置后再调整")
                % {"term": term.short_name},
                url=reverse("org:term_detail", args=[term.pk]),
                kind="org",
            )
        )
    if user.has_role(Role.SYSTEM_ADMIN, Role.PROPOSAL_OFFICE):
        missing = HandlingUnit.objects.filter(
            committee_id=user.committee_id, is_active=True, contacts__isnull=True
        ).count()
        if missing:
            items.append(
                Todo(
                    title=_("有 %(n)d 个承办单位尚未登记联系人") % {"n": missing},
                    url=reverse("org:handling_unit_list") + "?without_contact=1",
                    kind="org",
                    count=missing,
                )
            )
    return items
