"""The one function that moves a proposal through its life: `proposal_transition`.

Every action of workflow.TRANSITIONS runs the same steps: look the action up, check the state, check
who may (access.py), validate the payload, take the proposal by compare-and-swap (exactly one of two
simultaneous actors wins), run the guard and the action's own checks, write its rows and one
ProposalEvent in the same transaction, and queue the notifications once it has committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.errors import Conflict, Forbidden, NotFound
from tongxin.core.workflow import Transition

from .. import access, tasks
from ..duty_credit import proposal_duties_record
from ..models import Proposal, ProposalEvent, ProposalSettings
from ..workflow import SYSTEM_ACTIONS, TRANSITIONS, State
from .config import settings_for
from .feedback import STEPS as FEEDBACK_STEPS
from .feedback import group_raters
from .handling import STEPS as HANDLING_STEPS
from .payloads import validate_payload
from .review import STEPS as REVIEW_STEPS
from .steps import Ctx, Outcome, blocked


def proposal_transition(
    *, proposal: Proposal, name: str, actor: Any, payload: Mapping[str, Any] | Any = None
) -> Proposal:
    """Run action `name` on `proposal` for `actor` (None: the system, for SYSTEM_ACTIONS only)."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise NotFound(_("没有这个操作。"), code="unknown_action")
    if proposal.state not in t.sources:
        raise Conflict(
            _("提案当前为“%(state)s”，不能执行“%(action)s”。")
            % {"state": State(proposal.state).label, "action": t.label},
            code="invalid_transition",
        )
    if actor is None:
        if name not in SYSTEM_ACTIONS:
            raise Forbidden(_("该操作须由工作人员执行。"))
    else:
        access.require(actor, t.permission, proposal)
    data = validate_payload(name, payload)
    conf = settings_for(proposal.committee_id)
    now = timezone.now()
    old_state = proposal.state
    seen_version = proposal.version
    try:
        event = _run(proposal, t, name, actor, data, conf, now, old_state)
    except BaseException:
        # The transaction rolled back: the caller's object must not keep the bumped version.
        proposal.version = seen_version
        raise
    transaction.on_commit(partial(tasks.proposal_event_notify.enqueue, event_id=event.pk))
    proposal.refresh_from_db()
    return proposal


def _run(
    proposal: Proposal,
    t: Transition,
    name: str,
    actor: Any,
    data: Any,
    conf: ProposalSettings,
    now: dt.datetime,
    old_state: str,
) -> ProposalEvent:
    with transaction.atomic():
        # Compare-and-swap: the row must still be in the state and version this actor saw.
        taken = Proposal.objects.filter(pk=proposal.pk, state=old_state, version=proposal.version).update(
            version=F("version") + 1, updated_at=now
        )
        if taken != 1:
            raise Conflict(_("该提案刚刚已被他人处理，请刷新后重试。"))
        proposal.version += 1
        if t.guard is not None:
            reason = t.guard(proposal)
            if reason:
                raise blocked(reason)
        ctx = Ctx(
            proposal=proposal, actor=actor, data=data, conf=conf, now=now, today=timezone.localdate(now)
        )
        outcome = HANDLERS[name](ctx)
        new_state = outcome.state or old_state
        if new_state not in (old_state, t.target):  # the table is the only map of moves
            raise RuntimeError(f"{name} tried to move {old_state} to {new_state}")
        Proposal.objects.filter(pk=proposal.pk).update(state=new_state, **outcome.fields)
        event = ProposalEvent.objects.create(
            proposal=proposal,
            actor=actor,
            name=name,
            from_state=old_state,
            to_state=new_state,
            note=outcome.note or getattr(data, "note", "") or "",
            round=outcome.fields.get("round", proposal.round),
            data=outcome.data,
        )
        proposal_duties_record(proposal=proposal, name=name, data=outcome.data, actor=actor, today=ctx.today)
    return event


HANDLERS: dict[str, Callable[[Ctx], Outcome]] = {**REVIEW_STEPS, **HANDLING_STEPS, **FEEDBACK_STEPS}

__all__ = ["HANDLERS", "blocked", "group_raters", "proposal_transition"]
