"""Who may read the dashboards: the office (proposal, information, secretariat and member-affairs
staff) and leaders. Members, handling units and the administrators may not (the figures are the
office's working numbers; an administrator does no business work, ADR 0002)."""

from __future__ import annotations

from typing import Any

from tongxin.core.roles import OFFICE_ROLES, Role

DASHBOARD_ROLES = frozenset(OFFICE_ROLES | {Role.LEADER})


def can_view_dashboards(user: Any) -> bool:
    return bool(user.is_authenticated and not user.is_admin and user.has_role(*DASHBOARD_ROLES))
