"""Keyset pagination: "after the last id you saw", never a deep OFFSET (performance.md F14, P3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.db.models import Model, QuerySet

from .errors import Invalid

M = TypeVar("M", bound=Model)

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_after: int | None
    query: dict[str, Any]

    @property
    def query_for_next(self) -> str:
        """The query string of the next page, keeping the list's filters."""
        params = {k: v for k, v in self.query.items() if k != "after" and v not in (None, "")}
        params["after"] = self.next_after
        return urlencode(params, doseq=True)


def parse_limit(value: Any, default: int = DEFAULT_LIMIT) -> int:
    """A page size from user input, refused outside 1..MAX_LIMIT."""
    if value in (None, ""):
        return default
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise Invalid("每页条数必须是整数。", {"limit": ["每页条数必须是整数。"]}) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"每页条数须在 1 到 {MAX_LIMIT} 之间。", {"limit": [f"须在 1 到 {MAX_LIMIT} 之间。"]})
    return limit


def parse_after(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Invalid("翻页参数有误。", {"after": ["翻页参数有误。"]}) from None


def keyset_page(
    queryset: QuerySet[M], *, after: int | None, limit: int, query: dict[str, Any] | None = None
) -> Page[M]:
    """One page of `queryset` in id order, starting after id `after`."""
    qs = queryset.order_by("pk")
    if after is not None:
        qs = qs.filter(pk__gt=after)
    items = list(qs[: limit + 1])
    next_after = items[limit - 1].pk if len(items) > limit else None
    return Page(items=items[:limit], next_after=next_after, query=dict(query or {}))
