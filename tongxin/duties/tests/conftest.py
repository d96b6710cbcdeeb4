from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from tongxin.duties.services import duty_event_record
from tongxin.members.models import Membership

_counter = itertools.count(1)


def membership_of(user: Any) -> Membership:
    return Membership.objects.select_related("term__committee").get(person_id=user.person_id)


@pytest.fixture
def record():
    """Record a duty event for a membership: record(m, kind, role=..., **attributes)."""

    def make(
        membership: Membership, kind: str, *, role: str = "", on: dt.date | None = None, **attributes: Any
    ):
        n = next(_counter)
        return duty_event_record(
            committee=membership.term.committee,
            membership=membership,
            kind=kind,
            occurred_on=on or dt.date(2026, 3, 1) + dt.timedelta(days=n % 200),
            title=f"测试事项{n}",
            source=f"test:{n}",
            dedupe_key=f"test:{n}",
            role=role,
            attributes=attributes,
        )

    return make
