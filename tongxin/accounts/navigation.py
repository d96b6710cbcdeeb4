"""The role-aware navigation: each entry names the roles that see it (an empty set: everyone)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongxin.core.roles import BUSINESS_ROLES, OFFICE_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    icon: str


STAFF_READERS = frozenset(OFFICE_ROLES | {Role.LEADER})

NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("我的待办"), "todos:home", frozenset(), "home"),
    NavItem(_("委员名册"), "members:list", STAFF_READERS | {Role.SYSTEM_ADMIN}, "people"),
    NavItem(
        _("组织机构"),
        "org:overview",
        frozenset(OFFICE_ROLES | {Role.SYSTEM_ADMIN, Role.LEADER}),
        "org",
    ),
    NavItem(
        _("提案"),
        "proposals:list",
        frozenset(OFFICE_ROLES | {Role.MEMBER, Role.LEADER, Role.UNIT_STAFF}),
        "proposal",
    ),
    NavItem(_("会议活动"), "meetings:list", STAFF_READERS | {Role.MEMBER}, "meeting"),
    NavItem(_("履职档案"), "duties:me", STAFF_READERS | {Role.MEMBER}, "record"),
    NavItem(
        _("社情民意"),
        "opinions:list",
        frozenset({Role.MEMBER, Role.INFORMATION_OFFICE, Role.LEADER, Role.INVITED_INFORMANT}),
        "opinion",
    ),
    NavItem(_("数据看板"), "dashboards:index", STAFF_READERS, "chart"),
    NavItem(_("公文"), "documents:index", STAFF_READERS, "document"),
    # Documents and exports made in the background; members reach theirs from 我的.
    NavItem(_("我的文件"), "files:list", STAFF_READERS, "file"),
    NavItem(_("全文检索"), "similarity:search", BUSINESS_ROLES, "search"),
    NavItem(_("并案建议"), "similarity:desk", frozenset({Role.PROPOSAL_OFFICE}), "merge"),
    NavItem(_("工作日历"), "core:calendar", frozenset(OFFICE_ROLES | {Role.SYSTEM_ADMIN}), "calendar"),
    NavItem(_("账号管理"), "accounts:user_list", frozenset({Role.SYSTEM_ADMIN}), "key"),
    NavItem(_("角色授权"), "accounts:role_list", frozenset({Role.SECURITY_ADMIN}), "shield"),
    NavItem(_("安全审计"), "audit:log", frozenset({Role.AUDIT_ADMIN}), "log"),
    NavItem(_("我的"), "accounts:profile", frozenset(), "me"),
)


def navigation_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The entries `user` may open, with their URLs and which one is current."""
    items = []
    for item in NAVIGATION:
        if item.roles and not user.has_role(*item.roles):
            continue
        url = reverse(item.url_name)
        current = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "icon": item.icon, "current": current})
    return items
