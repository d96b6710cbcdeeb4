"""API: the dashboards' numbers, mounted at /api/v1/dashboards — the same dicts as the pages.

Errors: 403 not office staff or a leader, 404 a session of another committee, 422 a bad period.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from tongxin.core.errors import Forbidden

from . import access
from .caching import dashboard_data
from .forms import Period, proposals_period, year_from
from .schemas import (
    ComparisonOut,
    ErrorOut,
    MembersDashboardOut,
    OpinionsDashboardOut,
    ProposalsDashboardOut,
)

router = Router()

ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _reader(request: HttpRequest) -> Any:
    user: Any = request.user
    if not access.can_view_dashboards(user):
        raise Forbidden(_("只有机关工作人员和领导可以查看数据看板。"))
    return user


def _year(raw: int | None) -> Period:
    year = year_from(raw)
    return Period(None, year, str(year))


@router.get("/proposals", response={200: ProposalsDashboardOut, **ERRORS}, summary="提案工作看板")
def proposals(request: HttpRequest, session: int | None = None, year: int | None = None) -> dict[str, Any]:
    """A session's (default: the newest) or, with `year`, a year's proposals: the funnel, totals and
    rates, class mix, by category, by handling unit, key proposals."""
    user = _reader(request)
    period = proposals_period(user.committee_id, session=session, year=year)
    return dashboard_data("proposals", user.committee_id, period)


@router.get("/opinions", response={200: OpinionsDashboardOut, **ERRORS}, summary="社情民意信息看板")
def opinions(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """The year's 社情民意信息 (default: this year): adoption by level and mode, instructions, rankings."""
    user = _reader(request)
    return dashboard_data("opinions", user.committee_id, _year(year))


@router.get("/members", response={200: MembersDashboardOut, **ERRORS}, summary="委员履职看板")
def members(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """The year's duty scores (distribution, averages), checklist completion and attendance."""
    user = _reader(request)
    return dashboard_data("members", user.committee_id, _year(year))


@router.get("/compare", response={200: ComparisonOut, **ERRORS}, summary="年度对比看板")
def compare(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """The year's main indicators beside the year before."""
    user = _reader(request)
    return dashboard_data("compare", user.committee_id, _year(year))
