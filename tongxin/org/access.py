"""Who may read and change the organisation of a committee.

A user knows only their own committee's organisation; a system administrator also the committees
below theirs. Anything else answers 404, never 403, so nobody learns that it exists. Within what a
user may know, reading is for office staff, leaders and the system administrator; members,
handling-unit staff and the security and audit administrators have no organisation pages (403).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, NotFound
from tongxin.core.roles import OFFICE_ROLES, Role

from .entities import ENTITIES, committee_id_of
from .models import Committee
from .queries import committee_scope_ids

READER_ROLES = frozenset(OFFICE_ROLES | {Role.LEADER, Role.SYSTEM_ADMIN})

_ADMIN = frozenset({Role.SYSTEM_ADMIN})
_MEMBER_AFFAIRS = frozenset({Role.SYSTEM_ADMIN, Role.MEMBER_AFFAIRS})
_PROPOSAL_OFFICE = frozenset({Role.SYSTEM_ADMIN, Role.PROPOSAL_OFFICE})

# Who changes what. The system administrator sets a committee up; member affairs keep the bodies
# members belong to; the proposal office keeps the handling units proposals are assigned to.
MANAGER_ROLES: dict[str, frozenset[str]] = {
    "committee": _ADMIN,
    "term": _ADMIN,
    "session": _ADMIN,
    "department": _ADMIN,
    "sector": _MEMBER_AFFAIRS,
    "participating_unit": _MEMBER_AFFAIRS,
    "special_committee": _MEMBER_AFFAIRS,
    "activity_group": _MEMBER_AFFAIRS,
    "handling_unit": _PROPOSAL_OFFICE,
    "contact": _PROPOSAL_OFFICE,
}


def visible_committee_ids(user: Any) -> set[int]:
    """Committees whose organisation `user` may know exists: their own, and for a system
    administrator every committee below it."""
    if not user.is_authenticated:
        return set()
    if user.has_role(Role.SYSTEM_ADMIN):
        return committee_scope_ids(user.committee_id)
    return {user.committee_id}


def can_read_org(user: Any) -> bool:
    """Office staff, leaders and the system administrator read the organisation pages and endpoints."""
    return bool(user.is_authenticated and user.has_role(*READER_ROLES))


def can_manage(user: Any, entity: str, committee_id: int) -> bool:
    """`user` may create, change, deactivate and reactivate `entity` objects of this committee."""
    if not user.is_authenticated or not user.has_role(*MANAGER_ROLES[entity]):
        return False
    if user.has_role(Role.SYSTEM_ADMIN):
        return committee_id in committee_scope_ids(user.committee_id)
    return bool(committee_id == user.committee_id)


def require_read(user: Any, committee_id: int, visible: set[int] | None = None) -> None:
    """NotFound outside what `user` may know, Forbidden if they may know it but not read it."""
    if committee_id not in (visible if visible is not None else visible_committee_ids(user)):
        raise NotFound(_("对象不存在。"))
    if not can_read_org(user):
        raise Forbidden(_("您没有查看组织机构的权限。"))


def require_manage(user: Any, entity: str, committee_id: int) -> None:
    """Forbidden unless `user` may change `entity` objects of this committee."""
    if not can_manage(user, entity, committee_id):
        raise Forbidden(_("您没有管理%(label)s的权限。") % {"label": ENTITIES[entity].label})


def get_committee_for_user(
    user: Any, pk: int, *, write: bool = False, entity: str = "committee"
) -> Committee:
    """Committee `pk` if `user` may read it (with write: change its `entity` objects); else NotFound
    or Forbidden, and NotFound never hints that it exists."""
    visible = visible_committee_ids(user)
    committee = Committee.objects.select_related("parent").filter(pk=pk, pk__in=visible).first()
    if committee is None:
        raise NotFound(_("委员会不存在。"))
    require_read(user, committee.pk, visible)
    if write:
        require_manage(user, entity, committee.pk)
    return committee


def get_for_user(user: Any, entity: str, pk: int, *, write: bool = False) -> Model:
    """The `entity` object `pk` if `user` may read it (with write: change it); else NotFound or Forbidden."""
    kind = ENTITIES[entity]
    visible = visible_committee_ids(user)
    obj = (
        kind.model._default_manager.select_related(*kind.related)
        .filter(pk=pk, **{f"{kind.committee_path}__in": visible})
        .first()
    )
    if obj is None:
        raise NotFound(_("%(label)s不存在。") % {"label": kind.label})
    require_read(user, committee_id_of(obj), visible)
    if write:
        require_manage(user, entity, committee_id_of(obj))
    return obj
