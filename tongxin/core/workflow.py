"""The shape every app's transition table uses (style.md §5.4).

Each app keeps its own `workflow.py` with its `State` choices and a `TRANSITIONS` table of these;
`core/checks.py` validates every table at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Transition:
    """A legal move: from any of `sources` to `target`, by whoever `permission` (in access.py) allows.

    `guard` is pure: it returns None when the move may happen, or the reason it may not.
    """

    name: str
    sources: frozenset[str]
    target: str
    permission: str
    label: str | Promise = ""
    guard: Callable[[Any], str | None] | None = None
