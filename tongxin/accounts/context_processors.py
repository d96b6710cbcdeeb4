"""What every page's shell needs: navigation, the 长辈版 flag and the layout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tongxin.core.roles import Role

from .navigation import navigation_for

ELDER_COOKIE = "tongxin_elder"


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"elder_mode": request.COOKIES.get(ELDER_COOKIE) == "1", "layout": "phone", "nav_items": []}
    # Members (and handling-unit staff) mostly use phones; office staff and administrators sit at desks.
    phone_first = user.role_set <= {Role.MEMBER, Role.UNIT_STAFF, Role.LEADER}
    return {
        "elder_mode": user.elder_mode,
        "layout": "phone" if phone_first else "desk",
        "nav_items": navigation_for(user, request.path),
    }
