"""Who may see and manage members.

A user sees only their own committee's members: another committee's membership is "not found",
never "forbidden" (ecosystem.md C7). Within the committee, office staff, leaders and the system
administrator read the roster; a member reads only their own record; handling-unit staff and the
security and audit administrators read none of it (三员分立: no business data for them, C6).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from tongxin.core.errors import NotFound
from tongxin.core.roles import OFFICE_ROLES, Role

from .models import Membership

ROSTER_READERS = frozenset(OFFICE_ROLES | {Role.LEADER, Role.SYSTEM_ADMIN})
# Exports carry many people's data at once, so only the office (and the administrator who sets a
# committee up) takes them; leaders read the roster on screen (PIPL 第6条, ecosystem.md C22).
ROSTER_EXPORTERS = frozenset(OFFICE_ROLES | {Role.SYSTEM_ADMIN})


def can_manage_memberships(actor: Any, membership: Any = None) -> bool:
    """Member affairs staff keep the roster; the system administrator sets a committee up."""
    if not actor.is_authenticated or not actor.has_role(Role.MEMBER_AFFAIRS, Role.SYSTEM_ADMIN):
        return False
    return membership is None or membership.term.committee_id == actor.committee_id


def can_see_phone(actor: Any) -> bool:
    """Roles in settings.PHONE_VISIBLE_ROLES may reveal a member's full phone number (audited)."""
    return bool(actor.is_authenticated and actor.has_role(*settings.PHONE_VISIBLE_ROLES))


def can_view_roster(actor: Any) -> bool:
    """Office staff, leaders and the system administrator read their committee's roster."""
    return bool(actor.is_authenticated and actor.has_role(*ROSTER_READERS))


def is_own_membership(actor: Any, membership: Any) -> bool:
    """The membership belongs to the person the actor's account is linked to."""
    person_id = getattr(actor, "person_id", None)
    return bool(actor.is_authenticated and person_id is not None and person_id == membership.person_id)


def can_view_membership(actor: Any, membership: Any) -> bool:
    """Roster readers of the membership's committee, and the member themself."""
    if not actor.is_authenticated or membership.term.committee_id != actor.committee_id:
        return False
    return can_view_roster(actor) or is_own_membership(actor, membership)


def can_export_roster(actor: Any) -> bool:
    """Office staff and the system administrator export the roster (each export is audited)."""
    return bool(actor.is_authenticated and actor.has_role(*ROSTER_EXPORTERS))


def can_export_full_phones(actor: Any) -> bool:
    """An exporter whose role may see phone numbers may tick "含完整手机号码" (audited with the flag)."""
    return can_export_roster(actor) and can_see_phone(actor)


def can_reveal_phone(actor: Any, membership: Any) -> bool:
    """A reader of the membership whose role is in PHONE_VISIBLE_ROLES (ecosystem.md C22)."""
    return can_view_membership(actor, membership) and can_see_phone(actor)


def can_create_member_account(actor: Any) -> bool:
    """Opening a member's login is account administration: the system administrator only (C6)."""
    return bool(actor.is_authenticated and actor.has_role(Role.SYSTEM_ADMIN))


def get_membership_for_user(actor: Any, pk: int) -> Membership:
    """Membership `pk` with everything its page shows, if `actor` may see it; otherwise NotFound."""
    membership = (
        Membership.objects.select_related(
            "person", "term__committee", "sector", "participating_unit", "activity_group"
        )
        .prefetch_related("special_committees")
        .filter(pk=pk)
        .first()
    )
    if membership is None or not can_view_membership(actor, membership):
        raise NotFound(_("委员不存在。"))
    return membership
