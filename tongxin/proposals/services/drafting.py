"""Writing a proposal: create a draft (idempotent), autosave it, and reviewers' edits of wording."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.core.roles import Role
from tongxin.members.models import Membership
from tongxin.members.workflow import MembershipStatus
from tongxin.org.models import ActivityGroup, HandlingUnit, ParticipatingUnit, Sector, SpecialCommittee

from .. import access
from ..models import Proposal, ProposalCategory, ProposalEvent, ProposalVersion, Proposer
from ..workflow import EDITABLE_STATES, REVIEW_EDITABLE_STATES, State
from .config import settings_for

TEXT_FIELDS = ("title", "background", "analysis", "suggestions")
TEXT_LIMITS = {"title": 120, "background": 20000, "analysis": 20000, "suggestions": 20000}

COLLECTIVE_BODIES: dict[str, tuple[str, Any]] = {
    "participating_unit": ("collective_participating_unit", ParticipatingUnit),
    "special_committee": ("collective_special_committee", SpecialCommittee),
    "sector": ("collective_sector", Sector),
    "activity_group": ("collective_activity_group", ActivityGroup),
}


def serving_membership(*, committee_id: int, person_id: int) -> Membership | None:
    """The person's serving membership in the committee's current term (rule 4: 本届委员)."""
    return (
        Membership.objects.filter(
            person_id=person_id,
            person__committee_id=committee_id,
            term__committee_id=committee_id,
            term__is_current=True,
            status=MembershipStatus.ACTIVE,
        )
        .select_related("term")
        .first()
    )


def _check_text(values: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, str]:
    clean: dict[str, str] = {}
    for name in TEXT_FIELDS:
        if name not in values or values[name] is None:
            continue
        value = str(values[name]).strip() if name == "title" else str(values[name])
        if len(value) > TEXT_LIMITS[name]:
            errors[name] = [_("内容过长（最多 %(n)d 字）。") % {"n": TEXT_LIMITS[name]}]
        clean[name] = value
    return clean


def _check_category(committee_id: int, category_id: int | None, errors: dict[str, list[str]]) -> None:
    if category_id is None:
        return
    if not ProposalCategory.objects.filter(
        pk=category_id, committee_id=committee_id, is_active=True
    ).exists():
        errors["category_id"] = [_("类别不存在或已停用。")]


def _check_units(
    committee_id: int, unit_ids: Iterable[int], errors: dict[str, list[str]], field: str
) -> list[int]:
    ids = list(dict.fromkeys(unit_ids))
    found = set(
        HandlingUnit.objects.filter(pk__in=ids, committee_id=committee_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if len(found) != len(ids):
        errors[field] = [_("承办单位不存在或已停用。")]
    return ids


def _check_cosigners(
    committee_id: int, first_person_id: int, person_ids: Iterable[int], errors: dict[str, list[str]]
) -> list[tuple[int, Membership]]:
    ids = list(dict.fromkeys(person_ids))
    if first_person_id in ids:
        errors["cosigner_person_ids"] = [_("第一提案人不能同时作为联名人。")]
        return []
    result = []
    for person_id in ids:
        membership = serving_membership(committee_id=committee_id, person_id=person_id)
        if membership is None:
            # Rule 4: proposers of individual or joint proposals must be serving members of this term.
            errors["cosigner_person_ids"] = [_("联名人须为本届在任委员。")]
            return []
        result.append((person_id, membership))
    return result


def _set_cosigners(proposal: Proposal, cosigners: list[tuple[int, Membership]]) -> None:
    """Replace the co-signer list of a draft; those already listed keep their answer."""
    keep = {person_id for person_id, _m in cosigners}
    proposal.proposers.filter(role=Proposer.Role.COSIGNER).exclude(person_id__in=keep).delete()
    existing = set(proposal.proposers.values_list("person_id", flat=True))
    for position, (person_id, membership) in enumerate(cosigners, start=1):
        if person_id in existing:
            proposal.proposers.filter(person_id=person_id).update(position=position)
        else:
            Proposer.objects.create(
                proposal=proposal,
                person_id=person_id,
                membership=membership,
                role=Proposer.Role.COSIGNER,
                position=position,
                status=Proposer.Status.INVITED,
            )


def _new_version(proposal: Proposal, *, actor: Any, reason: str, note: str = "") -> ProposalVersion:
    last = proposal.versions.aggregate(n=Max("number"))["n"] or 0
    return ProposalVersion.objects.create(
        proposal=proposal,
        number=last + 1,
        reason=reason,
        title=proposal.title,
        background=proposal.background,
        analysis=proposal.analysis,
        suggestions=proposal.suggestions,
        author=actor,
        note=note,
    )


def text_changed(proposal_id: int) -> None:
    """After commit, enqueue every task in settings.PROPOSAL_TEXT_CHANGED_TASKS with the proposal's id
    (similarity re-indexes it); proposals names no capability above it."""
    for path in getattr(settings, "PROPOSAL_TEXT_CHANGED_TASKS", ()):
        transaction.on_commit(partial(import_string(path).enqueue, proposal_id=proposal_id))


def proposal_create(
    *,
    actor: Any,
    kind: str = Proposal.Kind.INDIVIDUAL,
    title: str = "",
    background: str = "",
    analysis: str = "",
    suggestions: str = "",
    category_id: int | None = None,
    suggested_unit_ids: Iterable[int] = (),
    cosigner_person_ids: Iterable[int] = (),
    collective_body: str = "",
    collective_body_id: int | None = None,
    first_proposer_person_id: int | None = None,
    idempotency_key: str = "",
) -> Proposal:
    """Create a draft. A member writes their own; proposal office staff may enter one for a member who
    cannot go online (recorded as such). A retried call with the same key returns the first draft."""
    if not access.is_business_user(actor):
        raise Forbidden(_("您无权撰写提案。"))
    key = (idempotency_key or "").strip()
    if len(key) > 64:
        raise Invalid(_("幂等键过长。"), {"idempotency_key": [_("最多 64 个字符。")]})
    if key:
        existing = Proposal.objects.filter(created_by=actor, idempotency_key=key).first()
        if existing is not None:
            return existing
    committee_id = actor.committee_id
    on_behalf = first_proposer_person_id is not None and first_proposer_person_id != actor.person_id
    if on_behalf:
        if not access.is_proposal_office(actor):
            raise Forbidden(_("只有提案工作人员可以代委员录入提案。"))
        first_person_id = int(first_proposer_person_id or 0)
    else:
        if not (actor.person_id and actor.has_role(Role.MEMBER)):
            raise Forbidden(_("只有委员可以撰写提案；工作人员代为录入时请指定第一提案人。"))
        first_person_id = actor.person_id
    errors: dict[str, list[str]] = {}
    first_membership = serving_membership(committee_id=committee_id, person_id=first_person_id)
    if first_membership is None:
        errors["first_proposer_person_id"] = [_("第一提案人须为本届在任委员。")]
    if kind not in Proposal.Kind.values:
        errors["kind"] = [_("提案类型无效。")]
    text = _check_text(
        {"title": title, "background": background, "analysis": analysis, "suggestions": suggestions}, errors
    )
    _check_category(committee_id, category_id, errors)
    unit_ids = _check_units(committee_id, suggested_unit_ids, errors, "suggested_unit_ids")
    cosigners = _check_cosigners(committee_id, first_person_id, cosigner_person_ids, errors)
    if cosigners and kind != Proposal.Kind.JOINT:
        errors["cosigner_person_ids"] = [_("只有联名提案可以邀请联名人。")]
    body_field = ""
    body_obj: Any = None
    if kind == Proposal.Kind.COLLECTIVE:
        body_field, body_obj = _collective_body(committee_id, collective_body, collective_body_id, errors)
    elif collective_body or collective_body_id:
        errors["collective_body"] = [_("只有集体提案需要署名单位。")]
    if errors:
        raise Invalid(_("提案内容有误，请检查。"), errors)
    settings_for(committee_id)  # first use creates the committee's defaults (categories, reasons)
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                committee_id=committee_id,
                kind=kind,
                category_id=category_id,
                created_by=actor,
                entered_on_behalf_by=actor if on_behalf else None,
                idempotency_key=key,
                **text,
                **({body_field: body_obj} if body_field else {}),
            )
            proposal.suggested_units.set(unit_ids)
            Proposer.objects.create(
                proposal=proposal,
                person_id=first_person_id,
                membership=first_membership,
                role=Proposer.Role.FIRST,
                position=0,
                status=Proposer.Status.CONFIRMED,
            )
            _set_cosigners(proposal, cosigners)
            _new_version(proposal, actor=actor, reason=ProposalVersion.Reason.DRAFT)
            ProposalEvent.objects.create(
                proposal=proposal,
                actor=actor,
                name="create",
                to_state=State.DRAFT,
                data={"kind": kind, "on_behalf": on_behalf},
            )
            text_changed(proposal.pk)
    except IntegrityError:
        # The same key raced in from a retried request: answer with the first proposal.
        existing = Proposal.objects.filter(created_by=actor, idempotency_key=key).first() if key else None
        if existing is None:
            raise Conflict(_("提案保存冲突，请重试。")) from None
        return existing
    return proposal


def _collective_body(
    committee_id: int, body: str, body_id: int | None, errors: dict[str, list[str]]
) -> tuple[str, Any]:
    if body not in COLLECTIVE_BODIES or body_id is None:
        errors["collective_body"] = [_("集体提案须选择署名的党派团体、专委会、界别或活动组。")]
        return "", None
    field, model = COLLECTIVE_BODIES[body]
    qs = model.objects.filter(pk=body_id, is_active=True)
    if hasattr(model, "committee"):
        qs = qs.filter(committee_id=committee_id)
    else:  # sectors and activity groups are set per term (rules 84, 87)
        qs = qs.filter(term__committee_id=committee_id, term__is_current=True)
    obj = qs.first()
    if obj is None:
        errors["collective_body_id"] = [_("署名单位不存在或不属于本届。")]
        return "", None
    return field, obj


def _apply_changes(
    proposal: Proposal, *, actor: Any, changes: Mapping[str, Any], allow_cosigners: bool
) -> tuple[dict[str, str], dict[str, Any]]:
    """Validate and apply `changes` to the proposal row; returns (text changes, other changes)."""
    errors: dict[str, list[str]] = {}
    allowed = {*TEXT_FIELDS, "category_id", "suggested_unit_ids", "cosigner_person_ids", "note"}
    for name in changes:
        if name not in allowed:
            errors[name] = [_("不能修改此项。")]
    text = _check_text(changes, errors)
    if "title" in text and not text["title"]:
        errors["title"] = [_("请填写案由。")]
    other: dict[str, Any] = {}
    if changes.get("category_id") is not None:
        _check_category(proposal.committee_id, changes["category_id"], errors)
        other["category_id"] = changes["category_id"]
    if changes.get("suggested_unit_ids") is not None:
        other["suggested_unit_ids"] = _check_units(
            proposal.committee_id, changes["suggested_unit_ids"], errors, "suggested_unit_ids"
        )
    if changes.get("cosigner_person_ids") is not None:
        if not allow_cosigners:
            errors["cosigner_person_ids"] = [_("提交后不能更改联名人。")]
        elif proposal.kind not in (Proposal.Kind.INDIVIDUAL, Proposal.Kind.JOINT):
            errors["cosigner_person_ids"] = [_("只有联名提案可以邀请联名人。")]
        else:
            first = proposal.proposers.get(role=Proposer.Role.FIRST)
            other["cosigners"] = _check_cosigners(
                proposal.committee_id, first.person_id, changes["cosigner_person_ids"], errors
            )
            # A draft becomes joint when its author invites co-signers and individual again when
            # they are all removed: autosave may have created it before anyone was chosen.
            kind = Proposal.Kind.JOINT if changes["cosigner_person_ids"] else Proposal.Kind.INDIVIDUAL
            if kind != proposal.kind:
                other["kind"] = kind
    if errors:
        raise Invalid(_("提案内容有误，请检查。"), errors)
    changed_text = {name: value for name, value in text.items() if getattr(proposal, name) != value}
    return changed_text, other


def _save(
    proposal: Proposal,
    *,
    actor: Any,
    states: frozenset[str],
    changed_text: dict[str, str],
    other: dict[str, Any],
    version_reason: str,
    event_name: str,
    note: str,
) -> Proposal:
    with transaction.atomic():
        fields: dict[str, Any] = {**changed_text, "updated_at": timezone.now(), "version": F("version") + 1}
        if "category_id" in other:
            fields["category_id"] = other["category_id"]
        if "kind" in other:
            fields["kind"] = other["kind"]
        # Refuse the write if the proposal left the editable states meanwhile (submitted elsewhere)
        # or was changed since this writer read it (compare-and-swap on the version, as transitions).
        updated = Proposal.objects.filter(pk=proposal.pk, state__in=states, version=proposal.version).update(
            **fields
        )
        if updated != 1:
            raise Conflict(_("提案状态已变化，不能再修改，请刷新后查看。"))
        proposal.refresh_from_db()
        if "suggested_unit_ids" in other:
            proposal.suggested_units.set(other["suggested_unit_ids"])
        if "cosigners" in other:
            _set_cosigners(proposal, other["cosigners"])
        if changed_text:
            _new_version(proposal, actor=actor, reason=version_reason, note=note[:200])
            text_changed(proposal.pk)
        ProposalEvent.objects.create(
            proposal=proposal,
            actor=actor,
            name=event_name,
            from_state=proposal.state,
            to_state=proposal.state,
            note=note,
            round=proposal.round,
            data={"fields": sorted([*changed_text, *other])},
        )
    return proposal


def proposal_update_draft(*, proposal: Proposal, actor: Any, changes: Mapping[str, Any]) -> Proposal:
    """Autosave of a draft (or a proposal returned for revision) by its author; every text change
    is kept as a new version."""
    if not access.can_edit_draft(actor, proposal):
        raise Forbidden(_("只有提案人可以修改草稿。"))
    if proposal.state not in EDITABLE_STATES:
        raise Conflict(_("提案已提交，不能再修改。"), code="invalid_transition")
    changed_text, other = _apply_changes(proposal, actor=actor, changes=changes, allow_cosigners=True)
    return _save(
        proposal,
        actor=actor,
        states=EDITABLE_STATES,
        changed_text=changed_text,
        other=other,
        version_reason=ProposalVersion.Reason.DRAFT,
        event_name="edit",
        note="",
    )


def proposal_autosave(*, proposal: Proposal, actor: Any, changes: Mapping[str, Any]) -> Proposal | None:
    """The draft form's autosave (every ~20 s): `proposal_update_draft`, retried once on a fresh
    copy when another save of the same draft changed it first (a second tab, a retried request);
    None, with nothing written, when the proposal has just been submitted — the autosave that
    raced the member's own 提交 ends quietly instead of answering a conflict."""
    for attempt in (1, 2):
        try:
            return proposal_update_draft(proposal=proposal, actor=actor, changes=changes)
        except Conflict:
            fresh = Proposal.objects.filter(pk=proposal.pk).first()
            if fresh is None or fresh.state not in EDITABLE_STATES:
                return None
            if attempt == 2:
                raise
            proposal = fresh
    return None


def proposal_review_edit(*, proposal: Proposal, actor: Any, changes: Mapping[str, Any]) -> Proposal:
    """A reviewer's edit of the wording before filing (rule 16); the proposer's original stays."""
    if not access.can_review(actor, proposal):
        raise Forbidden(_("只有提案工作人员可以在审查时修改提案。"))
    if proposal.state not in REVIEW_EDITABLE_STATES:
        raise Conflict(_("只有待审查的提案可以由审查人修改。"), code="invalid_transition")
    note = str(changes.get("note") or "")
    changed_text, other = _apply_changes(proposal, actor=actor, changes=changes, allow_cosigners=False)
    return _save(
        proposal,
        actor=actor,
        states=REVIEW_EDITABLE_STATES,
        changed_text=changed_text,
        other=other,
        version_reason=ProposalVersion.Reason.REVIEW_EDIT,
        event_name="review_edit",
        note=note,
    )


def proposal_edit(*, proposal: Proposal, actor: Any, changes: Mapping[str, Any]) -> Proposal:
    """PATCH: the author's autosave of a draft, or a reviewer's edit of a submitted proposal."""
    if access.can_edit_draft(actor, proposal) and proposal.state in EDITABLE_STATES:
        saved = proposal_autosave(proposal=proposal, actor=actor, changes=changes)
        if saved is None:  # submitted meanwhile: an API client gets the definite answer
            raise Conflict(_("提案已提交，草稿不再自动保存。"), code="invalid_transition")
        return saved
    if access.can_review(actor, proposal):
        return proposal_review_edit(proposal=proposal, actor=actor, changes=changes)
    if access.can_edit_draft(actor, proposal):
        raise Conflict(_("提案已提交，不能再修改。"), code="invalid_transition")
    raise Forbidden(_("您无权修改该提案。"))


def snapshot_original(proposal: Proposal, *, actor: Any) -> ProposalVersion:
    """Keep the text as the proposer submitted it: the original reviewers' edits are compared with."""
    return _new_version(proposal, actor=actor, reason=ProposalVersion.Reason.ORIGINAL)
