"""Who may manage accounts and roles (三员分立, ecosystem.md C6).

The system administrator creates and edits accounts of their committee and its subordinate committees;
the security administrator grants and revokes roles; the audit administrator only reads the log.
Neither of the first two may touch an administrator account's credentials or state: administrators
are kept by whoever runs the server (`tongxin createadmin`), so no administrator can become another.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, NotFound
from tongxin.core.roles import Role
from tongxin.org.queries import committee_scope_ids

from .models import User


def can_manage_accounts(actor: Any) -> bool:
    """System administrators create, edit, deactivate accounts and reset passwords."""
    return bool(actor.is_authenticated and actor.has_role(Role.SYSTEM_ADMIN))


def can_manage_account(actor: Any, user: User) -> bool:
    """A system administrator manages one account, unless it is an administrator's."""
    return can_manage_accounts(actor) and user.kind != User.Kind.ADMIN


def can_grant_roles(actor: Any) -> bool:
    """Only the security administrator grants and revokes roles."""
    return bool(actor.is_authenticated and actor.has_role(Role.SECURITY_ADMIN))


def can_view_accounts(actor: Any) -> bool:
    """The system administrator (who keeps accounts) and the security administrator (who grants
    roles to them) may read the account list; the API's GET /users serves both."""
    return can_manage_accounts(actor) or can_grant_roles(actor)


def require_manage_accounts(actor: Any) -> None:
    """Raise Forbidden unless `actor` is a system administrator."""
    if not can_manage_accounts(actor):
        raise Forbidden(_("只有系统管理员可以管理账号。"))


def require_grant_roles(actor: Any) -> None:
    """Raise Forbidden unless `actor` is a security administrator."""
    if not can_grant_roles(actor):
        raise Forbidden(_("只有安全管理员可以授予或撤销角色。"))


def require_view_accounts(actor: Any) -> None:
    """Raise Forbidden unless `actor` may read the account list."""
    if not can_view_accounts(actor):
        raise Forbidden(_("只有系统管理员和安全管理员可以查看账号。"))


def users_visible_to(actor: Any) -> QuerySet[User]:
    """Accounts an administrator may see: those of their committee and the committees under it."""
    if not can_view_accounts(actor):
        return User.objects.none()
    return User.objects.filter(committee_id__in=committee_scope_ids(actor.committee_id))


def get_user_for_admin(actor: Any, pk: int) -> User:
    """The account `pk` if `actor` administers it; otherwise NotFound, never a hint that it exists."""
    try:
        return (
            users_visible_to(actor)
            .select_related("committee", "person", "handling_unit", "department")
            .get(pk=pk)
        )
    except User.DoesNotExist:
        raise NotFound(_("账号不存在。")) from None
