"""Organisation fixtures on top of the shared `world`: one object of every kind in 城关区, an earlier
term that is not current, and the same kinds in the sibling committee 七里河区 (never visible)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tongxin.org.models import (
    ActivityGroup,
    HandlingUnit,
    HandlingUnitContact,
    OfficeDepartment,
    ParticipatingUnit,
    SpecialCommittee,
    Term,
)


@dataclass
class Org:
    """The objects of each kind, by entity key, in 城关区 (`own`) and in 七里河区 (`foreign`)."""

    own: dict[str, Any]
    foreign: dict[str, Any]
    old_term: Any


def _objects(world, committee, term, unit, session, sector, party) -> dict[str, Any]:
    return {
        "committee": committee,
        "term": term,
        "session": session,
        "sector": sector,
        "participating_unit": party,
        "special_committee": SpecialCommittee.objects.create(
            committee=committee, name="提案委员会", position=1
        ),
        "activity_group": ActivityGroup.objects.create(term=term, name="第一委员活动组", position=1),
        "handling_unit": unit,
        "contact": HandlingUnitContact.objects.create(
            unit=unit, name="马强", phone="0931-8812345", is_primary=True
        ),
        "department": OfficeDepartment.objects.create(committee=committee, name="秘书科", kind="secretariat"),
    }


@pytest.fixture
def org(world) -> Org:
    from tongxin.org.models import PlenarySession, Sector

    old_term = Term.objects.create(
        committee=world.committee, number=9, starts_on=dt.date(2017, 1, 10), ends_on=dt.date(2022, 1, 9)
    )
    own = _objects(world, world.committee, world.term, world.unit, world.session, world.sector, world.party)
    sibling_term = Term.objects.get(committee=world.sibling)
    foreign = _objects(
        world,
        world.sibling,
        sibling_term,
        HandlingUnit.objects.create(committee=world.sibling, name="七里河区交通运输局"),
        PlenarySession.objects.create(
            term=sibling_term,
            number=5,
            opens_on=world.session.opens_on,
            closes_on=world.session.closes_on,
            proposal_window_starts_at=world.session.proposal_window_starts_at,
            proposal_deadline=world.session.proposal_deadline,
        ),
        Sector.objects.get(term=sibling_term),
        ParticipatingUnit.objects.create(
            committee=world.sibling, name="九三学社", short_name="九三学社", kind="democratic_party"
        ),
    )
    return Org(own=own, foreign=foreign, old_term=old_term)


@pytest.fixture
def city_admin(world):
    """A system administrator of 兰州市, above 城关区 and 七里河区."""
    from conftest import _staff
    from tongxin.core.roles import Role

    return _staff(world.city, "citysysadmin", "市系统管理员", "admin", [Role.SYSTEM_ADMIN])
