"""Reads of the duty record: a member's year, the itemised score, checklist progress, rankings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, QuerySet
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils.translation import gettext as _

from tongxin.core.roles import Role
from tongxin.core.todos import Todo
from tongxin.members.models import Membership

from . import access, scoring, services
from .models import AssessmentCycle, ChecklistItem, DutyClaim, DutyEvent, MemberScore, ScoreEntry
from .workflow import ClaimState


def record_events(membership: Membership, year: int) -> QuerySet[DutyEvent]:
    """The member's duty events of the year (voided ones included, marked), oldest first."""
    return DutyEvent.objects.filter(membership=membership, year=year).order_by("occurred_on", "id")


def member_score(membership: Membership, year: int) -> MemberScore | None:
    """The member's score row for the year, built on first look if the events exist but it does not."""
    score = MemberScore.objects.filter(membership=membership, year=year).select_related("rule_set").first()
    if score is None:
        score = services.score_recompute_member(membership_id=membership.pk, year=year)
    return score


def score_lines(score: MemberScore | None) -> list[ScoreEntry]:
    """Every line of a score with the event and rule that earned it."""
    if score is None:
        return []
    return list(
        score.entries.select_related("event", "rule").order_by("event__occurred_on", "event_id", "id")
    )


def explanation(membership: Membership, year: int) -> dict[str, Any]:
    """The score and its itemised explanation: base, each line (event → rule → points), group totals."""
    score = member_score(membership, year)
    lines = score_lines(score)
    groups = (score.rule_set.groups if score else {}) or {}
    return {
        "membership_id": membership.pk,
        "name": membership.person.name,
        "year": year,
        "total": score.total if score else Decimal(0),
        "base": score.rule_set.base_score if score else Decimal(0),
        "grade": score.grade if score else "",
        "consequence": score.consequence if score else "",
        "consequence_label": score.get_consequence_display() if score and score.consequence else "",
        "rule_set": score.rule_set.name if score else "",
        "groups": [
            {
                "code": code,
                "label": (groups.get(code) or {}).get("label", code),
                "cap": (groups.get(code) or {}).get("cap"),
                "total": Decimal(value),
            }
            for code, value in (score.group_totals.items() if score else [])
        ],
        "lines": [
            {
                "event_id": e.event_id,
                "event_title": e.event.title,
                "event_kind": e.event.kind,
                "occurred_on": e.event.occurred_on,
                "source_url": e.event.source_url,
                "rule_id": e.rule_id,
                "rule": e.rule.label,
                "group": e.rule.group,
                "points": e.points,
                "counted": e.counted,
            }
            for e in lines
        ],
    }


@dataclass
class ChecklistRow:
    item: ChecklistItem
    done: int

    @property
    def met(self) -> bool:
        return self.done >= self.item.threshold


def _item_matches(item: ChecklistItem, kind: str, attributes: dict[str, Any]) -> bool:
    if kind not in item.kinds:
        return False
    return all(scoring._condition_holds(attributes, k, v) for k, v in (item.conditions or {}).items())


def checklist_progress(membership: Membership, year: int) -> list[ChecklistRow]:
    """The member's progress against the year's duty checklist (rule 53)."""
    items = services.checklist_for(membership.term.committee_id, year)
    kinds = {k for item in items for k in item.kinds}
    rows = DutyEvent.objects.filter(
        membership=membership, year=year, voided_at__isnull=True, kind__in=kinds
    ).values_list("kind", "attributes")
    done = {item.pk: 0 for item in items}
    for kind, attributes in rows:
        for item in items:
            if _item_matches(item, kind, attributes or {}):
                done[item.pk] += 1
    return [ChecklistRow(item, done[item.pk]) for item in items]


def checklist_summary(committee_id: int, year: int) -> list[dict[str, Any]]:
    """For staff: how many members met each checklist line, out of how many, and the share (%)."""
    items = services.checklist_for(committee_id, year)
    kinds = {k for item in items for k in item.kinds}
    members = services.memberships_in_year(committee_id, year).filter(status="active")
    total = members.count()
    counts: dict[int, dict[int, int]] = {item.pk: defaultdict(int) for item in items}
    rows = DutyEvent.objects.filter(
        committee_id=committee_id, year=year, voided_at__isnull=True, kind__in=kinds, membership__in=members
    ).values_list("membership_id", "kind", "attributes")
    for membership_id, kind, attributes in rows.iterator(chunk_size=5000):
        for item in items:
            if _item_matches(item, kind, attributes or {}):
                counts[item.pk][membership_id] += 1
    summary = []
    for item in items:
        met = sum(1 for n in counts[item.pk].values() if n >= item.threshold)
        summary.append(
            {
                "code": item.code,
                "label": item.label,
                "threshold": item.threshold,
                "members_met": met,
                "members_total": total,
                "rate": round(met * 100 / total, 1) if total else None,
            }
        )
    return summary


def scores_for(committee_id: int, year: int) -> QuerySet[MemberScore]:
    """The committee-year's scores with what the ranking shows, best first."""
    return (
        MemberScore.objects.filter(committee_id=committee_id, year=year)
        .select_related(
            "membership__person",
            "membership__sector",
            "membership__participating_unit",
            "membership__activity_group",
        )
        .order_by("-total", "membership_id")
    )


RANKING_DIMENSIONS = {
    "activity_group": ("membership__activity_group_id", "membership__activity_group__name"),
    "sector": ("membership__sector_id", "membership__sector__name"),
    "participating_unit": ("membership__participating_unit_id", "membership__participating_unit__short_name"),
    "special_committee": ("membership__special_committees__id", "membership__special_committees__name"),
}


def averages(committee_id: int, year: int, dimension: str) -> list[dict[str, Any]]:
    """Per-capita scores by activity group, sector, participating unit or special committee, best first
    ("九三学社的成员履职考核人均得分最高")."""
    key, name = RANKING_DIMENSIONS[dimension]
    rows = (
        MemberScore.objects.filter(committee_id=committee_id, year=year)
        .exclude(**{f"{key}__isnull": True})
        .values(key, name)
        .annotate(members=Count("id"), average=Avg("total"))
        .order_by("-average", key)
    )
    return [
        {
            "id": r[key],
            "name": r[name],
            "members": r["members"],
            "average": Decimal(str(r["average"])).quantize(Decimal("0.01")),
        }
        for r in rows
    ]


def score_distribution(committee_id: int, year: int, width: int = 10) -> dict[str, Any]:
    """How the committee-year's scores spread: members per band of `width` points (lowest band
    first), per grade once graded, and the average, lowest and highest score."""
    scores = MemberScore.objects.filter(committee_id=committee_id, year=year)
    summary = scores.aggregate(
        members=Count("id"), average=Avg("total"), lowest=Min("total"), highest=Max("total")
    )
    bands = scores.values(low=Floor(F("total") / width) * width).annotate(members=Count("id")).order_by("low")
    grades = scores.exclude(grade="").values("grade").annotate(members=Count("id")).order_by("grade")
    average = summary["average"]
    return {
        "year": year,
        "members": summary["members"],
        "average": Decimal(str(average)).quantize(Decimal("0.01")) if average is not None else None,
        "lowest": summary["lowest"],
        "highest": summary["highest"],
        "bands": [
            {"low": int(r["low"]), "high": int(r["low"]) + width, "members": r["members"]} for r in bands
        ],
        "grades": [{"grade": r["grade"], "members": r["members"]} for r in grades],
    }


def cycle_for(committee_id: int, year: int) -> AssessmentCycle | None:
    return AssessmentCycle.objects.filter(committee_id=committee_id, year=year).first()


def claims_pending(committee_id: int) -> QuerySet[DutyClaim]:
    """Manual entries waiting for member affairs."""
    return DutyClaim.objects.filter(membership__term__committee_id=committee_id, state=ClaimState.SUBMITTED)


def todos_for(user: Any) -> list[Todo]:
    """Member affairs: manual duty entries to approve."""
    if not user.is_authenticated or not user.has_role(Role.MEMBER_AFFAIRS):
        return []
    n = claims_pending(user.committee_id).count()
    if not n:
        return []
    return [
        Todo(
            title=_("%(n)d 条履职补录待认定") % {"n": n},
            url=reverse("duties:claims") + "?state=submitted",
            kind="duties",
            count=n,
        )
    ]


def visible_membership(user: Any, pk: int) -> Membership:
    return access.get_membership_for_record(user, pk)
