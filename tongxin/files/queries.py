"""Reads of generated files."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tongxin.core.pagination import Page

from .access import files_visible_to
from .models import GeneratedFile

__all__ = ["files_page", "files_visible_to", "recent_files_of"]


def recent_files_of(user: Any, *, limit: int = 5) -> list[GeneratedFile]:
    """A user's latest files, newest first (for a small panel on other pages)."""
    return list(files_visible_to(user).order_by("-pk")[:limit])


def files_page(files: QuerySet[GeneratedFile], *, after: int | None, limit: int) -> Page[GeneratedFile]:
    """Newest first, keyset by id: `after` is the last (smallest) id already seen."""
    qs = files.order_by("-pk")
    if after is not None:
        qs = qs.filter(pk__lt=after)
    items = list(qs[: limit + 1])
    next_after = items[limit - 1].pk if len(items) > limit else None
    return Page(items=items[:limit], next_after=next_after, query={})
