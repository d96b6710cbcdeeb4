from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tongxin.meetings import services
from tongxin.members.models import Membership


def membership_of(user: Any) -> Membership:
    return Membership.objects.get(person_id=user.person_id)


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def chair(world):
    """孙立 is the committee's chair (leadership on the membership), so he approves plenary leave."""
    m = membership_of(world.sun_li)
    m.leadership = "chair"
    m.save()
    return world.sun_li


@pytest.fixture
def make_meeting(world):
    """A notified meeting of `kind` with everyone invited: make_meeting("plenary", sittings=3)."""

    def make(kind: str = "plenary", *, sittings: int = 1, notify: bool = True, **extra: Any):
        meeting = services.meeting_create(
            actor=world.chen_jing,
            kind_code=kind,
            starts_at=at(20),
            ends_at=at(20, 17),
            sittings=sittings,
            **extra,
        )
        services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="everyone")
        if notify:
            meeting = services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="notify")
        return meeting

    return make


def attendance_of(meeting, user):
    return meeting.attendances.select_related("meeting__kind", "membership").get(
        membership__person_id=user.person_id
    )
