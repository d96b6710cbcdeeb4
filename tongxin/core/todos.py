"""The shape of one item on a user's "我的待办". Each app's `queries.todos_for(user)` returns these;
the todos app gathers them from the providers listed in settings.TODO_PROVIDERS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise


@dataclass(frozen=True)
class Todo:
    title: str | Promise
    url: str
    kind: str  # which capability it comes from: "accounts", "members", "proposals", …
    count: int | None = None
    due: date | None = None
    urgent: bool = False
