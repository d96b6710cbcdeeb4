"""Everything waiting for one user, gathered from every capability."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from tongxin.core.todos import Todo


def todos_for(user: Any) -> list[Todo]:
    """The user's to-do items, urgent and dated ones first."""
    items: list[Todo] = []
    for path in settings.TODO_PROVIDERS:
        items.extend(import_string(path)(user))
    return sorted(items, key=lambda t: (not t.urgent, t.due is None, t.due or 0, str(t.title)))
