"""API schemas of the working-day calendar, and the error answer of every spreadsheet import."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field, StrictBool


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class SheetRowErrorOut(Schema):
    row: int = Field(description="Excel 行号")
    column: str = Field(description="列名（表头）")
    message: str


class SheetErrorOut(ErrorOut):
    """422 of a spreadsheet import: nothing was imported; `errors` lists every problem by row."""

    errors: list[SheetRowErrorOut] = []


class CalendarDayIn(Schema):
    is_working_day: StrictBool = Field(description="true：上班（含调休上班日）；false：休息")
    note: str = Field(default="", description="说明，如“春节”“国庆节调休上班”；必填，不超过 100 字")


class CalendarDayOut(Schema):
    date: date
    is_working_day: bool
    name: str = Field(description="节日名称（国务院安排）或调整说明")
    source: str = Field(description="package：国务院放假安排；override：本平台调整")
    default_is_working_day: bool = Field(description="不计本平台调整时这一天是否上班")


class CalendarYearOut(Schema):
    year: int
    covered: bool = Field(description="本年放假安排是否已收录；false 时只按周末计算休息日")
    items: list[CalendarDayOut]


class DeadlineOut(Schema):
    start: date
    due: date
    covered: bool = Field(description="计算涉及的年份放假安排是否都已收录；false 时到期日可能调整")
