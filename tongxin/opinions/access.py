"""Who may see a public-opinion report and who may do what to it.

Visibility: authors (and whoever entered the report) see their own; the committee's information
office and its leaders see every submitted report of their committee. A report forwarded up becomes
a report of the parent committee, so the parent's office sees the copy and never the report below
it; another committee's reports are never visible (404). The three administrators do no business
work (三员分立, ecosystem.md C6): they see none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from tongxin.core.errors import Forbidden, NotFound
from tongxin.core.roles import Role

from .models import BulletinIssue, OpinionAuthor, OpinionReport
from .workflow import State


def is_business_user(user: Any) -> bool:
    """A signed-in, active user who is not one of the three administrators."""
    return bool(user is not None and user.is_authenticated and user.is_active and not user.is_admin)


def is_information_office(user: Any) -> bool:
    """Information office staff (信息科/研究室) of the user's committee."""
    return is_business_user(user) and user.has_role(Role.INFORMATION_OFFICE)


def is_reporting_member(user: Any) -> bool:
    """A member with a person record: writes reports as themselves or for a body they belong to."""
    return is_business_user(user) and bool(user.person_id) and user.has_role(Role.MEMBER)


def is_informant(user: Any) -> bool:
    """An invited information officer (特邀信息员, rule 42): writes reports as themselves."""
    return is_business_user(user) and user.has_role(Role.INVITED_INFORMANT)


def can_report(user: Any) -> bool:
    """Members, invited information officers and the information office (entering for a reporter)."""
    return is_reporting_member(user) or is_informant(user) or is_information_office(user)


def sees_whole_committee(user: Any) -> bool:
    """The information office and leaders read every submitted report of their committee."""
    return is_business_user(user) and user.has_role(Role.INFORMATION_OFFICE, Role.LEADER)


def opinions_visible_to(user: Any) -> QuerySet[OpinionReport]:
    """Every report `user` may read (see the module docstring)."""
    if not is_business_user(user):
        return OpinionReport.objects.none()
    own: Any = Q(created_by_id=user.pk)
    if user.person_id:
        own |= Exists(
            OpinionAuthor.objects.filter(report_id=OuterRef("pk"), membership__person_id=user.person_id)
        )
    if sees_whole_committee(user):
        own |= ~Q(state=State.DRAFT)
    return OpinionReport.objects.filter(own, committee_id=user.committee_id)


def get_report_for_user(user: Any, pk: Any) -> OpinionReport:
    """The report `pk` if `user` may read it; otherwise NotFound, never a hint that it exists."""
    try:
        return (
            opinions_visible_to(user)
            .select_related("committee", "issue__bulletin_type", "origin__committee")
            .prefetch_related("authors__membership__person")
            .get(pk=int(pk))
        )
    except (OpinionReport.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("社情民意信息不存在。")) from None


def _same_committee(user: Any, committee_id: int) -> bool:
    return is_business_user(user) and user.committee_id == committee_id


def is_author(user: Any, report: OpinionReport) -> bool:
    """Whoever entered the report, or one of its authors."""
    if not _same_committee(user, report.committee_id):
        return False
    if user.pk == report.created_by_id:
        return True
    # Iterates the prefetched authors, so a detail page asks no more queries.
    return bool(user.person_id) and any(
        a.membership.person_id == user.person_id for a in report.authors.all()
    )


def can_edit_draft(user: Any, report: OpinionReport) -> bool:
    """Its author edits the text while it is a draft or returned for revision."""
    return is_author(user, report)


def can_submit(user: Any, report: OpinionReport) -> bool:
    """Its author submits it to the information office."""
    return is_author(user, report)


def can_withdraw(user: Any, report: OpinionReport) -> bool:
    """Its author withdraws it before the office has decided."""
    return is_author(user, report)


def can_handle(user: Any, report: OpinionReport) -> bool:
    """The information office of the report's committee edits, adopts, sends and records outcomes."""
    return _same_committee(user, report.committee_id) and is_information_office(user)


def can_forward(user: Any, report: OpinionReport) -> bool:
    """The information office forwards a sent report to the parent committee (转报, rule 45)."""
    return can_handle(user, report)


def can_view_attachment(user: Any, report: OpinionReport) -> bool:
    """Whoever may read the report may download its attachments (each download is audited)."""
    return opinions_visible_to(user).filter(pk=report.pk).exists()


def can_manage_bulletins(user: Any) -> bool:
    """The information office numbers, sends and forwards its committee's bulletin issues."""
    return is_information_office(user)


def can_view_bulletins(user: Any) -> bool:
    """The information office and leaders read the bulletin issues."""
    return sees_whole_committee(user)


def get_issue_for_user(user: Any, pk: Any) -> BulletinIssue:
    """The issue `pk` of the user's committee if they may read issues; otherwise NotFound."""
    if not can_view_bulletins(user):
        raise NotFound(_("刊物期次不存在。"))
    try:
        return BulletinIssue.objects.select_related("bulletin_type", "committee").get(
            pk=int(pk), committee_id=user.committee_id
        )
    except (BulletinIssue.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("刊物期次不存在。")) from None


def can_view_statistics(user: Any) -> bool:
    """The information office and leaders read the year's statistics and rankings."""
    return sees_whole_committee(user)


def can_manage_settings(user: Any, committee_id: int) -> bool:
    """The information office keeps its committee's opinion settings and bulletin types."""
    return is_information_office(user) and user.committee_id == committee_id


def require(user: Any, permission: str, report: OpinionReport) -> None:
    """Raise Forbidden unless the rule named `permission` allows `user` to act on `report`."""
    rule = globals().get(permission)
    if rule is None or not callable(rule):
        raise Forbidden(_("没有这项权限规则。"))
    if not rule(user, report):
        raise Forbidden(_("您无权对该社情民意信息执行此操作。"))
