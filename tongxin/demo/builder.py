"""Builds a realistic committee through the real services: the demo, and synthetic data at real sizes.

Sizes follow performance.md P1 (county ≈ 170 members and 40 handling units … national ≈ 2,200
members and 300 handling units). Everything is drawn from a seeded random generator, so the same
scale and seed always give the same committee.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from tongxin.accounts.models import User
from tongxin.accounts.services import role_grant, user_create
from tongxin.core.roles import Role
from tongxin.members.models import Membership, Person
from tongxin.members.services import member_create
from tongxin.org import presets
from tongxin.org import services as org
from tongxin.org.models import ActivityGroup, Committee, HandlingUnit, ParticipatingUnit, Sector, Term

from . import vocab

DEMO_PASSWORD = "Tongxin#2026demo"  # noqa: S105  (printed for the demo database only)


@dataclass(frozen=True)
class Scale:
    name: str
    committee: str
    short_name: str
    level: str
    parent: tuple[str, str, str] | None  # (name, short name, level) of the parent committee
    term_number: int
    term_start: dt.date
    members: int
    units: int
    standing_share: float
    vice_chairs: int
    group_basis: str


SCALES: dict[str, Scale] = {
    "county": Scale(
        "county", "兰州市城关区", "区政协", "county", ("兰州市", "市政协", "prefecture"),
        10, dt.date(2022, 1, 10), 150, 42, 0.18, 5, "locality",
    ),
    "city": Scale(
        "city", "天水市", "市政协", "prefecture", ("甘肃省", "省政协", "provincial"),
        8, dt.date(2022, 1, 6), 450, 80, 0.15, 7, "locality",
    ),
    "province": Scale(
        "province", "甘肃省", "省政协", "provincial", None,
        13, dt.date(2023, 1, 12), 800, 120, 0.2, 9, "sector",
    ),
    "national": Scale(
        "national", "全国", "全国政协", "national", None,
        14, dt.date(2023, 3, 4), 2200, 300, 0.15, 23, "sector",
    ),
}  # fmt: skip

# The accounts the demo prints: username → (role, what it is).
DEMO_STAFF = (
    ("tian", "张敏", User.Kind.OFFICE, Role.PROPOSAL_OFFICE),
    ("xinxi", "刘洋", User.Kind.OFFICE, Role.INFORMATION_OFFICE),
    ("mishu", "陈静", User.Kind.OFFICE, Role.SECRETARIAT),
    ("weiyuangongzuo", "赵磊", User.Kind.OFFICE, Role.MEMBER_AFFAIRS),
    ("teyao", "马丽", User.Kind.OFFICE, Role.INVITED_INFORMANT),
)
ADMINS = (
    ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN),
    ("secadmin", "安全管理员", Role.SECURITY_ADMIN),
    ("auditadmin", "审计管理员", Role.AUDIT_ADMIN),
)

LOCAL_SPECIAL_COMMITTEES = (
    "提案委员会",
    "经济和农业农村委员会",
    "社会和法制委员会",
    "教科卫体委员会",
    "文化文史和学习委员会",
    "民族宗教和港澳台侨外事委员会",
)


# Each later capability adds its own demo and synthetic objects with a function
# `build(context: BuildContext) -> dict[str, int]` (counts for the summary), listed here in
# dependency order.
EXTENSIONS: tuple[str, ...] = (
    "tongxin.meetings.demo.build",
    "tongxin.opinions.demo.build",
    "tongxin.proposals.demo.build",
    # Last: indexes the proposals the extensions above created.
    "tongxin.similarity.demo.build",
)


@dataclass
class BuildContext:
    """What an extension builds on: the committee, its people and a seeded random generator."""

    scale: Scale
    committee: Committee
    term: Term
    memberships: list[Membership]
    units: list[HandlingUnit]
    admins: dict[str, User]
    users: dict[str, User]  # demo accounts by username (empty for `seed`)
    rng: random.Random
    demo: bool


@dataclass
class BuildResult:
    committee: Committee
    term: Term
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role label, note)
    counts: dict[str, int] = field(default_factory=dict)


class AlreadyBuilt(Exception):
    pass


def _name(rng: random.Random) -> str:
    # Weighted towards common surnames, as in real rosters.
    surname = vocab.SURNAMES[min(int(rng.expovariate(1 / 25)), len(vocab.SURNAMES) - 1)]
    given = "".join(rng.choice(vocab.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
    return surname + given


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
        if phone not in used:
            used.add(phone)
            return phone


def _workplace(rng: random.Random, scale: Scale) -> tuple[str, str]:
    template, titles = rng.choice(vocab.WORKPLACE_TEMPLATES)
    district = (
        scale.committee if scale.level == "county" else scale.committee + rng.choice(("城关区", "新区", ""))
    )
    place = template.format(
        district=district,
        city=scale.committee.removesuffix("区"),
        n=rng.randint(1, 60),
        name=rng.choice(vocab.COMPANY_WORDS),
        street=rng.choice(vocab.STREETS),
        faculty=rng.choice(vocab.FACULTIES),
    )
    return place, rng.choice(titles)


def _unit_names(scale: Scale) -> list[tuple[str, str]]:
    if scale.level == "national":
        names = [(n, "government") for n in vocab.NATIONAL_MINISTRIES]
        names += [(f"{p}人民政府", "government") for p in vocab.PROVINCES]
        names += [(n, "party" if n.startswith("中央") else "other") for n in vocab.CENTRAL_PARTY_DEPARTMENTS]
        names += [(f"中国{w}集团有限公司", "other") for w in vocab.ENTERPRISE_WORDS]
        names += [("最高人民法院", "court"), ("最高人民检察院", "procuratorate")]
        # Beyond the central bodies, national proposals also go to provincial governments' departments.
        for office in ("发展和改革委员会", "教育厅", "卫生健康委员会"):
            names += [(f"{p}{office}", "government") for p in vocab.PROVINCES]
    else:
        prefix = {"county": "城关区", "prefecture": "天水市", "provincial": "甘肃省"}[scale.level]
        names = [(f"{prefix}{n}", kind) for n, kind in vocab.DISTRICT_UNITS]
        names += [(f"{prefix}{w}", "government") for w in vocab.EXTRA_OFFICES]
    seen: set[str] = set()
    names = [(n, k) for n, k in names if not (n in seen or seen.add(n))]  # type: ignore[func-returns-value]
    return names[: scale.units]


def build(*, scale_name: str, seed: int = 1, demo_accounts: bool = False) -> BuildResult:
    """Build one committee at `scale_name`; refuses when a committee of that name already exists."""
    scale = SCALES[scale_name]
    if Committee.objects.filter(name=scale.committee).exists():
        raise AlreadyBuilt(scale.committee)
    rng = random.Random(f"{scale_name}:{seed}")
    with transaction.atomic():
        return _build(scale, rng, demo_accounts)


def _build(scale: Scale, rng: random.Random, demo_accounts: bool) -> BuildResult:
    parent = None
    if scale.parent is not None:
        pname, pshort, plevel = scale.parent
        parent = Committee.objects.filter(name=pname).first() or org.committee_create(
            actor=None, parent=None, name=pname, short_name=pshort, level=plevel
        )
    committee = org.committee_create(
        actor=None, parent=parent, name=scale.committee, short_name=scale.short_name, level=scale.level
    )
    result_logins: list[tuple[str, str, str]] = []
    admins: dict[str, User] = {}
    for username, full_name, role in ADMINS:
        # Seeded committees share one database with others: their administrators carry its id.
        suffix = "" if demo_accounts else f"_{committee.pk}"
        user, _ = user_create(
            actor=None,
            committee=committee,
            username=username + suffix,
            full_name=full_name,
            kind=User.Kind.ADMIN,
            password=DEMO_PASSWORD,
        )
        role_grant(actor=None, user=user, role=role)
        user.__dict__.pop("role_set", None)
        admins[role] = user
        result_logins.append((user.username, str(Role(role).label), ""))
    sysadmin = admins[Role.SYSTEM_ADMIN]

    term = org.term_create(
        actor=sysadmin,
        committee=committee,
        number=scale.term_number,
        starts_on=scale.term_start,
        is_current=True,
    )
    _sessions(sysadmin, term)
    sectors = _sectors(sysadmin, scale, term)
    presets.participating_units_apply_preset(actor=sysadmin, committee=committee)
    if scale.level in ("national", "provincial"):
        presets.special_committees_apply_preset(actor=sysadmin, committee=committee)
    else:
        for position, name in enumerate(LOCAL_SPECIAL_COMMITTEES, start=1):
            org.special_committee_create(actor=sysadmin, committee=committee, name=name, position=position)
    presets.departments_apply_preset(actor=sysadmin, committee=committee)
    groups = _groups(sysadmin, scale, term, sectors)
    units = _units(sysadmin, scale, committee, rng)
    memberships = _members(sysadmin, scale, term, sectors, groups, rng)

    if demo_accounts:
        result_logins += _demo_accounts(committee, memberships, units)
    counts = {
        "members": len(memberships),
        "handling_units": len(units),
        "sectors": len(sectors),
        "activity_groups": len(groups),
    }
    users = {u.username: u for u in User.objects.filter(committee=committee)} if demo_accounts else {}
    context = BuildContext(scale, committee, term, memberships, units, admins, users, rng, demo_accounts)
    for path in EXTENSIONS:
        counts.update(import_string(path)(context))
    return BuildResult(committee=committee, term=term, logins=result_logins, counts=counts)


def _sessions(actor: User, term: Term) -> None:
    """Every annual plenary of the term so far, and the next one with its proposal window open."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    number = 1
    year = term.starts_on.year
    while True:
        opens = (
            dt.date(year, term.starts_on.month, min(term.starts_on.day + 2, 28))
            if number > 1
            else term.starts_on
        )
        window = dt.datetime.combine(opens - dt.timedelta(days=92), dt.time(9), tzinfo=tz)
        deadline = dt.datetime.combine(opens + dt.timedelta(days=1), dt.time(20), tzinfo=tz)
        org.session_create(
            actor=actor,
            term=term,
            number=number,
            opens_on=opens,
            closes_on=opens + dt.timedelta(days=4),
            proposal_window_starts_at=window,
            proposal_deadline=deadline,
        )
        if window.date() > today or number == 5:
            return
        number += 1
        year += 1


def _sectors(actor: User, scale: Scale, term: Term) -> list[Sector]:
    if scale.level in ("national", "provincial"):
        presets.sectors_apply_preset(actor=actor, term=term)
    else:
        for position, name in enumerate(vocab.COUNTY_SECTORS, start=1):
            org.sector_create(actor=actor, term=term, name=name, position=position)
    return list(Sector.objects.filter(term=term))


def _groups(actor: User, scale: Scale, term: Term, sectors: Sequence[Sector]) -> list[ActivityGroup]:
    if scale.group_basis == "sector":
        names = [f"{s.name}委员小组" for s in sectors]
        basis = ActivityGroup.Basis.SECTOR
    else:
        count = 8 if scale.level == "county" else 12
        names = [
            f"第{i}委员活动组（{street}片区）" for i, street in enumerate(vocab.STREETS[:count], start=1)
        ]
        basis = ActivityGroup.Basis.LOCALITY
    return [
        org.activity_group_create(actor=actor, term=term, name=name, basis=basis, position=i)
        for i, name in enumerate(names, start=1)
    ]


def _units(actor: User, scale: Scale, committee: Committee, rng: random.Random) -> list[HandlingUnit]:
    units = []
    used: set[str] = set()
    for name, kind in _unit_names(scale):
        unit = org.handling_unit_create(actor=actor, committee=committee, name=name, kind=kind)
        org.handling_unit_contact_add(
            actor=actor,
            unit=unit,
            name=_name(rng),
            title=rng.choice(("办公室主任", "办公室副主任", "建议提案办理科科长")),
            phone=_phone(rng, used),
            is_primary=True,
        )
        units.append(unit)
    return units


def _party_for(sector: Sector, parties: dict[str, ParticipatingUnit]) -> ParticipatingUnit | None:
    for name, unit in parties.items():
        if sector.name.startswith(name) or name.startswith(sector.name):
            return unit
    return None


def _members(
    actor: User,
    scale: Scale,
    term: Term,
    sectors: Sequence[Sector],
    groups: Sequence[ActivityGroup],
    rng: random.Random,
) -> list[Membership]:
    parties = {p.name: p for p in ParticipatingUnit.objects.filter(committee=term.committee)}
    specials = list(term.committee.special_committees.all())
    used: set[str] = set()
    leadership = ["chair"] + ["vice_chair"] * scale.vice_chairs
    if scale.level != "county":
        leadership.append("secretary_general")
    memberships = []
    for i in range(scale.members):
        sector = sectors[min(int(rng.expovariate(1 / (len(sectors) / 3))), len(sectors) - 1)]
        workplace, title = _workplace(rng, scale)
        role = leadership[i] if i < len(leadership) else ""
        group = (
            next((g for g in groups if g.name.startswith(sector.name)), groups[0])
            if scale.group_basis == "sector"
            else rng.choice(groups)
        )
        memberships.append(
            member_create(
                actor=actor,
                term=term,
                name=_name(rng),
                gender=rng.choice((Person.Gender.MALE, Person.Gender.MALE, Person.Gender.FEMALE)),
                ethnicity=rng.choice(vocab.ETHNICITIES),
                birth_date=dt.date(rng.randint(1958, 1990), rng.randint(1, 12), rng.randint(1, 28)),
                phone=_phone(rng, used),
                workplace=workplace,
                title=title,
                sector=sector,
                participating_unit=_party_for(sector, parties),
                special_committees=rng.sample(specials, k=rng.choice((0, 1, 1, 2))) if specials else (),
                activity_group=group,
                is_standing=bool(role) or rng.random() < scale.standing_share,
                leadership=role,
                joined_on=term.starts_on,
                source="seed",
            )
        )
    return memberships


def _demo_accounts(
    committee: Committee, memberships: Sequence[Membership], units: Sequence[HandlingUnit]
) -> list[tuple[str, str, str]]:
    logins = []
    chair = next(m for m in memberships if m.leadership == "chair")
    member = next(m for m in memberships if not m.leadership and not m.is_standing)
    for username, membership, extra in (("zhuxi", chair, Role.LEADER), ("weiyuan", member, None)):
        user, _ = user_create(
            actor=None,
            committee=committee,
            username=username,
            full_name=membership.person.name,
            kind=User.Kind.MEMBER,
            person=membership.person,
            password=DEMO_PASSWORD,
        )
        label = str(Role.MEMBER.label)
        if extra:
            role_grant(actor=None, user=user, role=extra)
            label = f"{Role.MEMBER.label}、{Role(extra).label}"
        logins.append((username, label, f"{membership.person.name}，{membership.sector.name}"))
    departments = {d.kind: d for d in committee.departments.all()}
    kind_of_role = {
        Role.PROPOSAL_OFFICE: "proposals",
        Role.INFORMATION_OFFICE: "information",
        Role.SECRETARIAT: "secretariat",
        Role.MEMBER_AFFAIRS: "member_affairs",
        Role.INVITED_INFORMANT: "information",
    }
    for username, full_name, kind, role in DEMO_STAFF:
        user, _ = user_create(
            actor=None,
            committee=committee,
            username=username,
            full_name=full_name,
            kind=kind,
            department=departments.get(kind_of_role[role]),
            password=DEMO_PASSWORD,
        )
        role_grant(actor=None, user=user, role=role)
        logins.append((username, str(Role(role).label), full_name))
    unit = next((u for u in units if "交通运输" in u.name), units[0])
    user, _ = user_create(
        actor=None,
        committee=committee,
        username="chengban",
        full_name="周强",
        kind=User.Kind.UNIT,
        handling_unit=unit,
        password=DEMO_PASSWORD,
    )
    logins.append(("chengban", str(Role.UNIT_STAFF.label), unit.name))
    return logins


def describe(result: BuildResult) -> dict[str, Any]:
    """A summary for the command's output."""
    return {"committee": result.committee.full_name, "term": result.term.full_name, **result.counts}
