"""The one function that moves a proposal through its life: `proposal_transition`.

Every action of workflow.TRANSITIONS runs the same steps: look the action up, check the state, check
who may (access.py), validate the payload, take the proposal by compare-and-swap (exactly one of two
simultaneous actors wins), run the guard and the action's own checks, write its rows and one
ProposalEvent in the same transaction, and queue the notifications once it has committed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.errors import Conflict, Forbidden, Invalid, NotFound
from tongxin.core.workflow import Transition
from tongxin.org.models import HandlingUnit

from .. import access, deadlines, tasks
from ..models import (
    Assignment,
    ExcellentNomination,
    FollowUp,
    KeyProposal,
    Proposal,
    ProposalCategory,
    ProposalEvent,
    ProposalSettings,
    Proposer,
    Rating,
    RejectionReason,
    Reply,
)
from ..numbering import next_number, session_for_submission
from ..workflow import SYSTEM_ACTIONS, TRANSITIONS, State
from .config import class_labels, settings_for
from .drafting import snapshot_original
from .payloads import validate_payload

PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")


@dataclass
class Ctx:
    proposal: Proposal
    actor: Any
    data: Any
    conf: ProposalSettings
    now: dt.datetime
    today: dt.date


@dataclass
class Outcome:
    """What an action did: the state it completes (None: it stays), field updates and event details."""

    state: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def blocked(message: str) -> Conflict:
    """A guard refused the move (409 `blocked`)."""
    return Conflict(message, code="blocked")


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
    return event


# --- Submission and co-signers ---------------------------------------------------------------------


def _submit(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    errors: dict[str, list[str]] = {}
    if not p.title.strip():
        errors["title"] = [_("请填写案由。")]
    if not p.suggestions.strip():
        errors["suggestions"] = [_("请填写具体建议（有情况、有分析、有具体的建议，规则第8条）。")]
    if not (p.background.strip() or p.analysis.strip()):
        errors["background"] = [_("请填写调研情况或问题分析。")]
    cosigners = p.proposers.filter(role=Proposer.Role.COSIGNER)
    if p.kind == Proposal.Kind.JOINT and not cosigners.exists():
        errors["cosigner_person_ids"] = [_("联名提案须至少邀请一位联名人。")]
    if p.kind == Proposal.Kind.COLLECTIVE and p.collective_body is None:
        errors["collective_body"] = [_("集体提案须选择署名单位。")]
    if errors:
        raise Invalid(_("提案还不完整，不能提交。"), errors)
    fields: dict[str, Any] = {}
    if p.submitted_at is None:
        session, channel = session_for_submission(committee_id=p.committee_id, at=ctx.now)
        if session is None:
            raise blocked(_("本届尚未设置全体会议，暂不能提交提案，请联系提案委。"))
        fields.update(session=session, channel=channel, submitted_at=ctx.now)
    if cosigners.filter(status=Proposer.Status.INVITED).exists():
        fields["cosign_due_on"] = deadlines.cosign_due(submitted_on=ctx.today, conf=ctx.conf)
    snapshot_original(p, actor=ctx.actor)
    return Outcome(
        state=State.SUBMITTED,
        fields=fields,
        data={
            "channel": fields.get("channel", p.channel),
            "session_id": getattr(fields.get("session"), "pk", None),
        },
    )


def _my_cosigner_row(ctx: Ctx) -> Proposer:
    row = ctx.proposal.proposers.filter(person_id=ctx.actor.person_id, role=Proposer.Role.COSIGNER).first()
    if row is None:  # access.can_cosign checked it; a concurrent edit removed it
        raise blocked(_("您不在联名人名单中。"))
    if row.status != Proposer.Status.INVITED:
        raise blocked(_("您已答复过该联名邀请。"))
    due = ctx.proposal.cosign_due_on
    if due is not None and ctx.today > due:
        raise blocked(_("联名确认已于 %(date)s 截止。") % {"date": due.isoformat()})
    return row


def _cosign(ctx: Ctx) -> Outcome:
    row = _my_cosigner_row(ctx)
    Proposer.objects.filter(pk=row.pk).update(status=Proposer.Status.CONFIRMED, responded_at=ctx.now)
    return Outcome(data={"proposer_id": row.pk})


def _decline_cosign(ctx: Ctx) -> Outcome:
    row = _my_cosigner_row(ctx)
    Proposer.objects.filter(pk=row.pk).update(status=Proposer.Status.DECLINED, responded_at=ctx.now)
    return Outcome(data={"proposer_id": row.pk})


def _withdraw(ctx: Ctx) -> Outcome:
    return Outcome(state=State.WITHDRAWN)


# --- Review ----------------------------------------------------------------------------------------


def _return_for_revision(ctx: Ctx) -> Outcome:
    return Outcome(state=State.RETURNED)


def _file(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    invited = p.proposers.filter(role=Proposer.Role.COSIGNER, status=Proposer.Status.INVITED)
    if invited.exists() and p.cosign_due_on is not None and ctx.today <= p.cosign_due_on:
        raise blocked(
            _("还有联名人未答复邀请（截至 %(date)s），请待其确认后再立案。")
            % {"date": p.cosign_due_on.isoformat()}
        )
    if p.session_id is None:
        raise blocked(_("提案没有所属会议，不能编号。"))
    fields: dict[str, Any] = {}
    category_id = ctx.data.category_id
    if category_id is not None:
        if not ProposalCategory.objects.filter(
            pk=category_id, committee_id=p.committee_id, is_active=True
        ).exists():
            raise Invalid(_("类别不存在或已停用。"), {"category_id": [_("类别不存在或已停用。")]})
        fields["category_id"] = category_id
    # Invitations left unanswered past the deadline lapse; the proposal goes on without them.
    expired = invited.update(status=Proposer.Status.EXPIRED, responded_at=ctx.now)
    number = next_number(conf=ctx.conf, session_id=p.session_id)
    fields.update(number=number, filed_at=ctx.now)
    return Outcome(state=State.FILED, fields=fields, data={"number": number, "expired_invitations": expired})


def _reject(ctx: Ctx) -> Outcome:
    reason = RejectionReason.objects.filter(
        committee_id=ctx.proposal.committee_id, code=ctx.data.reason_code, is_active=True
    ).first()
    if reason is None:
        raise Invalid(_("不予立案情形无效。"), {"reason_code": [_("请从不予立案情形列表中选择。")]})
    return Outcome(
        state=State.NOT_FILED,
        fields={"rejection_reason": reason},
        data={"reason_code": reason.code, "reason": reason.label},
    )


def _convert(ctx: Ctx) -> Outcome:
    # The opinion-report capability does not exist yet: the conversion is recorded (issue 3).
    return Outcome(
        state=State.CONVERTED, fields={"converted_to": ctx.data.target}, data={"target": ctx.data.target}
    )


def _merge(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    lead = Proposal.objects.filter(pk=ctx.data.into, committee_id=p.committee_id).first()
    if lead is None or lead.pk == p.pk:
        raise Invalid(_("牵头提案不存在。"), {"into": [_("请选择本委员会另一件已立案的提案。")]})
    if lead.state != State.FILED or lead.merged_into_id is not None:
        raise Invalid(
            _("牵头提案须为已立案、尚未交办的提案。"), {"into": [_("牵头提案须为已立案、尚未交办的提案。")]}
        )
    if lead.session_id != p.session_id:
        raise Invalid(_("只能与同一次会议的提案并案。"), {"into": [_("只能与同一次会议的提案并案。")]})
    if p.merged_members.exists():
        raise blocked(_("该提案已是并案牵头提案，不能再并入其他提案。"))
    # The lead takes the group: it must not move on while this merge runs.
    taken = Proposal.objects.filter(pk=lead.pk, state=State.FILED, version=lead.version).update(
        version=F("version") + 1, updated_at=ctx.now
    )
    if taken != 1:
        raise Conflict(_("牵头提案刚刚已被他人处理，请刷新后重试。"))
    ProposalEvent.objects.create(
        proposal=lead,
        actor=ctx.actor,
        name="merge_received",
        from_state=lead.state,
        to_state=lead.state,
        note=ctx.data.note,
        data={"member_id": p.pk},
    )
    return Outcome(state=State.MERGED, fields={"merged_into": lead}, data={"into": lead.pk})


# --- Assignment ------------------------------------------------------------------------------------


def _units(committee_id: int, ids: list[int], field_name: str) -> list[HandlingUnit]:
    units = {
        u.pk: u for u in HandlingUnit.objects.filter(pk__in=ids, committee_id=committee_id, is_active=True)
    }
    if len(units) != len(set(ids)):
        raise Invalid(_("承办单位不存在或已停用。"), {field_name: [_("承办单位不存在或已停用。")]})
    return [units[i] for i in dict.fromkeys(ids)]


def _check_due(ctx: Ctx, due: dt.date | None, field_name: str) -> None:
    if due is None:
        return
    limit = deadlines.months_after(ctx.today, ctx.conf.hard_limit_months)
    if due <= ctx.today or due > limit:
        raise Invalid(
            _("期限须在今天之后、%(limit)s 之前。") % {"limit": limit.isoformat()},
            {field_name: [_("期限须在今天之后、%(limit)s 之前。") % {"limit": limit.isoformat()}]},
        )


def _new_assignment(ctx: Ctx, unit: HandlingUnit, role: str, reply_due_on: dt.date | None) -> Assignment:
    return Assignment.objects.create(
        proposal=ctx.proposal,
        unit=unit,
        role=role,
        assigned_on=ctx.today,
        assigned_by=ctx.actor,
        reassign_until=deadlines.reassign_until(assigned_on=ctx.today, conf=ctx.conf),
        reply_due_on=reply_due_on if role != Assignment.Role.CO else None,
        co_opinion_due_on=(
            deadlines.co_opinion_due(assigned_on=ctx.today, conf=ctx.conf)
            if role == Assignment.Role.CO
            else None
        ),
    )


def _reply_due_for(ctx: Ctx) -> dt.date:
    p = ctx.proposal
    return deadlines.reply_due(
        assigned_on=ctx.today,
        conf=ctx.conf,
        session_id=p.session_id,
        fixed_allowed=p.channel == Proposal.Channel.SESSION,
    )


def _assign(ctx: Ctx) -> Outcome:
    d = ctx.data
    p = ctx.proposal
    if d.mode == Proposal.HandlingMode.LEAD:
        if d.lead_unit_id is None:
            raise Invalid(_("请选择主办单位。"), {"lead_unit_id": [_("请选择主办单位。")]})
        if d.unit_ids:
            raise Invalid(_("主办会办方式不填分办单位。"), {"unit_ids": [_("主办会办方式不填分办单位。")]})
        if d.lead_unit_id in d.co_unit_ids:
            raise Invalid(
                _("主办单位不能同时为会办单位。"), {"co_unit_ids": [_("主办单位不能同时为会办单位。")]}
            )
        plan = [(u, Assignment.Role.LEAD) for u in _units(p.committee_id, [d.lead_unit_id], "lead_unit_id")]
        plan += [(u, Assignment.Role.CO) for u in _units(p.committee_id, d.co_unit_ids, "co_unit_ids")]
    else:
        if d.lead_unit_id is not None or d.co_unit_ids:
            raise Invalid(_("分办方式只填分办单位。"), {"unit_ids": [_("分办方式只填分办单位。")]})
        if len(set(d.unit_ids)) < 2:
            raise Invalid(
                _("分办须至少两个单位；只有一个单位时请选择主办。"),
                {"unit_ids": [_("分办须至少两个单位；只有一个单位时请选择主办。")]},
            )
        plan = [(u, Assignment.Role.SEPARATE) for u in _units(p.committee_id, d.unit_ids, "unit_ids")]
    _check_due(ctx, d.reply_due_on, "reply_due_on")
    due = d.reply_due_on or _reply_due_for(ctx)
    made = [_new_assignment(ctx, unit, role, due) for unit, role in plan]
    return Outcome(
        state=State.ASSIGNED,
        fields={"handling_mode": d.mode, "assigned_at": ctx.now},
        data={
            "mode": d.mode,
            "units": [{"unit_id": a.unit_id, "role": a.role} for a in made],
            "reply_due_on": due.isoformat(),
        },
    )


def _my_assignment(ctx: Ctx, roles: tuple[str, ...] | None = None) -> Assignment:
    qs = Assignment.objects.filter(proposal=ctx.proposal, unit_id=ctx.actor.handling_unit_id, is_active=True)
    if roles:
        qs = qs.filter(role__in=roles)
    assignment = qs.select_related("unit").first()
    if assignment is None:
        raise Forbidden(_("本单位没有承办该提案。"))
    return assignment


def _require_signed(assignment: Assignment) -> None:
    if assignment.signed_at is None:
        raise blocked(_("请先签收该提案。"))


def _sign_for(ctx: Ctx) -> Outcome:
    a = _my_assignment(ctx)
    if a.signed_at is not None:
        raise blocked(_("本单位已签收该提案。"))
    Assignment.objects.filter(pk=a.pk).update(signed_at=ctx.now, signed_by=ctx.actor)
    unsigned = Assignment.objects.filter(
        proposal=ctx.proposal, is_active=True, signed_at__isnull=True
    ).exists()
    return Outcome(state=None if unsigned else State.IN_HANDLING, data={"unit_id": a.unit_id})


def _request_reassignment(ctx: Ctx) -> Outcome:
    a = _my_assignment(ctx)
    if a.signed_at is not None:
        raise blocked(_("本单位已签收，不能再申请调整。"))
    if a.reassignment_decision == Assignment.Decision.REFUSED:
        raise blocked(_("调整申请已被否决，交办已锁定。"))
    if ctx.today > a.reassign_until:
        # Rule 19: after the window the assignment is locked ("逾期未提出退办申请的,不作调整").
        raise blocked(
            _("申请调整期限已于 %(date)s 届满，交办已锁定。") % {"date": a.reassign_until.isoformat()}
        )
    Assignment.objects.filter(pk=a.pk).update(
        reassignment_decision=Assignment.Decision.PENDING, reassignment_reason=ctx.data.reason
    )
    return Outcome(state=State.REASSIGNMENT_REQUESTED, note=ctx.data.reason, data={"unit_id": a.unit_id})


def _decide_reassignment(ctx: Ctx) -> Outcome:
    a = Assignment.objects.filter(
        proposal=ctx.proposal, is_active=True, reassignment_decision=Assignment.Decision.PENDING
    ).first()
    if a is None:
        raise blocked(_("没有待审批的调整申请。"))
    d = ctx.data
    if not d.approve:
        Assignment.objects.filter(pk=a.pk).update(reassignment_decision=Assignment.Decision.REFUSED)
        return Outcome(state=State.ASSIGNED, data={"unit_id": a.unit_id, "approved": False})
    if d.new_unit_id is None:
        raise Invalid(_("同意调整时须指定新的承办单位。"), {"new_unit_id": [_("请选择新的承办单位。")]})
    (unit,) = _units(ctx.proposal.committee_id, [d.new_unit_id], "new_unit_id")
    if Assignment.objects.filter(proposal=ctx.proposal, unit=unit, is_active=True).exists():
        raise Invalid(_("该单位已在承办该提案。"), {"new_unit_id": [_("该单位已在承办该提案。")]})
    Assignment.objects.filter(pk=a.pk).update(
        is_active=False, reassignment_decision=Assignment.Decision.APPROVED
    )
    due = a.reply_due_on
    if a.role != Assignment.Role.CO:
        due = _reply_due_for(ctx)  # the new unit gets the full period from today
    new = _new_assignment(ctx, unit, a.role, due)
    Assignment.objects.filter(pk=a.pk).update(replaced_by=new)
    return Outcome(
        state=State.ASSIGNED, data={"unit_id": a.unit_id, "approved": True, "new_unit_id": unit.pk}
    )


def _request_extension(ctx: Ctx) -> Outcome:
    a = _my_assignment(ctx, (Assignment.Role.LEAD, Assignment.Role.SEPARATE))
    _require_signed(a)
    if a.extension_decision == Assignment.Decision.PENDING:
        raise blocked(_("已有待审批的延期申请。"))
    if a.extension_count >= ctx.conf.extension_max_count:
        raise blocked(_("延期次数已用完（最多 %(n)d 次）。") % {"n": ctx.conf.extension_max_count})
    current = a.reply_due_on or ctx.today
    limit = deadlines.extension_limit(assigned_on=a.assigned_on, current_due=current, conf=ctx.conf)
    until = ctx.data.until
    if until <= current or until > limit:
        message = _("延期须晚于现期限 %(due)s，且不晚于 %(limit)s。") % {
            "due": current.isoformat(),
            "limit": limit.isoformat(),
        }
        raise Invalid(message, {"until": [message]})
    Assignment.objects.filter(pk=a.pk).update(
        extension_requested_until=until,
        extension_reason=ctx.data.reason,
        extension_decision=Assignment.Decision.PENDING,
    )
    return Outcome(note=ctx.data.reason, data={"unit_id": a.unit_id, "until": until.isoformat()})


def _decide_extension(ctx: Ctx) -> Outcome:
    a = Assignment.objects.filter(
        proposal=ctx.proposal,
        unit_id=ctx.data.unit_id,
        is_active=True,
        extension_decision=Assignment.Decision.PENDING,
    ).first()
    if a is None:
        raise Invalid(_("该单位没有待审批的延期申请。"), {"unit_id": [_("该单位没有待审批的延期申请。")]})
    if ctx.data.approve:
        Assignment.objects.filter(pk=a.pk).update(
            reply_due_on=a.extension_requested_until,
            extension_count=F("extension_count") + 1,
            extension_decision=Assignment.Decision.APPROVED,
        )
    else:
        Assignment.objects.filter(pk=a.pk).update(extension_decision=Assignment.Decision.REFUSED)
    until = a.extension_requested_until.isoformat() if a.extension_requested_until else None
    return Outcome(data={"unit_id": a.unit_id, "approved": ctx.data.approve, "until": until})


def _add_progress(ctx: Ctx) -> Outcome:
    a = _my_assignment(ctx)
    _require_signed(a)
    if ctx.data.kind == "pre_contact" and a.pre_contact_at is None:
        Assignment.objects.filter(pk=a.pk).update(pre_contact_at=ctx.now)
    happened = ctx.data.happened_on
    return Outcome(
        note=ctx.data.text,
        data={
            "unit_id": a.unit_id,
            "kind": ctx.data.kind,
            "happened_on": happened.isoformat() if happened else None,
        },
    )


def _submit_co_opinion(ctx: Ctx) -> Outcome:
    a = _my_assignment(ctx, (Assignment.Role.CO,))
    _require_signed(a)
    Assignment.objects.filter(pk=a.pk).update(co_opinion=ctx.data.text, co_opinion_at=ctx.now)
    return Outcome(note=ctx.data.text, data={"unit_id": a.unit_id})


# --- Reply -----------------------------------------------------------------------------------------


def _draft_reply(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    d = ctx.data
    a = _my_assignment(ctx, (Assignment.Role.LEAD, Assignment.Role.SEPARATE))
    _require_signed(a)
    labels = class_labels(ctx.conf)
    errors: dict[str, list[str]] = {}
    result_class = d.result_class.strip().upper()
    if result_class not in labels:
        errors["result_class"] = [_("分类须为 %(codes)s 之一。") % {"codes": "/".join(labels)}]
    if not PHONE.match(d.contact_phone.strip()):
        errors["contact_phone"] = [_("联系电话格式有误。")]
    if errors:
        raise Invalid(_("答复内容有误，请检查。"), errors)
    if a.role == Assignment.Role.LEAD:
        missing = Assignment.objects.filter(
            proposal=p, is_active=True, role=Assignment.Role.CO, co_opinion_at__isnull=True
        ).select_related("unit")
        if missing:
            names = "、".join(m.unit.name for m in missing)
            raise blocked(_("会办单位意见尚未全部送达：%(units)s。") % {"units": names})
    existing = Reply.objects.filter(assignment=a, round=p.round).first()
    if existing is not None and existing.approved_at is not None:
        raise blocked(_("本轮答复已审核通过，不能再修改。"))
    values = {
        "text": d.text,
        "proposed_class": result_class,
        "result_class": result_class,
        "signer": d.signer.strip(),
        "contact_name": d.contact_name.strip(),
        "contact_phone": d.contact_phone.strip(),
        "publicity": d.publicity,
        "drafted_by": ctx.actor,
    }
    if existing is None:
        reply = Reply.objects.create(proposal=p, assignment=a, round=p.round, **values)
    else:
        Reply.objects.filter(pk=existing.pk).update(**values, updated_at=ctx.now)
        reply = existing
        # A changed reply needs the co-units' countersignature again (rule 27: "协办未会签").
        Assignment.objects.filter(proposal=p, countersigned_reply=reply).update(
            countersigned_reply=None, countersigned_at=None
        )
    pending = Assignment.objects.filter(
        proposal=p, is_active=True, role__in=(Assignment.Role.LEAD, Assignment.Role.SEPARATE)
    ).exclude(replies__round=p.round)
    return Outcome(
        state=None if pending.exists() else State.REPLY_DRAFTED,
        data={
            "unit_id": a.unit_id,
            "reply_id": reply.pk,
            "result_class": result_class,
            "redraft": existing is not None,
        },
    )


def _current_lead_reply(p: Proposal) -> Reply | None:
    return Reply.objects.filter(
        proposal=p, round=p.round, assignment__role=Assignment.Role.LEAD, assignment__is_active=True
    ).first()


def _countersign(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    a = _my_assignment(ctx, (Assignment.Role.CO,))
    reply = _current_lead_reply(p)
    if reply is None:
        raise blocked(_("主办单位尚未拟写答复。"))
    if a.countersigned_reply_id == reply.pk:
        raise blocked(_("本单位已会签该答复。"))
    Assignment.objects.filter(pk=a.pk).update(countersigned_reply=reply, countersigned_at=ctx.now)
    missing = (
        Assignment.objects.filter(proposal=p, is_active=True, role=Assignment.Role.CO)
        .filter(Q(countersigned_reply__isnull=True) | ~Q(countersigned_reply=reply))
        .exists()
    )
    return Outcome(
        state=None if missing else State.REPLY_COUNTERSIGNED,
        data={"unit_id": a.unit_id, "reply_id": reply.pk},
    )


def _approve_reply(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    d = ctx.data
    replies = Reply.objects.filter(
        proposal=p, round=p.round, assignment__is_active=True, approved_at__isnull=True
    )
    if d.unit_id is not None:
        replies = replies.filter(assignment__unit_id=d.unit_id)
    candidates = list(replies.select_related("assignment")[:2])
    if not candidates:
        raise Invalid(_("没有待审核的答复。"), {"unit_id": [_("该单位没有待审核的答复。")]})
    if len(candidates) > 1:
        raise Invalid(_("请指定审核哪个单位的答复。"), {"unit_id": [_("分办时请指定单位。")]})
    reply = candidates[0]
    if reply.assignment.role == Assignment.Role.LEAD:
        missing = Assignment.objects.filter(proposal=p, is_active=True, role=Assignment.Role.CO).exclude(
            countersigned_reply=reply
        )
        if missing.exists():
            raise blocked(_("会办单位尚未全部会签该答复。"))
    labels = class_labels(ctx.conf)
    result_class = (d.result_class or reply.result_class).strip().upper()
    if result_class not in labels:
        raise Invalid(
            _("分类无效。"), {"result_class": [_("分类须为 %(codes)s 之一。") % {"codes": "/".join(labels)}]}
        )
    Reply.objects.filter(pk=reply.pk).update(
        result_class=result_class, approved_by=ctx.actor, approved_at=ctx.now, updated_at=ctx.now
    )
    if result_class in (ctx.conf.in_plan_classes or []):
        FollowUp.objects.get_or_create(
            reply=reply,
            defaults={
                "proposal": p,
                "due_on": deadlines.followup_due(replied_on=ctx.today, conf=ctx.conf),
            },
        )
    data = {"reply_id": reply.pk, "unit_id": reply.assignment.unit_id, "result_class": result_class}
    if result_class != reply.proposed_class:
        data["changed_from"] = reply.proposed_class
    if Reply.objects.filter(
        proposal=p, round=p.round, assignment__is_active=True, approved_at__isnull=True
    ).exists():
        return Outcome(data=data)
    round_replies = Reply.objects.filter(proposal=p, round=p.round, assignment__is_active=True)
    classes = sorted(round_replies.values_list("result_class", flat=True))
    publicities = set(round_replies.values_list("publicity", flat=True))
    return Outcome(
        state=State.REPLIED,
        fields={
            # One class per proposal for statistics: the lead's, or the best of the separate replies.
            "result_class": classes[0],
            "replied_at": ctx.now,
            "rating_due_on": deadlines.rating_due(replied_on=ctx.today, conf=ctx.conf),
            "is_public": publicities == {Reply.Publicity.PUBLIC},
        },
        data=data,
    )


# --- Feedback and closing --------------------------------------------------------------------------


def group_raters(p: Proposal) -> Any:
    """Every confirmed proposer of the merge group led by `p`: all of them receive the reply and rate."""
    return Proposer.objects.filter(
        Q(proposal=p) | Q(proposal__merged_into=p), status=Proposer.Status.CONFIRMED
    )


def _rate(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    d = ctx.data
    raters = group_raters(p)
    rated = Rating.objects.filter(proposal=p, round=p.round).values("proposer_id")
    waiting = raters.exclude(pk__in=rated)
    if ctx.actor is None:
        if not d.no_response:
            raise Invalid(_("系统只记录未反馈。"), {"no_response": [_("系统只记录未反馈。")]})
        if p.rating_due_on is None or ctx.today <= p.rating_due_on:
            raise blocked(_("评价期限尚未届满。"))
        rows = [Rating(proposal=p, proposer=r, round=p.round, no_response=True) for r in waiting]
        Rating.objects.bulk_create(rows)
        return Outcome(state=State.EVALUATED, data={"no_response": [r.proposer_id for r in rows]})
    if d.no_response:
        raise Invalid(
            _("未反馈由系统在评价期满后记录。"), {"no_response": [_("未反馈由系统在评价期满后记录。")]}
        )
    errors: dict[str, list[str]] = {}
    if d.attitude is None:
        errors["attitude"] = [_("请评价办理态度。")]
    if d.result is None:
        errors["result"] = [_("请评价办理结果。")]
    if errors:
        raise Invalid(_("请完整填写评价。"), errors)
    staff = access.is_proposal_office(ctx.actor) and d.proposer_id is not None
    if staff:
        targets = list(raters.filter(pk=d.proposer_id))
        if not targets:
            raise Invalid(_("提案者不存在。"), {"proposer_id": [_("请选择本提案（含并案）的提案者。")]})
        if Rating.objects.filter(proposal=p, round=p.round, proposer=targets[0]).exists():
            raise blocked(_("该提案者本轮已评价。"))
    else:
        if d.proposer_id is not None and not access.is_proposal_office(ctx.actor):
            raise Invalid(_("只能评价本人的提案。"), {"proposer_id": [_("委员评价时不填此项。")]})
        if not ctx.actor.person_id:
            raise Invalid(_("代录纸质评价时请指定提案者。"), {"proposer_id": [_("请选择提案者。")]})
        targets = list(waiting.filter(person_id=ctx.actor.person_id))
        if not targets:
            raise blocked(_("您本轮已评价过。"))
    Rating.objects.bulk_create(
        Rating(
            proposal=p,
            proposer=r,
            round=p.round,
            attitude=d.attitude,
            result=d.result,
            comment=d.comment,
            entered_by_staff=staff,
            entered_by=ctx.actor,
        )
        for r in targets
    )
    done = not raters.exclude(
        pk__in=Rating.objects.filter(proposal=p, round=p.round).values("proposer_id")
    ).exists()
    return Outcome(
        state=State.EVALUATED if done else None,
        note=d.comment,
        data={
            "proposer_ids": [r.pk for r in targets],
            "attitude": d.attitude,
            "result": d.result,
            "entered_by_staff": staff,
        },
    )


def _order_rehandling(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    unsatisfied = Rating.objects.filter(proposal=p, round=p.round).filter(
        Q(attitude=Rating.Level.UNSATISFIED) | Q(result=Rating.Level.UNSATISFIED)
    )
    if not unsatisfied.exists():
        raise blocked(_("本轮没有“不满意”的评价，不能要求重新办理。"))
    if p.round > ctx.conf.rehandling_rounds:
        raise blocked(_("已达到重新办理轮次上限（%(n)d 轮）。") % {"n": ctx.conf.rehandling_rounds})
    _check_due(ctx, ctx.data.due_on, "due_on")
    due = ctx.data.due_on or deadlines.rehandling_due(ordered_on=ctx.today, conf=ctx.conf)
    Assignment.objects.filter(
        proposal=p, is_active=True, role__in=(Assignment.Role.LEAD, Assignment.Role.SEPARATE)
    ).update(reply_due_on=due)
    return Outcome(
        state=State.IN_HANDLING,
        fields={"round": p.round + 1, "rating_due_on": None},
        data={"due_on": due.isoformat(), "previous_round": p.round},
    )


def _close(ctx: Ctx) -> Outcome:
    return Outcome(state=State.CLOSED, fields={"closed_at": ctx.now})


# --- Key and excellent proposals ---------------------------------------------------------------------


def _designate_key(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    d = ctx.data
    key = KeyProposal.objects.filter(proposal=p).first()
    if d.step == "nominate":
        if key is not None:
            raise blocked(_("该提案已在重点提案遴选中。"))
        KeyProposal.objects.create(proposal=p, nomination_reason=d.reason, nominated_by=ctx.actor)
        return Outcome(note=d.reason, data={"step": "nominate"})
    if key is None or key.status != KeyProposal.Status.CANDIDATE:
        raise blocked(_("该提案不是待审定的重点提案候选。"))
    if d.approve is None:
        raise Invalid(_("请填写审定结果。"), {"approve": [_("请填写主席会议审定结果。")]})
    if not d.approve:
        KeyProposal.objects.filter(pk=key.pk).update(
            status=KeyProposal.Status.NOT_SELECTED, decided_on=d.decided_on or ctx.today, decision_note=d.note
        )
        return Outcome(data={"step": "decide", "approved": False})
    errors: dict[str, list[str]] = {}
    if not d.supervising_leader.strip():
        errors["supervising_leader"] = [_("请填写督办领导。")]
    if not d.mode:
        errors["mode"] = [_("请选择领办或督办。")]
    if errors:
        raise Invalid(_("重点提案信息不完整。"), errors)
    KeyProposal.objects.filter(pk=key.pk).update(
        status=KeyProposal.Status.DESIGNATED,
        decided_on=d.decided_on or ctx.today,
        decision_note=d.note,
        supervising_leader=d.supervising_leader.strip(),
        mode=d.mode,
        updated_at=ctx.now,
    )
    return Outcome(
        fields={"is_key": True},
        data={
            "step": "decide",
            "approved": True,
            "mode": d.mode,
            "supervising_leader": d.supervising_leader.strip(),
        },
    )


def _nominate_excellent(ctx: Ctx) -> Outcome:
    p = ctx.proposal
    d = ctx.data
    row = ExcellentNomination.objects.filter(proposal=p, year=d.year).first()
    if d.step == "nominate":
        if row is not None:
            raise blocked(_("该提案已被推荐参加 %(year)d 年度评选。") % {"year": d.year})
        ExcellentNomination.objects.create(proposal=p, year=d.year, reason=d.reason, nominated_by=ctx.actor)
        return Outcome(note=d.reason, data={"step": "nominate", "year": d.year})
    if row is None or row.status != ExcellentNomination.Status.NOMINATED:
        raise blocked(_("该提案不是 %(year)d 年度待评定的推荐提案。") % {"year": d.year})
    if d.approve is None:
        raise Invalid(_("请填写评定结果。"), {"approve": [_("请填写评定结果。")]})
    status = ExcellentNomination.Status.SELECTED if d.approve else ExcellentNomination.Status.NOT_SELECTED
    ExcellentNomination.objects.filter(pk=row.pk).update(
        status=status, decided_by=ctx.actor, decided_at=ctx.now, updated_at=ctx.now
    )
    fields = {"is_excellent": True} if d.approve else {}
    return Outcome(fields=fields, data={"step": "select", "year": d.year, "approved": d.approve})


HANDLERS: dict[str, Callable[[Ctx], Outcome]] = {
    "submit": _submit,
    "withdraw": _withdraw,
    "cosign": _cosign,
    "decline_cosign": _decline_cosign,
    "return_for_revision": _return_for_revision,
    "file": _file,
    "reject": _reject,
    "convert": _convert,
    "merge": _merge,
    "assign": _assign,
    "sign_for": _sign_for,
    "request_reassignment": _request_reassignment,
    "decide_reassignment": _decide_reassignment,
    "request_extension": _request_extension,
    "decide_extension": _decide_extension,
    "add_progress": _add_progress,
    "submit_co_opinion": _submit_co_opinion,
    "draft_reply": _draft_reply,
    "countersign": _countersign,
    "approve_reply": _approve_reply,
    "rate": _rate,
    "order_rehandling": _order_rehandling,
    "close": _close,
    "designate_key": _designate_key,
    "nominate_excellent": _nominate_excellent,
}
