"""Every write to the organisation: committees, terms, sessions, bodies, handling units, departments.

Each service checks who may act (access.py), validates every field with a message for people, writes
in one transaction together with its OrgEvent row, and records the change in the security log as a
configuration change (ecosystem.md C9). Objects are deactivated, never deleted: memberships, proposals
and reports refer to them. `actor=None` is the system itself (a set-up command, the demo builder) and
skips the access check, as in accounts.services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.core.numerals import chinese_number

from . import access
from .entities import ENTITIES, Entity, committee_id_of, entity_of
from .models import (
    ActivityGroup,
    Committee,
    HandlingUnit,
    HandlingUnitContact,
    OfficeDepartment,
    OrgEvent,
    ParticipatingUnit,
    PlenarySession,
    Sector,
    SpecialCommittee,
    Term,
)

if TYPE_CHECKING:
    from tongxin.accounts.models import User

M = TypeVar("M", bound=models.Model)
Errors = dict[str, list[str]]

# Higher committees guide lower ones (domain.md §1); a child sits strictly below its parent. A
# province may guide a county-level committee directly (省直管县), so levels may be skipped.
LEVEL_RANK: dict[str, int] = {
    Committee.Level.NATIONAL: 0,
    Committee.Level.PROVINCIAL: 1,
    Committee.Level.PREFECTURE: 2,
    Committee.Level.COUNTY: 3,
}
SMALLINT_MAX = 32767


# --- Shared steps ------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def org_event_record(
    *,
    actor: User | None,
    committee_id: int,
    entity: str,
    entity_id: int,
    name: str,
    data: Mapping[str, Any] | None = None,
    from_state: str = "",
    to_state: str = "",
    request: HttpRequest | None = None,
) -> OrgEvent:
    """Write one OrgEvent row and its security-log entry; call inside the change's transaction."""
    payload = {key: _jsonable(value) for key, value in (data or {}).items()}
    event = OrgEvent.objects.create(
        committee_id=committee_id,
        entity=entity,
        entity_id=entity_id,
        actor=actor,
        name=name,
        from_state=from_state,
        to_state=to_state,
        data=payload,
    )
    security_event_record(
        kind=SecurityEvent.Kind.CONFIG_CHANGED,
        request=request,
        actor=actor,
        target=f"org.{entity}:{entity_id}",
        # The log names what changed; the values stay in the OrgEvent row (contacts' phones and
        # e-mails do not belong in the security log, ASVS 16.2.5).
        details={"event": name, "committee": committee_id, "fields": sorted(payload)},
    )
    return event


def _require(actor: User | None, entity: str, committee_id: int) -> None:
    if actor is not None:
        access.require_manage(actor, entity, committee_id)


def _clean_value(field: models.Field[Any, Any], value: Any) -> tuple[Any, str | None]:
    """One field's value checked against the model's own definition; (value, message or None)."""
    label = field.verbose_name
    if isinstance(field, models.BooleanField):
        return bool(value), None
    if isinstance(field, models.CharField):
        text = "" if value is None else str(value).strip()
        if not text:
            return text, None if field.blank else _("请填写%(label)s。") % {"label": label}
        if field.max_length and len(text) > field.max_length:
            return text, _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": field.max_length}
        if field.choices and text not in {str(choice) for choice, _label in field.flatchoices}:
            return text, _("%(label)s的取值无效。") % {"label": label}
        if isinstance(field, models.EmailField):
            try:
                validate_email(text)
            except ValidationError:
                return text, _("%(label)s格式不正确。") % {"label": label}
        return text, None
    if value is None:
        return None, None if field.null else _("请填写%(label)s。") % {"label": label}
    if isinstance(field, models.PositiveSmallIntegerField):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SMALLINT_MAX:
            return value, _("%(label)s须为 0 到 %(max)d 之间的整数。") % {"label": label, "max": SMALLINT_MAX}
        return value, None
    if isinstance(field, models.DateTimeField):
        if not isinstance(value, dt.datetime):
            return value, _("%(label)s格式不正确。") % {"label": label}
        return (timezone.make_aware(value) if timezone.is_naive(value) else value), None
    if isinstance(field, models.DateField) and (
        not isinstance(value, dt.date) or isinstance(value, dt.datetime)
    ):
        return value, _("%(label)s格式不正确。") % {"label": label}
    return value, None


def _cleaned(model: type[models.Model], values: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    """Every value checked against its model field: required, length, choices, range, type."""
    cleaned: dict[str, Any] = {}
    errors: Errors = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)  # only concrete fields are edited
        cleaned[name], message = _clean_value(field, value)
        if message:
            errors[name] = [message]
    return cleaned, errors


def _raise_if(errors: Errors, kind: Entity) -> None:
    if errors:
        raise Invalid(_("%(label)s信息有误，请检查标出的字段。") % {"label": kind.label}, errors)


def _duplicate_message(kind: Entity, values: Mapping[str, Any]) -> str:
    if kind.key == "term":
        return _("本委员会已有第%(n)s届。") % {"n": chinese_number(values["number"])}
    if kind.key == "session":
        return _("本届已有第%(n)s次会议。") % {"n": chinese_number(values["number"])}
    if kind.key == "committee":
        return _("同一上级委员会下已有名为“%(name)s”的委员会。") % {"name": values["name"]}
    where = _("本届") if kind.parent == "term" else _("本委员会")
    return _("%(where)s已有名为“%(name)s”的%(label)s。") % {
        "where": where,
        "name": values["name"],
        "label": kind.label,
    }


def _unique_fields(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The model's unconditional unique constraints: what "the same object twice" means for it."""
    return [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.condition is None and c.fields
    ]


def _refuse_duplicate(kind: Entity, obj: models.Model, values: Mapping[str, Any]) -> None:
    """Conflict (409) when another object already holds this name or number in the same place.

    `values` are the new values, not yet set on `obj`, so a refused change leaves `obj` untouched.
    """
    for fields in _unique_fields(kind.model):
        merged = {f: values[f] if f in values else getattr(obj, f) for f in fields}
        columns = {kind.model._meta.get_field(f).attname: f for f in fields}  # type: ignore[union-attr]
        lookup = {column: values.get(f, getattr(obj, column)) for column, f in columns.items()}
        if kind.model._default_manager.filter(**lookup).exclude(pk=obj.pk).exists():
            raise Conflict(_duplicate_message(kind, merged), code="duplicate")


def refuse_inactive_parent(kind: Entity, parent: models.Model | None) -> None:
    """Conflict (409) when `parent` is deactivated: nothing new is added under a retired object."""
    if parent is not None and getattr(parent, "is_active", True) is False:
        raise Conflict(
            _("“%(parent)s”已停用，不能在其下添加%(label)s。") % {"parent": parent, "label": kind.label},
            code="parent_inactive",
        )


def _save(kind: Entity, obj: M, values: Mapping[str, Any]) -> None:
    """Save inside the caller's transaction; a race past the duplicate check still answers 409."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise Conflict(_duplicate_message(kind, values), code="duplicate") from None


Check = Callable[[dict[str, Any], models.Model | None], Errors]


def _create(
    *,
    actor: User | None,
    entity: str,
    parent: models.Model | None,
    values: Mapping[str, Any],
    check: Check | None = None,
    request: HttpRequest | None = None,
) -> Any:
    """Validate and create one object under `parent`, with its "created" event.

    Who may create is decided on the parent's committee: a new committee's own id does not exist yet.
    """
    kind = ENTITIES[entity]
    obj = kind.model(**{kind.parent: parent})
    if actor is not None and parent is not None:
        access.require_manage(actor, entity, committee_id_of(parent))
    cleaned, errors = _cleaned(kind.model, values)
    if check is not None:
        errors = {**check(cleaned, None), **errors}
    _raise_if(errors, kind)
    refuse_inactive_parent(kind, parent)
    _refuse_duplicate(kind, obj, cleaned)
    for name, value in cleaned.items():
        setattr(obj, name, value)
    with transaction.atomic():
        _save(kind, obj, cleaned)
        org_event_record(
            actor=actor,
            committee_id=committee_id_of(obj),
            entity=entity,
            entity_id=obj.pk,
            name="created",
            data={kind.parent: parent, **cleaned},
            request=request,
        )
    return obj


def _update(
    *,
    actor: User | None,
    obj: M,
    values: Mapping[str, Any],
    check: Check | None = None,
    request: HttpRequest | None = None,
) -> M:
    """Validate and change an object's fields, with an "updated" event listing old and new values."""
    kind = entity_of(obj)
    _require(actor, kind.key, committee_id_of(obj))
    cleaned, errors = _cleaned(kind.model, values)
    if check is not None:
        errors = {**check(cleaned, obj), **errors}
    _raise_if(errors, kind)
    changes = {
        name: [getattr(obj, name), value] for name, value in cleaned.items() if getattr(obj, name) != value
    }
    if not changes:
        return obj
    _refuse_duplicate(kind, obj, cleaned)
    for name, (_old, new) in changes.items():
        setattr(obj, name, new)
    with transaction.atomic():
        _save(kind, obj, cleaned)
        org_event_record(
            actor=actor,
            committee_id=committee_id_of(obj),
            entity=kind.key,
            entity_id=obj.pk,
            name="updated",
            data={name: [_jsonable(old), _jsonable(new)] for name, (old, new) in changes.items()},
            request=request,
        )
    return obj


# --- Deactivate and reactivate: the one small state machine every kind shares --------------------------


def _deactivation_blocker(obj: models.Model, actor: User | None) -> str | None:
    if isinstance(obj, Committee):
        if actor is not None and obj.pk == actor.committee_id:
            return _("不能停用本委员会。")
        if obj.children.filter(is_active=True).exists():
            return _("请先停用其下级委员会。")
    if isinstance(obj, Term) and obj.is_current:
        return _("本届不能停用，请先将其他届设为本届。")
    return None


def _reactivation_blocker(obj: models.Model, actor: User | None) -> str | None:
    if isinstance(obj, Committee) and obj.parent is not None and not obj.parent.is_active:
        return _("上级委员会已停用，请先启用上级委员会。")
    return None


def _set_active(*, actor: User | None, obj: M, active: bool, request: HttpRequest | None) -> M:
    kind = entity_of(obj)
    _require(actor, kind.key, committee_id_of(obj))
    blocker = (_reactivation_blocker if active else _deactivation_blocker)(obj, actor)
    if blocker:
        raise Conflict(blocker, code="blocked")
    with transaction.atomic():
        changed = kind.model._default_manager.filter(pk=obj.pk, is_active=not active).update(
            is_active=active, updated_at=timezone.now()
        )
        if not changed:
            state = _("启用") if active else _("停用")
            raise Conflict(
                _("该%(label)s已经是%(state)s状态。") % {"label": kind.label, "state": state},
                code="unchanged",
            )
        obj.refresh_from_db(fields=["is_active", "updated_at"])
        org_event_record(
            actor=actor,
            committee_id=committee_id_of(obj),
            entity=kind.key,
            entity_id=obj.pk,
            name="reactivated" if active else "deactivated",
            from_state="inactive" if active else "active",
            to_state="active" if active else "inactive",
            request=request,
        )
    return obj


def org_object_deactivate(*, actor: User | None, obj: M, request: HttpRequest | None = None) -> M:
    """Deactivate any organisation object: it stays in history but is no longer offered for new work."""
    return _set_active(actor=actor, obj=obj, active=False, request=request)


def org_object_reactivate(*, actor: User | None, obj: M, request: HttpRequest | None = None) -> M:
    """Reactivate a deactivated organisation object."""
    return _set_active(actor=actor, obj=obj, active=True, request=request)


# --- Committees --------------------------------------------------------------------------------------


def _committee_check(parent: Committee | None) -> Check:
    def check(values: dict[str, Any], obj: models.Model | None) -> Errors:
        level = values.get("level")
        if level not in LEVEL_RANK:
            return {}
        if parent is not None and LEVEL_RANK[level] <= LEVEL_RANK[parent.level]:
            return {
                "level": [
                    _("下级委员会的层级必须低于上级委员会（%(parent)s：%(level)s）。")
                    % {"parent": parent.name, "level": parent.get_level_display()}
                ]
            }
        if isinstance(obj, Committee):
            children = {LEVEL_RANK[c] for c in obj.children.values_list("level", flat=True)}
            if children and LEVEL_RANK[level] >= min(children):
                return {"level": [_("层级必须高于其下级委员会。")]}
        return {}

    return check


def committee_create(
    *,
    actor: User | None,
    parent: Committee | None,
    name: str,
    short_name: str,
    level: str,
    request: HttpRequest | None = None,
) -> Committee:
    """Create a committee under `parent`, one level or more below it (only the system may create a root)."""
    if parent is None and actor is not None:
        raise Forbidden(_("只能在本委员会或其下级委员会之下创建委员会。"))
    values = {"name": name, "short_name": short_name, "level": level}
    return _create(
        actor=actor,
        entity="committee",
        parent=parent,
        values=values,
        check=_committee_check(parent),
        request=request,
    )


def committee_update(
    *,
    actor: User | None,
    committee: Committee,
    name: str,
    short_name: str,
    level: str,
    request: HttpRequest | None = None,
) -> Committee:
    """Rename a committee or correct its level (still below its parent and above its children)."""
    values = {"name": name, "short_name": short_name, "level": level}
    return _update(
        actor=actor, obj=committee, values=values, check=_committee_check(committee.parent), request=request
    )


# --- Terms -------------------------------------------------------------------------------------------


def _term_check(values: dict[str, Any], obj: models.Model | None) -> Errors:
    errors: Errors = {}
    if isinstance(values.get("number"), int) and values["number"] < 1:
        errors["number"] = [_("届次须从 1 开始。")]
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends <= starts:
        errors["ends_on"] = [_("结束日期须晚于开始日期。")]
    return errors


def term_create(
    *,
    actor: User | None,
    committee: Committee,
    number: int,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    is_current: bool = False,
    request: HttpRequest | None = None,
) -> Term:
    """Add a term (届) to a committee, numbered within it; optionally make it the current term."""
    values = {"number": number, "starts_on": starts_on, "ends_on": ends_on}
    with transaction.atomic():
        term: Term = _create(
            actor=actor, entity="term", parent=committee, values=values, check=_term_check, request=request
        )
        if is_current:
            term_set_current(actor=actor, term=term, request=request)
    return term


def term_update(
    *,
    actor: User | None,
    term: Term,
    number: int,
    starts_on: dt.date,
    ends_on: dt.date | None,
    request: HttpRequest | None = None,
) -> Term:
    """Correct a term's number or dates."""
    values = {"number": number, "starts_on": starts_on, "ends_on": ends_on}
    return _update(actor=actor, obj=term, values=values, check=_term_check, request=request)


def term_set_current(*, actor: User | None, term: Term, request: HttpRequest | None = None) -> Term:
    """Make `term` the committee's current term (本届); the previous one stops being current."""
    _require(actor, "term", term.committee_id)
    if not term.is_active:
        raise Conflict(_("已停用的届不能设为本届。"), code="inactive")
    if term.is_current:
        raise Conflict(_("该届已经是本届。"), code="unchanged")
    with transaction.atomic():
        # Lock the committee's terms so two administrators cannot each leave a different term current.
        previous = list(
            Term.objects.select_for_update()
            .filter(committee_id=term.committee_id, is_current=True)
            .exclude(pk=term.pk)
        )
        Term.objects.filter(pk__in=[p.pk for p in previous]).update(
            is_current=False, updated_at=timezone.now()
        )
        Term.objects.filter(pk=term.pk).update(is_current=True, updated_at=timezone.now())
        term.is_current = True
        for old in previous:
            org_event_record(
                actor=actor,
                committee_id=term.committee_id,
                entity="term",
                entity_id=old.pk,
                name="unset_current",
                from_state="current",
                data={"current": term.pk},
                request=request,
            )
        org_event_record(
            actor=actor,
            committee_id=term.committee_id,
            entity="term",
            entity_id=term.pk,
            name="set_current",
            to_state="current",
            data={"previous": [p.pk for p in previous]},
            request=request,
        )
    return term


# --- Plenary sessions --------------------------------------------------------------------------------


def _session_check(values: dict[str, Any], obj: models.Model | None) -> Errors:
    errors: Errors = {}
    if isinstance(values.get("number"), int) and values["number"] < 1:
        errors["number"] = [_("会议次数须从 1 开始。")]
    opens, closes = values.get("opens_on"), values.get("closes_on")
    window, deadline = values.get("proposal_window_starts_at"), values.get("proposal_deadline")
    if isinstance(opens, dt.date) and isinstance(closes, dt.date) and closes < opens:
        errors["closes_on"] = [_("闭幕日期不能早于开幕日期。")]
    if isinstance(window, dt.datetime) and isinstance(deadline, dt.datetime) and deadline <= window:
        errors["proposal_deadline"] = [_("大会提案截止时间须晚于征集开始时间。")]
    # Proposals collected before the session opens are 大会提案 (domain.md rule 7): the window must
    # open before the opening day.
    if isinstance(window, dt.datetime) and isinstance(opens, dt.date) and timezone.localdate(window) >= opens:
        errors["proposal_window_starts_at"] = [_("大会提案征集须在开幕日期之前开始。")]
    return errors


def session_create(
    *,
    actor: User | None,
    term: Term,
    number: int,
    opens_on: dt.date,
    closes_on: dt.date,
    proposal_window_starts_at: dt.datetime,
    proposal_deadline: dt.datetime,
    request: HttpRequest | None = None,
) -> PlenarySession:
    """Add a plenary session (第N次会议) to a term, with its proposal window."""
    values = {
        "number": number,
        "opens_on": opens_on,
        "closes_on": closes_on,
        "proposal_window_starts_at": proposal_window_starts_at,
        "proposal_deadline": proposal_deadline,
    }
    return _create(
        actor=actor, entity="session", parent=term, values=values, check=_session_check, request=request
    )


def session_update(
    *,
    actor: User | None,
    session: PlenarySession,
    number: int,
    opens_on: dt.date,
    closes_on: dt.date,
    proposal_window_starts_at: dt.datetime,
    proposal_deadline: dt.datetime,
    request: HttpRequest | None = None,
) -> PlenarySession:
    """Correct a session's number, dates or proposal window."""
    values = {
        "number": number,
        "opens_on": opens_on,
        "closes_on": closes_on,
        "proposal_window_starts_at": proposal_window_starts_at,
        "proposal_deadline": proposal_deadline,
    }
    return _update(actor=actor, obj=session, values=values, check=_session_check, request=request)


# --- Sectors, participating units, special committees, activity groups (member affairs) --------------


def sector_create(
    *, actor: User | None, term: Term, name: str, position: int = 0, request: HttpRequest | None = None
) -> Sector:
    """Add a sector to a term's sector setting (domain.md rule 84: sectors are set per term)."""
    values = {"name": name, "position": position}
    return _create(actor=actor, entity="sector", parent=term, values=values, request=request)


def sector_update(
    *, actor: User | None, sector: Sector, name: str, position: int, request: HttpRequest | None = None
) -> Sector:
    """Rename or reorder a sector."""
    return _update(actor=actor, obj=sector, values={"name": name, "position": position}, request=request)


def participating_unit_create(
    *,
    actor: User | None,
    committee: Committee,
    name: str,
    short_name: str,
    kind: str,
    position: int = 0,
    request: HttpRequest | None = None,
) -> ParticipatingUnit:
    """Add a participating unit (参加单位): a party, 无党派人士, 工商联 or a people's organisation."""
    values = {"name": name, "short_name": short_name, "kind": kind, "position": position}
    return _create(actor=actor, entity="participating_unit", parent=committee, values=values, request=request)


def participating_unit_update(
    *,
    actor: User | None,
    participating_unit: ParticipatingUnit,
    name: str,
    short_name: str,
    kind: str,
    position: int,
    request: HttpRequest | None = None,
) -> ParticipatingUnit:
    """Correct a participating unit's names, kind or order."""
    values = {"name": name, "short_name": short_name, "kind": kind, "position": position}
    return _update(actor=actor, obj=participating_unit, values=values, request=request)


def special_committee_create(
    *,
    actor: User | None,
    committee: Committee,
    name: str,
    position: int = 0,
    request: HttpRequest | None = None,
) -> SpecialCommittee:
    """Add a special committee (专门委员会); each committee sets its own (domain.md rule 86)."""
    values = {"name": name, "position": position}
    return _create(actor=actor, entity="special_committee", parent=committee, values=values, request=request)


def special_committee_update(
    *,
    actor: User | None,
    special_committee: SpecialCommittee,
    name: str,
    position: int,
    request: HttpRequest | None = None,
) -> SpecialCommittee:
    """Rename or reorder a special committee."""
    return _update(
        actor=actor, obj=special_committee, values={"name": name, "position": position}, request=request
    )


def activity_group_create(
    *,
    actor: User | None,
    term: Term,
    name: str,
    basis: str = ActivityGroup.Basis.LOCALITY,
    position: int = 0,
    request: HttpRequest | None = None,
) -> ActivityGroup:
    """Add a member activity group (委员活动组) to a term, by locality or by sector (rule 87)."""
    values = {"name": name, "basis": basis, "position": position}
    return _create(actor=actor, entity="activity_group", parent=term, values=values, request=request)


def activity_group_update(
    *,
    actor: User | None,
    activity_group: ActivityGroup,
    name: str,
    basis: str,
    position: int,
    request: HttpRequest | None = None,
) -> ActivityGroup:
    """Rename, regroup or reorder an activity group."""
    values = {"name": name, "basis": basis, "position": position}
    return _update(actor=actor, obj=activity_group, values=values, request=request)


# --- Handling units and their contacts (proposal office) ------------------------------------------


def handling_unit_create(
    *,
    actor: User | None,
    committee: Committee,
    name: str,
    kind: str = HandlingUnit.Kind.GOVERNMENT,
    short_name: str = "",
    request: HttpRequest | None = None,
) -> HandlingUnit:
    """Add a handling unit (承办单位) that proposals can be assigned to."""
    values = {"name": name, "short_name": short_name, "kind": kind}
    return _create(actor=actor, entity="handling_unit", parent=committee, values=values, request=request)


def handling_unit_update(
    *,
    actor: User | None,
    handling_unit: HandlingUnit,
    name: str,
    short_name: str,
    kind: str,
    request: HttpRequest | None = None,
) -> HandlingUnit:
    """Rename a handling unit or correct its kind."""
    values = {"name": name, "short_name": short_name, "kind": kind}
    return _update(actor=actor, obj=handling_unit, values=values, request=request)


def _contact_values(name: str, title: str, phone: str, email: str, is_primary: bool) -> dict[str, Any]:
    return {"name": name, "title": title, "phone": phone, "email": email, "is_primary": is_primary}


def _contact_check(values: dict[str, Any], obj: models.Model | None) -> Errors:
    phone = values.get("phone") or ""
    # Office numbers are written "0931-8812345", "0931-8812345转801" or "+86 138…".
    if phone and not all(ch.isdigit() or ch in " +-()转" for ch in phone):
        return {"phone": [_("联系电话只能包含数字、空格和 + - ( ) 转。")]}
    return {}


def _contact_write(
    *,
    actor: User | None,
    unit: HandlingUnit,
    contact: HandlingUnitContact,
    values: Mapping[str, Any],
    name: str,
    request: HttpRequest | None,
) -> HandlingUnitContact:
    """Save a contact and log it on the unit's timeline; a new primary contact replaces the old one."""
    _require(actor, "contact", unit.committee_id)
    kind = ENTITIES["contact"]
    cleaned, errors = _cleaned(HandlingUnitContact, values)
    _raise_if({**_contact_check(cleaned, contact), **errors}, kind)
    old = {field: getattr(contact, field) for field in cleaned}
    for field, value in cleaned.items():
        setattr(contact, field, value)
    with transaction.atomic():
        if contact.is_primary:
            HandlingUnitContact.objects.filter(unit=unit, is_primary=True).exclude(pk=contact.pk).update(
                is_primary=False, updated_at=timezone.now()
            )
        contact.save()
        changed = {f: v for f, v in cleaned.items() if name == "contact_added" or old[f] != v}
        org_event_record(
            actor=actor,
            committee_id=unit.committee_id,
            entity="handling_unit",
            entity_id=unit.pk,
            name=name,
            data={"contact": contact.pk, **changed},
            request=request,
        )
    return contact


def handling_unit_contact_add(
    *,
    actor: User | None,
    unit: HandlingUnit,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    is_primary: bool = False,
    request: HttpRequest | None = None,
) -> HandlingUnitContact:
    """Add a contact person to a handling unit."""
    refuse_inactive_parent(ENTITIES["contact"], unit)
    return _contact_write(
        actor=actor,
        unit=unit,
        contact=HandlingUnitContact(unit=unit),
        values=_contact_values(name, title, phone, email, is_primary),
        name="contact_added",
        request=request,
    )


def handling_unit_contact_update(
    *,
    actor: User | None,
    contact: HandlingUnitContact,
    name: str,
    title: str,
    phone: str,
    email: str,
    is_primary: bool,
    request: HttpRequest | None = None,
) -> HandlingUnitContact:
    """Change a contact's details, or make them the unit's primary contact."""
    return _contact_write(
        actor=actor,
        unit=contact.unit,
        contact=contact,
        values=_contact_values(name, title, phone, email, is_primary),
        name="contact_updated",
        request=request,
    )


def handling_unit_contact_remove(
    *, actor: User | None, contact: HandlingUnitContact, request: HttpRequest | None = None
) -> None:
    """Remove a contact who left the unit; the unit's timeline keeps who it was."""
    unit = contact.unit
    _require(actor, "contact", unit.committee_id)
    with transaction.atomic():
        org_event_record(
            actor=actor,
            committee_id=unit.committee_id,
            entity="handling_unit",
            entity_id=unit.pk,
            name="contact_removed",
            data={"contact": contact.pk, "name": contact.name},
            request=request,
        )
        contact.delete()


# --- Office departments (system administrator) ---------------------------------------------------


def department_create(
    *, actor: User | None, committee: Committee, name: str, kind: str, request: HttpRequest | None = None
) -> OfficeDepartment:
    """Add a department of the committee's office (机关处室)."""
    return _create(
        actor=actor,
        entity="department",
        parent=committee,
        values={"name": name, "kind": kind},
        request=request,
    )


def department_update(
    *,
    actor: User | None,
    department: OfficeDepartment,
    name: str,
    kind: str,
    request: HttpRequest | None = None,
) -> OfficeDepartment:
    """Rename a department or change its function."""
    return _update(actor=actor, obj=department, values={"name": name, "kind": kind}, request=request)


# The create and update service of each kind, for the pages and endpoints that serve every kind alike.
# Each is called with the parent (or the object) under the name Entity.parent (or Entity.key).
WRITERS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    "committee": (committee_create, committee_update),
    "term": (term_create, term_update),
    "session": (session_create, session_update),
    "sector": (sector_create, sector_update),
    "participating_unit": (participating_unit_create, participating_unit_update),
    "special_committee": (special_committee_create, special_committee_update),
    "activity_group": (activity_group_create, activity_group_update),
    "handling_unit": (handling_unit_create, handling_unit_update),
    "contact": (handling_unit_contact_add, handling_unit_contact_update),
    "department": (department_create, department_update),
}
