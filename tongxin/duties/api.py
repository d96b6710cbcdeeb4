"""API: the duty record, score rules, checklists and assessments.

Mounted as: `/api/v1/members/{id}/duties?year=` (a second router on the members prefix; its only
path is `/{id}/duties`, so it never overlaps the members app's routes), `/api/v1/score-rules`,
`/api/v1/checklists`, `/api/v1/assessments` and `/api/v1/duties` (manual entries, queries, reports).
Errors: 403 not yours to do, 404 unknown or invisible, 409 `invalid_transition` / `blocked` /
`window_closed`, 422 with `fields`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from tongxin.core.errors import Forbidden, Invalid, NotFound
from tongxin.core.pagination import keyset_page, parse_after, parse_limit

from . import access, queries, services
from .models import AssessmentCycle, DutyClaim, DutyEvent, DutyReport, EntryQuery, MemberScore
from .presets import CHECKLIST_PRESETS, PRESETS
from .schemas import (
    AnswerIn,
    AssessmentPageOut,
    AverageOut,
    ChecklistOut,
    ClaimIn,
    ClaimOut,
    ClaimPageOut,
    CycleOut,
    ErrorOut,
    NoteIn,
    OpenIn,
    PresetIn,
    PresetOut,
    QueryIn,
    QueryOut,
    RecordOut,
    ReportIn,
    ReportOut,
    RuleSetOut,
)
from .workflow import CLAIM_TRANSITIONS, TRANSITIONS, ClaimState

members_router = Router()
score_rules_router = Router()
checklists_router = Router()
assessments_router = Router()
router = Router()
ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _year(year: int | None) -> int:
    year = year or timezone.localdate().year
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise Invalid("年度有误。", {"year": ["年度须在 2000 到 2100 之间。"]})
    return year


def _event_out(e: DutyEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "role": e.role,
        "attributes": e.attributes,
        "occurred_on": e.occurred_on,
        "title": e.title,
        "source": e.source,
        "source_url": e.source_url,
        "voided": e.voided_at is not None,
    }


def _checklist_rows(rows: list[queries.ChecklistRow]) -> list[dict[str, Any]]:
    return [
        {
            "code": r.item.code,
            "label": r.item.label,
            "threshold": r.item.threshold,
            "done": r.done,
            "met": r.met,
        }
        for r in rows
    ]


@members_router.get(
    "/{int:membership_id}/duties", response={200: RecordOut, **ERRORS}, summary="委员履职档案"
)
def member_duties(request: HttpRequest, membership_id: int, year: int | None = None) -> dict[str, Any]:
    """A member's duty events of the year, the score with every line traced to its event, and the
    checklist progress (the member themself, office staff and leaders of the committee)."""
    membership = access.get_membership_for_record(request.user, membership_id)
    y = _year(year)
    return {
        "membership_id": membership.pk,
        "name": membership.person.name,
        "year": y,
        "events": [_event_out(e) for e in queries.record_events(membership, y)],
        "score": queries.explanation(membership, y),
        "checklist": _checklist_rows(queries.checklist_progress(membership, y)),
    }


def _require_reader(user: Any) -> None:
    if not (access.can_view_committee_records(user) or getattr(user, "person_id", None)):
        raise Forbidden("管理员不查看履职业务数据。")


@score_rules_router.get("", response={200: RuleSetOut, **ERRORS}, summary="年度考核计分规则")
def get_score_rules(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """The committee's rules for the year (the default preset until the office chooses one)."""
    _require_reader(request.user)
    rs = services.rule_set_for(request.user.committee_id, _year(year))  # type: ignore[union-attr]
    return {
        "id": rs.pk,
        "year": rs.year,
        "name": rs.name,
        "preset": rs.preset,
        "base_score": rs.base_score,
        "min_score": rs.min_score,
        "max_score": rs.max_score,
        "groups": rs.groups,
        "rules": list(rs.rules.all()),
        "bands": list(rs.bands.all()),
    }


@score_rules_router.get("/presets", response={200: list[PresetOut], **ERRORS}, summary="计分规则预设")
def list_score_presets(request: HttpRequest) -> list[dict[str, Any]]:
    """The presets: 桐城, 济南, 闵行, 合肥 (domain.md §4.2) and the default."""
    _require_reader(request.user)
    return [{"code": code, "name": str(p.name), "source": p.source} for code, p in PRESETS.items()]


@score_rules_router.post("/preset", response={200: RuleSetOut, **ERRORS}, summary="采用计分规则预设")
def apply_score_preset(request: HttpRequest, payload: PresetIn) -> dict[str, Any]:
    """Member affairs replaces the year's rules by a preset; every score of the year is rebuilt (audited)."""
    services.score_rules_apply_preset(actor=request.user, year=payload.year, preset=payload.preset)
    return get_score_rules(request, payload.year)


@checklists_router.get("", response={200: ChecklistOut, **ERRORS}, summary="年度履职要求")
def get_checklist(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """The year's checklist; staff get how many members met each line, a member their own progress."""
    _require_reader(request.user)
    user: Any = request.user
    y = _year(year)
    items = services.checklist_for(user.committee_id, y)
    own = access.own_membership(user)
    return {
        "year": y,
        "items": items,
        "summary": queries.checklist_summary(user.committee_id, y)
        if access.can_view_committee_records(user)
        else None,
        "mine": _checklist_rows(queries.checklist_progress(own, y)) if own else None,
    }


@checklists_router.get("/presets", response={200: list[PresetOut], **ERRORS}, summary="年度履职要求预设")
def list_checklist_presets(request: HttpRequest) -> list[dict[str, Any]]:
    """六个一 (default), 三个一 (济南), 五个一 (通山)."""
    _require_reader(request.user)
    return [{"code": code, "name": str(name)} for code, (name, _items) in CHECKLIST_PRESETS.items()]


@checklists_router.post("/preset", response={200: ChecklistOut, **ERRORS}, summary="采用年度履职要求预设")
def apply_checklist_preset(request: HttpRequest, payload: PresetIn) -> dict[str, Any]:
    """Member affairs replaces the year's checklist by a preset."""
    services.checklist_apply_preset(actor=request.user, year=payload.year, preset=payload.preset)
    return get_checklist(request, payload.year)


def _cycle_out(user: Any, cycle: AssessmentCycle | None) -> dict[str, Any] | None:
    if cycle is None:
        return None
    return {
        "year": cycle.year,
        "state": cycle.state,
        "state_label": cycle.get_state_display(),
        "actions": [
            n
            for n, t in TRANSITIONS.items()
            if cycle.state in t.sources and access.can_manage_assessment(user, cycle)
        ],
    }


def _line(e: Any) -> dict[str, Any]:
    return {
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


def _require_committee_reader(user: Any) -> None:
    if not access.can_view_committee_records(user):
        raise Forbidden("只有机关工作人员和领导可以查看全会考核结果。")


@assessments_router.get("", response={200: AssessmentPageOut, **ERRORS}, summary="年度履职考核")
def list_assessments(
    request: HttpRequest, year: int | None = None, after: int | None = None, limit: int | None = None
) -> dict[str, Any]:
    """The cycle and each member's score with its itemised explanation, by keyset pages (membership id)."""
    user: Any = request.user
    _require_committee_reader(user)
    y = _year(year)
    qs = (
        MemberScore.objects.filter(committee_id=user.committee_id, year=y)
        .select_related(
            "membership__person",
            "membership__sector",
            "membership__participating_unit",
            "membership__activity_group",
        )
        .prefetch_related("entries__event", "entries__rule")
    )
    page = keyset_page(qs, after=parse_after(after), limit=parse_limit(limit))
    items = [
        {
            "membership_id": s.membership_id,
            "name": s.membership.person.name,
            "sector": s.membership.sector.name,
            "participating_unit": str(s.membership.participating_unit or ""),
            "activity_group": s.membership.activity_group.name if s.membership.activity_group else "",
            "total": s.total,
            "grade": s.grade,
            "consequence": s.consequence,
            "lines": [_line(e) for e in s.entries.all()],
        }
        for s in page.items
    ]
    return {
        "cycle": _cycle_out(user, queries.cycle_for(user.committee_id, y)),
        "items": items,
        "next_after": page.next_after,
    }


@assessments_router.get("/rankings", response={200: list[AverageOut], **ERRORS}, summary="履职得分排名与人均")
def rankings(request: HttpRequest, year: int | None = None, by: str = "member") -> list[dict[str, Any]]:
    """`by=member` ranks members; `activity_group`, `sector`, `participating_unit`, `special_committee` give
    per-capita averages, best first."""
    user: Any = request.user
    _require_committee_reader(user)
    y = _year(year)
    if by == "member":
        return [
            {"id": s.membership_id, "name": s.membership.person.name, "members": 1, "average": s.total}
            for s in queries.scores_for(user.committee_id, y)[:500]
        ]
    if by not in queries.RANKING_DIMENSIONS:
        raise Invalid(
            "排名维度有误。",
            {"by": ["可选：member、activity_group、sector、participating_unit、special_committee。"]},
        )
    return queries.averages(user.committee_id, y, by)


@assessments_router.post("", response={201: CycleOut, **ERRORS}, summary="开启年度考核")
def open_assessment(request: HttpRequest, payload: OpenIn) -> Status[dict[str, Any] | None]:
    """Member affairs opens the year: rules and checklist are set (defaults if none chosen)."""
    cycle = services.assessment_open(actor=request.user, year=payload.year)
    return Status(201, _cycle_out(request.user, cycle))


@assessments_router.post(
    "/{int:year}/recompute", response={200: dict[str, int], **ERRORS}, summary="全部重算"
)
def recompute(request: HttpRequest, year: int) -> dict[str, int]:
    """Rebuild every member's score of the year (member affairs; refused once graded)."""
    if not access.can_manage_assessment(request.user):
        raise Forbidden("只有委员工作人员可以重算得分。")
    user: Any = request.user
    return {"members": services.score_recompute_committee(committee_id=user.committee_id, year=_year(year))}


@assessments_router.post(
    "/{int:year}/actions/{action}", response={200: CycleOut, **ERRORS}, summary="考核流程操作"
)
def assessment_action(request: HttpRequest, year: int, action: str, payload: NoteIn) -> dict[str, Any] | None:
    """start / lock / open_review / open_reports / grade / flag_consequences / archive (§10.9)."""
    user: Any = request.user
    cycle = queries.cycle_for(user.committee_id, _year(year))
    if cycle is None:
        raise NotFound("该年度考核尚未开启。")
    if action not in TRANSITIONS:
        raise NotFound("没有这个操作。", code="unknown_action")
    return _cycle_out(
        user, services.assessment_transition(actor=user, cycle=cycle, name=action, note=payload.note)
    )


def _claim_out(c: DutyClaim) -> dict[str, Any]:
    return {
        "id": c.pk,
        "membership_id": c.membership_id,
        "name": c.membership.person.name,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "occurred_on": c.occurred_on,
        "title": c.title,
        "description": c.description,
        "level": c.level,
        "state": c.state,
        "state_label": c.get_state_display(),
        "decision_note": c.decision_note,
        "has_evidence": bool(c.evidence),
    }


@router.get("/claims", response={200: ClaimPageOut, **ERRORS}, summary="履职补录列表")
def list_claims(
    request: HttpRequest, state: str | None = None, after: int | None = None, limit: int | None = None
) -> dict[str, Any]:
    """Staff see their committee's manual entries; a member their own."""
    user: Any = request.user
    qs = DutyClaim.objects.select_related("membership__person")
    if access.can_view_committee_records(user):
        qs = qs.filter(membership__term__committee_id=user.committee_id)
    elif getattr(user, "person_id", None):
        qs = qs.filter(membership__person_id=user.person_id)
    else:
        raise Forbidden("管理员不查看履职业务数据。")
    if state:
        if state not in ClaimState.values:
            raise Invalid("状态有误。", {"state": ["状态有误。"]})
        qs = qs.filter(state=state)
    page = keyset_page(qs, after=parse_after(after), limit=parse_limit(limit))
    return {"items": [_claim_out(c) for c in page.items], "next_after": page.next_after}


@router.post("/claims", response={201: ClaimOut, **ERRORS}, summary="补录履职情况")
def create_claim(request: HttpRequest, payload: ClaimIn) -> Status[dict[str, Any]]:
    """A member enters a duty done off the platform for approval (evidence is uploaded on the page)."""
    membership = access.own_membership(request.user)
    if membership is None:
        raise Forbidden("只有委员可以补录履职情况。")
    claim = services.claim_create(actor=request.user, membership=membership, **payload.model_dump())
    return Status(201, _claim_out(claim))


def _claim_for(user: Any, pk: int) -> DutyClaim:
    claim = (
        DutyClaim.objects.select_related("membership__person", "membership__term__committee")
        .filter(pk=pk)
        .first()
    )
    if claim is None or not access.can_view_claim(user, claim):
        raise NotFound("补录不存在。")
    return claim


@router.post(
    "/claims/{int:claim_id}/actions/{action}",
    response={200: ClaimOut, **ERRORS},
    summary="认定、不予认定或撤回补录",
)
def claim_action(request: HttpRequest, claim_id: int, action: str, payload: NoteIn) -> dict[str, Any]:
    """approve (records the duty event) / reject (give `note`) by member affairs; withdraw by the member."""
    claim = _claim_for(request.user, claim_id)
    if action not in CLAIM_TRANSITIONS:
        raise NotFound("没有这个操作。", code="unknown_action")
    return _claim_out(
        services.claim_transition(actor=request.user, claim=claim, name=action, note=payload.note)
    )


@router.post("/queries", response={201: QueryOut, **ERRORS}, summary="对履职档案提出异议")
def create_query(request: HttpRequest, payload: QueryIn) -> Status[EntryQuery]:
    """A member queries an entry of their own record during the review window."""
    membership = access.own_membership(request.user)
    if membership is None:
        raise Forbidden("只有委员可以提出异议。")
    event = None
    if payload.event_id is not None:
        event = DutyEvent.objects.filter(pk=payload.event_id, membership=membership).first()
        if event is None:
            raise Invalid("记录不存在。", {"event_id": ["记录不属于本人。"]})
    return Status(
        201,
        services.entry_query_create(
            actor=request.user, membership=membership, year=payload.year, message=payload.message, event=event
        ),
    )


@router.post("/queries/{int:query_id}/answer", response={200: QueryOut, **ERRORS}, summary="答复档案异议")
def answer_query(request: HttpRequest, query_id: int, payload: AnswerIn) -> EntryQuery:
    """Member affairs answers; `void_event` voids the queried entry and the score follows."""
    q = EntryQuery.objects.select_related("membership__term", "event").filter(pk=query_id).first()
    if q is None or not access.can_view_record(request.user, q.membership):
        raise NotFound("异议不存在。")
    return services.entry_query_answer(
        actor=request.user, query=q, reply=payload.reply, void_event=payload.void_event
    )


@router.put("/reports", response={200: ReportOut, **ERRORS}, summary="填写年度履职报告")
def save_report(request: HttpRequest, payload: ReportIn) -> DutyReport:
    """The member writes (and with `submit` hands in) their duty report during the report window."""
    membership = access.own_membership(request.user)
    if membership is None:
        raise Forbidden("只有委员可以填写履职报告。")
    return services.duty_report_save(
        actor=request.user, membership=membership, year=payload.year, body=payload.body, submit=payload.submit
    )
