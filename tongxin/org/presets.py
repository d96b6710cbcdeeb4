"""The national lists a new committee starts from, and the services that copy them in.

A local committee applies a preset and then edits it: local sector sets differ from the national one
(domain.md rule 85), and county committees often lack some parties. Applying a preset again adds only
what is missing, matched by name, and never brings back an entry the office deactivated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import access
from .entities import ENTITIES, committee_id_of, entity_of
from .models import Committee, OfficeDepartment, ParticipatingUnit, Term
from .services import org_event_record, refuse_inactive_parent

if TYPE_CHECKING:
    from tongxin.accounts.models import User

# The 34 national sectors of the 13th term (domain.md rule 83), in the official order.
SECTORS_13TH: tuple[str, ...] = (
    "中国共产党",
    "中国国民党革命委员会",
    "中国民主同盟",
    "中国民主建国会",
    "中国民主促进会",
    "中国农工民主党",
    "中国致公党",
    "九三学社",
    "台湾民主自治同盟",
    "无党派人士",
    "中国共产主义青年团",
    "中华全国总工会",
    "中华全国妇女联合会",
    "中华全国青年联合会",
    "中华全国工商业联合会",
    "中国科学技术协会",
    "中华全国台湾同胞联谊会",
    "中华全国归国华侨联合会",
    "文化艺术界",
    "科学技术界",
    "社会科学界",
    "经济界",
    "农业界",
    "教育界",
    "体育界",
    "新闻出版界",
    "医药卫生界",
    "对外友好界",
    "社会福利和社会保障界",
    "少数民族界",
    "宗教界",
    "特邀香港人士",
    "特邀澳门人士",
    "特别邀请人士",
)

YOUTH_MERGED = "中国共产主义青年团和中华全国青年联合会"
ENVIRONMENT = "环境资源界"


def _sectors_14th() -> tuple[str, ...]:
    """The 14th term (rule 84): still 34. 共青团 and 全国青联 merge into one sector in 共青团's place,
    and 环境资源界 is added among the field sectors, after 农业界 (its placement in the official list
    is [P]: confirm with the pilot committee)."""
    names: list[str] = []
    for name in SECTORS_13TH:
        if name == "中华全国青年联合会":
            continue
        names.append(YOUTH_MERGED if name == "中国共产主义青年团" else name)
        if name == "农业界":
            names.append(ENVIRONMENT)
    return tuple(names)


SECTORS_14TH = _sectors_14th()

# Participating units (rule 82): the CPC, the eight democratic parties, non-party personages, the
# federation of industry and commerce, and the people's organisations that hold sectors (rule 83).
PARTICIPATING_UNITS: tuple[tuple[str, str, str], ...] = (
    ("中国共产党", "中共", ParticipatingUnit.Kind.CPC),
    ("中国国民党革命委员会", "民革", ParticipatingUnit.Kind.DEMOCRATIC_PARTY),
    ("中国民主同盟", "民盟", ParticipatingUnit.Kind.DEMOCRATIC_PARTY),
    ("中国民主建国会", "民建", ParticipatingUnit.Kind.DEMOCRATIC_PARTY),
    ("中国民主促进会", "民进", ParticipatingUnit.Kind.DEMOCRATIC_PARTY),
    ("中国农工民主党", "农工党", ParticipatingUnit.Kind.DEMOCRATIC_PARTY),
    ("中国致公党", "致公党", ParticipatingUnit.Kind.DEMOCRATIC_PARTY),
    ("九三学社", "九三学社", ParticipatingUnit.Kind.DEMOCRATIC_PARTY),
    ("台湾民主自治同盟", "台盟", ParticipatingUnit.Kind.DEMOCRATIC_PARTY),
    ("无党派人士", "无党派人士", ParticipatingUnit.Kind.NON_PARTY),
    ("中华全国工商业联合会", "工商联", ParticipatingUnit.Kind.FEDERATION),
    ("中国共产主义青年团", "共青团", ParticipatingUnit.Kind.PEOPLES_ORGANISATION),
    ("中华全国总工会", "总工会", ParticipatingUnit.Kind.PEOPLES_ORGANISATION),
    ("中华全国妇女联合会", "妇联", ParticipatingUnit.Kind.PEOPLES_ORGANISATION),
    ("中华全国青年联合会", "青联", ParticipatingUnit.Kind.PEOPLES_ORGANISATION),
    ("中国科学技术协会", "科协", ParticipatingUnit.Kind.PEOPLES_ORGANISATION),
    ("中华全国台湾同胞联谊会", "台联", ParticipatingUnit.Kind.PEOPLES_ORGANISATION),
    ("中华全国归国华侨联合会", "侨联", ParticipatingUnit.Kind.PEOPLES_ORGANISATION),
)

# The ten national special committees (rule 86; the 14th term keeps them [I]).
SPECIAL_COMMITTEES: tuple[str, ...] = (
    "提案委员会",
    "经济委员会",
    "农业和农村委员会",
    "人口资源环境委员会",
    "教科卫体委员会",
    "社会和法制委员会",
    "民族和宗教委员会",
    "港澳台侨委员会",
    "外事委员会",
    "文化文史和学习委员会",
)

# The office departments the work of tongxin runs through; offices rename them to their own names.
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("提案委员会办公室（提案科）", OfficeDepartment.Kind.PROPOSALS),
    ("研究室（信息科）", OfficeDepartment.Kind.INFORMATION),
    ("秘书科", OfficeDepartment.Kind.SECRETARIAT),
    ("委员工作科", OfficeDepartment.Kind.MEMBER_AFFAIRS),
)


@dataclass(frozen=True)
class PresetResult:
    """What applying a preset did: the names it added and those already there."""

    preset: str
    added: list[str]
    existing: list[str]


@dataclass(frozen=True)
class Preset:
    key: str
    entity: str  # the kind of object it adds
    label: Any
    rows: Sequence[dict[str, Any]]


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "sectors_national_14",
            "sector",
            _("全国政协第十四届界别设置（34个）"),
            [{"name": name, "position": i} for i, name in enumerate(SECTORS_14TH, start=1)],
        ),
        Preset(
            "participating_units_national",
            "participating_unit",
            _("参加单位（中共、八个民主党派、无党派人士、工商联、人民团体）"),
            [
                {"name": name, "short_name": short, "kind": kind, "position": i}
                for i, (name, short, kind) in enumerate(PARTICIPATING_UNITS, start=1)
            ],
        ),
        Preset(
            "special_committees_national",
            "special_committee",
            _("全国政协十个专门委员会"),
            [{"name": name, "position": i} for i, name in enumerate(SPECIAL_COMMITTEES, start=1)],
        ),
        Preset(
            "departments_default",
            "department",
            _("机关处室（提案、信息、秘书、委员工作）"),
            [{"name": name, "kind": kind} for name, kind in DEPARTMENTS],
        ),
    )
}

# The preset each kind can be filled from (one per kind today).
PRESET_FOR_ENTITY: dict[str, str] = {p.entity: p.key for p in PRESETS.values()}


def _apply(
    *, actor: User | None, preset: Preset, parent: Committee | Term, request: HttpRequest | None
) -> PresetResult:
    """Add the preset's rows missing under `parent`, each with a "created" event, and one
    "preset_applied" event on the parent."""
    kind = ENTITIES[preset.entity]
    model, parent_field, committee_id = kind.model, kind.parent, committee_id_of(parent)
    if actor is not None:
        access.require_manage(actor, preset.entity, committee_id)
    refuse_inactive_parent(kind, parent)
    with transaction.atomic():
        # Lock the parent row so two offices applying at once cannot both add the same names.
        type(parent)._default_manager.select_for_update().filter(pk=parent.pk).first()
        known = set(model._default_manager.filter(**{parent_field: parent}).values_list("name", flat=True))
        rows = [row for row in preset.rows if row["name"] not in known]
        for row in rows:
            obj = model._default_manager.create(**{parent_field: parent}, **row)
            org_event_record(
                actor=actor,
                committee_id=committee_id,
                entity=preset.entity,
                entity_id=obj.pk,
                name="created",
                data={parent_field: parent, "preset": preset.key, **row},
                request=request,
            )
        added = [row["name"] for row in rows]
        org_event_record(
            actor=actor,
            committee_id=committee_id,
            entity=entity_of(parent).key,
            entity_id=parent.pk,
            name="preset_applied",
            data={"preset": preset.key, "added": added},
            request=request,
        )
    return PresetResult(
        preset=preset.key, added=added, existing=[r["name"] for r in preset.rows if r["name"] in known]
    )


def sectors_apply_preset(
    *, actor: User | None, term: Term, request: HttpRequest | None = None
) -> PresetResult:
    """Give a term the national 14th-term sector setting (34 sectors), to edit afterwards."""
    return _apply(actor=actor, preset=PRESETS["sectors_national_14"], parent=term, request=request)


def participating_units_apply_preset(
    *, actor: User | None, committee: Committee, request: HttpRequest | None = None
) -> PresetResult:
    """Add the CPC, the eight democratic parties, 无党派人士, 工商联 and the people's organisations."""
    return _apply(
        actor=actor, preset=PRESETS["participating_units_national"], parent=committee, request=request
    )


def special_committees_apply_preset(
    *, actor: User | None, committee: Committee, request: HttpRequest | None = None
) -> PresetResult:
    """Add the ten national special committees (rule 86), which a local committee then merges or renames."""
    return _apply(
        actor=actor, preset=PRESETS["special_committees_national"], parent=committee, request=request
    )


def departments_apply_preset(
    *, actor: User | None, committee: Committee, request: HttpRequest | None = None
) -> PresetResult:
    """Add the default departments: 提案委员会办公室（提案科）, 研究室（信息科）, 秘书科, 委员工作科."""
    return _apply(actor=actor, preset=PRESETS["departments_default"], parent=committee, request=request)


# The apply service of each committee-level kind, for the pages and endpoints that offer the button
# (a term's sectors have their own: sectors_apply_preset).
COMMITTEE_APPLIERS: dict[str, Callable[..., PresetResult]] = {
    "participating_unit": participating_units_apply_preset,
    "special_committee": special_committees_apply_preset,
    "department": departments_apply_preset,
}
