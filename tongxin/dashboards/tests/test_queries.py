"""The dashboards' numbers are the owning apps' statistics, for data built through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tongxin.dashboards import queries
from tongxin.duties import queries as duties_queries
from tongxin.meetings import queries as meetings_queries
from tongxin.opinions import queries as opinions_queries
from tongxin.proposals import queries as proposals_queries

from .activity import build_activity, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world):
    cast = make_cast(world)
    build_activity(world, cast)
    return cast


def test_proposals_dashboard_equals_the_proposal_statistics(world, busy):
    data = queries.proposals_dashboard(world.committee.pk, session_id=world.session.pk)
    stats = proposals_queries.statistics(committee_id=world.committee.pk, session_id=world.session.pk)
    assert data["totals"] == {k: stats["totals"][k] for k in queries.PROPOSAL_TOTALS}
    assert [(s["stage"], s["count"]) for s in data["funnel"]] == [
        ("received", 2),
        ("filed", 2),
        ("assigned", 2),
        ("replied", 1),
        ("closed", 1),
    ]
    assert data["classes"] == [
        {"result_class": "A", "count": 1},
        {"result_class": "B", "count": 0},
        {"result_class": "C", "count": 0},
    ]
    lead = next(r for r in data["by_unit"] if r["id"] == busy.lead_unit.pk)
    stats_lead = next(r for r in stats["by_unit"] if r["group_id"] == busy.lead_unit.pk)
    assert (lead["assigned"], lead["replied"], lead["on_time_rate"]) == (2, 1, 100.0)
    assert lead["classes"] == {"A": 1, "B": 0, "C": 0, "D": 0}
    for key in ("assigned", "replied", "overdue", "on_time_rate", "ratings", "attitude_satisfaction_rate"):
        assert lead[key] == stats_lead[key]
    assert (lead["attitude_satisfaction_rate"], lead["result_satisfaction_rate"]) == (100.0, 100.0)
    assert data["key"]["received"] == stats["key"]["received"] == 0
    # By year the same proposals (all submitted this year).
    year = queries.proposals_dashboard(world.committee.pk, year=timezone.localdate().year)
    assert year["funnel"] == data["funnel"]


def test_opinions_dashboard_equals_the_opinion_statistics(world, busy):
    year = timezone.localdate().year
    data = queries.opinions_dashboard(world.committee.pk, year=year)
    stats = opinions_queries.statistics(committee_id=world.committee.pk, year=year)
    assert data["totals"] == stats["totals"]
    assert (data["totals"]["received"], data["totals"]["adopted_upstream"], data["totals"]["instructed"]) == (
        1,
        1,
        1,
    )
    assert {r["level"]: r["count"] for r in data["adopted_by_level"]}["city"] == 1
    assert {r["level"]: r["count"] for r in data["instructed_by_level"]}["province"] == 1
    assert data["adopted_by_level"] == stats["adopted_by_level"]
    assert data["rankings"]["participating_unit"]["rows"] == stats["rankings"]["participating_unit"]["rows"]


def test_members_dashboard_equals_the_duty_and_attendance_queries(world, busy):
    data = queries.members_dashboard(world.committee.pk, year=2026)
    assert data["scores"] == duties_queries.score_distribution(world.committee.pk, 2026)
    assert data["checklist"] == duties_queries.checklist_summary(world.committee.pk, 2026)
    assert data["averages"]["sector"] == duties_queries.averages(world.committee.pk, 2026, "sector")
    assert data["attendance"] == meetings_queries.attendance_statistics(world.committee.pk, 2026)
    t = data["attendance"]["totals"]
    assert (t["meetings"], t["invited"], t["present"], t["absent"], t["attendance_rate"]) == (
        1,
        3,
        1,
        2,
        33.3,
    )
    assert data["scores"]["members"] == 3  # every member has duty events (proposals, the plenary)
    opinion = next(r for r in data["checklist"] if r["code"] == "opinion")  # 反映一条社情民意
    assert (opinion["members_met"], opinion["members_total"], opinion["rate"]) == (1, 3, 33.3)


def test_year_comparison_sets_each_year_beside_the_last(world, busy):
    data = queries.year_comparison(world.committee.pk, year=2026)
    rows = {r["indicator"]: r for r in data["rows"]}
    stats = proposals_queries.statistics(committee_id=world.committee.pk, year=2026)["totals"]
    assert (rows["proposals_received"]["current"], rows["proposals_received"]["previous"]) == (2, 0)
    assert rows["proposals_received"]["current"] == stats["received"]
    assert rows["proposals_received"]["change"] == 2
    assert rows["reply_rate"]["current"] == stats["reply_rate"] == 50.0
    assert rows["reply_rate"]["previous"] is None
    assert rows["reply_rate"]["change"] is None
    assert rows["attendance_rate"]["current"] == 33.3
    assert rows["opinions_adopted_upstream"]["current"] == 1
    nothing = queries.year_comparison(world.committee.pk, year=2020)
    assert all(r["current"] in (0, None) for r in nothing["rows"])
