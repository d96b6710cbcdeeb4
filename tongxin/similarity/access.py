"""Who may use similarity, clusters, unit suggestions and search.

Every result list is additionally filtered by the owning app's visibility function
(proposals_visible_to, opinions_visible_to), so a rule here never widens what a user can read.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, NotFound
from tongxin.org.models import PlenarySession
from tongxin.proposals import access as proposal_access
from tongxin.proposals.models import Proposal


def can_use_similarity(user: Any) -> bool:
    """Business users (not the three administrators, 三员分立) look up similar texts and search."""
    return proposal_access.is_business_user(user)


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
