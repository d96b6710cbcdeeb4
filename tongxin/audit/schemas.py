"""API schemas of the security log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class EventQuery(Schema):
    date_from: dt.date | None = Field(None, description="开始日期（含），本地日期 YYYY-MM-DD")
    date_to: dt.date | None = Field(None, description="结束日期（含），本地日期 YYYY-MM-DD")
    kind: str | None = Field(None, max_length=32, description="事件类型，取值见 SecurityEvent.Kind")
    outcome: str | None = Field(None, max_length=16, description="结果：success 或 failure")
    username: str | None = Field(None, max_length=150, description="用户名（包含即匹配）")
    ip: str | None = Field(None, max_length=45, description="IP 地址，或其前缀如 10.12.")
    after: int | None = Field(None, description="上一页最后一条的编号（结果按时间由新到旧）")
    limit: int | None = Field(None, ge=1, le=100, description="每页条数，1–100，默认 50")


class EventOut(Schema):
    id: int
    created_at: dt.datetime
    kind: str
    kind_label: str
    outcome: str
    username: str
    user_id: int | None
    committee_id: int | None
    ip_address: str | None
    user_agent: str
    target: str
    details: dict[str, Any]

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class EventListOut(Schema):
    items: list[EventOut]
    next_after: int | None


class ErrorOut(Schema):
    code: str
    message: str
