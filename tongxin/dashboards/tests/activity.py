"""A year of work for the dashboards' tests, built through the real services of each app:
proposals walked to 办结 and into handling, opinion reports adopted upstream and instructed, a
plenary meeting held with attendance, and the duty scores those record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tongxin.meetings import services as meeting_services
from tongxin.opinions import services as opinion_services
from tongxin.opinions.tests.factories import ADOPTION, INSTRUCTION, sent, submitted
from tongxin.proposals.tests.factories import Cast, act, joint_proposal, make_cast
from tongxin.proposals.workflow import State

__all__ = ["Cast", "build_activity", "make_cast"]


def _hold_plenary(world: Any) -> None:
    tz = timezone.get_current_timezone()
    meeting = meeting_services.meeting_create(
        actor=world.chen_jing,
        kind_code="plenary",
        starts_at=dt.datetime(2026, 11, 20, 9, tzinfo=tz),
        ends_at=dt.datetime(2026, 11, 20, 17, tzinfo=tz),
        sittings=1,
    )
    meeting_services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="everyone")
    meeting = meeting_services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="notify")
    present = meeting.attendances.get(membership__person_id=world.wang_wei.person_id)
    meeting_services.attendance_mark(actor=world.chen_jing, attendance=present, present=True)
    meeting_services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="close")


def build_activity(world: Any, cast: Cast, n: int = 1) -> None:
    """n rounds of: a proposal closed (class A, rated satisfied), one in handling, a report adopted
    by the city and instructed by a provincial leader, and a plenary where only 王伟 came."""
    today = timezone.localdate()
    for _ in range(n):
        act(joint_proposal(cast, State.EVALUATED), "close", world.zhang_min)
        joint_proposal(cast, State.IN_HANDLING)
        report = sent(submitted(world.wang_wei), world.liu_yang)
        report = opinion_services.opinion_transition(
            report=report,
            name="record_adoption",
            actor=world.liu_yang,
            payload={**ADOPTION, "adopted_on": today},
        )
        opinion_services.opinion_transition(
            report=report,
            name="record_instruction",
            actor=world.liu_yang,
            payload={**INSTRUCTION, "instructed_on": today},
        )
        _hold_plenary(world)
