"""What every step of the lifecycle gets (Ctx) and gives back (Outcome), and the guard refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tongxin.core.errors import Conflict

from ..models import Proposal, ProposalSettings


@dataclass
class Ctx:
    proposal: Proposal
    actor: Any
    data: Any
    conf: ProposalSettings
    now: dt.datetime
    today: dt.date


@dataclass
class Outcome:
    """What an action did: the state it completes (None: it stays), field updates and event details."""

    state: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def blocked(message: str) -> Conflict:
    """A guard refused the move (409 `blocked`)."""
    return Conflict(message, code="blocked")
