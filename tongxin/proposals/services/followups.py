"""Writes beside the state machine: attachments, key-proposal supervision, 回头看, notices, sweeps."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Conflict, Forbidden, Invalid, NotFound
from tongxin.core.roles import Role

from .. import access, deadlines
from ..models import (
    Assignment,
    Attachment,
    FollowUp,
    KeyProposal,
    Notification,
    Proposal,
    ProposalEvent,
    Reply,
    SupervisionEvent,
)
from ..notifications import deliver
from ..workflow import EDITABLE_STATES, HANDLING_STATES, REVIEW_EDITABLE_STATES, State
from .config import settings_for
from .transition import proposal_transition

# Accepted by content, never by the name or the declared type (ecosystem.md: uploads allow-list).
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


def sniff(data: bytes) -> str | None:
    """The allowed kind of a file from its first bytes (and, for Office files, its zip directory)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def attachment_add(*, proposal: Proposal, actor: Any, upload: UploadedFile) -> Attachment:
    """Attach a file to a proposal being written (author) or reviewed (office): pdf, docx, xlsx, jpg or
    png by content, within the size and count limits, stored under a server-generated name."""
    editable = access.can_edit_draft(actor, proposal) and proposal.state in EDITABLE_STATES
    reviewing = access.can_review(actor, proposal) and proposal.state in REVIEW_EDITABLE_STATES
    if not (editable or reviewing):
        if access.can_edit_draft(actor, proposal) or access.can_review(actor, proposal):
            raise Conflict(_("提案当前状态下不能添加附件。"), code="invalid_transition")
        raise Forbidden(_("您无权为该提案添加附件。"))
    conf = settings_for(proposal.committee_id)
    limit = conf.attachment_max_mb * 1024 * 1024
    if upload.size is None or upload.size > limit:
        message = _("附件不能超过 %(n)d MB。") % {"n": conf.attachment_max_mb}
        raise Invalid(message, {"file": [message]})
    if proposal.attachments.count() >= conf.attachment_max_count:
        message = _("附件最多 %(n)d 个。") % {"n": conf.attachment_max_count}
        raise Invalid(message, {"file": [message]})
    data = upload.read(limit + 1)
    if len(data) > limit:
        message = _("附件不能超过 %(n)d MB。") % {"n": conf.attachment_max_mb}
        raise Invalid(message, {"file": [message]})
    kind = sniff(data)
    if kind is None:
        message = _("只接受 PDF、Word（docx）、Excel（xlsx）、JPG 和 PNG 文件。")
        raise Invalid(message, {"file": [message]})
    original = (upload.name or "").rsplit("/", 1)[-1][:120] or f"{_('附件')}.{kind}"
    with transaction.atomic():
        attachment = Attachment(
            proposal=proposal,
            original_name=original,
            content_type=CONTENT_TYPES[kind],
            size=len(data),
            uploaded_by=actor,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
        attachment.save()
        ProposalEvent.objects.create(
            proposal=proposal,
            actor=actor,
            name="attachment_add",
            from_state=proposal.state,
            to_state=proposal.state,
            round=proposal.round,
            data={"attachment_id": attachment.pk, "name": original, "size": len(data)},
        )
    return attachment


def attachment_download(
    *, proposal: Proposal, actor: Any, attachment_id: int, request: Any = None
) -> Attachment:
    """An attachment of a proposal the actor may read; every download is in the security log."""
    if not access.can_view(actor, proposal):
        raise NotFound(_("附件不存在。"))
    attachment = Attachment.objects.filter(pk=attachment_id, proposal=proposal).first()
    if attachment is None:
        raise NotFound(_("附件不存在。"))
    security_event_record(
        kind=SecurityEvent.Kind.DOWNLOAD,
        request=request,
        actor=actor,
        target=f"proposals.Attachment:{attachment.pk}",
        details={"proposal_id": proposal.pk, "name": attachment.original_name},
    )
    return attachment


# The signed reply letter is a scan or a PDF (rule 25: 审签、加盖公章).
LETTER_KINDS = {"pdf", "jpg", "png"}


def reply_letter_attach(*, proposal: Proposal, actor: Any, upload: UploadedFile) -> Reply:
    """Attach the signed, stamped reply letter to the unit's reply of the current round, before the
    office approves it."""
    if not access.can_answer_as_unit(actor, proposal):
        raise Forbidden(_("只有主办或分办单位可以上传答复函。"))
    reply = (
        Reply.objects.filter(
            proposal=proposal,
            round=proposal.round,
            assignment__unit_id=actor.handling_unit_id,
            assignment__is_active=True,
        )
        .select_related("assignment")
        .first()
    )
    if reply is None:
        raise Conflict(_("请先拟写答复，再上传答复函。"), code="blocked")
    if reply.approved_at is not None:
        raise Conflict(_("答复已审核通过，不能再更换答复函。"), code="blocked")
    conf = settings_for(proposal.committee_id)
    limit = conf.attachment_max_mb * 1024 * 1024
    data = upload.read(limit + 1)
    if len(data) > limit:
        message = _("文件不能超过 %(n)d MB。") % {"n": conf.attachment_max_mb}
        raise Invalid(message, {"file": [message]})
    kind = sniff(data)
    if kind not in LETTER_KINDS:
        message = _("答复函只接受 PDF、JPG 或 PNG 文件。")
        raise Invalid(message, {"file": [message]})
    with transaction.atomic():
        reply.letter.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
        Reply.objects.filter(pk=reply.pk).update(letter=reply.letter.name, updated_at=timezone.now())
        ProposalEvent.objects.create(
            proposal=proposal,
            actor=actor,
            name="reply_letter",
            from_state=proposal.state,
            to_state=proposal.state,
            round=proposal.round,
            data={"reply_id": reply.pk, "size": len(data)},
        )
    reply.refresh_from_db()
    return reply


def key_supervision_add(
    *, proposal: Proposal, actor: Any, kind: str, held_on: dt.date, note: str
) -> SupervisionEvent:
    """Record a supervision activity (座谈、调研、视察、督办会、走访承办单位) on a designated key proposal."""
    if not access.can_review(actor, proposal):
        raise Forbidden(_("只有提案工作人员可以记录督办活动。"))
    key = KeyProposal.objects.filter(proposal=proposal, status=KeyProposal.Status.DESIGNATED).first()
    if key is None:
        raise Conflict(_("该提案不是已确定的重点提案。"), code="blocked")
    if kind not in SupervisionEvent.Kind.values:
        raise Invalid(_("督办形式无效。"), {"kind": [_("督办形式无效。")]})
    if held_on > timezone.localdate():
        raise Invalid(_("日期不能晚于今天。"), {"held_on": [_("日期不能晚于今天。")]})
    with transaction.atomic():
        row = SupervisionEvent.objects.create(
            key_proposal=key, kind=kind, held_on=held_on, note=note, recorded_by=actor
        )
        ProposalEvent.objects.create(
            proposal=proposal,
            actor=actor,
            name="key_supervision",
            from_state=proposal.state,
            to_state=proposal.state,
            note=note,
            round=proposal.round,
            data={"kind": kind, "held_on": held_on.isoformat()},
        )
    return row


def key_proposal_close(*, proposal: Proposal, actor: Any, summary: str) -> KeyProposal:
    """Close a key proposal's supervision with its summary (§10.2: supervision report → closed)."""
    if not access.can_review(actor, proposal):
        raise Forbidden(_("只有提案工作人员可以完成督办总结。"))
    if not summary.strip():
        raise Invalid(_("请填写督办总结。"), {"summary": [_("请填写督办总结。")]})
    with transaction.atomic():
        updated = KeyProposal.objects.filter(proposal=proposal, status=KeyProposal.Status.DESIGNATED).update(
            status=KeyProposal.Status.CLOSED, summary=summary, updated_at=timezone.now()
        )
        if updated != 1:
            raise Conflict(_("该提案不是督办中的重点提案。"), code="blocked")
        ProposalEvent.objects.create(
            proposal=proposal,
            actor=actor,
            name="key_close",
            from_state=proposal.state,
            to_state=proposal.state,
            note=summary,
            round=proposal.round,
        )
    return KeyProposal.objects.get(proposal=proposal)


def followup_complete(*, followup: FollowUp, actor: Any, note: str) -> FollowUp:
    """Record the result of a 回头看 (rule 30)."""
    if not access.can_review(actor, followup.proposal):
        raise Forbidden(_("只有提案工作人员可以记录回头看。"))
    if not note.strip():
        raise Invalid(_("请填写落实情况。"), {"note": [_("请填写落实情况。")]})
    with transaction.atomic():
        updated = FollowUp.objects.filter(pk=followup.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=actor, note=note
        )
        if updated != 1:
            raise Conflict(_("该回头看已完成。"), code="blocked")
        ProposalEvent.objects.create(
            proposal=followup.proposal,
            actor=actor,
            name="followup_complete",
            from_state=followup.proposal.state,
            to_state=followup.proposal.state,
            note=note,
            round=followup.proposal.round,
            data={"followup_id": followup.pk},
        )
    followup.refresh_from_db()
    return followup


def notification_mark_read(*, notification_id: int, actor: Any) -> None:
    """Mark one of the actor's own notices as read."""
    updated = Notification.objects.filter(pk=notification_id, recipient_id=getattr(actor, "pk", None)).update(
        read_at=timezone.now()
    )
    if updated != 1:
        raise NotFound(_("通知不存在。"))


def proposal_ratings_close(*, proposal_id: int) -> bool:
    """Record "no response" for proposers who stayed silent past the rating window; True if it did."""
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    today = timezone.localdate()
    if (
        proposal is None
        or proposal.state != State.REPLIED
        or proposal.rating_due_on is None
        or today <= proposal.rating_due_on
    ):
        return False
    try:
        proposal_transition(proposal=proposal, name="rate", actor=None, payload={"no_response": True})
    except Conflict:
        return False  # someone acted at the same moment; the next sweep looks again
    return True


def proposals_sweep(*, today: dt.date) -> int:
    """The daily run: close lapsed rating windows, and notify units (and, when overdue, the office)
    of replies due soon or overdue. Safe to run twice: notices are keyed by their due date."""
    count = 0
    lapsed = Proposal.objects.filter(state=State.REPLIED, rating_due_on__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(lapsed):
        count += int(proposal_ratings_close(proposal_id=pk))
    approved = Reply.objects.filter(
        assignment_id=OuterRef("pk"), round=OuterRef("proposal__round"), approved_at__isnull=False
    )
    open_assignments = (
        Assignment.objects.filter(
            is_active=True,
            role__in=(Assignment.Role.LEAD, Assignment.Role.SEPARATE),
            proposal__state__in=HANDLING_STATES,
            reply_due_on__isnull=False,
        )
        .exclude(Exists(approved))
        .select_related("proposal", "unit")
    )
    settings_cache: dict[int, dt.date] = {}
    for a in open_assignments.iterator():
        due = a.reply_due_on
        assert due is not None
        committee_id = a.proposal.committee_id
        if committee_id not in settings_cache:
            settings_cache[committee_id] = deadlines.due_soon_from(
                today=today, conf=settings_for(committee_id)
            )
        if due < today:
            key = f"overdue:{a.unit_id}:{due.isoformat()}"
            title = _("提案“%(title)s”的答复已逾期（期限 %(due)s）") % {"title": a.proposal.title, "due": due}
            recipients = [*_unit_staff(a.unit_id), *_office_staff(committee_id)]
        elif due <= settings_cache[committee_id]:
            key = f"due_soon:{a.unit_id}:{due.isoformat()}"
            title = _("提案“%(title)s”的答复将于 %(due)s 到期") % {"title": a.proposal.title, "due": due}
            recipients = list(_unit_staff(a.unit_id))
        else:
            continue
        count += deliver(
            recipients=recipients, proposal=a.proposal, key=key, title=title, body="", event=None
        )
    return count


def _unit_staff(unit_id: int) -> Any:
    from tongxin.accounts.models import User

    return User.objects.filter(handling_unit_id=unit_id, is_active=True, roles__role=Role.UNIT_STAFF)


def _office_staff(committee_id: int) -> Any:
    from tongxin.accounts.models import User

    return User.objects.filter(committee_id=committee_id, is_active=True, roles__role=Role.PROPOSAL_OFFICE)
