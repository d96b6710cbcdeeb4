"""Steps of assignment and handling: assign, sign for, reassignment, extension, progress, co-unit
opinions, and the reply (draft, countersign, approve)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.db.models import F, Q
from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, Invalid
from tongxin.org.models import HandlingUnit

from .. import deadlines
from ..models import Assignment, FollowUp, Proposal, Reply
from ..workflow import State
from .config import class_labels
from .steps import Ctx, Outcome, blocked

PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")


# --- Assignment ------------------------------------------------------------------------------------


def _units(committee_id: int, ids: list[int], field_name: str) -> list[HandlingUnit]:
    units = {
        u.pk: u for u in HandlingUnit.objects.filter(pk__in=ids, committee_id=committee_id, is_active=True)
    }
    if len(units) != len(set(ids)):
        raise Invalid(_("承办单位不存在或已停用。"), {field_name: [_("承办单位不存在或已停用。")]})
    return [units[i] for i in dict.fromkeys(ids)]


def check_due(ctx: Ctx, due: dt.date | None, field_name: str) -> None:
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
    check_due(ctx, d.reply_due_on, "reply_due_on")
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


STEPS: dict[str, Callable[[Ctx], Outcome]] = {
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
}
