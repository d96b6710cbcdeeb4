"""API schemas for sign-in, accounts and roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=128)


class TokenOut(Schema):
    token: str
    expires_at: datetime


class ErrorOut(Schema):
    code: str
    message: str


# --- Accounts and roles (administrators) ----------------------------------------------------------


class UserQuery(Schema):
    committee: int | None = Field(None, description="委员会编号（本委员会或下级委员会）")
    kind: str | None = Field(None, max_length=16, description="账号类型：member、unit、office、admin")
    role: str | None = Field(None, max_length=24, description="角色，如 proposal_office")
    active: bool | None = Field(None, description="true 只看启用，false 只看停用")
    q: str | None = Field(None, max_length=40, description="姓名或用户名（包含即匹配）")
    roleless: bool = Field(False, description="只看尚未授予任何角色的账号")
    after: int | None = Field(None, description="上一页最后一个账号的编号")
    limit: int | None = Field(None, ge=1, le=100, description="每页条数，1–100，默认 50")


class RoleOut(Schema):
    role: str
    label: str
    granted_by_id: int | None
    granted_at: datetime

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.get_role_display())


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    committee_id: int
    committee_name: str
    kind: str
    person_id: int | None
    handling_unit_id: int | None
    department_id: int | None
    is_active: bool
    must_change_password: bool
    date_joined: datetime
    last_login: datetime | None
    roles: list[str]

    @staticmethod
    def resolve_committee_name(obj: Any) -> str:
        return str(obj.committee.name)

    @staticmethod
    def resolve_roles(obj: Any) -> list[str]:
        return sorted(grant.role for grant in obj.roles.all())


class UserListOut(Schema):
    items: list[UserOut]
    next_after: int | None


class UserCreateIn(Schema):
    committee_id: int | None = Field(None, description="默认为本人所在委员会；也可为下级委员会")
    kind: str = Field(max_length=16, description="member（委员）、unit（承办单位）或 office（机关工作人员）")
    username: str = Field(max_length=40)
    full_name: str = Field(max_length=30)
    email: str = Field("", max_length=254)
    person_id: int | None = Field(None, description="委员账号：本届在任、尚未开通账号的委员")
    handling_unit_id: int | None = Field(None, description="承办单位账号：所属承办单位")
    department_id: int | None = Field(None, description="机关工作人员账号：所在处室（可不填）")


class UserCreatedOut(UserOut):
    one_time_password: str = Field(description="一次性初始密码，仅此一次返回；首次登录须修改")


class UserPatchIn(Schema):
    full_name: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    department_id: int | None = Field(None, description="null 表示不指定处室")
    handling_unit_id: int | None = None


class DeactivateIn(Schema):
    note: str = Field("", max_length=500, description="停用原因，记入账号变更记录")


class PasswordResetOut(Schema):
    one_time_password: str = Field(description="一次性初始密码，仅此一次返回；首次登录须修改")


class RoleIn(Schema):
    role: str = Field(max_length=24, description="角色，如 proposal_office；须与账号类型相符")
