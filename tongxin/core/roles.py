"""Roles every app checks. A user holds one or more roles, always within one committee.

The three administrators are separated (等保 2.0 L3 8.1.5.1–8.1.5.3, "三员分立"): no user holds two of
them, and none of them does business work.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("委员")
    PROPOSAL_OFFICE = "proposal_office", _("提案工作人员")
    INFORMATION_OFFICE = "information_office", _("信息工作人员")
    SECRETARIAT = "secretariat", _("秘书科工作人员")
    MEMBER_AFFAIRS = "member_affairs", _("委员工作人员")
    LEADER = "leader", _("领导")
    # 特邀信息员: staff accounts the office appoints to report public opinion (domain.md rule 42).
    INVITED_INFORMANT = "invited_informant", _("特邀信息员")
    UNIT_STAFF = "unit_staff", _("承办单位工作人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
OFFICE_ROLES = frozenset(
    {Role.PROPOSAL_OFFICE, Role.INFORMATION_OFFICE, Role.SECRETARIAT, Role.MEMBER_AFFAIRS}
)
BUSINESS_ROLES = frozenset(set(Role) - ADMIN_ROLES)
