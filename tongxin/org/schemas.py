"""API schemas of the organisation. Inputs only carry types: every rule and its Chinese message lives in
services.py, so the API and the pages answer a bad value with the same words."""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from django.db import models
from ninja import Schema
from pydantic import Field, create_model

from .models import ActivityGroup, Committee, HandlingUnit, OfficeDepartment, ParticipatingUnit

T = TypeVar("T")


def _choices(choices: type[models.TextChoices]) -> str:
    return "；".join(f"`{value}` {label}" for value, label in choices.choices)


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = Field(None, description="422: 每个字段的错误信息")


class Page(Schema, Generic[T]):
    items: list[T]
    next_after: int | None = Field(description="下一页的 `after` 参数；没有下一页时为 null")


class ListFilters(Schema):
    committee: int | None = Field(
        None, description="委员会编号；默认为本人所在委员会（系统管理员可指定下级委员会）"
    )
    q: str | None = Field(None, description="按名称筛选（包含）")
    is_active: bool | None = Field(None, description="true 仅启用的，false 仅已停用的")
    after: int | None = Field(None, description="上一页最后一项的编号")
    limit: int | None = Field(None, description="每页条数，1–100，默认 50")


class TermListFilters(ListFilters):
    term: int | None = Field(None, description="届编号；不填则为该委员会各届")


class PresetOut(Schema):
    preset: str
    added: list[str] = Field(description="本次新增的名称")
    existing: list[str] = Field(description="已存在而未重复添加的名称")


def partial(schema: type[Schema], name: str) -> type[Schema]:
    """The PATCH form of an input schema: every field optional; only the fields sent are changed."""
    fields: dict[str, Any] = {}
    for field_name, info in schema.model_fields.items():
        annotation: Any = info.annotation
        fields[field_name] = (annotation | None, Field(None, description=info.description))
    return create_model(name, __base__=Schema, **fields)


# --- Committees, terms, sessions -------------------------------------------------------------------


class CommitteeFields(Schema):
    name: str = Field(description="地区名称，如“兰州市城关区”（全称据此生成）")
    short_name: str = Field(description="简称中的称呼，如“区政协”“全国政协”")
    level: str = Field(description=_choices(Committee.Level))


class CommitteeIn(CommitteeFields):
    parent_id: int | None = Field(None, description="上级委员会；默认为本人所在委员会")


class CommitteeOut(Schema):
    id: int
    parent_id: int | None
    name: str
    short_name: str
    full_name: str
    level: str
    is_active: bool


class TermFields(Schema):
    number: int = Field(description="届次，如 10 表示第十届")
    starts_on: dt.date
    ends_on: dt.date | None = None


class TermIn(TermFields):
    committee_id: int | None = Field(None, description="默认为本人所在委员会")
    is_current: bool = Field(False, description="同时设为本届")


class TermOut(Schema):
    id: int
    committee_id: int
    number: int
    starts_on: dt.date
    ends_on: dt.date | None
    is_current: bool
    is_active: bool
    full_name: str = Field(description="如：政协第十届兰州市城关区委员会")
    short_name: str = Field(description="如：区政协十届")


class SessionFields(Schema):
    number: int = Field(description="第几次会议")
    opens_on: dt.date
    closes_on: dt.date
    proposal_window_starts_at: dt.datetime = Field(description="大会提案征集开始时间（须早于开幕日期）")
    proposal_deadline: dt.datetime = Field(description="大会提案截止时间")


class TermChildIn(Schema):
    term_id: int | None = Field(None, description="届编号；默认为 committee_id（或本人所在委员会）的本届")
    committee_id: int | None = Field(None, description="未给 term_id 时，取该委员会的本届")


class SessionIn(SessionFields, TermChildIn):
    pass


class SessionOut(Schema):
    id: int
    term_id: int
    number: int
    opens_on: dt.date
    closes_on: dt.date
    proposal_window_starts_at: dt.datetime
    proposal_deadline: dt.datetime
    is_active: bool
    full_name: str = Field(description="如：政协第十届兰州市城关区委员会第一次会议")
    short_name: str = Field(description="如：区政协十届一次会议")


# --- Bodies of a term or a committee -----------------------------------------------------------------


class SectorFields(Schema):
    name: str
    position: int = Field(0, description="排序，越小越靠前")


class SectorIn(SectorFields, TermChildIn):
    pass


class SectorOut(Schema):
    id: int
    term_id: int
    name: str
    position: int
    is_active: bool


class CommitteeChildIn(Schema):
    committee_id: int | None = Field(None, description="默认为本人所在委员会")


class ParticipatingUnitFields(Schema):
    name: str = Field(description="全称，如“中国民主同盟”")
    short_name: str = Field(description="简称，如“民盟”")
    kind: str = Field(description=_choices(ParticipatingUnit.Kind))
    position: int = 0


class ParticipatingUnitIn(ParticipatingUnitFields, CommitteeChildIn):
    pass


class ParticipatingUnitOut(Schema):
    id: int
    committee_id: int
    name: str
    short_name: str
    kind: str
    position: int
    is_active: bool


class SpecialCommitteeFields(Schema):
    name: str
    position: int = 0


class SpecialCommitteeIn(SpecialCommitteeFields, CommitteeChildIn):
    pass


class SpecialCommitteeOut(Schema):
    id: int
    committee_id: int
    name: str
    position: int
    is_active: bool


class ActivityGroupFields(Schema):
    name: str
    basis: str = Field(ActivityGroup.Basis.LOCALITY.value, description=_choices(ActivityGroup.Basis))
    position: int = 0


class ActivityGroupIn(ActivityGroupFields, TermChildIn):
    pass


class ActivityGroupOut(Schema):
    id: int
    term_id: int
    name: str
    basis: str
    position: int
    is_active: bool


# --- Handling units, contacts, departments -------------------------------------------------------


class HandlingUnitFields(Schema):
    name: str
    short_name: str = ""
    kind: str = Field(HandlingUnit.Kind.GOVERNMENT.value, description=_choices(HandlingUnit.Kind))


class HandlingUnitIn(HandlingUnitFields, CommitteeChildIn):
    pass


class HandlingUnitOut(Schema):
    id: int
    committee_id: int
    name: str
    short_name: str
    kind: str
    is_active: bool


class ContactFields(Schema):
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    is_primary: bool = Field(False, description="设为主要联系人（原主要联系人随之取消）")


class ContactOut(Schema):
    id: int
    unit_id: int
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool


class DepartmentFields(Schema):
    name: str
    kind: str = Field(description=_choices(OfficeDepartment.Kind))


class DepartmentIn(DepartmentFields, CommitteeChildIn):
    pass


class DepartmentOut(Schema):
    id: int
    committee_id: int
    name: str
    kind: str
    is_active: bool


class UnitImportOut(Schema):
    rows: int = Field(description="导入的行数")
    created: int = Field(description="新增的单位数")
    updated: int = Field(description="按名称更新的已有单位数")
    contacts: int = Field(description="新增或更新的联系人数")
