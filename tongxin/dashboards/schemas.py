"""API schemas of the dashboards: the same dicts the pages and the .xlsx are made from."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema
from pydantic import Field

from tongxin.core.schemas import ErrorOut

__all__ = ["ErrorOut"]

Rate = float | None


class StageOut(Schema):
    stage: str = Field(description="received / filed / assigned / replied / closed")
    count: int


class ClassCountOut(Schema):
    result_class: str = Field(description="办理结果分类：A、B、C（四类制另有 D）")
    count: int


class ProposalTotalsOut(Schema):
    received: int
    filed: int
    filed_after_merge: int
    merged_members: int
    not_filed: int
    withdrawn: int
    converted: int
    assigned: int
    replied: int
    closed: int
    overdue: int
    key_proposals: int
    ratings: int
    reply_rate: Rate = Field(description="答复率（%）；无交办时为 null")
    on_time_rate: Rate
    attitude_satisfaction_rate: Rate
    result_satisfaction_rate: Rate


class CategoryRowOut(Schema):
    id: int
    name: str
    received: int
    filed: int
    replied: int
    reply_rate: Rate


class UnitRowOut(Schema):
    id: int
    name: str
    assigned: int
    replied: int
    overdue: int
    reply_rate: Rate
    on_time_rate: Rate
    classes: dict[str, int] = Field(description="A/B/C/D 各类答复件数")
    ratings: int
    attitude_satisfaction_rate: Rate
    result_satisfaction_rate: Rate


class KeyOut(Schema):
    received: int
    filed: int
    assigned: int
    replied: int
    closed: int
    reply_rate: Rate


class ProposalsDashboardOut(Schema):
    session_id: int | None
    year: int | None
    totals: ProposalTotalsOut
    funnel: list[StageOut]
    classes: list[ClassCountOut]
    by_category: list[CategoryRowOut]
    by_unit: list[UnitRowOut]
    key: KeyOut


class LevelCountOut(Schema):
    label: str
    count: int


class RankingRowOut(Schema):
    id: int
    name: str
    rank: int
    received: int
    edited: int
    adopted: int
    instructed: int


class RankingOut(Schema):
    label: str
    rows: list[RankingRowOut]


class OpinionsDashboardOut(Schema):
    year: int
    totals: dict[str, int]
    adopted_by_level: list[LevelCountOut]
    adopted_by_mode: list[LevelCountOut]
    instructed_by_level: list[LevelCountOut]
    rankings: dict[str, RankingOut]


class BandOut(Schema):
    low: int
    high: int = Field(description="不含")
    members: int


class GradeOut(Schema):
    grade: str
    members: int


class ScoresOut(Schema):
    year: int
    members: int
    average: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None
    bands: list[BandOut]
    grades: list[GradeOut]


class AverageRowOut(Schema):
    id: int
    name: str
    members: int
    average: Decimal


class ChecklistRowOut(Schema):
    code: str
    label: str
    threshold: int
    members_met: int
    members_total: int
    rate: Rate


class AttendanceCountsOut(Schema):
    meetings: int
    invited: int
    present: int
    excused: int
    absent: int
    late: int
    attendance_rate: Rate


class AttendanceKindOut(AttendanceCountsOut):
    kind_id: int
    kind_name: str
    category: str


class AttendanceOut(Schema):
    year: int
    totals: AttendanceCountsOut
    by_kind: list[AttendanceKindOut]


class MembersDashboardOut(Schema):
    year: int
    scores: ScoresOut
    averages: dict[str, list[AverageRowOut]]
    checklist: list[ChecklistRowOut]
    attendance: AttendanceOut


class ComparisonRowOut(Schema):
    indicator: str
    previous: int | float | Decimal | None
    current: int | float | Decimal | None
    change: int | float | Decimal | None


class ComparisonOut(Schema):
    year: int
    previous_year: int
    rows: list[ComparisonRowOut]
