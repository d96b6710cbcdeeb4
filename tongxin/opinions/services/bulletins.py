"""Bulletin issues: numbering one, sending it (every report in it becomes SENT) and forwarding a
whole issue to the parent committee (rule 45: "转报…整期或单篇")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.errors import Conflict, Forbidden, Invalid

from .. import access
from ..models import BulletinEvent, BulletinIssue, BulletinType
from ..workflow import AFTER_SENDING, TRANSITIONS, State
from .numbering import issue_create_numbered
from .transition import apply_transition

Recipient = BulletinIssue.Recipient


def _recipients(values: Sequence[str] | None, errors: dict[str, list[str]]) -> list[str]:
    chosen = list(dict.fromkeys(values or ()))
    if any(v not in Recipient.values for v in chosen):
        errors["recipients"] = [_("报送对象无效。")]
    return chosen


def bulletin_issue_create(
    *,
    actor: Any,
    bulletin_type_id: int,
    year: int | None = None,
    title: str = "",
    recipients: Sequence[str] = (),
    recipient_note: str = "",
) -> BulletinIssue:
    """Number the next issue of a bulletin for the year (第N期, from 1 each year)."""
    if not access.can_manage_bulletins(actor):
        raise Forbidden(_("只有信息工作人员可以编排刊物。"))
    errors: dict[str, list[str]] = {}
    bulletin_type = BulletinType.objects.filter(
        pk=bulletin_type_id, committee_id=actor.committee_id, is_active=True
    ).first()
    if bulletin_type is None:
        errors["bulletin_type_id"] = [_("刊物类型不存在或已停用。")]
    this_year = timezone.localdate().year
    year = year or this_year
    if not this_year - 1 <= year <= this_year:
        errors["year"] = [_("只能编排今年或去年的刊物。")]
    title = (title or "").strip()
    if len(title) > 120:
        errors["title"] = [_("标题过长（最多 120 字）。")]
    chosen = _recipients(recipients, errors)
    note = (recipient_note or "").strip()
    if len(note) > 200:
        errors["recipient_note"] = [_("最多 200 字。")]
    if errors:
        raise Invalid(_("刊物期次有误，请检查。"), errors)
    return issue_create_numbered(
        actor=actor,
        bulletin_type=cast(BulletinType, bulletin_type),  # checked above
        year=year,
        title=title,
        recipients=chosen,
        recipient_note=note,
    )


def bulletin_send(
    *,
    issue: BulletinIssue,
    actor: Any,
    sent_on: dt.date | None = None,
    recipients: Sequence[str] | None = None,
    recipient_note: str | None = None,
) -> BulletinIssue:
    """Send an issue to its recipients: every report edited into it becomes SENT."""
    if not (access.can_manage_bulletins(actor) and issue.committee_id == actor.committee_id):
        raise Forbidden(_("只有本会信息工作人员可以报送刊物。"))
    if issue.sent_on is not None:
        raise Conflict(
            _("该期已于 %(d)s 报送。") % {"d": issue.sent_on.isoformat()}, code="invalid_transition"
        )
    errors: dict[str, list[str]] = {}
    chosen = _recipients(recipients, errors) if recipients is not None else list(issue.recipients)
    note = issue.recipient_note if recipient_note is None else recipient_note.strip()
    if not chosen and not errors:
        errors["recipients"] = [_("请选择报送对象。")]
    if Recipient.DEPARTMENTS in chosen and not note:
        errors["recipient_note"] = [_("请写明报送的部门。")]
    if len(note) > 200:
        errors["recipient_note"] = [_("最多 200 字。")]
    day = sent_on or timezone.localdate()
    if day > timezone.localdate():
        errors["sent_on"] = [_("日期不能晚于今天。")]
    reports = list(issue.reports.filter(state=State.ADOPTED).select_related("committee"))
    if not reports and not errors:
        raise Conflict(_("该期还没有编入信息，不能报送。"), code="blocked")
    if errors:
        raise Invalid(_("报送信息有误，请检查。"), errors)
    with transaction.atomic():
        changed = BulletinIssue.objects.filter(pk=issue.pk, sent_on__isnull=True).update(
            sent_on=day, recipients=chosen, recipient_note=note, updated_at=timezone.now()
        )
        if changed != 1:
            raise Conflict(_("该期已被他人报送，请刷新。"))
        BulletinEvent.objects.create(
            issue=issue,
            actor=actor,
            name="sent",
            data={"sent_on": day.isoformat(), "recipients": chosen, "reports": [r.pk for r in reports]},
        )
        for report in reports:
            apply_transition(report=report, t=TRANSITIONS["send"], actor=actor, payload={"issue": issue})
    issue.refresh_from_db()
    return issue


def bulletin_forward(*, issue: BulletinIssue, actor: Any) -> BulletinIssue:
    """Forward a whole sent issue to the parent committee: each of its reports arrives there."""
    if not (access.can_manage_bulletins(actor) and issue.committee_id == actor.committee_id):
        raise Forbidden(_("只有本会信息工作人员可以转报刊物。"))
    if issue.sent_on is None:
        raise Conflict(_("请先报送本期，再转报上级政协。"), code="invalid_transition")
    if issue.committee.parent_id is None:
        raise Conflict(_("本会没有上级政协，无法转报。"), code="blocked")
    if issue.forwarded_at is not None:
        raise Conflict(_("该期已转报上级政协。"), code="blocked")
    reports = list(
        issue.reports.filter(state__in=AFTER_SENDING, forwarded_at__isnull=True).select_related("committee")
    )
    with transaction.atomic():
        changed = BulletinIssue.objects.filter(pk=issue.pk, forwarded_at__isnull=True).update(
            forwarded_at=timezone.now()
        )
        if changed != 1:
            raise Conflict(_("该期已被他人转报，请刷新。"))
        BulletinEvent.objects.create(
            issue=issue,
            actor=actor,
            name="forwarded",
            data={"to_committee_id": issue.committee.parent_id, "reports": [r.pk for r in reports]},
        )
        for report in reports:
            apply_transition(report=report, t=TRANSITIONS["forward"], actor=actor, payload={"issue": issue})
    issue.refresh_from_db()
    return issue
