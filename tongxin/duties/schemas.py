"""API schemas for the duty record, score rules, checklists and assessments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from tongxin.core.schemas import ErrorOut

__all__ = ["ErrorOut"]


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    role: str
    attributes: dict[str, Any]
    occurred_on: dt.date
    title: str
    source: str
    source_url: str
    voided: bool


class LineOut(Schema):
    event_id: int
    event_title: str
    event_kind: str
    occurred_on: dt.date
    source_url: str
    rule_id: int
    rule: str
    group: str
    points: Decimal
    counted: Decimal


class GroupOut(Schema):
    code: str
    label: str
    cap: float | None
    total: Decimal


class ExplanationOut(Schema):
    membership_id: int
    name: str
    year: int
    total: Decimal
    base: Decimal
    grade: str
    consequence: str
    consequence_label: str
    rule_set: str
    groups: list[GroupOut]
    lines: list[LineOut]


class ChecklistRowOut(Schema):
    code: str
    label: str
    threshold: int
    done: int
    met: bool


class RecordOut(Schema):
    membership_id: int
    name: str
    year: int
    events: list[EventOut]
    score: ExplanationOut
    checklist: list[ChecklistRowOut]


class RuleOut(Schema):
    id: int
    position: int
    group: str
    label: str
    kind: str
    roles: list[str]
    conditions: dict[str, Any]
    member_conditions: dict[str, Any]
    points: Decimal
    multiply_by: str
    split: str
    once: bool
    skip_first: int


class BandOut(Schema):
    min_score: Decimal | None
    label: str
    consequence: str


class RuleSetOut(Schema):
    id: int
    year: int
    name: str
    preset: str
    base_score: Decimal
    min_score: Decimal | None
    max_score: Decimal | None
    groups: dict[str, Any]
    rules: list[RuleOut]
    bands: list[BandOut]


class PresetIn(Schema):
    year: int = Field(..., description="年度")
    preset: str = Field(..., description="预设代码")


class PresetOut(Schema):
    code: str
    name: str
    source: str = ""


class ChecklistItemOut(Schema):
    code: str
    label: str
    kinds: list[str]
    conditions: dict[str, Any]
    threshold: int
    preset: str


class ChecklistSummaryOut(Schema):
    code: str
    label: str
    threshold: int
    members_met: int
    members_total: int


class ChecklistOut(Schema):
    year: int
    items: list[ChecklistItemOut]
    summary: list[ChecklistSummaryOut] | None = None
    mine: list[ChecklistRowOut] | None = None


class CycleOut(Schema):
    year: int
    state: str
    state_label: str
    actions: list[str]


class AssessmentRowOut(Schema):
    membership_id: int
    name: str
    sector: str
    participating_unit: str
    activity_group: str
    total: Decimal
    grade: str
    consequence: str
    lines: list[LineOut]


class AssessmentPageOut(Schema):
    cycle: CycleOut | None
    items: list[AssessmentRowOut]
    next_after: int | None


class AverageOut(Schema):
    id: int
    name: str
    members: int
    average: Decimal


class OpenIn(Schema):
    year: int


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class ClaimIn(Schema):
    kind: str = Field(
        ...,
        description="contact_masses / practical_deed / commendation / group_report / research_report / other",
    )
    occurred_on: dt.date
    title: str = Field(..., max_length=200)
    description: str = Field("", max_length=2000)
    level: str = Field("", description="表彰级别：national / provincial / prefecture / county")


class ClaimOut(Schema):
    id: int
    membership_id: int
    name: str
    kind: str
    kind_label: str
    occurred_on: dt.date
    title: str
    description: str
    level: str
    state: str
    state_label: str
    decision_note: str
    has_evidence: bool


class ClaimPageOut(Schema):
    items: list[ClaimOut]
    next_after: int | None


class QueryIn(Schema):
    year: int
    message: str = Field(..., max_length=1000)
    event_id: int | None = None


class QueryOut(Schema):
    id: int
    membership_id: int
    year: int
    event_id: int | None
    message: str
    state: str
    reply: str


class AnswerIn(Schema):
    reply: str = Field(..., max_length=1000)
    void_event: bool = False


class ReportIn(Schema):
    year: int
    body: str = Field(..., max_length=20000)
    submit: bool = False


class ReportOut(Schema):
    membership_id: int
    year: int
    body: str
    submitted_at: dt.datetime | None
