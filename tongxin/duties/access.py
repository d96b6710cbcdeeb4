"""Who may see and change the duty record and the assessment.

A member sees their own record; office staff and leaders see their committee's (the issue; rule 49).
Member affairs (委员工作) keeps the rules, approves manual entries and runs the assessment cycle.
Administrators see no business data (三员分立). Another committee's record is "not found".
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tongxin.core.errors import NotFound
from tongxin.core.roles import OFFICE_ROLES, Role
from tongxin.members.models import Membership

RECORD_READERS = frozenset(OFFICE_ROLES | {Role.LEADER})


def is_own_membership(actor: Any, membership: Any) -> bool:
    """The membership belongs to the person the actor's account is linked to."""
    person_id = getattr(actor, "person_id", None)
    return bool(actor.is_authenticated and person_id is not None and person_id == membership.person_id)


def can_view_committee_records(actor: Any) -> bool:
    """Office staff and leaders read their committee's records, scores and rankings."""
    return bool(actor.is_authenticated and actor.has_role(*RECORD_READERS))


def can_view_record(actor: Any, membership: Any) -> bool:
    """The member themself, or a record reader of the member's committee."""
    if not actor.is_authenticated or membership.term.committee_id != actor.committee_id:
        return False
    return is_own_membership(actor, membership) or can_view_committee_records(actor)


def can_manage_rules(actor: Any) -> bool:
    """Member affairs staff set the year's score rules and checklist."""
    return bool(actor.is_authenticated and actor.has_role(Role.MEMBER_AFFAIRS))


def can_manage_assessment(actor: Any, cycle: Any = None) -> bool:
    """Member affairs staff move their committee's assessment cycle."""
    if not can_manage_rules(actor):
        return False
    return cycle is None or cycle.committee_id == actor.committee_id


def can_submit_claim(actor: Any, membership: Any) -> bool:
    """A member enters off-platform duties for their own record only."""
    return is_own_membership(actor, membership) and membership.term.committee_id == actor.committee_id


def can_decide_claim(actor: Any, claim: Any) -> bool:
    """Member affairs staff of the claim's committee approve or refuse manual entries."""
    return can_manage_rules(actor) and claim.membership.term.committee_id == actor.committee_id


def is_claimant(actor: Any, claim: Any) -> bool:
    """The member who entered the claim (they may withdraw it)."""
    return is_own_membership(actor, claim.membership)


def can_view_claim(actor: Any, claim: Any) -> bool:
    """Whoever may see the member's record."""
    return can_view_record(actor, claim.membership)


def can_answer_query(actor: Any, query: Any) -> bool:
    """Member affairs staff answer queries about records of their committee."""
    return can_manage_rules(actor) and query.membership.term.committee_id == actor.committee_id


def get_membership_for_record(actor: Any, pk: int) -> Membership:
    """Membership `pk` if `actor` may read its duty record; otherwise NotFound (never a hint)."""
    membership = (
        Membership.objects.select_related(
            "person", "term__committee", "sector", "participating_unit", "activity_group"
        )
        .filter(pk=pk)
        .first()
    )
    if membership is None or not can_view_record(actor, membership):
        raise NotFound(_("委员不存在。"))
    return membership


def own_membership(actor: Any) -> Membership | None:
    """The actor's membership in their committee's current term, if they are a member."""
    person_id = getattr(actor, "person_id", None)
    if not actor.is_authenticated or person_id is None:
        return None
    return (
        Membership.objects.select_related(
            "person", "term__committee", "sector", "participating_unit", "activity_group"
        )
        .filter(person_id=person_id, term__committee_id=actor.committee_id, term__is_current=True)
        .first()
    )
