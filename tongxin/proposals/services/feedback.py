"""Steps after the reply: ratings, re-handling, closing, key and excellent proposals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tongxin.core.errors import Invalid

from .. import access, deadlines
from ..models import Assignment, ExcellentNomination, KeyProposal, Proposal, Proposer, Rating
from ..workflow import State
from .handling import check_due
from .steps import Ctx, Outcome, blocked

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
    check_due(ctx, ctx.data.due_on, "due_on")
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


STEPS: dict[str, Callable[[Ctx], Outcome]] = {
    "rate": _rate,
    "order_rehandling": _order_rehandling,
    "close": _close,
    "designate_key": _designate_key,
    "nominate_excellent": _nominate_excellent,
}
