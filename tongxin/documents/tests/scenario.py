"""A session with proposals in several states, reached through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tongxin.proposals.models import Assignment, Proposal
from tongxin.proposals.tests.factories import Cast, act, in_state, joint_proposal, make_cast
from tongxin.proposals.workflow import State


@dataclass
class Session:
    cast: Cast
    closed: Proposal  # class A, rated, closed
    handling: Proposal  # assigned with a co-unit, signed for
    filed: Proposal  # filed, not yet assigned

    def assignment(self, proposal: Proposal, unit: Any) -> Assignment:
        return Assignment.objects.get(proposal=proposal, unit=unit, is_active=True)


def session_with_proposals(world: Any) -> Session:
    cast = make_cast(world)
    closed = act(joint_proposal(cast, State.EVALUATED), "close", world.zhang_min)
    handling = joint_proposal(cast, State.IN_HANDLING)
    filed = joint_proposal(cast, State.FILED)
    in_state(cast, State.NOT_FILED)
    in_state(cast, State.WITHDRAWN)
    return Session(cast, closed, handling, filed)
