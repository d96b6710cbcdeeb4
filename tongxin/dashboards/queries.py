"""The dashboards' numbers: one function per dashboard, returning plain dicts.

Every number comes from the owning app's statistics query — the same functions the office's
documents (通报, 工作报告) are built from — so a dashboard, its .xlsx, the API and a document agree.
Nothing is counted here; this module only picks and arranges (issue 6, "Dashboards").
"""

from __future__ import annotations

from typing import Any

from tongxin.duties import queries as duties_queries
from tongxin.meetings import queries as meetings_queries
from tongxin.opinions import queries as opinions_queries
from tongxin.proposals import queries as proposals_queries

# The handling funnel of a period's proposals, in order (received → filed → assigned → replied → closed).
FUNNEL = ("received", "filed", "assigned", "replied", "closed")
PROPOSAL_TOTALS = (
    "received",
    "filed",
    "filed_after_merge",
    "merged_members",
    "not_filed",
    "withdrawn",
    "converted",
    "assigned",
    "replied",
    "closed",
    "overdue",
    "key_proposals",
    "ratings",
    "reply_rate",
    "on_time_rate",
    "attitude_satisfaction_rate",
    "result_satisfaction_rate",
)
RESULT_CLASSES = ("A", "B", "C", "D")
# Rankings shown on the opinions dashboard (the 通报 lists them all; the .xlsx of opinions has all).
OPINION_RANKINGS = ("participating_unit", "special_committee", "lower_committee")
RANKING_TOP = 10
MEMBER_AVERAGES = ("sector", "participating_unit")


def proposals_dashboard(
    committee_id: int, *, session_id: int | None = None, year: int | None = None
) -> dict[str, Any]:
    """A session's (or a year's) proposals: the funnel, the totals and rates, the class mix, by
    category (area), by handling unit with on-time rate, class mix and both satisfaction rates, and
    the key proposals."""
    stats = proposals_queries.statistics(committee_id=committee_id, session_id=session_id, year=year)
    totals = stats["totals"]
    classes = totals["classes"]
    extra_classes = sorted(c for c in classes if c not in RESULT_CLASSES)
    return {
        "session_id": session_id,
        "year": year,
        "totals": {key: totals[key] for key in PROPOSAL_TOTALS},
        "funnel": [{"stage": stage, "count": totals[stage]} for stage in FUNNEL],
        "classes": [
            {"result_class": c, "count": classes.get(c, 0)}
            for c in (*RESULT_CLASSES, *extra_classes)
            if c in classes or c in ("A", "B", "C")
        ],
        # Rows without an area (group_id None) are the leaf-area and uncategorised proposals, which
        # by_leaf_areas already lists under their own areas.
        "by_category": [
            {
                "id": row["group_id"],
                "name": row["group_name"],
                "received": row["received"],
                "filed": row["filed"],
                "replied": row["replied"],
                "reply_rate": row["reply_rate"],
            }
            for row in stats["by_category"]
            if row["group_id"] is not None
        ],
        "by_unit": sorted(
            (
                {
                    "id": row["group_id"],
                    "name": row["group_name"],
                    "assigned": row["assigned"],
                    "replied": row["replied"],
                    "overdue": row["overdue"],
                    "reply_rate": row["reply_rate"],
                    "on_time_rate": row["on_time_rate"],
                    "classes": {c: row["classes"].get(c, 0) for c in RESULT_CLASSES},
                    "ratings": row["ratings"],
                    "attitude_satisfaction_rate": row["attitude_satisfaction_rate"],
                    "result_satisfaction_rate": row["result_satisfaction_rate"],
                }
                for row in stats["by_unit"]
            ),
            key=lambda r: (-r["assigned"], r["name"]),
        ),
        "key": {stage: stats["key"][stage] for stage in FUNNEL} | {"reply_rate": stats["key"]["reply_rate"]},
    }


def opinions_dashboard(committee_id: int, *, year: int) -> dict[str, Any]:
    """The year's 社情民意信息: received, edited, adopted by level and by mode, instructions by the
    instructing leader's level, feedback, and the leading reporters."""
    stats = opinions_queries.statistics(committee_id=committee_id, year=year)
    rankings = stats["rankings"]
    return {
        "year": year,
        "totals": dict(stats["totals"]),
        "adopted_by_level": [dict(row) for row in stats["adopted_by_level"]],
        "adopted_by_mode": [dict(row) for row in stats["adopted_by_mode"]],
        "instructed_by_level": [dict(row) for row in stats["instructed_by_level"]],
        "rankings": {
            key: {"label": rankings[key]["label"], "rows": rankings[key]["rows"][:RANKING_TOP]}
            for key in OPINION_RANKINGS
            if key in rankings
        },
    }


def members_dashboard(committee_id: int, *, year: int) -> dict[str, Any]:
    """The year's members: the duty-score distribution, per-capita scores by sector and participating
    unit, the duty checklist's completion, and attendance at meetings."""
    return {
        "year": year,
        "scores": duties_queries.score_distribution(committee_id, year),
        "averages": {
            dimension: duties_queries.averages(committee_id, year, dimension) for dimension in MEMBER_AVERAGES
        },
        "checklist": duties_queries.checklist_summary(committee_id, year),
        "attendance": meetings_queries.attendance_statistics(committee_id, year),
    }


def _year_figures(committee_id: int, year: int) -> dict[str, Any]:
    # Totals only: the comparison shows no breakdowns, and skipping them halves its time.
    proposals = proposals_queries.statistics(committee_id=committee_id, year=year, breakdowns=False)["totals"]
    opinions = opinions_queries.statistics(committee_id=committee_id, year=year, with_rankings=False)
    scores = duties_queries.score_distribution(committee_id, year)
    attendance = meetings_queries.attendance_statistics(committee_id, year)["totals"]
    return {
        "proposals_received": proposals["received"],
        "proposals_filed": proposals["filed"],
        "proposals_replied": proposals["replied"],
        "proposals_closed": proposals["closed"],
        "reply_rate": proposals["reply_rate"],
        "on_time_rate": proposals["on_time_rate"],
        "attitude_satisfaction_rate": proposals["attitude_satisfaction_rate"],
        "result_satisfaction_rate": proposals["result_satisfaction_rate"],
        "opinions_received": opinions["totals"]["received"],
        "opinions_edited": opinions["totals"]["edited"],
        "opinions_adopted_upstream": opinions["totals"]["adopted_upstream"],
        "opinions_instructed": opinions["totals"]["instructed"],
        "meetings_held": attendance["meetings"],
        "attendance_rate": attendance["attendance_rate"],
        "members_scored": scores["members"],
        "average_score": scores["average"],
    }


def _change(previous: Any, current: Any) -> Any:
    if previous is None or current is None:
        return None
    change = current - previous
    return round(change, 1) if isinstance(change, float) else change


def year_comparison(committee_id: int, *, year: int) -> dict[str, Any]:
    """The year beside the year before, indicator by indicator, with the change (this − last; None
    when either side has no figure)."""
    this, last = _year_figures(committee_id, year), _year_figures(committee_id, year - 1)
    return {
        "year": year,
        "previous_year": year - 1,
        "rows": [
            {
                "indicator": key,
                "previous": last[key],
                "current": this[key],
                "change": _change(last[key], this[key]),
            }
            for key in this
        ],
    }
