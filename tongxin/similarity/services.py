"""Writes: keeping the similarity index current, and confirming a 并案 cluster.

The index is derived data (a file, not rows), so index_proposal / index_rebuild write no event rows;
a confirmed cluster is merged only through the proposals workflow (proposal_transition "merge"),
whose ProposalEvent rows record each merge in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, Invalid
from tongxin.org.models import PlenarySession
from tongxin.proposals.models import Proposal
from tongxin.proposals.services import proposal_transition
from tongxin.textsim.clusters import MAX_CLUSTER_SIZE

from . import indexes
from .access import can_review_clusters


def index_proposal(*, proposal_id: int) -> bool:
    """Add or replace one proposal in its committee's index (remove it if deleted); True if present."""
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        # The committee is unknown once the row is gone: drop the id from every loaded index.
        for committee_id in list(indexes._CACHE):
            indexes.update(committee_id, None, proposal_id)
        return False
    indexes.update(proposal.committee_id, proposal, proposal.pk)
    return True


def index_rebuild(*, committee_id: int) -> int:
    """Rebuild one committee's index from the database and persist it; returns the document count."""
    return len(indexes.rebuild(committee_id))


def cluster_merge(
    *, actor: Any, session: PlenarySession, lead_id: int, member_ids: Sequence[int], note: str = ""
) -> Proposal:
    """Merge a confirmed cluster: every member goes into the lead through the proposals workflow."""
    if not can_review_clusters(actor, session):
        raise Forbidden(_("只有提案工作机构可以并案。"))
    members = list(dict.fromkeys(int(m) for m in member_ids if int(m) != int(lead_id)))
    if not members:
        raise Invalid(_("请至少选择一件要并入的提案。"), {"member_ids": [_("请至少选择一件要并入的提案。")]})
    if len(members) + 1 > MAX_CLUSTER_SIZE:
        msg = _("一组并案最多 %(n)d 件提案。") % {"n": MAX_CLUSTER_SIZE}
        raise Invalid(msg, {"member_ids": [msg]})
    in_session = Proposal.objects.filter(session_id=session.pk, committee_id=session.term.committee_id)
    lead = in_session.filter(pk=lead_id).first()
    if lead is None:
        raise Invalid(_("牵头提案不存在。"), {"lead_id": [_("请选择本次会议的一件提案作为牵头提案。")]})
    found = {p.pk: p for p in in_session.filter(pk__in=members)}
    missing = [m for m in members if m not in found]
    if missing:
        raise Invalid(_("所选提案不属于本次会议。"), {"member_ids": [_("所选提案不属于本次会议。")]})
    # All or nothing: one refused member (state changed meanwhile, lead not filed…) undoes the group.
    with transaction.atomic():
        for pk in members:
            proposal_transition(
                proposal=found[pk], name="merge", actor=actor, payload={"into": lead.pk, "note": note}
            )
    lead.refresh_from_db()
    return lead
