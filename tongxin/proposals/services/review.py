"""Steps of submission and review: submit, co-signatures, withdraw, return, file, reject, convert, merge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from tongxin.core.errors import Conflict, Invalid
from tongxin.members.models import Membership
from tongxin.opinions.services import opinion_create_from_proposal

from .. import deadlines
from ..models import Proposal, ProposalCategory, ProposalEvent, Proposer, RejectionReason
from ..numbering import next_number, session_for_submission
from ..workflow import State
from .drafting import snapshot_original
from .steps import Ctx, Outcome, blocked

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


def report_source(proposal_id: int) -> str:
    """How an opinion report names the proposal it was made from (OpinionReport.source)."""
    return f"proposals.proposal:{proposal_id}"


def _report_authors(p: Proposal) -> list[Membership]:
    """The confirmed proposers' memberships, first proposer first: the report's 反映人."""
    rows = list(
        p.proposers.filter(status=Proposer.Status.CONFIRMED)
        .select_related("membership__term", "membership__person")
        .order_by("position", "pk")
    )
    found = [r.membership for r in rows if r.membership is not None]
    missing = [r.person_id for r in rows if r.membership is None]
    if missing:  # a proposer recorded without a membership: the one in the committee's current term
        found += list(
            Membership.objects.filter(
                person_id__in=missing, term__committee_id=p.committee_id, term__is_current=True
            ).select_related("term", "person")
        )
    return found


def _convert(ctx: Ctx) -> Outcome:
    """Route the proposal as 意见建议, 社情民意 or 委员来信 (rule 12). 社情民意: a linked draft report
    for its proposers is created in the same transaction (opinions owns it; the report's `source`
    names this proposal, the event's data names the report), so both pages link each other."""
    p = ctx.proposal
    data: dict[str, Any] = {"target": ctx.data.target}
    if ctx.data.target == Proposal.ConvertedTo.OPINION_REPORT:
        report = opinion_create_from_proposal(
            committee=p.committee,
            actor=ctx.actor,
            proposal_title=p.title,
            body={"background": p.background, "analysis": p.analysis, "suggestions": p.suggestions},
            authors=_report_authors(p),
            source=report_source(p.pk),
        )
        data["report_id"] = report.pk
    return Outcome(state=State.CONVERTED, fields={"converted_to": ctx.data.target}, data=data)


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


STEPS: dict[str, Callable[[Ctx], Outcome]] = {
    "submit": _submit,
    "withdraw": _withdraw,
    "cosign": _cosign,
    "decline_cosign": _decline_cosign,
    "return_for_revision": _return_for_revision,
    "file": _file,
    "reject": _reject,
    "convert": _convert,
    "merge": _merge,
}
