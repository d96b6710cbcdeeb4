"""Pre-aggregation for the dashboards that miss p95 ≤ 500 ms at national scale when computed on
every request (bench/dashboards_bench.py, PostgreSQL: the proposals dashboard and the year
comparison, ~0.5–0.8 s on the shared machine). Their numbers are kept in the cache, keyed by the
dashboard, the committee, the period and a data version.

The version needs no counter bumped by other apps: every domain change writes an event row in the
same transaction (ARCHITECTURE.md, "Invariants"), so the highest id of each app's append-only event
tables changes exactly when the data behind the numbers may have changed. Today's date is part of
the version too (overdue replies depend on it). Changes that write no event row — a renamed unit or
category — show after at most TIMEOUT seconds. Pages, .xlsx and API read through here; documents and
tests call queries.py directly.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from tongxin.duties.models import DutyEvent, MemberScore
from tongxin.meetings.models import AttendanceEvent, MeetingEvent
from tongxin.members.models import MembershipEvent
from tongxin.opinions.models import BulletinEvent, OpinionEvent
from tongxin.org.models import OrgEvent
from tongxin.proposals.models import ProposalEvent

from . import queries

TIMEOUT = 600  # seconds
# The event tables each cached dashboard reads behind its numbers.
SOURCES: dict[str, tuple[Any, ...]] = {
    "proposals": (ProposalEvent, MembershipEvent, OrgEvent),
    "compare": (
        ProposalEvent,
        OpinionEvent,
        BulletinEvent,
        MeetingEvent,
        AttendanceEvent,
        DutyEvent,
        MembershipEvent,
    ),
}


def data_version(name: str) -> tuple[Any, ...]:
    """The highest event id of every source (one index lookup each) and today's date."""
    marks: list[Any] = [timezone.localdate().isoformat()]
    marks += [model.objects.aggregate(m=Max("pk"))["m"] for model in SOURCES[name]]
    if name == "compare":
        # Scores are rebuilt in place when rules change: their build time is their version.
        marks.append(MemberScore.objects.aggregate(m=Max("computed_at"))["m"])
    return tuple(marks)


def _compute(name: str, committee_id: int, period: Any) -> dict[str, Any]:
    if name == "proposals":
        return queries.proposals_dashboard(committee_id, session_id=period.session_id, year=period.year)
    if name == "opinions":
        return queries.opinions_dashboard(committee_id, year=period.year)
    if name == "members":
        return queries.members_dashboard(committee_id, year=period.year)
    if name == "compare":
        return queries.year_comparison(committee_id, year=period.year)
    raise KeyError(name)


def dashboard_data(name: str, committee_id: int, period: Any) -> dict[str, Any]:
    """The named dashboard's numbers for a period (forms.Period), from the cache when nothing has
    changed since they were computed."""
    if name not in SOURCES:
        return _compute(name, committee_id, period)
    version = "|".join(str(mark) for mark in data_version(name))
    digest = hashlib.sha256(version.encode()).hexdigest()[:32]
    key = f"dashboards:{name}:{committee_id}:{period.session_id}:{period.year}:{digest}"
    data: dict[str, Any] | None = cache.get(key)
    if data is None:
        data = _compute(name, committee_id, period)
        cache.set(key, data, TIMEOUT)
    return data
