"""API shapes: the document settings (presets merged with the committee's overrides) and the
work-report figures."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class DocumentSettingsOut(Schema):
    agency_codes: dict[str, str] = Field(description="各文种机关代字（未设置的为通用写法），如 城政办发")
    issuers: dict[str, str] = Field(description="发文机关标志、署名、印发机关")
    recipients: dict[str, str] = Field(description="各文种主送机关")
    cc: dict[str, list[str]] = Field(description="各文种抄送机关")
    wording: dict[str, str] = Field(description="文字模板，含 {session} 等占位符")
    overridden: dict[str, list[str]] = Field(description="本委员会改过的项（其余为通用写法）")


class DocumentSettingsIn(Schema):
    """Only the keys sent change; a key set to null goes back to the preset."""

    agency_codes: dict[str, Any] | None = None
    issuers: dict[str, Any] | None = None
    recipients: dict[str, Any] | None = None
    cc: dict[str, Any] | None = None
    wording: dict[str, Any] | None = None


class FigureSectionOut(Schema):
    heading: str
    sentences: list[str]


class WorkReportFiguresOut(Schema):
    year: int
    sections: list[FigureSectionOut]
    text: str = Field(description="全部句子，按段落换行，便于复制")
