"""Who may generate which document and who keeps the document settings.

The proposal office makes the proposal documents; a handling unit downloads the reply skeleton only
for its own active assignments; the information office makes the 社情民意 documents; member affairs
(委员工作) makes the assessment circular and any member's duty report, and a member their own report.
Office staff keep the settings; office staff and leaders read the work-report figures. Administrators
do no business work (三员分立): they may do none of it.
"""

from __future__ import annotations

from typing import Any

from tongxin.core.roles import OFFICE_ROLES, Role


def is_business_user(user: Any) -> bool:
    """A signed-in, active user who is not one of the three administrators."""
    return bool(user is not None and user.is_authenticated and user.is_active and not user.is_admin)


def _has(user: Any, *roles: str) -> bool:
    return is_business_user(user) and user.has_role(*roles)


def can_manage_settings(user: Any) -> bool:
    """Office staff (提案、信息、秘书、委员工作) keep their committee's document settings."""
    return _has(user, *OFFICE_ROLES)


def can_read_settings(user: Any) -> bool:
    """Office staff and leaders read the settings (the codes and wording the documents use)."""
    return _has(user, *OFFICE_ROLES, Role.LEADER)


def can_make_proposal_documents(user: Any) -> bool:
    """交办通知, 提案办理情况通报, 提案汇编: the proposal office."""
    return _has(user, Role.PROPOSAL_OFFICE)


def can_make_reply_letter(user: Any, assignment: Any) -> bool:
    """The reply skeleton of one assignment: staff of the assigned unit (active assignment of their own
    committee), or the proposal office of the committee."""
    if not is_business_user(user) or assignment.proposal.committee_id != user.committee_id:
        return False
    if user.has_role(Role.PROPOSAL_OFFICE):
        return True
    return bool(
        assignment.is_active
        and user.handling_unit_id
        and user.handling_unit_id == assignment.unit_id
        and user.has_role(Role.UNIT_STAFF)
    )


def can_make_opinion_documents(user: Any) -> bool:
    """The bulletin issue and the 采纳情况通报: the information office."""
    return _has(user, Role.INFORMATION_OFFICE)


def can_make_duty_circular(user: Any) -> bool:
    """The assessment circular: member affairs."""
    return _has(user, Role.MEMBER_AFFAIRS)


def can_make_duty_report(user: Any, membership: Any) -> bool:
    """A member's annual duty report: the member themself, or member affairs of the committee."""
    if not is_business_user(user) or membership.term.committee_id != user.committee_id:
        return False
    if user.has_role(Role.MEMBER_AFFAIRS):
        return True
    return bool(user.person_id and user.person_id == membership.person_id)


def can_read_work_report_figures(user: Any) -> bool:
    """The year's figures for the standing committee's 工作报告: office staff and leaders."""
    return _has(user, *OFFICE_ROLES, Role.LEADER)


def can_open_index(user: Any) -> bool:
    """The /documents/ index: office staff and leaders (each sees what they may generate)."""
    return _has(user, *OFFICE_ROLES, Role.LEADER)
