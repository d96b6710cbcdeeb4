"""Who may read the security log: the audit administrator only (三员分立, ecosystem.md C6).

The audit administrator reads the rows of their own committee and of the committees below it. Rows
that name no committee (a failed sign-in with an unknown user name) belong to the installation and
are read by the audit administrator of a top-level committee.

audit imports no other tongxin app (ARCHITECTURE.md): the committee tree is reached through the
actor's own `committee` relation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, NotFound
from tongxin.core.roles import Role

from .models import SecurityEvent


def can_read_security_log(actor: Any) -> bool:
    """Only the audit administrator searches, reads and exports the security log."""
    return bool(actor.is_authenticated and actor.has_role(Role.AUDIT_ADMIN))


def require_read_security_log(actor: Any) -> None:
    """Raise Forbidden unless `actor` may read the security log."""
    if not can_read_security_log(actor):
        raise Forbidden(_("只有审计管理员可以查看安全审计日志。"))


def committee_model(actor: Any) -> type[Model]:
    """The committee model, reached through the account so that audit imports no other app."""
    model: type[Model] = actor._meta.get_field("committee").related_model
    return model


def committee_scope_ids(actor: Any) -> set[int]:
    """The actor's committee and every committee below it."""
    committees = committee_model(actor)._default_manager
    scope = {actor.committee_id}
    frontier = [actor.committee_id]
    while frontier:
        children = committees.filter(parent_id__in=frontier).values_list("id", flat=True)
        frontier = [c for c in children if c not in scope]
        scope.update(frontier)
    return scope


def security_events_visible_to(actor: Any) -> QuerySet[SecurityEvent]:
    """The rows the audit administrator `actor` may read; nothing for anyone else."""
    if not can_read_security_log(actor):
        return SecurityEvent.objects.none()
    condition = Q(committee_id__in=committee_scope_ids(actor))
    if actor.committee.parent_id is None:
        condition |= Q(committee_id__isnull=True)
    return SecurityEvent.objects.filter(condition)


def get_security_event_for_user(actor: Any, pk: int) -> SecurityEvent:
    """Row `pk` if `actor` may read it; otherwise NotFound, never a hint that it exists."""
    try:
        return security_events_visible_to(actor).get(pk=pk)
    except SecurityEvent.DoesNotExist:
        raise NotFound(_("记录不存在。")) from None
