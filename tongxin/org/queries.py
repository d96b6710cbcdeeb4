"""Reads over the organisation tree."""

from __future__ import annotations

from .models import Committee


def committee_scope_ids(committee_id: int) -> set[int]:
    """The committee and every committee below it (a city hosting its districts' administration)."""
    scope = {committee_id}
    frontier = [committee_id]
    while frontier:
        children = list(Committee.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = [c for c in children if c not in scope]
        scope.update(frontier)
    return scope
