"""Who may see and manage members."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from tongxin.core.roles import Role


def can_manage_memberships(actor: Any, membership: Any = None) -> bool:
    """Member affairs staff keep the roster; the system administrator sets a committee up."""
    if not actor.is_authenticated or not actor.has_role(Role.MEMBER_AFFAIRS, Role.SYSTEM_ADMIN):
        return False
    return membership is None or membership.term.committee_id == actor.committee_id


def can_see_phone(actor: Any) -> bool:
    """Roles in settings.PHONE_VISIBLE_ROLES may reveal a member's full phone number (audited)."""
    return bool(actor.is_authenticated and actor.has_role(*settings.PHONE_VISIBLE_ROLES))
