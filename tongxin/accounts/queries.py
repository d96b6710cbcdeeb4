"""Reads about accounts, and the accounts items of "我的待办"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.roles import Role
from tongxin.core.todos import Todo
from tongxin.members.models import Membership
from tongxin.members.workflow import MembershipStatus

from .models import User

PASSWORD_WARNING_DAYS = 14


def members_without_account(committee_id: int) -> int:
    """Serving members of the committee's current term who cannot sign in yet."""
    return (
        Membership.objects.filter(
            term__committee_id=committee_id, term__is_current=True, status=MembershipStatus.ACTIVE
        )
        .filter(person__user__isnull=True)
        .count()
    )


def todos_for(user: Any) -> list[Todo]:
    items: list[Todo] = []
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if max_age and user.password_changed_at:
        expires = user.password_changed_at + timedelta(days=max_age)
        left = (expires - timezone.now()).days
        if left <= PASSWORD_WARNING_DAYS:
            items.append(
                Todo(
                    title=_("您的密码将于 %(days)d 天后过期，请及时修改") % {"days": max(left, 0)},
                    url=reverse("accounts:password_change"),
                    kind="accounts",
                    due=timezone.localdate(expires),
                    urgent=left <= 3,
                )
            )
    if user.has_role(Role.SYSTEM_ADMIN):
        missing = members_without_account(user.committee_id)
        if missing:
            items.append(
                Todo(
                    title=_("本届在任委员中有 %(n)d 人尚未开通账号") % {"n": missing},
                    url=reverse("accounts:user_list") + "?without_account=1",
                    kind="accounts",
                    count=missing,
                )
            )
    if user.has_role(Role.SECURITY_ADMIN):
        roleless = (
            User.objects.filter(committee_id=user.committee_id, is_active=True, kind=User.Kind.OFFICE)
            .filter(roles__isnull=True)
            .count()
        )
        if roleless:
            items.append(
                Todo(
                    title=_("有 %(n)d 个机关工作人员账号尚未授予角色") % {"n": roleless},
                    url=reverse("accounts:role_list") + "?roleless=1",
                    kind="accounts",
                    count=roleless,
                )
            )
    return items
