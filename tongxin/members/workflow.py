"""A membership's status through a term (章程: 委员 may resign or be removed during the term).

ACTIVE → RESIGNED (辞去委员职务) or REMOVED (撤销委员资格); a mistaken change is reverted by REINSTATE.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.workflow import Transition


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("在任")  # serving in the term
    RESIGNED = "resigned", _("已辞去")  # resigned, with the date and the approving decision in the note
    REMOVED = "removed", _("已撤销")  # membership revoked by the standing committee


State = MembershipStatus
INITIAL_STATE = MembershipStatus.ACTIVE
TERMINAL_STATES: frozenset[str] = frozenset()

TRANSITIONS: dict[str, Transition] = {
    "resign": Transition(
        name="resign",
        sources=frozenset({State.ACTIVE}),
        target=State.RESIGNED,
        permission="can_manage_memberships",
        label=_("辞去委员职务"),
    ),
    "remove": Transition(
        name="remove",
        sources=frozenset({State.ACTIVE}),
        target=State.REMOVED,
        permission="can_manage_memberships",
        label=_("撤销委员资格"),
    ),
    "reinstate": Transition(
        name="reinstate",
        sources=frozenset({State.RESIGNED, State.REMOVED}),
        target=State.ACTIVE,
        permission="can_manage_memberships",
        label=_("恢复在任"),
    ),
}
