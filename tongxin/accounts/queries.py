"""Reads about accounts: the administrators' lists, an account's timeline, and the accounts items
of "我的待办"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypinyin import lazy_pinyin

from tongxin.core.errors import Invalid
from tongxin.core.roles import ADMIN_ROLES, Role
from tongxin.core.todos import Todo
from tongxin.members.models import Membership, Person
from tongxin.members.workflow import MembershipStatus
from tongxin.org.models import Committee
from tongxin.org.queries import committee_scope_ids

from .models import User, UserEvent, UserRole
from .services import ROLES_FOR_KIND, USERNAME_PATTERN

PASSWORD_WARNING_DAYS = 14
TEXT_MAX = 40

EVENT_LABELS: dict[str, str | Promise] = {
    "created": gettext_lazy("创建账号"),
    "updated": gettext_lazy("修改账号信息"),
    "deactivated": gettext_lazy("停用账号"),
    "reactivated": gettext_lazy("启用账号"),
    "role_granted": gettext_lazy("授予角色"),
    "role_revoked": gettext_lazy("撤销角色"),
    "password_reset": gettext_lazy("重置密码"),
    "password_changed": gettext_lazy("修改密码"),
}
STATE_LABELS: dict[str, str | Promise] = {"active": gettext_lazy("启用"), "inactive": gettext_lazy("停用")}


@dataclass(frozen=True)
class UserFilter:
    """A validated search of accounts; empty fields do not filter."""

    committee_id: int | None = None
    kind: str = ""
    role: str = ""
    active: bool | None = None
    text: str = ""
    roleless: bool = False


def user_filter(
    *,
    committee_id: int | None = None,
    kind: str | None = "",
    role: str | None = "",
    active: bool | None = None,
    text: str | None = "",
    roleless: bool = False,
) -> UserFilter:
    """Check a search of accounts; the pages and the API use this one set of rules."""
    kind, role, text = (kind or "").strip(), (role or "").strip(), (text or "").strip()
    errors: dict[str, list[str]] = {}
    if kind and kind not in User.Kind.values:
        errors["kind"] = [_("账号类型无效。")]
    if role and role not in Role.values:
        errors["role"] = [_("角色无效。")]
    if len(text) > TEXT_MAX:
        errors["q"] = [_("查询文字不能超过 %(n)d 个字。") % {"n": TEXT_MAX}]
    if errors:
        raise Invalid(_("查询条件有误。"), errors)
    return UserFilter(
        committee_id=committee_id, kind=kind, role=role, active=active, text=text, roleless=roleless
    )


def users_filtered(users: QuerySet[User], f: UserFilter) -> QuerySet[User]:
    """`users` narrowed by `f`, with what a list row shows loaded in a fixed number of queries."""
    if f.committee_id is not None:
        users = users.filter(committee_id=f.committee_id)
    if f.kind:
        users = users.filter(kind=f.kind)
    if f.role:
        users = users.filter(roles__role=f.role)
    if f.active is not None:
        users = users.filter(is_active=f.active)
    if f.text:
        users = users.filter(Q(username__icontains=f.text) | Q(full_name__icontains=f.text))
    if f.roleless:
        users = users.filter(roles__isnull=True)
    return users.select_related("committee").prefetch_related(
        Prefetch("roles", queryset=UserRole.objects.order_by("role"))
    )


def committees_administered_by(actor: Any) -> QuerySet[Committee]:
    """The committees whose accounts `actor` administers: their own and those below it."""
    return Committee.objects.filter(id__in=committee_scope_ids(actor.committee_id)).order_by("id")


def serving_members_without_account(committee_ids: set[int] | list[int]) -> QuerySet[Membership]:
    """Memberships of the committees' current terms whose person is serving and cannot sign in yet."""
    return Membership.objects.filter(
        term__committee_id__in=committee_ids,
        term__is_current=True,
        status=MembershipStatus.ACTIVE,
        person__user__isnull=True,
    ).select_related("person", "term__committee", "sector")


def people_who_may_get_an_account(committee: Committee) -> QuerySet[Person]:
    """The committee's serving members of the current term who have no account yet."""
    return (
        Person.objects.filter(
            committee=committee,
            user__isnull=True,
            memberships__term__is_current=True,
            memberships__term__committee=committee,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .distinct()
        .order_by("name_pinyin", "id")
    )


def username_suggestion(full_name: str) -> str:
    """A free user name from the pinyin of `full_name` (王伟 → wangwei, then wangwei2 …)."""
    base = "".join(lazy_pinyin(full_name.strip())).lower()
    base = "".join(ch for ch in base if ch.isascii() and (ch.isalnum() or ch in "_.-"))[:36]
    if len(base) < 3 or not USERNAME_PATTERN.match(base):
        return ""
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    if base not in taken:
        return base
    for n in range(2, 1000):
        if f"{base}{n}" not in taken:
            return f"{base}{n}"
    return ""


def user_timeline(user: User) -> list[UserEvent]:
    """The account's events, oldest first, each with a readable `label`."""
    events = list(user.events.select_related("actor").order_by("created_at", "id"))
    for event in events:
        label = str(EVENT_LABELS.get(event.name, event.name))
        role = event.data.get("role") if isinstance(event.data, dict) else None
        if role in Role.values:
            label = f"{label}：{Role(role).label}"
        event.label = label  # type: ignore[attr-defined]
        event.from_state_label = STATE_LABELS.get(event.from_state, event.from_state)  # type: ignore[attr-defined]
        event.to_state_label = STATE_LABELS.get(event.to_state, event.to_state)  # type: ignore[attr-defined]
    return events


def grantable_roles(user: User) -> list[tuple[str, str]]:
    """The roles the security administrator could still grant to `user` (value, label).

    Uses the prefetched `roles` when the caller loaded them, so a list page stays one query.
    """
    current = {grant.role for grant in user.roles.all()}
    allowed = ROLES_FOR_KIND.get(user.kind, frozenset()) - current
    if current & ADMIN_ROLES:
        allowed -= ADMIN_ROLES  # 三员分立: one administrator role per account
    return [(role.value, str(role.label)) for role in Role if role in allowed]


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
