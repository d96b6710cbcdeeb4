"""Who may manage accounts and roles (三员分立, ecosystem.md C6).

The system administrator creates and edits accounts of their committee and its subordinate committees;
the security administrator grants and revokes roles; the audit administrator only reads the log.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tongxin.core.errors import NotFound
from tongxin.core.roles import Role
from tongxin.org.queries import committee_scope_ids

from .models import User


def can_manage_accounts(actor: Any) -> bool:
    """System administrators create, edit, deactivate accounts and reset passwords."""
    return bool(actor.is_authenticated and actor.has_role(Role.SYSTEM_ADMIN))


def can_grant_roles(actor: Any) -> bool:
    """Only the security administrator grants and revokes roles."""
    return bool(actor.is_authenticated and actor.has_role(Role.SECURITY_ADMIN))


def users_visible_to(actor: Any) -> QuerySet[User]:
    """Accounts an administrator may see: those of their committee and the committees under it."""
    if not (can_manage_accounts(actor) or can_grant_roles(actor)):
        return User.objects.none()
    return User.objects.filter(committee_id__in=committee_scope_ids(actor.committee_id))


def get_user_for_admin(actor: Any, pk: int) -> User:
    """The account `pk` if `actor` administers it; otherwise NotFound, never a hint that it exists."""
    try:
        return users_visible_to(actor).get(pk=pk)
    except User.DoesNotExist:
        raise NotFound("账号不存在。") from None
