"""Reads over the roster: who sees which memberships, the list filters, counts, timelines, to-dos."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.core.roles import Role
from tongxin.core.todos import Todo
from tongxin.core.workflow import Transition
from tongxin.org.models import Term

from . import access
from .models import Membership, MembershipEvent, Person
from .names import pinyin_key
from .workflow import TRANSITIONS, MembershipStatus

EVENT_LABELS = {
    "created": gettext_lazy("登记为委员"),
    "updated": gettext_lazy("修改信息"),
    "photo_set": gettext_lazy("更新照片"),
    "account_created": gettext_lazy("开通账号"),
}


@dataclass(frozen=True)
class RosterFilters:
    """The roster list's filters, shared by the page, the API and the export."""

    term_id: int | None = None
    sector_id: int | None = None
    participating_unit_id: int | None = None
    special_committee_id: int | None = None
    activity_group_id: int | None = None
    without_activity_group: bool = False
    status: str = ""
    standing: bool | None = None
    q: str = ""

    def as_details(self) -> dict[str, Any]:
        """The filters as the audit log records them with an export."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "", False)}


def current_term(committee_id: int) -> Term | None:
    """The committee's current term: the default for lists, forms and imports."""
    return Term.objects.select_related("committee").filter(committee_id=committee_id, is_current=True).first()


def committee_terms(committee_id: int) -> QuerySet[Term]:
    """The committee's terms, newest first."""
    return Term.objects.select_related("committee").filter(committee_id=committee_id).order_by("-number")


def members_visible_to(user: Any) -> QuerySet[Membership]:
    """Office staff, leaders and the system administrator: their committee's roster; a member: their own
    memberships; everyone else: nothing. Another committee's members are never included."""
    if access.can_view_roster(user):
        return Membership.objects.filter(term__committee_id=user.committee_id)
    if user.is_authenticated and getattr(user, "person_id", None) is not None:
        return Membership.objects.filter(person_id=user.person_id, term__committee_id=user.committee_id)
    return Membership.objects.none()


def roster_rows(queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    """Everything one roster line shows, loaded in a fixed number of queries."""
    return queryset.select_related(
        "person", "term__committee", "sector", "participating_unit", "activity_group"
    ).prefetch_related("special_committees")


def roster_filter(queryset: QuerySet[Membership], filters: RosterFilters) -> QuerySet[Membership]:
    """Apply the list filters; text search covers name, pinyin (with or without spaces) and workplace."""
    qs = queryset
    if filters.term_id is not None:
        qs = qs.filter(term_id=filters.term_id)
    if filters.sector_id is not None:
        qs = qs.filter(sector_id=filters.sector_id)
    if filters.participating_unit_id is not None:
        qs = qs.filter(participating_unit_id=filters.participating_unit_id)
    if filters.special_committee_id is not None:
        qs = qs.filter(special_committees__id=filters.special_committee_id)
    if filters.without_activity_group:
        qs = qs.filter(activity_group__isnull=True)
    elif filters.activity_group_id is not None:
        qs = qs.filter(activity_group_id=filters.activity_group_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.standing is not None:
        qs = qs.filter(is_standing=filters.standing)
    text = filters.q.strip()
    if text:
        key = pinyin_key(text)
        qs = qs.annotate(pinyin_key=Replace("person__name_pinyin", Value(" "), Value(""))).filter(
            Q(person__name__icontains=text)
            | Q(person__workplace__icontains=text)
            | Q(pinyin_key__icontains=key)
        )
    return qs


def roster_counts(queryset: QuerySet[Membership]) -> dict[str, int]:
    """How many members the filtered roster holds, by status, and how many are standing members."""
    return queryset.aggregate(
        total=Count("id", distinct=True),
        active=Count("id", filter=Q(status=MembershipStatus.ACTIVE), distinct=True),
        resigned=Count("id", filter=Q(status=MembershipStatus.RESIGNED), distinct=True),
        removed=Count("id", filter=Q(status=MembershipStatus.REMOVED), distinct=True),
        standing=Count("id", filter=Q(is_standing=True), distinct=True),
    )


def person_memberships(membership: Membership, user: Any) -> list[Membership]:
    """The same person's memberships of every term that `user` may see, newest term first."""
    return list(
        roster_rows(members_visible_to(user).filter(person_id=membership.person_id)).order_by("-term__number")
    )


def _field_label(name: str) -> str:
    for model in (Person, Membership):
        try:
            return str(getattr(model._meta.get_field(name), "verbose_name", name))
        except FieldDoesNotExist:
            continue
    return name


def membership_timeline(membership: Membership) -> list[MembershipEvent]:
    """The membership's events, oldest first, labelled for the timeline component."""
    events = list(MembershipEvent.objects.filter(membership=membership).select_related("actor"))
    for event in events:
        transition = TRANSITIONS.get(event.name)
        label = transition.label if transition else EVENT_LABELS.get(event.name, event.name)
        if event.name == "updated" and event.data.get("fields"):
            label = _("%(label)s（%(fields)s）") % {
                "label": label,
                "fields": "、".join(_field_label(name) for name in event.data["fields"]),
            }
        event.label = label  # type: ignore[attr-defined]
        if event.from_state:
            event.from_state_label = MembershipStatus(event.from_state).label  # type: ignore[attr-defined]
        if event.to_state:
            event.to_state_label = MembershipStatus(event.to_state).label  # type: ignore[attr-defined]
    return events


def transitions_for(user: Any, membership: Membership) -> list[Transition]:
    """The moves `user` may make on `membership` in its current state."""
    return [
        t
        for t in TRANSITIONS.values()
        if membership.status in t.sources and getattr(access, t.permission)(user, membership)
    ]


def members_without_group(committee_id: int) -> int:
    """Serving members of the current term not yet placed in an activity group."""
    return Membership.objects.filter(
        term__committee_id=committee_id,
        term__is_current=True,
        status=MembershipStatus.ACTIVE,
        activity_group__isnull=True,
    ).count()


def todos_for(user: Any) -> list[Todo]:
    """Member affairs staff: serving members who still need an activity group (委员活动组, rule 87)."""
    if not user.is_authenticated or not user.has_role(Role.MEMBER_AFFAIRS):
        return []
    missing = members_without_group(user.committee_id)
    if not missing:
        return []
    return [
        Todo(
            title=_("%(n)d 名在任委员未分配活动组") % {"n": missing},
            url=reverse("members:list") + "?status=active&activity_group=none",
            kind="members",
            count=missing,
        )
    ]
