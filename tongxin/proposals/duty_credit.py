"""Duty credit for proposals, recorded at the source (domain.md rule 49: "谁组织谁记录").

Each credited step writes one `DutyEvent` per proposer through `duties.services.duty_event_record`,
inside the transition's transaction, so the duty and its cause commit together. Conventions the
scoring presets match on (duties/kinds.py): role `first_proposer` / `co_signer` for members and
`collective` for the signing unit, and `attributes.signers`, the number of confirmed proposers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from tongxin.duties.kinds import DutyKind
from tongxin.duties.services import duty_event_record, duty_event_void

from .models import Proposal, Proposer

# Merged proposals keep their proposers' credit (rule 14): a merge counts as filed for them.
CREDITED = {
    "submit": DutyKind.PROPOSAL_SUBMITTED,
    "cosign": DutyKind.PROPOSAL_SUBMITTED,
    "file": DutyKind.PROPOSAL_FILED,
    "merge": DutyKind.PROPOSAL_FILED,
    "designate_key": DutyKind.PROPOSAL_KEY,
    "nominate_excellent": DutyKind.PROPOSAL_EXCELLENT,
}
ROLE = {Proposer.Role.FIRST: "first_proposer", Proposer.Role.COSIGNER: "co_signer"}


def _key(proposal: Proposal, kind: str, who: str) -> str:
    return f"proposal:{proposal.pk}:{kind}:{who}"


def proposal_duties_record(
    *, proposal: Proposal, name: str, data: dict[str, Any], actor: Any, today: dt.date
) -> None:
    """Write (or, for a withdrawal, void) the duty events a proposal step earns."""
    proposers = list(proposal.proposers.select_related("membership").order_by("id"))
    if name == "withdraw":
        for row in proposers:
            duty_event_void(
                dedupe_key=_key(proposal, DutyKind.PROPOSAL_SUBMITTED, f"m{row.membership_id}"),
                reason="提案已撤回",
            )
        return
    kind = CREDITED.get(name)
    if kind is None:
        return
    if name == "designate_key" and not (data.get("step") == "decide" and data.get("approved")):
        return  # only the chair council's designation earns credit, not the nomination
    if name == "nominate_excellent" and not (data.get("step") == "select" and data.get("approved")):
        return
    confirmed = [r for r in proposers if r.status == Proposer.Status.CONFIRMED]
    if name == "cosign":  # the co-signer who just confirmed joins the credit for submitting
        confirmed = [r for r in confirmed if r.pk == data.get("proposer_id")]
    common = {
        "committee": proposal.committee,
        "kind": kind,
        "occurred_on": today,
        "title": proposal.title,
        "source": f"proposals.proposal:{proposal.pk}",
        "source_url": reverse("proposals:detail", args=[proposal.pk]),
        "attributes": {"signers": sum(1 for r in proposers if r.status == Proposer.Status.CONFIRMED)},
        "actor": actor,
    }
    for row in confirmed:
        if row.membership is None:
            continue  # a proposer with no membership in the proposal's term earns no member credit
        duty_event_record(
            membership=row.membership,
            role=ROLE[Proposer.Role(row.role)],
            dedupe_key=_key(proposal, kind, f"m{row.membership_id}"),
            **common,
        )
    unit = proposal.collective_participating_unit
    body = proposal.collective_special_committee
    if name != "cosign" and (unit is not None or body is not None):
        duty_event_record(
            participating_unit=unit,
            special_committee=body,
            role="collective",
            dedupe_key=_key(proposal, kind, f"u{getattr(unit, 'pk', '')}s{getattr(body, 'pk', '')}"),
            **common,
        )
