"""Who hears about what happened to a proposal: in-app notices, e-mail, and SMS through a sender
interface (a logging sender until a gateway is contracted). Called from tasks, after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tongxin.core.roles import Role

from .models import Assignment, Notification, Proposal, ProposalEvent, Proposer
from .workflow import State

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    """Sends one short message; a gateway implementation replaces the logging one in production."""

    def send(self, *, phone: str, text: str) -> None: ...


class LoggingSmsSender:
    """Writes the message to the log instead of sending it (the phone number masked)."""

    def send(self, *, phone: str, text: str) -> None:
        masked = f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
        logger.info("SMS to %s: %s", masked, text)


def sms_sender() -> SmsSender:
    """The configured sender: settings.PROPOSAL_SMS_SENDER (a dotted path), else the logging one."""
    path = getattr(settings, "PROPOSAL_SMS_SENDER", "tongxin.proposals.notifications.LoggingSmsSender")
    sender: SmsSender = import_string(path)()
    return sender


def _users() -> Any:
    from tongxin.accounts.models import User

    return User.objects.filter(is_active=True)


def proposer_users(proposal: Proposal, *, group: bool = False) -> Any:
    """Accounts of the confirmed proposers (with `group`, of every proposal merged into this one)."""
    where = Q(proposal=proposal) | Q(proposal__merged_into=proposal) if group else Q(proposal=proposal)
    person_ids = Proposer.objects.filter(where, status=Proposer.Status.CONFIRMED).values("person_id")
    return _users().filter(person_id__in=person_ids)


def invited_users(proposal: Proposal) -> Any:
    person_ids = proposal.proposers.filter(status=Proposer.Status.INVITED).values("person_id")
    return _users().filter(person_id__in=person_ids)


def unit_users(
    proposal: Proposal, *, roles: Iterable[str] | None = None, unit_ids: Iterable[Any] = ()
) -> Any:
    assignments = Assignment.objects.filter(proposal=proposal, is_active=True)
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    ids = [i for i in unit_ids if i]
    units = ids or list(assignments.values_list("unit_id", flat=True))
    return _users().filter(handling_unit_id__in=units, roles__role=Role.UNIT_STAFF)


def office_users(proposal: Proposal) -> Any:
    return _users().filter(committee_id=proposal.committee_id, roles__role=Role.PROPOSAL_OFFICE)


def recipients_for(event: ProposalEvent) -> list[tuple[Any, str]]:
    """Who is told about `event`, and what: (queryset of users, title) pairs."""
    p = event.proposal
    title = p.title
    data = event.data or {}
    name = event.name
    to = event.to_state
    out: list[tuple[Any, str]] = []
    if name == "submit":
        if p.cosign_due_on:
            out.append(
                (
                    invited_users(p),
                    _("邀请您联名提案《%(t)s》，请于 %(d)s 前确认") % {"t": title, "d": p.cosign_due_on},
                )
            )
        out.append((office_users(p), _("新提案待审查：《%(t)s》") % {"t": title}))
    elif name in {"cosign", "decline_cosign"}:
        verb = _("确认") if name == "cosign" else _("谢绝")
        first = p.proposers.filter(role=Proposer.Role.FIRST).values("person_id")
        actor = event.actor.full_name if event.actor else ""
        out.append(
            (
                _users().filter(person_id__in=first),
                _("%(who)s 已%(verb)s联名《%(t)s》") % {"who": actor, "verb": verb, "t": title},
            )
        )
    elif name == "withdraw":
        out.append((office_users(p), _("提案《%(t)s》已撤案") % {"t": title}))
    elif name in {"return_for_revision", "file", "reject", "convert", "merge"}:
        out.append((proposer_users(p), _("您的提案《%(t)s》：%(s)s") % {"t": title, "s": State(to).label}))
    elif name == "assign":
        out.append((unit_users(p), _("新交办提案《%(t)s》，请及时签收") % {"t": title}))
        out.append((proposer_users(p, group=True), _("您的提案《%(t)s》已交办") % {"t": title}))
    elif name in {"request_reassignment", "request_extension"}:
        out.append((office_users(p), _("承办单位就提案《%(t)s》提出申请，请审批") % {"t": title}))
    elif name in {"decide_reassignment", "decide_extension"}:
        units = [data.get("unit_id"), data.get("new_unit_id")]
        out.append((unit_users(p, unit_ids=units), _("提案《%(t)s》的申请已审批") % {"t": title}))
    elif name == "submit_co_opinion":
        out.append(
            (
                unit_users(p, roles=[Assignment.Role.LEAD]),
                _("会办单位已提交《%(t)s》的会办意见") % {"t": title},
            )
        )
    elif name == "draft_reply" and to == State.REPLY_DRAFTED:
        out.append((unit_users(p, roles=[Assignment.Role.CO]), _("请会签提案《%(t)s》的答复") % {"t": title}))
        out.append((office_users(p), _("提案《%(t)s》的答复已拟写") % {"t": title}))
    elif name == "countersign" and to == State.REPLY_COUNTERSIGNED:
        out.append((office_users(p), _("提案《%(t)s》的答复已会签，请审核") % {"t": title}))
    elif name == "approve_reply" and to == State.REPLIED:
        # Every proposer of every merged proposal receives the reply (rule 28, issue 3).
        out.append(
            (
                proposer_users(p, group=True),
                _("提案《%(t)s》已答复，请于 %(d)s 前评价") % {"t": title, "d": p.rating_due_on},
            )
        )
        out.append((unit_users(p), _("提案《%(t)s》的答复已审核发出") % {"t": title}))
    elif name == "rate" and to == State.EVALUATED:
        out.append((office_users(p), _("提案《%(t)s》的评价已完成") % {"t": title}))
    elif name == "order_rehandling":
        roles = [Assignment.Role.LEAD, Assignment.Role.SEPARATE]
        out.append((unit_users(p, roles=roles), _("提案《%(t)s》须重新办理") % {"t": title}))
        out.append((proposer_users(p, group=True), _("提案《%(t)s》已安排重新办理") % {"t": title}))
    elif name == "close":
        out.append((proposer_users(p, group=True), _("提案《%(t)s》已办结") % {"t": title}))
        out.append((unit_users(p), _("提案《%(t)s》已办结") % {"t": title}))
    elif name == "designate_key" and data.get("approved"):
        out.append((unit_users(p), _("提案《%(t)s》已确定为重点提案") % {"t": title}))
        out.append((proposer_users(p), _("您的提案《%(t)s》已确定为重点提案") % {"t": title}))
    elif name == "nominate_excellent" and data.get("approved"):
        out.append((proposer_users(p), _("您的提案《%(t)s》被评为优秀提案") % {"t": title}))
    return out


def deliver(
    *,
    recipients: Iterable[Any],
    proposal: Proposal,
    key: str,
    title: str,
    body: str,
    event: ProposalEvent | None,
) -> int:
    """One notice per recipient and key (a retry creates none twice), then e-mail and SMS for new ones."""
    created_count = 0
    seen: set[int] = set()
    sender: SmsSender | None = None
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        _notice, created = Notification.objects.get_or_create(
            recipient=user,
            proposal=proposal,
            key=key,
            defaults={"title": title[:200], "body": body, "event": event},
        )
        if not created:
            continue
        created_count += 1
        if user.email:
            try:
                send_mail(title[:200], body or title, None, [user.email])
            except OSError:
                logger.warning("notification mail to user %s failed", user.pk, exc_info=True)
        phone = getattr(getattr(user, "person", None), "phone", "")
        if phone:
            sender = sender or sms_sender()
            sender.send(phone=phone, text=title)
    return created_count


def notify_event(*, event_id: int) -> int:
    """Deliver the notices of one event; returns how many were new."""
    event = ProposalEvent.objects.select_related("proposal", "actor").filter(pk=event_id).first()
    if event is None:
        return 0
    count = 0
    for users, title in recipients_for(event):
        count += deliver(
            recipients=users.select_related("person").distinct(),
            proposal=event.proposal,
            key=f"event:{event.pk}",
            title=title,
            body=event.note,
            event=event,
        )
    return count
