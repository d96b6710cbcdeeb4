"""Who may use similarity, clusters, unit suggestions and search.

Every result list is additionally filtered by the owning app's visibility function
(proposals_visible_to, opinions_visible_to, meetings_visible_to). The one addition is what the
committee has made public: a proposal whose replies are all marked 公开 (proposals.access.
public_proposals, what the public tracking page lists) is readable by every business user of the
committee, with its public replies only; a reply marked 不公开 is read only by those who may read
its proposal (its proposers, the office and leaders, its units).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, NotFound
from tongxin.org.models import PlenarySession
from tongxin.proposals import access as proposal_access
from tongxin.proposals.models import Proposal, Reply


def can_use_similarity(user: Any) -> bool:
    """Business users (not the three administrators, 三员分立) look up similar texts and search."""
    return proposal_access.is_business_user(user)


def readable_proposals(user: Any) -> QuerySet[Proposal]:
    """The proposals `user` may read, plus the committee's public ones (see the module docstring)."""
    if not can_use_similarity(user):
        return Proposal.objects.none()
    return Proposal.objects.filter(
        Q(pk__in=proposal_access.proposals_visible_to(user).values("pk"))
        | Q(pk__in=proposal_access.public_proposals(user.committee_id).values("pk"))
    )


def readable_replies_filter(user: Any) -> Q:
    """Approved replies `user` may read: any reply of a proposal they may read; a public reply of a
    public proposal. A draft reply is the unit's working text and never shows here."""
    if not can_use_similarity(user):
        return Q(pk__in=[])
    insider = Q(proposal__in=proposal_access.proposals_visible_to(user).values("pk"))
    public = Q(
        publicity=Reply.Publicity.PUBLIC,
        proposal__in=proposal_access.public_proposals(user.committee_id).values("pk"),
    )
    return Q(approved_at__isnull=False) & (insider | public)


def can_review_clusters(user: Any, session: PlenarySession) -> bool:
    """The proposal office of the session's committee reviews 并案 clusters and copies."""
    return proposal_access.is_proposal_office(user) and user.committee_id == session.term.committee_id


def can_suggest_units(user: Any, proposal: Proposal) -> bool:
    """Unit suggestions serve assignment, so whoever may assign the proposal sees them."""
    return proposal_access.can_assign(user, proposal)


def require_similarity(user: Any) -> None:
    """Forbidden unless the user may use similarity at all."""
    if not can_use_similarity(user):
        raise Forbidden(_("您没有使用相似提案与检索的权限。"))


def get_session_for_user(user: Any, pk: Any) -> PlenarySession:
    """A session of the user's own committee (another committee's answers NotFound)."""
    committee_id: Any = getattr(user, "committee_id", None)
    try:
        return PlenarySession.objects.select_related("term").get(pk=int(pk), term__committee_id=committee_id)
    except (PlenarySession.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("会议不存在。")) from None


def get_session_for_office(user: Any, pk: Any) -> PlenarySession:
    """The session if the user reviews its clusters: NotFound outside the committee, else Forbidden."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound(_("会议不存在。"))
    session = get_session_for_user(user, pk)
    if not can_review_clusters(user, session):
        raise Forbidden(_("只有提案工作机构可以审查并案建议。"))
    return session


def get_proposal_for_unit_suggestions(user: Any, pk: Any) -> Proposal:
    """The proposal if visible (else NotFound) and the user may assign it (else Forbidden)."""
    proposal = proposal_access.get_proposal_for_user(user, pk)
    if not can_suggest_units(user, proposal):
        raise Forbidden(_("只有提案工作机构可以查看承办单位建议。"))
    return proposal
