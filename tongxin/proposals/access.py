"""Who may see a proposal and who may do what to it.

Visibility: proposers see their own (co-signers once it is submitted, and the lead of a merge group
their proposal joined); the committee's office roles and leaders see every submitted proposal of their
committee; a handling unit sees the proposals assigned to it. Another committee's proposals are never
visible (404). The three administrators do no business work (三员分立, ecosystem.md C6): they see none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, NotFound
from tongxin.core.roles import OFFICE_ROLES, Role

from .models import Assignment, Proposal, Proposer
from .workflow import FILED_STATES, State


def is_business_user(user: Any) -> bool:
    """A signed-in, active user who is not one of the three administrators."""
    return bool(user is not None and user.is_authenticated and user.is_active and not user.is_admin)


def is_proposal_office(user: Any) -> bool:
    """Proposal office staff (提案委/提案科) of the user's committee."""
    return is_business_user(user) and user.has_role(Role.PROPOSAL_OFFICE)


def sees_whole_committee(user: Any) -> bool:
    """Office roles and leaders read every submitted proposal of their committee."""
    return is_business_user(user) and user.has_role(*OFFICE_ROLES, Role.LEADER)


def proposals_visible_to(user: Any) -> QuerySet[Proposal]:
    """Every proposal `user` may read (see the module docstring)."""
    if not is_business_user(user):
        return Proposal.objects.none()
    own: Any = Q(created_by_id=user.pk) | Q(entered_on_behalf_by_id=user.pk)
    if user.person_id:
        mine = Proposer.objects.filter(person_id=user.person_id)
        own |= Exists(mine.filter(proposal_id=OuterRef("pk"), role=Proposer.Role.FIRST))
        own |= Exists(mine.filter(proposal_id=OuterRef("pk"))) & ~Q(state=State.DRAFT)
        own |= Exists(mine.filter(proposal__merged_into_id=OuterRef("pk")))
    if user.handling_unit_id and user.has_role(Role.UNIT_STAFF):
        own |= Exists(
            Assignment.objects.filter(
                proposal_id=OuterRef("pk"), unit_id=user.handling_unit_id, is_active=True
            )
        )
    if sees_whole_committee(user):
        own |= ~Q(state=State.DRAFT)
    return Proposal.objects.filter(own, committee_id=user.committee_id)


def public_proposals(committee_id: int) -> QuerySet[Proposal]:
    """What the public tracking page may list: filed proposals whose replies are all marked 公开.
    The page shows their status timeline and released reply, never proposer or contact data."""
    return Proposal.objects.filter(committee_id=committee_id, state__in=FILED_STATES, is_public=True)


def get_proposal_for_user(user: Any, pk: int) -> Proposal:
    """The proposal `pk` if `user` may read it; otherwise NotFound, never a hint that it exists."""
    try:
        return proposals_visible_to(user).select_related("committee", "session", "category").get(pk=pk)
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("提案不存在。")) from None


def can_view(user: Any, proposal: Proposal) -> bool:
    """Whether `user` may read `proposal`."""
    return proposals_visible_to(user).filter(pk=proposal.pk).exists()


def _same_committee(user: Any, proposal: Proposal) -> bool:
    return is_business_user(user) and user.committee_id == proposal.committee_id


def is_author(user: Any, proposal: Proposal) -> bool:
    """The user who entered the proposal, or its first proposer."""
    if not _same_committee(user, proposal):
        return False
    if user.pk in (proposal.created_by_id, proposal.entered_on_behalf_by_id):
        return True
    return bool(user.person_id) and any(
        p.person_id == user.person_id and p.role == Proposer.Role.FIRST for p in proposal.proposers.all()
    )


def can_edit_draft(user: Any, proposal: Proposal) -> bool:
    """Its author edits the text while it is a draft or returned for revision."""
    return is_author(user, proposal)


def can_submit(user: Any, proposal: Proposal) -> bool:
    """Its author submits it (staff who entered it for a member submit it for them)."""
    return is_author(user, proposal)


def can_withdraw(user: Any, proposal: Proposal) -> bool:
    """Its author may withdraw it before filing (撤案)."""
    return is_author(user, proposal)


def can_cosign(user: Any, proposal: Proposal) -> bool:
    """A member named as co-signer answers the invitation."""
    return bool(_same_committee(user, proposal) and user.person_id) and any(
        p.person_id == user.person_id and p.role == Proposer.Role.COSIGNER for p in proposal.proposers.all()
    )


def can_review(user: Any, proposal: Proposal) -> bool:
    """The proposal office reviews: files, rejects, converts, merges, returns, edits wording."""
    return _same_committee(user, proposal) and is_proposal_office(user)


def can_assign(user: Any, proposal: Proposal) -> bool:
    """The proposal office assigns, decides units' requests, approves replies and closes."""
    return _same_committee(user, proposal) and is_proposal_office(user)


def _unit_assignment(user: Any, proposal: Proposal, roles: tuple[str, ...]) -> bool:
    if not (_same_committee(user, proposal) and user.handling_unit_id and user.has_role(Role.UNIT_STAFF)):
        return False
    # Iterates the proposal's assignments, so a detail page that prefetched them asks no more queries.
    return any(
        a.unit_id == user.handling_unit_id and a.is_active and a.role in roles
        for a in proposal.assignments.all()
    )


def can_act_as_unit(user: Any, proposal: Proposal) -> bool:
    """Staff of a unit assigned to the proposal, in any role (sign for it, record progress)."""
    return _unit_assignment(user, proposal, tuple(Assignment.Role.values))


def can_answer_as_unit(user: Any, proposal: Proposal) -> bool:
    """Staff of the lead unit or of a separate unit: the units that reply (rule 18)."""
    return _unit_assignment(user, proposal, (Assignment.Role.LEAD, Assignment.Role.SEPARATE))


def can_act_as_co_unit(user: Any, proposal: Proposal) -> bool:
    """Staff of a co-unit (会办): they send opinions to the lead and countersign its reply."""
    return _unit_assignment(user, proposal, (Assignment.Role.CO,))


def can_rate(user: Any, proposal: Proposal) -> bool:
    """Every confirmed proposer of the merge group rates; the office enters forms collected on paper."""
    if not _same_committee(user, proposal):
        return False
    if is_proposal_office(user):
        return True
    if not user.person_id:
        return False
    # The proposal's own proposers are iterated (a detail page prefetched them); the proposers of
    # proposals merged into it are asked for only when the detail's id list says there are some.
    if any(
        p.person_id == user.person_id and p.status == Proposer.Status.CONFIRMED
        for p in proposal.proposers.all()
    ):
        return True
    if "merged_member_ids" in vars(proposal) and not vars(proposal)["merged_member_ids"]:
        return False
    return Proposer.objects.filter(
        proposal__merged_into=proposal, person_id=user.person_id, status=Proposer.Status.CONFIRMED
    ).exists()


def can_manage_settings(user: Any, committee_id: int) -> bool:
    """The proposal office keeps its committee's proposal settings, categories and reasons."""
    return is_proposal_office(user) and user.committee_id == committee_id


def can_see_statistics(user: Any) -> bool:
    """Office roles and leaders read their committee's proposal statistics."""
    return sees_whole_committee(user)


def can_see_contact_data(user: Any, proposal: Proposal) -> bool:
    """Reply contact persons and phones: never public; proposers, the office and the units see them."""
    return can_view(user, proposal)


def require(user: Any, permission: str, proposal: Proposal) -> None:
    """Raise Forbidden unless the rule named `permission` allows `user` to act on `proposal`."""
    rule = globals().get(permission)
    if rule is None or not callable(rule):
        raise Forbidden(_("没有这项权限规则。"))
    if not rule(user, proposal):
        raise Forbidden(_("您无权对该提案执行此操作。"))


# --- Pages (who may open them) ----------------------------------------------------------------------


def can_write_proposal(user: Any) -> bool:
    """Members write their own proposals; the proposal office enters them for members offline."""
    return is_business_user(user) and (
        bool(user.person_id and user.has_role(Role.MEMBER)) or is_proposal_office(user)
    )


def can_use_review_desk(user: Any) -> bool:
    """The review desk, batch assignment (交办会) and its 交办清单 belong to the proposal office."""
    return is_proposal_office(user)


def can_see_due_lists(user: Any) -> bool:
    """Overdue and due-soon lists: the committee's office roles and leaders, and unit staff for theirs."""
    return sees_whole_committee(user) or bool(
        is_business_user(user) and user.handling_unit_id and user.has_role(Role.UNIT_STAFF)
    )


def can_see_key_lists(user: Any) -> bool:
    """The key and excellent proposal lists: office roles and leaders."""
    return sees_whole_committee(user)
