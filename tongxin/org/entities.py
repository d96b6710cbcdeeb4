"""The organisation's object kinds as one table: what each is called, what it hangs from, where its
committee is. Access rules, services, pages and API endpoints are all driven from this table, so a
kind is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import (
    ActivityGroup,
    Committee,
    HandlingUnit,
    HandlingUnitContact,
    OfficeDepartment,
    ParticipatingUnit,
    PlenarySession,
    Sector,
    SpecialCommittee,
    Term,
)


@dataclass(frozen=True)
class Entity:
    """One kind of organisation object."""

    key: str  # OrgEvent.entity, access tables and URL names: "sector"
    model: type[models.Model]
    label: str | Promise  # "界别"
    slug: str  # URL and API path segment: "sectors"
    parent: str  # the field it hangs from: "parent", "committee", "term" or "unit"
    committee_path: str  # lookup from the object to its committee's id
    related: tuple[str, ...] = ()  # select_related for lists and detail pages
    fields: tuple[str, ...] = ()  # the fields an office edits, in form order


_TERM = ("term__committee",)

ENTITIES: dict[str, Entity] = {
    e.key: e
    for e in (
        Entity(
            "committee",
            Committee,
            _("政协委员会"),
            "committees",
            "parent",
            "id",
            ("parent",),
            ("name", "short_name", "level"),
        ),
        Entity(
            "term",
            Term,
            _("届"),
            "terms",
            "committee",
            "committee_id",
            ("committee",),
            ("number", "starts_on", "ends_on"),
        ),
        Entity(
            "session",
            PlenarySession,
            _("全体会议"),
            "sessions",
            "term",
            "term__committee_id",
            _TERM,
            ("number", "opens_on", "closes_on", "proposal_window_starts_at", "proposal_deadline"),
        ),
        Entity(
            "sector", Sector, _("界别"), "sectors", "term", "term__committee_id", _TERM, ("name", "position")
        ),
        Entity(
            "participating_unit",
            ParticipatingUnit,
            _("参加单位"),
            "participating-units",
            "committee",
            "committee_id",
            (),
            ("name", "short_name", "kind", "position"),
        ),
        Entity(
            "special_committee",
            SpecialCommittee,
            _("专门委员会"),
            "special-committees",
            "committee",
            "committee_id",
            (),
            ("name", "position"),
        ),
        Entity(
            "activity_group",
            ActivityGroup,
            _("委员活动组"),
            "activity-groups",
            "term",
            "term__committee_id",
            _TERM,
            ("name", "basis", "position"),
        ),
        Entity(
            "handling_unit",
            HandlingUnit,
            _("承办单位"),
            "handling-units",
            "committee",
            "committee_id",
            (),
            ("name", "short_name", "kind"),
        ),
        Entity(
            "contact",
            HandlingUnitContact,
            _("承办单位联系人"),
            "contacts",
            "unit",
            "unit__committee_id",
            ("unit",),
            ("name", "title", "phone", "email", "is_primary"),
        ),
        Entity(
            "department",
            OfficeDepartment,
            _("机关处室"),
            "departments",
            "committee",
            "committee_id",
            (),
            ("name", "kind"),
        ),
    )
}

_BY_MODEL: dict[type[models.Model], Entity] = {e.model: e for e in ENTITIES.values()}


def entity_of(obj: models.Model) -> Entity:
    """The table row for an object's kind."""
    return _BY_MODEL[type(obj)]


def committee_id_of(obj: models.Model) -> int:
    """The id of the committee an organisation object belongs to (a committee belongs to itself)."""
    value: Any = obj
    for part in entity_of(obj).committee_path.split("__"):
        value = value.pk if part == "id" else getattr(value, part)
    return int(value)
