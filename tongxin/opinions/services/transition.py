"""The only code that changes a report's state (style.md §5.4), the outcomes recorded after sending,
forwarding to the parent committee, and the flow of outcomes back down the chain.

1. look up the transition; 2. check its access rule (403); 3. check the state (409
   `invalid_transition`); 4. validate the action's input (422) and its guard (409 `blocked`);
5. in one transaction: compare-and-swap the state, write the event row, then the action's rows
   (adoptions, copies, duty events, events on the reports below).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.errors import Conflict, Invalid, NotFound
from tongxin.core.workflow import Transition
from tongxin.duties.kinds import DutyKind
from tongxin.duties.services import duty_event_record
from tongxin.org.models import Committee

from .. import access
from ..models import (
    Adoption,
    BulletinIssue,
    BulletinType,
    Feedback,
    Instruction,
    OpinionAttachment,
    OpinionEvent,
    OpinionReport,
    body_length,
)
from ..workflow import (
    AFTER_SENDING,
    ISSUE_ACTIONS,
    OUTCOME_ACTIONS,
    OUTCOME_RANK,
    STAYING_ACTIONS,
    TRANSITIONS,
    State,
)
from .config import settings_for
from .numbering import issue_create_numbered

# The adoption level a committee's own bulletin stands for (rule 45: county → city → province →
# national).
LEVEL_OF_COMMITTEE: dict[str, str] = {
    Committee.Level.COUNTY: Adoption.Level.COUNTY,
    Committee.Level.PREFECTURE: Adoption.Level.CITY,
    Committee.Level.PROVINCIAL: Adoption.Level.PROVINCE,
    Committee.Level.NATIONAL: Adoption.Level.NATIONAL,
}
NOTE_MAX = 1000
Payload = Mapping[str, Any]


@dataclass
class Step:
    """What one action writes besides the state: columns, the event's note and data, and the rows
    written after the state changed (inside the same transaction)."""

    fields: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    only_if: dict[str, Any] = field(default_factory=dict)  # extra compare-and-swap conditions
    prepare: Callable[[Step, Any], None] | None = None  # rows the state change needs first
    after: Callable[[OpinionReport, Any], None] | None = None


# --- input -----------------------------------------------------------------------------------


def _text(p: Payload, name: str, errors: dict[str, list[str]], *, required: bool, limit: int) -> str:
    value = str(p.get(name) or "").strip()
    if required and not value:
        errors[name] = [_("此项必填。")]
    elif len(value) > limit:
        errors[name] = [_("内容过长（最多 %(n)d 字）。") % {"n": limit}]
    return value


def _choice(
    p: Payload, name: str, choices: Any, errors: dict[str, list[str]], *, required: bool = True
) -> str:
    value = str(p.get(name) or "")
    if (required or value) and value not in choices.values:
        errors[name] = [_("请选择有效的选项。")]
    return value


def _date(p: Payload, name: str, errors: dict[str, list[str]]) -> dt.date:
    """A past or present date (an outcome is recorded after it happened)."""
    value = p.get(name)
    today = timezone.localdate()
    if isinstance(value, str) and value:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            errors[name] = [_("日期格式有误（例如 2026-11-21）。")]
            return today
    if not isinstance(value, dt.date):
        errors[name] = [_("请填写日期。")]
        return today
    if value > today:
        errors[name] = [_("日期不能晚于今天。")]
    return value


def _int(p: Payload, name: str) -> int | None:
    value: Any = p.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise Invalid(_("填写有误，请检查。"), errors)


def length_message(length: int, limit: int) -> str:
    """The clear message of the length limit (rule 40: about 1,500 characters)."""
    return _("正文（情况、分析、建议）共 %(n)d 字，超过本会 %(limit)d 字的限制，请精简后再报送。") % {
        "n": length,
        "limit": limit,
    }


# --- actions ---------------------------------------------------------------------------------


def _submit(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    # "有情况、有分析、有建议" (rule 40); the title names the one matter (一事一报).
    for name, label in (
        ("title", _("标题")),
        ("situation", _("情况")),
        ("analysis", _("分析")),
        ("suggestions", _("建议")),
    ):
        if not getattr(report, name).strip():
            errors[name] = [_("请填写%(part)s。") % {"part": label}]
    limit = settings_for(report.committee_id).max_chars
    if report.body_length > limit:
        message = length_message(report.body_length, limit)
        errors["body"] = [message]
        if len(errors) == 1:
            raise Invalid(message, errors, code="too_long")
    _raise(errors)
    fields: dict[str, Any] = {"submitted_at": timezone.now()}
    return Step(fields=fields, data={"length": report.body_length}, after=_credit_submission)


def _withdraw(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    note = _text(p, "note", errors, required=False, limit=NOTE_MAX)
    _raise(errors)
    return Step(note=note)


def _return(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    note = _text(p, "note", errors, required=True, limit=NOTE_MAX)
    _raise(errors)
    return Step(note=note)


EDIT_FIELDS = ("edited_title", "edited_situation", "edited_analysis", "edited_suggestions")


def _edit(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    fields: dict[str, str] = {}
    for name in EDIT_FIELDS:
        if p.get(name) is None:
            continue
        limit = 120 if name == "edited_title" else 20000
        fields[name] = _text(p, name, errors, required=False, limit=limit)
    if not any(fields.values()):
        errors["edited_title"] = [_("请至少修改一项内容。")]
    _raise(errors)
    merged = {name: fields.get(name, getattr(report, name)) for name in EDIT_FIELDS}
    length = body_length(
        merged["edited_situation"] or report.situation,
        merged["edited_analysis"] or report.analysis,
        merged["edited_suggestions"] or report.suggestions,
    )
    limit = settings_for(report.committee_id).max_chars
    if length > limit:
        message = length_message(length, limit)
        raise Invalid(message, {"edited_situation": [message]}, code="too_long")
    return Step(fields=fields, note=str(p.get("note") or "")[:NOTE_MAX], data={"fields": sorted(fields)})


def _adopt(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    mode = _choice(p, "mode", OpinionReport.AdoptionMode, errors)
    issue_id, type_id = _int(p, "issue_id"), _int(p, "bulletin_type_id")
    issue: BulletinIssue | None = None
    bulletin_type: BulletinType | None = None
    if issue_id is not None:
        issue = (
            BulletinIssue.objects.select_related("bulletin_type")
            .filter(pk=issue_id, committee_id=report.committee_id)
            .first()
        )
        if issue is None:
            errors["issue_id"] = [_("刊物期次不存在。")]
        elif issue.sent_on is not None:
            errors["issue_id"] = [_("该期已报送，不能再编入。")]
    elif type_id is not None:
        bulletin_type = BulletinType.objects.filter(
            pk=type_id, committee_id=report.committee_id, is_active=True
        ).first()
        if bulletin_type is None:
            errors["bulletin_type_id"] = [_("刊物类型不存在或已停用。")]
    else:
        errors["issue_id"] = [_("请选择编入的刊物期次，或选择刊物类型新建一期。")]
    _raise(errors)

    def prepare(step: Step, actor: Any) -> None:
        chosen = issue or issue_create_numbered(
            actor=actor,
            bulletin_type=cast(BulletinType, bulletin_type),  # one of the two is set, checked above
            year=timezone.localdate().year,
        )
        step.fields["issue"] = chosen
        step.data.update(issue_id=chosen.pk, issue=chosen.label)

    def after(fresh: OpinionReport, actor: Any) -> None:
        chosen = fresh.issue
        if chosen is None:  # set by prepare() in the same transaction
            raise RuntimeError("adopted without an issue")
        adoption = Adoption.objects.create(
            report=fresh,
            root_id=fresh.chain_root_id,
            level=LEVEL_OF_COMMITTEE[fresh.committee.level],
            mode=mode,
            outlet=f"《{chosen.bulletin_type.name.strip('《》')}》",
            issue_no=f"{chosen.year}年第{chosen.number}期",
            adopted_on=timezone.localdate(),
            automatic=True,
            recorded_by=actor,
        )
        _after_adoption(fresh, adoption, actor)

    return Step(fields={"adoption_mode": mode}, data={"mode": mode}, prepare=prepare, after=after)


def _decline(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    reason = _text(p, "reason", errors, required=True, limit=200)
    disposition = str(p.get("disposition") or "archive")
    referred_to = ""
    if disposition == "refer":
        referred_to = _text(p, "referred_to", errors, required=True, limit=100)
    elif disposition != "archive":
        errors["disposition"] = [_("请选择存档或转有关部门参考。")]
    _raise(errors)
    return Step(
        fields={"decline_reason": reason, "referred_to": referred_to},
        note=reason,
        data={"disposition": disposition, "referred_to": referred_to},
    )


def _send(report: OpinionReport, actor: Any, p: Payload) -> Step:
    issue = p.get("issue")
    return Step(data={"issue_id": getattr(issue, "pk", None)})


def _forward(report: OpinionReport, actor: Any, p: Payload) -> Step:
    if report.committee.parent_id is None:
        raise Conflict(_("本会没有上级政协，无法转报。"), code="blocked")
    if report.forwarded_at is not None:
        raise Conflict(_("该信息已转报上级政协。"), code="blocked")
    arrived_with = p.get("issue")

    def after(fresh: OpinionReport, actor: Any) -> None:
        _copy_up(fresh, actor, arrived_with)

    return Step(
        fields={"forwarded_at": timezone.now()},
        only_if={"forwarded_at__isnull": True},
        note=str(p.get("note") or "")[:NOTE_MAX],
        data={"to_committee_id": report.committee.parent_id},
        after=after,
    )


def _record_adoption(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    values = {
        "level": _choice(p, "level", Adoption.Level, errors),
        "mode": _choice(p, "mode", Adoption.Mode, errors),
        "outlet": _text(p, "outlet", errors, required=False, limit=60),
        "issue_no": _text(p, "issue_no", errors, required=False, limit=40),
        "adopted_on": _date(p, "adopted_on", errors),
    }
    _raise(errors)

    def after(fresh: OpinionReport, actor: Any) -> None:
        adoption = Adoption.objects.create(
            report=fresh, root_id=fresh.chain_root_id, recorded_by=actor, **values
        )
        _after_adoption(fresh, adoption, actor)

    return Step(note=str(p.get("note") or "")[:NOTE_MAX], data=_jsonable(values), after=after)


def _record_instruction(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    values = {
        "leader_level": _choice(p, "leader_level", Instruction.LeaderLevel, errors),
        "leader_role": _choice(p, "leader_role", Instruction.LeaderRole, errors),
        "leader_name": _text(p, "leader_name", errors, required=False, limit=60),
        "instructed_on": _date(p, "instructed_on", errors),
        "text": _text(p, "text", errors, required=True, limit=5000),
    }
    _raise(errors)

    def after(fresh: OpinionReport, actor: Any) -> None:
        instruction = Instruction.objects.create(
            report=fresh, root_id=fresh.chain_root_id, recorded_by=actor, **values
        )
        root = _root(fresh)
        _credit(
            root,
            kind=DutyKind.OPINION_INSTRUCTED,
            key=f"instruction:{instruction.pk}",
            occurred_on=instruction.instructed_on,
            attributes={"level": instruction.leader_level, "role": instruction.leader_role},
            actor=actor,
        )
        note = _("%(committee)s政协登记%(level)s批示（%(date)s）：%(text)s") % {
            "committee": fresh.committee.name,
            "level": instruction.get_leader_level_display(),
            "date": instruction.instructed_on.isoformat(),
            "text": instruction.text[:200],
        }
        _flow_back(fresh, "upstream_instruction", State.INSTRUCTED, note, {"instruction_id": instruction.pk})

    return Step(note=str(p.get("note") or "")[:NOTE_MAX], data=_jsonable(values), after=after)


def _record_feedback(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    values = {
        "department": _text(p, "department", errors, required=True, limit=100),
        "received_on": _date(p, "received_on", errors),
        "content": _text(p, "content", errors, required=True, limit=5000),
    }
    _raise(errors)

    def after(fresh: OpinionReport, actor: Any) -> None:
        feedback = Feedback.objects.create(
            report=fresh, root_id=fresh.chain_root_id, recorded_by=actor, **values
        )
        note = _("%(committee)s政协登记%(dept)s反馈（%(date)s）") % {
            "committee": fresh.committee.name,
            "dept": feedback.department,
            "date": feedback.received_on.isoformat(),
        }
        _flow_back(fresh, "upstream_feedback", State.FEEDBACK_RECEIVED, note, {"feedback_id": feedback.pk})

    return Step(note=str(p.get("note") or "")[:NOTE_MAX], data=_jsonable(values), after=after)


def _close(report: OpinionReport, actor: Any, p: Payload) -> Step:
    errors: dict[str, list[str]] = {}
    note = _text(p, "note", errors, required=False, limit=NOTE_MAX)
    _raise(errors)
    return Step(note=note)


HANDLERS: dict[str, Callable[[OpinionReport, Any, Payload], Step]] = {
    "submit": _submit,
    "withdraw": _withdraw,
    "return_for_revision": _return,
    "edit": _edit,
    "adopt": _adopt,
    "decline": _decline,
    "send": _send,
    "forward": _forward,
    "record_adoption": _record_adoption,
    "record_instruction": _record_instruction,
    "record_feedback": _record_feedback,
    "close": _close,
}


# --- follow-ups ------------------------------------------------------------------------------


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def _root(report: OpinionReport) -> OpinionReport:
    if report.chain_root_id == report.pk:
        return report
    return (
        OpinionReport.objects.select_related("committee")
        .prefetch_related("authors__membership")
        .get(pk=report.chain_root_id)
    )


def _credit(
    root: OpinionReport, *, kind: str, key: str, occurred_on: dt.date, attributes: dict[str, Any], actor: Any
) -> None:
    """Duty events for the root report's authors and its reporting unit (domain.md §10.3: "every
    adoption or instruction emits ScoreEntry for the author(s) and the reporting unit")."""
    common: dict[str, Any] = {
        "committee": root.committee,
        "kind": kind,
        "occurred_on": occurred_on,
        "title": root.title or root.display_title,
        "source": f"opinions.report:{root.pk}",
        "source_url": reverse("opinions:detail", args=[root.pk]),
        "attributes": attributes,
        "actor": actor,
    }
    for author in root.authors.all():
        duty_event_record(
            membership=author.membership,
            role="author",
            dedupe_key=f"opinions.{key}:m{author.membership_id}",
            **common,
        )
    if root.participating_unit_id or root.special_committee_id:
        duty_event_record(
            participating_unit=root.participating_unit,
            special_committee=root.special_committee,
            role="collective",
            dedupe_key=f"opinions.{key}:unit",
            **common,
        )


def _credit_submission(fresh: OpinionReport, actor: Any) -> None:
    _credit(
        fresh,
        kind=DutyKind.OPINION_SUBMITTED,
        key=f"submitted:{fresh.pk}",
        occurred_on=timezone.localdate(),
        attributes={"category": fresh.category},
        actor=actor,
    )


def _after_adoption(fresh: OpinionReport, adoption: Adoption, actor: Any) -> None:
    root = _root(fresh)
    _credit(
        root,
        kind=DutyKind.OPINION_ADOPTED,
        key=f"adoption:{adoption.pk}",
        occurred_on=adoption.adopted_on,
        attributes={"level": adoption.level, "mode": adoption.mode},
        actor=actor,
    )
    note = _("%(committee)s政协登记：%(level)s%(mode)s %(issue)s") % {
        "committee": fresh.committee.name,
        "level": adoption.get_level_display(),
        "mode": adoption.get_mode_display(),
        "issue": f"{adoption.outlet}{adoption.issue_no}",
    }
    _flow_back(fresh, "upstream_adoption", State.ADOPTED_UPSTREAM, note, {"adoption_id": adoption.pk})


def _flow_back(report: OpinionReport, name: str, natural: str, note: str, data: dict[str, Any]) -> None:
    """Tell every report below `report` in its forwarding chain; a report waiting for outcomes moves
    forward (never backwards, see workflow.OUTCOME_RANK)."""
    lower_id = report.origin_id
    while lower_id is not None:
        lower = OpinionReport.objects.get(pk=lower_id)
        to_state = lower.state
        moves = lower.state in AFTER_SENDING and OUTCOME_RANK[natural] > OUTCOME_RANK[lower.state]
        if moves and OpinionReport.objects.filter(pk=lower.pk, state=lower.state).update(state=natural) == 1:
            to_state = natural
        OpinionEvent.objects.create(
            report=lower,
            actor=None,
            name=name,
            from_state=lower.state,
            to_state=to_state,
            note=note,
            data=data,
        )
        lower_id = lower.origin_id


def _copy_up(report: OpinionReport, actor: Any, arrived_with: BulletinIssue | None) -> OpinionReport:
    """The forwarded report as it arrives in the parent committee's inbox: the edited text (what this
    level sent), its origin, and its attachments."""
    committee = report.committee
    copy = OpinionReport.objects.create(
        committee_id=cast(int, committee.parent_id),  # checked by _forward
        state=State.RECEIVED,
        reporter_kind=OpinionReport.ReporterKind.LOWER_COMMITTEE,
        reporter_name=report.reporter_name,
        reporter_unit=report.reporter_unit,
        title=report.edited_title or report.title,
        situation=report.edited_situation or report.situation,
        analysis=report.edited_analysis or report.analysis,
        suggestions=report.edited_suggestions or report.suggestions,
        category=report.category,
        is_urgent=report.is_urgent,
        created_by=actor,
        origin=report,
        root_id=report.chain_root_id,
        hop=report.hop + 1,
        arrived_with_issue=arrived_with,
        submitted_at=timezone.now(),
    )
    OpinionAttachment.objects.bulk_create(
        OpinionAttachment(
            report=copy,
            file=a.file.name,
            original_name=a.original_name,
            content_type=a.content_type,
            size=a.size,
            uploaded_by_id=a.uploaded_by_id,
        )
        for a in report.attachments.all()
    )
    OpinionEvent.objects.create(
        report=copy,
        actor=actor,
        name="received_forwarded",
        to_state=State.RECEIVED,
        note=_("%(committee)s转报") % {"committee": committee.full_name},
        data={"origin_committee_id": committee.pk, "issue_id": getattr(arrived_with, "pk", None)},
    )
    return copy


# --- the transition --------------------------------------------------------------------------


def _target(report: OpinionReport, t: Transition) -> str:
    if t.name in STAYING_ACTIONS:
        return report.state
    if t.name in OUTCOME_ACTIONS and OUTCOME_RANK.get(report.state, 0) >= OUTCOME_RANK[t.target]:
        return report.state
    return t.target


def opinion_transition(
    *, report: OpinionReport, name: str, actor: Any, payload: Payload | None = None
) -> OpinionReport:
    """Move `report` by the action `name` (workflow.TRANSITIONS) with its input `payload`."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise NotFound(_("没有这个操作。"), code="unknown_action")
    if name in ISSUE_ACTIONS:
        access.require(actor, t.permission, report)
        raise Conflict(_("信息随所在刊物期次统一报送，请在刊物期次中操作。"), code="invalid_transition")
    return apply_transition(report=report, t=t, actor=actor, payload=payload or {})


def apply_transition(*, report: OpinionReport, t: Transition, actor: Any, payload: Payload) -> OpinionReport:
    """The steps of the module docstring; bulletin issue actions call it for each report."""
    access.require(actor, t.permission, report)
    if report.state not in t.sources:
        raise Conflict(
            _("当前状态（%(state)s）下不能“%(action)s”。")
            % {"state": State(report.state).label, "action": t.label},
            code="invalid_transition",
        )
    step = HANDLERS[t.name](report, actor, payload)
    target = _target(report, t)
    with transaction.atomic():
        if step.prepare is not None:
            step.prepare(step, actor)
        changed = OpinionReport.objects.filter(pk=report.pk, state=report.state, **step.only_if).update(
            state=target, updated_at=timezone.now(), **step.fields
        )
        if changed != 1:
            raise Conflict(_("信息已被他人处理，请刷新后再试。"))
        OpinionEvent.objects.create(
            report=report,
            actor=actor,
            name=t.name,
            from_state=report.state,
            to_state=target,
            note=step.note,
            data=step.data,
        )
        fresh = (
            OpinionReport.objects.select_related("committee", "issue__bulletin_type", "origin__committee")
            .prefetch_related("authors__membership__person")
            .get(pk=report.pk)
        )
        if step.after is not None:
            step.after(fresh, actor)
            fresh.refresh_from_db()
    return fresh
