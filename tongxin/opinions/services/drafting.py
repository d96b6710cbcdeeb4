"""Writing a report: create a draft (idempotent), autosave it, convert a proposal into one, attach
files."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.members.models import Membership
from tongxin.members.workflow import MembershipStatus
from tongxin.org.models import ActivityGroup, Committee, ParticipatingUnit, Sector, SpecialCommittee

from .. import access
from ..models import OpinionAttachment, OpinionAuthor, OpinionEvent, OpinionReport
from ..workflow import EDITABLE_STATES, QUEUE_STATES
from .config import settings_for

Kind = OpinionReport.ReporterKind
TEXT_FIELDS = ("title", "situation", "analysis", "suggestions")
# A hard cap on stored text; the committee's length limit (default 1,500) is checked on submission,
# so a draft converted from a longer proposal can still be saved and shortened.
TEXT_CAPS = {"title": 120, "situation": 20000, "analysis": 20000, "suggestions": 20000}
DRAFT_FIELDS = (*TEXT_FIELDS, "category", "is_urgent", "reporter_unit")
BODY_KINDS: dict[str, tuple[str, Any]] = {
    Kind.PARTICIPATING_UNIT: ("participating_unit", ParticipatingUnit),
    Kind.SPECIAL_COMMITTEE: ("special_committee", SpecialCommittee),
    Kind.SECTOR: ("sector", Sector),
    Kind.ACTIVITY_GROUP: ("activity_group", ActivityGroup),
}
# Accepted by content, never by the name or the declared type (ecosystem.md: uploads allow-list).
ALLOWED_UPLOADS: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpg": "image/jpeg",
    "png": "image/png",
}
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


def serving_membership(*, committee_id: int, person_id: int) -> Membership | None:
    """The person's serving membership in the committee's current term."""
    return (
        Membership.objects.filter(
            person_id=person_id,
            term__committee_id=committee_id,
            term__is_current=True,
            status=MembershipStatus.ACTIVE,
        )
        .select_related("person", "participating_unit", "sector", "activity_group")
        .first()
    )


def _clean_text(values: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if values.get(name) is None:
            continue
        value = str(values[name]).strip() if name == "title" else str(values[name])
        if len(value) > TEXT_CAPS[name]:
            errors[name] = [_("内容过长（最多 %(n)d 字）。") % {"n": TEXT_CAPS[name]}]
        clean[name] = value
    return clean


def _clean_options(values: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if values.get("category") is not None:
        if values["category"] not in OpinionReport.Category.values:
            errors["category"] = [_("类别无效。")]
        clean["category"] = values["category"]
    if values.get("is_urgent") is not None:
        clean["is_urgent"] = bool(values["is_urgent"])
    if values.get("reporter_unit") is not None:
        unit = str(values["reporter_unit"]).strip()
        if len(unit) > 100:
            errors["reporter_unit"] = [_("单位名称过长（最多 100 字）。")]
        clean["reporter_unit"] = unit
    return clean


def _body(committee_id: int, kind: str, body_id: int | None, errors: dict[str, list[str]]) -> Any:
    """The reporting body (party, special committee, sector, group) of the committee, or None."""
    _field, model = BODY_KINDS[kind]
    qs = model.objects.filter(pk=body_id or 0, is_active=True)
    qs = (
        qs.filter(term__committee_id=committee_id)
        if hasattr(model, "term")
        else qs.filter(committee_id=committee_id)
    )
    body = qs.first()
    if body is None:
        errors["body_id"] = [_("报送单位不存在或已停用。")]
    return body


def _belongs_to(membership: Membership, kind: str, body: Any) -> bool:
    """Whether a member may report in the name of `body`: it must be their own party, special
    committee, sector or activity group."""
    if kind == Kind.PARTICIPATING_UNIT:
        return membership.participating_unit_id == body.pk
    if kind == Kind.SECTOR:
        return membership.sector_id == body.pk
    if kind == Kind.ACTIVITY_GROUP:
        return membership.activity_group_id == body.pk
    return membership.special_committees.filter(pk=body.pk).exists()


def _authors(committee_id: int, person_ids: Iterable[int], errors: dict[str, list[str]]) -> list[Membership]:
    result = []
    for person_id in dict.fromkeys(person_ids):
        membership = serving_membership(committee_id=committee_id, person_id=person_id)
        if membership is None:
            errors["author_person_ids"] = [_("反映人须为本届在任委员。")]
            return []
        result.append(membership)
    return result


def opinion_create(
    *,
    actor: Any,
    title: str = "",
    situation: str = "",
    analysis: str = "",
    suggestions: str = "",
    category: str = OpinionReport.Category.OTHER,
    is_urgent: bool = False,
    reporter_kind: str = "",
    body_id: int | None = None,
    reporter_name: str = "",
    reporter_unit: str | None = None,
    author_person_ids: Sequence[int] = (),
    idempotency_key: str = "",
) -> OpinionReport:
    """Create a draft. A member writes as themselves (with co-authors) or for a body they belong to; an
    invited information officer writes as themselves; the information office may enter a report for
    any member or body of its committee. A retried call with the same key returns the first draft."""
    if not access.can_report(actor):
        raise Forbidden(_("您无权撰写社情民意信息。"))
    key = (idempotency_key or "").strip()
    if len(key) > 64:
        raise Invalid(_("幂等键过长。"), {"idempotency_key": [_("最多 64 个字符。")]})
    if key:
        existing = OpinionReport.objects.filter(created_by=actor, idempotency_key=key).first()
        if existing is not None:
            return existing
    committee_id = actor.committee_id
    errors: dict[str, list[str]] = {}
    text = _clean_text(
        {"title": title, "situation": situation, "analysis": analysis, "suggestions": suggestions}, errors
    )
    options = _clean_options(
        {"category": category, "is_urgent": is_urgent, "reporter_unit": reporter_unit}, errors
    )
    office = access.is_information_office(actor)
    own = (
        serving_membership(committee_id=committee_id, person_id=actor.person_id)
        if access.is_reporting_member(actor)
        else None
    )
    kind = reporter_kind or (Kind.MEMBER if (own or office) else Kind.INFORMANT)
    authors: list[Membership] = []
    body: Any = None
    name = ""
    if kind not in Kind.values or kind == Kind.LOWER_COMMITTEE:
        # Lower committees report by forwarding (转报), never by writing here.
        errors["reporter_kind"] = [_("报送主体无效。")]
    elif kind == Kind.INFORMANT:
        if not access.is_informant(actor):
            errors["reporter_kind"] = [_("只有特邀信息员以本人名义报送。")]
        name = actor.full_name
    else:
        others = _authors(committee_id, [p for p in author_person_ids if p != actor.person_id], errors)
        if own is not None:
            authors = [own, *others]
        elif office:
            authors = others
        else:
            errors["reporter_kind"] = [_("您不是本届在任委员，只能以特邀信息员名义报送。")]
        if kind == Kind.MEMBER and not authors and "author_person_ids" not in errors:
            errors["author_person_ids"] = [_("请指定反映人（本届在任委员）。")]
        if kind in BODY_KINDS:
            body = _body(committee_id, kind, body_id, errors)
            if body is not None and own is not None and not office and not _belongs_to(own, kind, body):
                errors["body_id"] = [_("只能以您所在的党派团体、专委会、界别或活动组名义报送。")]
        name = authors[0].person.name if authors else ""
        if body is not None:
            name = str(body)
    reporter = (reporter_name or "").strip() or name
    if len(reporter) > 60:
        errors["reporter_name"] = [_("反映人过长（最多 60 字）。")]
    if errors:
        raise Invalid(_("社情民意信息内容有误，请检查。"), errors)
    if "reporter_unit" not in options or reporter_unit is None:
        options["reporter_unit"] = authors[0].person.workplace[:100] if authors else ""
    settings_for(committee_id)
    try:
        with transaction.atomic():
            report = OpinionReport.objects.create(
                committee_id=committee_id,
                reporter_kind=kind,
                reporter_name=reporter,
                created_by=actor,
                idempotency_key=key,
                **({BODY_KINDS[kind][0]: body} if body is not None else {}),
                **text,
                **options,
            )
            _finish_create(report, authors, actor)
    except IntegrityError:
        # The same key raced in from a retry: the first draft wins.
        existing = OpinionReport.objects.filter(created_by=actor, idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    return report


def _finish_create(report: OpinionReport, authors: Sequence[Membership], actor: Any, **data: Any) -> None:
    OpinionReport.objects.filter(pk=report.pk).update(root=report.pk)
    report.root_id = report.pk
    OpinionAuthor.objects.bulk_create(
        OpinionAuthor(report=report, membership=m, position=i) for i, m in enumerate(authors, start=1)
    )
    OpinionEvent.objects.create(report=report, actor=actor, name="created", to_state=report.state, data=data)


def opinion_create_from_proposal(
    *,
    committee: Committee,
    actor: Any,
    proposal_title: str,
    body: str | Mapping[str, str],
    authors: Sequence[Membership],
    source: str,
) -> OpinionReport:
    """A draft report made from a proposal the proposal office routed as 社情民意 (domain.md §10.1
    CONVERTED). Its authors find it among their drafts, shorten it to the limit and submit it.
    Calling again with the same `source` returns the first draft."""
    if not access.is_business_user(actor) or actor.committee_id != committee.pk:
        raise Forbidden(_("只能为本会的提案转办社情民意信息。"))
    source = (source or "").strip()
    if not source or len(source) > 80:
        raise Invalid(_("来源标识须为 1 到 80 个字符。"), {"source": [_("须为 1 到 80 个字符。")]})
    existing = OpinionReport.objects.filter(committee=committee, source=source).first()
    if existing is not None:
        return existing
    parts = {"situation": body} if isinstance(body, str) else dict(body)
    # A proposal's 背景 is a report's 情况 (proposals keep "background / analysis / suggestions").
    if "background" in parts and "situation" not in parts:
        parts["situation"] = parts.pop("background")
    errors: dict[str, list[str]] = {}
    unknown = set(parts) - {"situation", "analysis", "suggestions"}
    if unknown:
        errors["body"] = [_("正文只能包含情况、分析、建议三部分。")]
    text = _clean_text({"title": proposal_title, **parts}, errors)
    memberships = list(authors)
    if not memberships:
        errors["authors"] = [_("请指定反映人。")]
    elif any(m.term.committee_id != committee.pk for m in memberships):
        errors["authors"] = [_("反映人须为本会委员。")]
    if errors:
        raise Invalid(_("无法转为社情民意信息，请检查。"), errors)
    first = memberships[0]
    with transaction.atomic():
        report = OpinionReport.objects.create(
            committee=committee,
            reporter_kind=Kind.MEMBER,
            reporter_name="、".join(m.person.name for m in memberships)[:60],
            reporter_unit=first.person.workplace[:100],
            created_by=actor,
            source=source,
            **text,
        )
        _finish_create(report, list(dict.fromkeys(memberships)), actor, source=source)
    return report


def opinion_update_draft(*, report: OpinionReport, actor: Any, changes: Mapping[str, Any]) -> OpinionReport:
    """The author's autosave of a draft or of a report returned for revision."""
    if not access.can_edit_draft(actor, report):
        raise Forbidden(_("只有反映人可以修改草稿。"))
    if report.state not in EDITABLE_STATES:
        raise Conflict(_("已报送的信息不能再修改；如需修改，请先撤回或等待退回。"), code="invalid_transition")
    unknown = set(changes) - set(DRAFT_FIELDS)
    errors: dict[str, list[str]] = {name: [_("该字段不能修改。")] for name in unknown}
    clean = {**_clean_text(changes, errors), **_clean_options(changes, errors)}
    if errors:
        raise Invalid(_("社情民意信息内容有误，请检查。"), errors)
    changed = [name for name, value in clean.items() if getattr(report, name) != value]
    if not changed:
        return report
    with transaction.atomic():
        updated = OpinionReport.objects.filter(pk=report.pk, state=report.state).update(**clean)
        if updated != 1:
            raise Conflict(_("信息已被他人处理，请刷新后再试。"))
        OpinionEvent.objects.create(
            report=report,
            actor=actor,
            name="updated",
            from_state=report.state,
            to_state=report.state,
            data={"fields": changed},
        )
    for name, value in clean.items():
        setattr(report, name, value)
    return report


def sniff(data: bytes) -> str | None:
    """The allowed kind of a file from its first bytes (a docx by its zip directory)."""
    for prefix, kind in MAGIC:
        if data.startswith(prefix):
            return kind
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if {"[Content_Types].xml", "word/document.xml"} <= set(archive.namelist()):
                    return "docx"
        except (zipfile.BadZipFile, ValueError):
            return None
    return None


def attachment_add(*, report: OpinionReport, actor: Any, upload: UploadedFile) -> OpinionAttachment:
    """Attach a PDF, docx, JPG or PNG (by content) within the committee's size and count limits: the
    author while writing, the office while editing."""
    writing = access.can_edit_draft(actor, report) and report.state in EDITABLE_STATES
    editing = access.can_handle(actor, report) and report.state in QUEUE_STATES
    if not (writing or editing):
        if access.can_edit_draft(actor, report) or access.can_handle(actor, report):
            raise Conflict(_("当前状态下不能添加附件。"), code="invalid_transition")
        raise Forbidden(_("您无权为该信息添加附件。"))
    conf = settings_for(report.committee_id)
    limit = conf.attachment_max_mb * 1024 * 1024
    too_big = _("附件不能超过 %(n)d MB。") % {"n": conf.attachment_max_mb}
    if upload.size is None or upload.size > limit:
        raise Invalid(too_big, {"file": [too_big]})
    if report.attachments.count() >= conf.attachment_max_count:
        message = _("附件最多 %(n)d 个。") % {"n": conf.attachment_max_count}
        raise Invalid(message, {"file": [message]})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise Invalid(too_big, {"file": [too_big]})
    kind = sniff(data)
    if kind is None:
        message = _("只接受 PDF、Word（docx）、JPG 和 PNG 文件。")
        raise Invalid(message, {"file": [message]})
    original = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:120] or f"附件.{kind}"
    with transaction.atomic():
        attachment = OpinionAttachment(
            report=report,
            original_name=original,
            content_type=ALLOWED_UPLOADS[kind],
            size=len(data),
            uploaded_by=actor,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
        attachment.save()
        OpinionEvent.objects.create(
            report=report,
            actor=actor,
            name="attachment_add",
            from_state=report.state,
            to_state=report.state,
            data={"attachment_id": attachment.pk, "name": original, "size": len(data)},
        )
    return attachment
