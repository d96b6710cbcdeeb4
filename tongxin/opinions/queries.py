"""Reads: lists and filters, a report's page (with outcomes from every level above), its timeline,
the year's statistics with rankings, and the to-dos."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.core.todos import Todo

from . import access
from .models import (
    Adoption,
    BulletinIssue,
    Feedback,
    Instruction,
    OpinionEvent,
    OpinionReport,
)
from .workflow import QUEUE_STATES, TRANSITIONS, State

EVENT_LABELS: dict[str, Any] = {
    "created": gettext_lazy("创建草稿"),
    "updated": gettext_lazy("修改草稿"),
    "attachment_add": gettext_lazy("添加附件"),
    "received_forwarded": gettext_lazy("收到下级政协转报"),
    "upstream_adoption": gettext_lazy("上级采用情况"),
    "upstream_instruction": gettext_lazy("领导批示"),
    "upstream_feedback": gettext_lazy("部门反馈"),
    **{name: t.label for name, t in TRANSITIONS.items()},
}


def opinion_filter(user: Any, params: Mapping[str, Any]) -> QuerySet[OpinionReport]:
    """The reports `user` may read, narrowed by list filters (state, box, urgent, category, year, text)."""
    qs = access.opinions_visible_to(user)
    states = [s for s in str(params.get("state") or "").split(",") if s]
    if states:
        qs = qs.filter(state__in=[s for s in states if s in State.values] or ["-"])
    box = params.get("box") or ""
    if box == "queue":
        qs = qs.filter(state__in=QUEUE_STATES)
    elif box == "mine":
        mine: Any = Q(created_by_id=user.pk)
        if user.person_id:
            mine |= Q(authors__membership__person_id=user.person_id)
        qs = qs.filter(mine).distinct()
    elif box == "forwarded":
        qs = qs.filter(origin__isnull=False)
    if params.get("urgent") in (True, "1", "true", "on"):
        qs = qs.filter(is_urgent=True)
    category = params.get("category")
    if category:
        qs = qs.filter(category=category)
    year = params.get("year")
    if year:
        try:
            qs = qs.filter(submitted_at__year=int(year))
        except (TypeError, ValueError):
            qs = qs.none()
    text = str(params.get("text") or "").strip()[:50]
    if text:
        qs = qs.filter(
            Q(title__icontains=text) | Q(edited_title__icontains=text) | Q(situation__icontains=text)
        )
    return qs


def with_list_data(qs: QuerySet[OpinionReport]) -> QuerySet[OpinionReport]:
    """What a list row shows, in a bounded number of queries."""
    return qs.select_related("committee", "issue__bulletin_type", "origin__committee")


def urgent_queue(user: Any) -> list[OpinionReport]:
    """急事急报 waiting in the office's queue: shown above every other report (rule 40)."""
    if not access.sees_whole_committee(user):
        return []
    qs = access.opinions_visible_to(user).filter(state__in=QUEUE_STATES, is_urgent=True)
    return list(with_list_data(qs).order_by("submitted_at", "id")[:100])


def outcomes(report: OpinionReport) -> dict[str, list[Any]]:
    """Adoptions, instructions and feedback recorded on this report or on any copy above it."""
    chain = {"root_id": report.chain_root_id, "report__hop__gte": report.hop}
    related = ("report__committee", "recorded_by")
    return {
        "adoptions": list(
            Adoption.objects.filter(**chain).select_related(*related).order_by("adopted_on", "id")
        ),
        "instructions": list(
            Instruction.objects.filter(**chain).select_related(*related).order_by("instructed_on", "id")
        ),
        "feedback": list(
            Feedback.objects.filter(**chain).select_related(*related).order_by("received_on", "id")
        ),
    }


def opinion_timeline(report: OpinionReport) -> list[OpinionEvent]:
    """The report's events, oldest first, labelled; a run of autosaves shows as one entry."""
    events = list(report.events.select_related("actor").order_by("created_at", "id"))
    shown: list[OpinionEvent] = []
    for event in events:
        if (
            shown
            and event.name == "updated"
            and shown[-1].name == "updated"
            and shown[-1].actor_id == event.actor_id
        ):
            shown[-1] = event
            continue
        shown.append(event)
    for event in shown:
        event.label = EVENT_LABELS.get(event.name, event.name)  # type: ignore[attr-defined]
        event.from_state_label = State(event.from_state).label if event.from_state else ""  # type: ignore[attr-defined]
        event.to_state_label = State(event.to_state).label if event.to_state else ""  # type: ignore[attr-defined]
    return shown


def available_actions(user: Any, report: OpinionReport) -> list[str]:
    """The actions `user` may try on `report` now (the issue action `send` is taken per issue)."""
    return [
        name
        for name, t in TRANSITIONS.items()
        if name != "send"
        and report.state in t.sources
        and getattr(access, t.permission)(user, report)
        and not (name == "forward" and (report.forwarded_at or report.committee.parent_id is None))
    ]


def open_issues(committee_id: int) -> list[BulletinIssue]:
    """Issues not yet sent, to adopt reports into."""
    return list(
        BulletinIssue.objects.filter(committee_id=committee_id, sent_on__isnull=True)
        .select_related("bulletin_type")
        .order_by("-year", "bulletin_type__position", "-number")
    )


def issues_for(user: Any) -> QuerySet[BulletinIssue]:
    """The committee's issues, newest first, with their report counts."""
    if not access.can_view_bulletins(user):
        return BulletinIssue.objects.none()
    return (
        BulletinIssue.objects.filter(committee_id=user.committee_id)
        .select_related("bulletin_type")
        .annotate(report_count=Count("reports"))
    )


def issue_reports(issue: BulletinIssue) -> list[OpinionReport]:
    return list(issue.reports.select_related("committee", "origin__committee").order_by("id"))


# --- statistics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    label: Any
    id_field: str
    name_field: str
    only: Q


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "author", gettext_lazy("委员个人"), "authors__membership_id", "authors__membership__person__name", Q()
    ),
    Dimension(
        "participating_unit",
        gettext_lazy("参加单位"),
        "participating_unit_id",
        "participating_unit__name",
        Q(reporter_kind=OpinionReport.ReporterKind.PARTICIPATING_UNIT),
    ),
    Dimension(
        "special_committee",
        gettext_lazy("专门委员会"),
        "special_committee_id",
        "special_committee__name",
        Q(reporter_kind=OpinionReport.ReporterKind.SPECIAL_COMMITTEE),
    ),
    Dimension(
        "sector",
        gettext_lazy("界别"),
        "authors__membership__sector_id",
        "authors__membership__sector__name",
        Q(),
    ),
    Dimension(
        "activity_group",
        gettext_lazy("委员活动组"),
        "authors__membership__activity_group_id",
        "authors__membership__activity_group__name",
        Q(),
    ),
    Dimension(
        "informant",
        gettext_lazy("特邀信息员"),
        "created_by_id",
        "created_by__full_name",
        Q(reporter_kind=OpinionReport.ReporterKind.INFORMANT),
    ),
    Dimension(
        "lower_committee",
        gettext_lazy("下级政协"),
        "origin__committee_id",
        "origin__committee__name",
        Q(reporter_kind=OpinionReport.ReporterKind.LOWER_COMMITTEE),
    ),
)


def _upstream_adoptions(committee_id: int) -> QuerySet[Adoption]:
    """Adoptions that count for `committee_id`: recorded on its copy (except its own bulletin's) or on
    a copy above it in the chain."""
    ours = OpinionReport.objects.filter(
        committee_id=committee_id, root_id=OuterRef("root_id"), hop__lte=OuterRef("report__hop")
    )
    return Adoption.objects.filter(Exists(ours)).exclude(report__committee_id=committee_id, automatic=True)


def _relevant(model: Any, committee_id: int) -> QuerySet[Any]:
    ours = OpinionReport.objects.filter(
        committee_id=committee_id, root_id=OuterRef("root_id"), hop__lte=OuterRef("report__hop")
    )
    return model.objects.filter(Exists(ours))


def statistics(*, committee_id: int, year: int, with_rankings: bool = True) -> dict[str, Any]:
    """The year's figures for 社情民意信息采纳情况通报: received, edited (编发), adopted by level and
    mode, instructions by level, feedback, and rankings by author, unit, sector, special committee,
    activity group, invited officer and lower committee (no rankings with `with_rankings=False`)."""
    received = OpinionReport.objects.filter(committee_id=committee_id, submitted_at__year=year)
    totals = received.aggregate(
        received=Count("pk"),
        urgent=Count("pk", filter=Q(is_urgent=True)),
        from_lower=Count("pk", filter=Q(reporter_kind=OpinionReport.ReporterKind.LOWER_COMMITTEE)),
        not_adopted=Count("pk", filter=Q(state=State.NOT_ADOPTED)),
    )
    # Counted apart: joining the events would multiply the rows of the counts above.
    totals["returned"] = received.filter(events__name="return_for_revision").distinct().count()
    edited = Adoption.objects.filter(report__committee_id=committee_id, automatic=True, adopted_on__year=year)
    upstream = _upstream_adoptions(committee_id).filter(adopted_on__year=year)
    instructions = _relevant(Instruction, committee_id).filter(instructed_on__year=year)
    feedback = _relevant(Feedback, committee_id).filter(received_on__year=year)
    level_labels = dict(Adoption.Level.choices)
    mode_labels = dict(Adoption.Mode.choices)
    leader_labels = dict(Instruction.LeaderLevel.choices)
    by_level = {
        row["level"]: row["n"] for row in upstream.values("level").annotate(n=Count("root", distinct=True))
    }
    by_mode = {
        row["mode"]: row["n"] for row in upstream.values("mode").annotate(n=Count("root", distinct=True))
    }
    by_leader = {
        row["leader_level"]: row["n"]
        for row in instructions.values("leader_level").annotate(n=Count("root", distinct=True))
    }
    return {
        "year": year,
        "totals": {
            **totals,
            "edited": edited.values("report").distinct().count(),
            "issues": BulletinIssue.objects.filter(committee_id=committee_id, year=year).count(),
            "issues_sent": BulletinIssue.objects.filter(
                committee_id=committee_id, year=year, sent_on__isnull=False
            ).count(),
            "adopted_upstream": upstream.values("root").distinct().count(),
            "instructed": instructions.values("root").distinct().count(),
            "instructions": instructions.count(),
            "feedback": feedback.count(),
        },
        "adopted_by_level": [
            {"level": k, "label": str(v), "count": by_level.get(k, 0)} for k, v in level_labels.items()
        ],
        "adopted_by_mode": [
            {"mode": k, "label": str(v), "count": by_mode.get(k, 0)} for k, v in mode_labels.items()
        ],
        "instructed_by_level": [
            {"level": k, "label": str(v), "count": by_leader.get(k, 0)} for k, v in leader_labels.items()
        ],
        # Comparisons across years need the totals only; the rankings are most of the work.
        "rankings": rankings(committee_id=committee_id, year=year) if with_rankings else {},
    }


def rankings(*, committee_id: int, year: int) -> dict[str, dict[str, Any]]:
    """Per dimension: received, edited, adopted upstream and instructed reports, ranked (ties share a
    rank) by adopted upstream, then instructed, then edited, then received."""
    upstream = _upstream_adoptions(committee_id).filter(
        root_id=OuterRef("root_id"), report__hop__gte=OuterRef("hop")
    )
    instructed = Instruction.objects.filter(root_id=OuterRef("root_id"), report__hop__gte=OuterRef("hop"))
    reports = OpinionReport.objects.filter(committee_id=committee_id, submitted_at__year=year).annotate(
        has_upstream=Exists(upstream), has_instruction=Exists(instructed)
    )
    result: dict[str, dict[str, Any]] = {}
    for dim in DIMENSIONS:
        rows = (
            reports.filter(dim.only)
            .exclude(**{f"{dim.id_field}__isnull": True})
            .values(dim.id_field, dim.name_field)
            .annotate(
                received=Count("pk", distinct=True),
                edited=Count("pk", filter=Q(issue__isnull=False), distinct=True),
                adopted=Count("pk", filter=Q(has_upstream=True), distinct=True),
                instructed=Count("pk", filter=Q(has_instruction=True), distinct=True),
            )
        )
        ranked = sorted(
            (
                {
                    "id": row[dim.id_field],
                    "name": row[dim.name_field],
                    "received": row["received"],
                    "edited": row["edited"],
                    "adopted": row["adopted"],
                    "instructed": row["instructed"],
                }
                for row in rows
            ),
            key=lambda r: (-r["adopted"], -r["instructed"], -r["edited"], -r["received"], r["name"]),
        )
        previous: tuple[int, ...] | None = None
        for position, row in enumerate(ranked, start=1):
            score = (row["adopted"], row["instructed"], row["edited"], row["received"])
            row["rank"] = ranked[position - 2]["rank"] if score == previous else position
            previous = score
        result[dim.key] = {"label": str(dim.label), "rows": ranked}
    return result


# --- to-dos ----------------------------------------------------------------------------------


def todos_for(user: Any) -> list[Todo]:
    """The office's queue (急事急报 first) and returned reports or converted drafts for authors."""
    if not access.is_business_user(user):
        return []
    items: list[Todo] = []
    url = reverse("opinions:list")
    if access.is_information_office(user):
        pending = OpinionReport.objects.filter(committee_id=user.committee_id, state__in=QUEUE_STATES)
        counts = pending.aggregate(n=Count("pk"), urgent=Count("pk", filter=Q(is_urgent=True)))
        if counts["urgent"]:
            items.append(
                Todo(
                    title=_("有 %(n)d 篇急事急报的社情民意信息待处理") % {"n": counts["urgent"]},
                    url=f"{url}?box=queue&urgent=1",
                    kind="opinions",
                    count=counts["urgent"],
                    urgent=True,
                )
            )
        if counts["n"] - counts["urgent"]:
            n = counts["n"] - counts["urgent"]
            items.append(
                Todo(
                    title=_("有 %(n)d 篇社情民意信息待编辑") % {"n": n},
                    url=f"{url}?box=queue",
                    kind="opinions",
                    count=n,
                )
            )
    mine = opinion_filter(user, {"box": "mine"})
    returned = mine.filter(state=State.RETURNED).count()
    if returned:
        items.append(
            Todo(
                title=_("有 %(n)d 篇社情民意信息被退回修改") % {"n": returned},
                url=f"{url}?box=mine&state=returned",
                kind="opinions",
                count=returned,
                urgent=True,
            )
        )
    converted = mine.filter(state=State.DRAFT).exclude(source="").count()
    if converted:
        items.append(
            Todo(
                title=_("有 %(n)d 篇由提案转来的社情民意信息草稿待确认报送") % {"n": converted},
                url=f"{url}?box=mine&state=draft",
                kind="opinions",
                count=converted,
            )
        )
    return items
