"""API: /api/v1/documents — the committee's document settings and the work-report figures.

Generating a document goes through the files API (`POST /api/v1/files {"kind": "documents.…",
"params": {…}}`); the kinds are listed in settings.FILE_GENERATORS.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from tongxin.core.errors import Forbidden

from . import access, presets, queries, services
from .schemas import DocumentSettingsIn, DocumentSettingsOut, ErrorOut, WorkReportFiguresOut

router = Router()

ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> Any:
    return request.user


def _settings_out(committee_id: int) -> dict[str, Any]:
    conf = services.settings_for(committee_id)
    raw: dict[str, dict[str, Any]] = {
        "agency_codes": presets.AGENCY_CODES,
        "issuers": presets.ISSUERS,
        "recipients": presets.RECIPIENTS,
        "cc": presets.CC,
        "wording": presets.WORDING,
    }
    out: dict[str, Any] = {}
    overridden: dict[str, list[str]] = {}
    for section, defaults in raw.items():
        mine = getattr(conf, section) or {}
        out[section] = {str(k): mine.get(k, v) for k, v in defaults.items()}
        overridden[section] = sorted(k for k in mine if k in defaults)
    out["overridden"] = overridden
    return out


@router.get("/settings", response={200: DocumentSettingsOut, **ERRORS}, summary="公文设置")
def get_settings(request: HttpRequest) -> dict[str, Any]:
    """机关代字, issuers, recipients, 抄送 and wording templates: presets merged with the committee's own."""
    if not access.can_read_settings(_user(request)):
        raise Forbidden(_("只有机关工作人员和领导可以查看公文设置。"))
    return _settings_out(_user(request).committee_id)


@router.patch("/settings", response={200: DocumentSettingsOut, **ERRORS}, summary="修改公文设置")
def update_settings(request: HttpRequest, payload: DocumentSettingsIn) -> dict[str, Any]:
    """Office staff override presets (null restores the preset); each change is in the security log."""
    services.document_settings_update(
        actor=_user(request),
        committee_id=_user(request).committee_id,
        changes=payload.model_dump(exclude_unset=True, exclude_none=True),
    )
    return _settings_out(_user(request).committee_id)


@router.get(
    "/work-report-figures", response={200: WorkReportFiguresOut, **ERRORS}, summary="常委会工作报告数据"
)
def work_report_figures(request: HttpRequest, year: int) -> dict[str, Any]:
    """The year's figures written as the 工作报告 writes them (十届一次会议共收到提案262件，审查立案84件……
    办结率100%), by area; the numbers are the statistics endpoints' numbers."""
    if not access.can_read_work_report_figures(_user(request)):
        raise Forbidden(_("只有机关工作人员和领导可以查看工作报告数据。"))
    year = queries.check_year(year)
    sections = queries.work_report_figures(_user(request).committee_id, year)
    return {
        "year": year,
        "sections": [{"heading": str(h), "sentences": lines} for h, lines in sections],
        "text": "\n".join(line for _h, lines in sections for line in lines),
    }
