"""API schemas for members: the membership (per term) with its person nested; phones only masked."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class RosterErrorOut(ErrorOut):
    errors: list[RowErrorOut] = []


class RefOut(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    name: str
    name_pinyin: str
    gender: str
    ethnicity: str
    birth_date: dt.date | None
    # Always masked (138****8000); the full number only through POST /members/{id}/reveal-phone.
    phone_masked: str
    workplace: str
    title: str
    has_photo: bool


class MembershipOut(Schema):
    id: int
    term: RefOut
    person: PersonOut
    sector: RefOut
    participating_unit: RefOut | None
    special_committees: list[RefOut]
    activity_group: RefOut | None
    is_standing: bool
    leadership: str
    status: str
    joined_on: dt.date | None
    left_on: dt.date | None
    # The transitions the caller may make now (POST /members/{id}/actions/{action}).
    actions: list[str]


class MembershipPage(Schema):
    items: list[MembershipOut]
    next_after: int | None


class RosterQuery(Schema):
    term: int | None = Field(None, description="届 id；缺省为本届")
    sector: int | None = None
    party: int | None = Field(None, description="党派团体 id")
    special_committee: int | None = None
    activity_group: str | None = Field(None, description="活动组 id，或 none 表示未分配")
    status: str | None = Field(None, description="active / resigned / removed")
    standing: bool | None = None
    q: str = Field("", max_length=50, description="姓名、拼音或工作单位")


class AccountIn(Schema):
    username: str = Field(min_length=1, max_length=40)


class AccountOut(Schema):
    username: str
    # Shown once: the member changes it at first sign-in.
    one_time_password: str


class MemberIn(Schema):
    term_id: int | None = Field(None, description="届 id；缺省为本届")
    name: str = Field(max_length=30)
    gender: str = Field(description="male / female")
    ethnicity: str = Field("汉族", max_length=20)
    birth_date: dt.date | None = None
    phone: str = Field("", max_length=20)
    workplace: str = Field("", max_length=100)
    title: str = Field("", max_length=100)
    sector_id: int | None = None
    participating_unit_id: int | None = None
    special_committee_ids: list[int] = Field(default_factory=list, max_length=50)
    activity_group_id: int | None = None
    is_standing: bool = False
    leadership: str = Field("", description="chair / vice_chair / secretary_general / 空")
    joined_on: dt.date | None = None
    account: AccountIn | None = Field(None, description="同时开通委员账号（仅系统管理员）")


class MemberCreatedOut(MembershipOut):
    account: AccountOut | None = None


class MemberPatch(Schema):
    """Only the keys present are changed; null clears an optional value."""

    name: str | None = Field(None, max_length=30)
    gender: str | None = None
    ethnicity: str | None = Field(None, max_length=20)
    birth_date: dt.date | None = None
    phone: str | None = Field(None, max_length=20)
    workplace: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=100)
    sector_id: int | None = None
    participating_unit_id: int | None = None
    special_committee_ids: list[int] | None = Field(None, max_length=50)
    activity_group_id: int | None = None
    is_standing: bool | None = None
    leadership: str | None = None
    joined_on: dt.date | None = None


class TransitionIn(Schema):
    note: str = Field("", max_length=500)
    on_date: dt.date | None = None


class PhoneOut(Schema):
    phone: str


class ImportOut(Schema):
    rows: int
    created: int
    reused_people: int
