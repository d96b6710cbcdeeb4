"""Every write to members: create, edit, status transitions, photos, and the audited phone reveal.

Each service checks who may act, validates every field with a Chinese message, writes inside one
transaction together with its MembershipEvent row, and records a security-log entry where the 等保
tester expects one (reveals, imports, exports, account creation; ecosystem.md C9, C22).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from typing import Any, Final

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.accounts.models import User
from tongxin.accounts.services import user_create
from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Conflict, Forbidden, Invalid, NotFound
from tongxin.org.models import ActivityGroup, ParticipatingUnit, Sector, SpecialCommittee, Term

from . import access
from .ethnicities import ALLOWED as ETHNICITIES
from .ethnicities import normalize_ethnicity
from .masking import is_masked
from .models import Membership, MembershipEvent, Person
from .names import name_pinyin
from .workflow import TRANSITIONS, MembershipStatus

PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
PHOTO_MAX_BYTES = 2 * 1024 * 1024
# Magic bytes, not the file name or the browser's content type, decide what a photo is (ASVS 5.2.2).
PHOTO_SIGNATURES: dict[str, bytes] = {"jpg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}
NOTE_MAX_LENGTH = 500
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "phone", "workplace", "title")
MEMBERSHIP_FIELDS = (
    "sector",
    "participating_unit",
    "special_committees",
    "activity_group",
    "is_standing",
    "leadership",
    "joined_on",
)


class _Unset:
    """Marks a keyword the caller of member_update did not pass (None is a value: "clear it")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


@dataclass
class MemberFields:
    """Everything one roster line holds: the person and their membership of one term."""

    name: str
    gender: str
    sector: Sector | None
    ethnicity: str = "汉族"
    birth_date: dt.date | None = None
    phone: str = ""
    workplace: str = ""
    title: str = ""
    participating_unit: ParticipatingUnit | None = None
    special_committees: list[SpecialCommittee] = field(default_factory=list)
    activity_group: ActivityGroup | None = None
    is_standing: bool = False
    leadership: str = ""
    joined_on: dt.date | None = None


def normalize_phone(value: str) -> str:
    """Drop spaces, hyphens and a +86 prefix, as numbers arrive from forms and spreadsheets."""
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def _fmt_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def member_fields_errors(
    *, term: Term, fields: MemberFields, current: Membership | None = None
) -> tuple[MemberFields, dict[str, list[str]]]:
    """Clean and check one roster line against `term`; returns the cleaned values and the errors by field.

    Pure apart from reading `term`'s attributes: duplicate checks need the database and live in
    `phone_owner_errors`. An unchanged reference to a since-disabled body is not an error when editing.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    cleaned = replace(
        fields,
        name=(fields.name or "").strip(),
        ethnicity=normalize_ethnicity(fields.ethnicity or ""),
        phone=normalize_phone(fields.phone or ""),
        workplace=(fields.workplace or "").strip(),
        title=(fields.title or "").strip(),
        leadership=fields.leadership or "",
        special_committees=list(dict.fromkeys(fields.special_committees)),
    )
    if not cleaned.name:
        add("name", _("请填写姓名。"))
    elif len(cleaned.name) > 30:
        add("name", _("姓名不能超过 30 个字。"))
    if cleaned.gender not in Person.Gender.values:
        add("gender", _("请选择性别（男或女）。"))
    if not cleaned.ethnicity:
        add("ethnicity", _("请填写民族。"))
    elif cleaned.ethnicity not in ETHNICITIES:
        add("ethnicity", _("“%(value)s”不是规范的民族名称，如“汉族”“回族”。") % {"value": cleaned.ethnicity})
    if cleaned.birth_date is not None:
        if cleaned.birth_date >= timezone.localdate():
            add("birth_date", _("出生日期必须早于今天。"))
        elif cleaned.birth_date < EARLIEST_BIRTH_DATE:
            add("birth_date", _("出生日期有误。"))
    if cleaned.phone:
        if is_masked(cleaned.phone):
            add("phone", _("手机号码已打码，请填写完整号码。"))
        elif not PHONE_PATTERN.match(cleaned.phone):
            add("phone", _("手机号码应为 11 位大陆手机号码，如 13800138000。"))
    if len(cleaned.workplace) > 100:
        add("workplace", _("工作单位不能超过 100 个字。"))
    if len(cleaned.title) > 100:
        add("title", _("职务职称不能超过 100 个字。"))

    # Sectors and activity groups are set per term (domain.md rules 84, 87); parties and special
    # committees per committee (rule 86). All must be the committee's own and still in use.
    def unchanged(name: str, value: Any) -> bool:
        return current is not None and value is not None and getattr(current, f"{name}_id") == value.pk

    sector = cleaned.sector
    if sector is None:
        add("sector", _("请选择界别。"))
    elif sector.term_id != term.pk:
        add("sector", _("界别“%(name)s”不属于%(term)s。") % {"name": sector.name, "term": term.short_name})
    elif not sector.is_active and not unchanged("sector", sector):
        add("sector", _("界别“%(name)s”已停用。") % {"name": sector.name})
    unit = cleaned.participating_unit
    if unit is not None:
        if unit.committee_id != term.committee_id:
            add("participating_unit", _("党派团体“%(name)s”不属于本委员会。") % {"name": unit.name})
        elif not unit.is_active and not unchanged("participating_unit", unit):
            add("participating_unit", _("党派团体“%(name)s”已停用。") % {"name": unit.name})
    current_committees = (
        {c.pk for c in current.special_committees.all()} if current is not None and current.pk else set()
    )
    for body in cleaned.special_committees:
        if body.committee_id != term.committee_id:
            add("special_committees", _("专委会“%(name)s”不属于本委员会。") % {"name": body.name})
        elif not body.is_active and body.pk not in current_committees:
            add("special_committees", _("专委会“%(name)s”已停用。") % {"name": body.name})
    group = cleaned.activity_group
    if group is not None:
        if group.term_id != term.pk:
            add(
                "activity_group",
                _("活动组“%(name)s”不属于%(term)s。") % {"name": group.name, "term": term.short_name},
            )
        elif not group.is_active and not unchanged("activity_group", group):
            add("activity_group", _("活动组“%(name)s”已停用。") % {"name": group.name})
    if cleaned.leadership not in Membership.Leadership.values:
        add("leadership", _("领导职务只能是主席、副主席、秘书长或空。"))
    if cleaned.joined_on is not None:
        if cleaned.joined_on < term.starts_on:
            add(
                "joined_on",
                _("任职日期不能早于本届开始日期（%(date)s）。") % {"date": _fmt_date(term.starts_on)},
            )
        elif term.ends_on is not None and cleaned.joined_on > term.ends_on:
            add(
                "joined_on",
                _("任职日期不能晚于本届结束日期（%(date)s）。") % {"date": _fmt_date(term.ends_on)},
            )
    return cleaned, errors


def term_phone_owners(term: Term) -> dict[str, tuple[int, str]]:
    """Phone number → (person id, name) for everyone holding a membership of `term`."""
    rows = (
        Membership.objects.filter(term=term)
        .exclude(person__phone="")
        .values_list("person__phone", "person_id", "person__name")
    )
    return {normalize_phone(phone): (person_id, name) for phone, person_id, name in rows}


def phone_owner_errors(
    *, phone: str, owners: dict[str, tuple[int, str]], person_id: int | None
) -> dict[str, list[str]]:
    """A term has one member per phone number: the same number is the same person (or a typo)."""
    owner = owners.get(phone) if phone else None
    if owner is None or owner[0] == person_id:
        return {}
    return {"phone": [_("本届委员“%(name)s”已登记该手机号码。") % {"name": owner[1]}]}


def require_roster_manager(actor: User, term: Term) -> None:
    """Forbidden unless `actor` keeps the roster of `term`'s committee."""
    if not access.can_manage_memberships(actor):
        raise Forbidden(_("只有委员工作人员和系统管理员可以维护委员名册。"))
    if term.committee_id != actor.committee_id:
        raise Forbidden(_("不能维护其他委员会的委员名册。"))


def _lock_term(term: Term) -> None:
    # Serialises roster writes of one term, so that two concurrent writers cannot both pass the
    # duplicate-phone check (SQLite's IMMEDIATE transactions already serialise all writers).
    list(Term.objects.select_for_update().filter(pk=term.pk).values_list("pk", flat=True))


def member_create(
    *,
    actor: User,
    term: Term,
    name: str,
    gender: str,
    sector: Sector | None,
    ethnicity: str = "汉族",
    birth_date: dt.date | None = None,
    phone: str = "",
    workplace: str = "",
    title: str = "",
    participating_unit: ParticipatingUnit | None = None,
    special_committees: Iterable[SpecialCommittee] = (),
    activity_group: ActivityGroup | None = None,
    is_standing: bool = False,
    leadership: str = "",
    joined_on: dt.date | None = None,
    person: Person | None = None,
    source: str = "form",
) -> Membership:
    """Enter a person and their membership of `term` in one step (一届一人一档).

    With `person`, a member of an earlier term joins this one and their details are updated.
    """
    require_roster_manager(actor, term)
    fields = MemberFields(
        name=name,
        gender=gender,
        sector=sector,
        ethnicity=ethnicity,
        birth_date=birth_date,
        phone=phone,
        workplace=workplace,
        title=title,
        participating_unit=participating_unit,
        special_committees=list(special_committees),
        activity_group=activity_group,
        is_standing=is_standing,
        leadership=leadership,
        joined_on=joined_on,
    )
    cleaned, errors = member_fields_errors(term=term, fields=fields)
    if person is not None and person.committee_id != term.committee_id:
        errors.setdefault("person", []).append(_("该人员不属于本委员会。"))
    if errors:
        raise Invalid(_("委员信息有误，请检查标出的项目。"), errors)
    with transaction.atomic():
        _lock_term(term)
        person_id = person.pk if person is not None else None
        errors = phone_owner_errors(phone=cleaned.phone, owners=term_phone_owners(term), person_id=person_id)
        if person is not None and Membership.objects.filter(person=person, term=term).exists():
            errors.setdefault("name", []).append(
                _("%(name)s已是%(term)s委员，不能重复登记。") % {"name": person.name, "term": term.short_name}
            )
        if errors:
            raise Invalid(_("委员信息有误，请检查标出的项目。"), errors)
        sector = cleaned.sector
        assert sector is not None  # member_fields_errors refused a missing sector above
        if person is None:
            person = Person(committee_id=term.committee_id)
        for name_ in PERSON_FIELDS:
            setattr(person, name_, getattr(cleaned, name_))
        person.name_pinyin = name_pinyin(cleaned.name)
        person.save()
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    person=person,
                    term=term,
                    sector=sector,
                    participating_unit=cleaned.participating_unit,
                    activity_group=cleaned.activity_group,
                    is_standing=cleaned.is_standing,
                    leadership=cleaned.leadership,
                    joined_on=cleaned.joined_on,
                )
        except IntegrityError:
            raise Conflict(
                _("%(name)s已是%(term)s委员，不能重复登记。") % {"name": person.name, "term": term.short_name}
            ) from None
        membership.special_committees.set(cleaned.special_committees)
        MembershipEvent.objects.create(
            membership=membership,
            actor=actor,
            name="created",
            to_state=membership.status,
            data={"source": source, "person_reused": person_id is not None},
        )
    return membership


def member_fields_kwargs(fields: MemberFields) -> dict[str, Any]:
    """A MemberFields as keyword arguments of member_create (a shallow copy: model instances stay)."""
    return {f.name: getattr(fields, f.name) for f in dataclass_fields(fields)}


def member_create_with_account(
    *,
    actor: User,
    term: Term,
    fields: MemberFields,
    account_username: str,
    source: str = "api",
    request: HttpRequest | None = None,
) -> tuple[Membership, User, str]:
    """Enter a member and open their login in one transaction; returns the one-time password once.

    Opening an account is the system administrator's (accounts.services.user_create), so a member
    affairs officer gets 403 before anything is written.
    """
    require_roster_manager(actor, term)
    if not access.can_create_member_account(actor):
        raise Forbidden(_("只有系统管理员可以为委员开通账号。"))
    with transaction.atomic():
        membership = member_create(actor=actor, term=term, source=source, **member_fields_kwargs(fields))
        try:
            user, password = user_create(
                actor=actor,
                committee=term.committee,
                username=account_username,
                full_name=membership.person.name,
                kind=User.Kind.MEMBER,
                person=membership.person,
                request=request,
            )
        except Invalid as exc:
            raise Invalid(exc.message, {f"account.{k}": v for k, v in exc.fields.items()}) from None
        if password is None:  # user_create makes a one-time password whenever none is given
            raise Conflict(_("账号未能生成初始密码。"))
        MembershipEvent.objects.create(
            membership=membership, actor=actor, name="account_created", data={"user": user.pk}
        )
    return membership, user, password


def member_update(
    *,
    actor: User,
    membership: Membership,
    name: str | _Unset = UNSET,
    gender: str | _Unset = UNSET,
    ethnicity: str | _Unset = UNSET,
    birth_date: dt.date | _Unset | None = UNSET,
    phone: str | _Unset = UNSET,
    workplace: str | _Unset = UNSET,
    title: str | _Unset = UNSET,
    sector: Sector | _Unset | None = UNSET,
    participating_unit: ParticipatingUnit | _Unset | None = UNSET,
    special_committees: Iterable[SpecialCommittee] | _Unset = UNSET,
    activity_group: ActivityGroup | _Unset | None = UNSET,
    is_standing: bool | _Unset = UNSET,
    leadership: str | _Unset = UNSET,
    joined_on: dt.date | _Unset | None = UNSET,
) -> Membership:
    """Edit a member's personal details (shared by all their terms) and this membership's details."""
    if not access.can_manage_memberships(actor, membership):
        raise Forbidden(_("只有委员工作人员和系统管理员可以修改委员信息。"))
    person = membership.person
    term = membership.term
    passed: dict[str, Any] = {
        "name": name,
        "gender": gender,
        "ethnicity": ethnicity,
        "birth_date": birth_date,
        "phone": phone,
        "workplace": workplace,
        "title": title,
        "sector": sector,
        "participating_unit": participating_unit,
        "special_committees": special_committees,
        "activity_group": activity_group,
        "is_standing": is_standing,
        "leadership": leadership,
        "joined_on": joined_on,
    }
    before = MemberFields(
        **{k: getattr(person, k) for k in PERSON_FIELDS},
        sector=membership.sector,
        participating_unit=membership.participating_unit,
        special_committees=list(membership.special_committees.all()),
        activity_group=membership.activity_group,
        is_standing=membership.is_standing,
        leadership=membership.leadership,
        joined_on=membership.joined_on,
    )
    updates: dict[str, Any] = {
        k: (list(v) if k == "special_committees" else v)
        for k, v in passed.items()
        if not isinstance(v, _Unset)
    }
    wanted = replace(before, **updates)
    cleaned, errors = member_fields_errors(term=term, fields=wanted, current=membership)
    if errors:
        raise Invalid(_("委员信息有误，请检查标出的项目。"), errors)
    changed = [
        k
        for k in (*PERSON_FIELDS, *MEMBERSHIP_FIELDS)
        if (
            {c.pk for c in getattr(cleaned, k)} != {c.pk for c in getattr(before, k)}
            if k == "special_committees"
            else getattr(cleaned, k) != getattr(before, k)
        )
    ]
    if not changed:
        return membership
    with transaction.atomic():
        _lock_term(term)
        if "phone" in changed:
            # Only a changed number is checked: rosters entered before this rule may share one.
            errors = phone_owner_errors(
                phone=cleaned.phone, owners=term_phone_owners(term), person_id=person.pk
            )
            if errors:
                raise Invalid(_("委员信息有误，请检查标出的项目。"), errors)
        person_changes = [k for k in changed if k in PERSON_FIELDS]
        if person_changes:
            for k in person_changes:
                setattr(person, k, getattr(cleaned, k))
            if "name" in person_changes:
                person.name_pinyin = name_pinyin(cleaned.name)
            person.save()
        membership_changes = [k for k in changed if k in MEMBERSHIP_FIELDS and k != "special_committees"]
        if membership_changes:
            for k in membership_changes:
                setattr(membership, k, getattr(cleaned, k))
            membership.save()
        if "special_committees" in changed:
            membership.special_committees.set(cleaned.special_committees)
        # Event rows are append-only and kept for the life of the system, so they name the changed
        # fields but never hold personal values (PIPL 第6条, minimal retention).
        MembershipEvent.objects.create(
            membership=membership, actor=actor, name="updated", data={"fields": changed}
        )
    return membership


def membership_transition(
    *,
    membership: Membership,
    name: str,
    actor: User,
    note: str = "",
    on_date: dt.date | None = None,
) -> Membership:
    """Move a membership along workflow.TRANSITIONS (resign, remove, reinstate) with its event row."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise NotFound(_("没有这项操作。"), code="unknown_transition")
    rule = getattr(access, transition.permission)
    if not rule(actor, membership):
        raise Forbidden(_("您无权对该委员执行“%(label)s”。") % {"label": transition.label})
    old = membership.status
    if old not in transition.sources:
        raise Conflict(
            _("该委员当前状态为“%(state)s”，不能执行“%(label)s”。")
            % {"state": MembershipStatus(old).label, "label": transition.label},
            code="invalid_transition",
        )
    note = (note or "").strip()
    today = timezone.localdate()
    on_date = on_date or today
    errors: dict[str, list[str]] = {}
    if not note:
        errors["note"] = [_("请填写说明，如批准的会议或文件。")]
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("说明不能超过 %(n)d 个字。") % {"n": NOTE_MAX_LENGTH}]
    if on_date > today:
        errors["on_date"] = [_("日期不能晚于今天。")]
    elif membership.joined_on is not None and on_date < membership.joined_on:
        errors["on_date"] = [_("日期不能早于任职日期。")]
    if errors:
        raise Invalid(_("请检查标出的项目。"), errors)
    leaving = transition.target != MembershipStatus.ACTIVE
    left_on = on_date if leaving else None
    with transaction.atomic():
        # Compare-and-swap on the status the actor saw: a concurrent change makes this a no-op.
        updated = Membership.objects.filter(pk=membership.pk, status=old).update(
            status=transition.target, left_on=left_on, updated_at=timezone.now()
        )
        if updated != 1:
            raise Conflict(_("该委员的状态刚被他人修改，请刷新页面后重试。"))
        MembershipEvent.objects.create(
            membership=membership,
            actor=actor,
            name=name,
            from_state=old,
            to_state=transition.target,
            note=note,
            data={"on_date": on_date.isoformat()},
        )
    membership.status = transition.target
    membership.left_on = left_on
    return membership


def _photo_kind(head: bytes) -> str | None:
    for ext, signature in PHOTO_SIGNATURES.items():
        if head.startswith(signature):
            return ext
    return None


def member_photo_set(*, actor: User, membership: Membership, upload: File[Any]) -> Person:
    """Store a member's photo (JPEG or PNG by magic bytes, ≤ 2 MB) under a server-generated name."""
    if not access.can_manage_memberships(actor, membership):
        raise Forbidden(_("只有委员工作人员和系统管理员可以上传委员照片。"))
    size = upload.size or 0
    if size == 0:
        raise Invalid(_("请选择照片文件。"), {"photo": [_("请选择照片文件。")]})
    if size > PHOTO_MAX_BYTES:
        raise Invalid(_("照片不能超过 2 MB。"), {"photo": [_("照片不能超过 2 MB。")]})
    upload.seek(0)
    kind = _photo_kind(upload.read(8))
    upload.seek(0)
    if kind is None:
        raise Invalid(_("照片只能是 JPEG 或 PNG 图片。"), {"photo": [_("照片只能是 JPEG 或 PNG 图片。")]})
    person = membership.person
    old_name = person.photo.name
    storage = person.photo.storage
    # The client's file name is never used: it could carry a path or a misleading extension (C17).
    person.photo.save(f"{uuid.uuid4().hex}.{kind}", upload, save=False)
    new_name = person.photo.name
    try:
        with transaction.atomic():
            Person.objects.filter(pk=person.pk).update(photo=new_name, updated_at=timezone.now())
            MembershipEvent.objects.create(membership=membership, actor=actor, name="photo_set")
            if old_name:
                transaction.on_commit(lambda: storage.delete(old_name))
    except Exception:
        storage.delete(new_name)
        raise
    return person


def phone_reveal(*, actor: User, membership: Membership, request: HttpRequest | None = None) -> str:
    """The member's full phone number, for roles in PHONE_VISIBLE_ROLES only; every reveal is audited."""
    if not access.can_view_membership(actor, membership):
        raise NotFound(_("委员不存在。"))
    target = f"members.Person:{membership.person_id}"
    if not access.can_see_phone(actor):
        security_event_record(
            kind=SecurityEvent.Kind.ACCESS_DENIED,
            request=request,
            actor=actor,
            outcome=SecurityEvent.Outcome.FAILURE,
            target=target,
            details={"action": "reveal_phone", "membership": membership.pk},
        )
        raise Forbidden(_("您的角色不能查看完整手机号码。"))
    security_event_record(
        kind=SecurityEvent.Kind.REVEAL,
        request=request,
        actor=actor,
        target=target,
        details={"field": "phone", "membership": membership.pk},
    )
    return membership.person.phone
