"""Generators registered only in these tests (settings.FILE_GENERATORS is overridden by a fixture).

They are real: the sheet is an .xlsx built with openpyxl from the caller's committee, the note a .docx
built with python-docx; `broken` fails half-way as a real generator bug would.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext_lazy as _
from docx import Document
from openpyxl import Workbook

from tongxin.core.errors import Forbidden, Invalid
from tongxin.core.roles import OFFICE_ROLES, Role
from tongxin.files.generators import DOCX, XLSX, Generator, Produced, Progress

PATHS = [
    "tongxin.files.tests.generators.COMMITTEE_SHEET",
    "tongxin.files.tests.generators.BROKEN",
    "tongxin.files.tests.generators.NOTE",
]


def check_staff(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Office staff and leaders; a title of 1–30 characters, and a row count of 1–500."""
    if not actor.has_role(*OFFICE_ROLES, Role.LEADER):
        raise Forbidden("只有机关工作人员和领导可以生成此文件。")
    title = str(params.get("title", "")).strip()
    if not title or len(title) > 30:
        raise Invalid("标题须为 1 到 30 个字。", {"title": ["标题须为 1 到 30 个字。"]})
    try:
        rows = int(params.get("rows", 3))
    except (TypeError, ValueError):
        raise Invalid("行数须为整数。", {"rows": ["行数须为整数。"]}) from None
    if not 1 <= rows <= 500:
        raise Invalid("行数须在 1 到 500 之间。", {"rows": ["行数须在 1 到 500 之间。"]})
    return {"title": title, "rows": rows}


def run_sheet(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([actor.committee.name, params["title"]])
    for index in range(params["rows"]):
        sheet.append([index + 1, f"{params['title']}{index + 1}"])
        progress(int(100 * (index + 1) / params["rows"]), f"第 {index + 1} 行")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Produced(buffer.getvalue(), f"{params['title']}-{actor.committee.name}.xlsx", XLSX)


def run_broken(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    progress(40, "处理中")
    raise ZeroDivisionError("a bug half-way")


def run_note(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    document = Document()
    document.add_heading(params["title"], level=1)
    document.add_paragraph(f"{actor.committee.name}：测试文档。")
    buffer = io.BytesIO()
    document.save(buffer)
    return Produced(buffer.getvalue(), f"{params['title']}.docx", DOCX)


COMMITTEE_SHEET = Generator("tests.committee_sheet", _("测试统计表"), check_staff, run_sheet)
BROKEN = Generator("tests.broken", _("会出错的文件"), check_staff, run_broken)
NOTE = Generator("tests.note", _("测试通知"), check_staff, run_note, preview_pdf=True)


def check_renamed_param(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    """A later version of the sheet's check that wants `heading` where the stored params say `title`."""
    return {"heading": params["heading"].strip(), "rows": int(params["rows"])}


# The sheet generator after a code change: files made by the old version keep their old params.
CHANGED_SHEET = Generator("tests.committee_sheet", _("测试统计表"), check_renamed_param, run_sheet)
