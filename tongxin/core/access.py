"""Who may read and change the working-day calendar.

The calendar is national: one set of overrides for every committee on the installation (see
services.py), so reading it reveals nothing about another committee and every signed-in user may.
"""

from __future__ import annotations

from typing import Any

from .roles import OFFICE_ROLES, Role

# The office keeps the calendar (its deadlines depend on it); the system administrator may set an
# installation up before any office staff exist.
CALENDAR_EDITOR_ROLES = frozenset(OFFICE_ROLES | {Role.SYSTEM_ADMIN})


def can_view_calendar(user: Any) -> bool:
    """Every signed-in, active user may read the calendar and compute deadlines."""
    return bool(user.is_authenticated and user.is_active)


def can_edit_calendar(user: Any) -> bool:
    """Office staff (proposal, information, secretariat, member affairs) and the system administrator."""
    return bool(can_view_calendar(user) and user.has_role(*CALENDAR_EDITOR_ROLES))
