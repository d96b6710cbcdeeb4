"""API schemas for meetings: what comes in, what goes out."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from tongxin.core.schemas import ErrorOut

__all__ = ["ErrorOut"]


class KindOut(Schema):
    code: str
    name: str
    category: str
    numbered: bool
    leave_approver: str
    duty_kind: str


class KindIn(Schema):
    name: str | None = Field(None, max_length=30)
    category: str | None = Field(None, description="plenary / standing / other")
    numbered: bool | None = None
    leave_approver: str | None = Field(
        None, description="chair_or_sg（主席或秘书长）/ organiser_head（组织方负责人）"
    )
    duty_kind: str | None = Field(None, description="meeting_attended / research")
    is_active: bool | None = None


class SittingOut(Schema):
    id: int
    number: int
    title: str
    starts_at: dt.datetime


class DocumentOut(Schema):
    id: int
    title: str
    url: str


class MyAttendanceOut(Schema):
    id: int
    state: str
    state_label: str
    leave_reason: str
    signed_in_sittings: list[int]
    actions: list[str]


class MeetingSummaryOut(Schema):
    id: int
    title: str
    kind: str
    kind_name: str
    number: int | None
    numbered_name: str
    state: str
    state_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str


class MeetingOut(MeetingSummaryOut):
    notice: str
    minutes: str
    outcomes: str
    offsite: bool
    special_committee_id: int | None
    organiser_head_id: int | None
    sittings: list[SittingOut]
    documents: list[DocumentOut]
    my_attendance: MyAttendanceOut | None
    actions: list[str]


class MeetingPageOut(Schema):
    items: list[MeetingSummaryOut]
    next_after: int | None


class MeetingCreateIn(Schema):
    kind_code: str = Field(..., description="会议类别代码，见 GET /meetings/kinds")
    title: str = Field("", max_length=120, description="留空则按届次自动命名")
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = Field("", max_length=100)
    notice: str = Field("", max_length=10000)
    sittings: int = Field(1, description="场次（半天）数，1–20")
    number: int | None = Field(None, description="届内次数；留空则自动编号")
    special_committee_id: int | None = None
    organiser_head_id: int | None = Field(None, description="组织方负责人账号（审批该会请假）")
    offsite: bool = False


class AttendanceOut(Schema):
    id: int
    membership_id: int
    name: str
    sector: str
    state: str
    state_label: str
    leave_reason: str
    late: bool
    left_early: bool
    finalized: bool
    sittings: list[int]


class AttendancePageOut(Schema):
    items: list[AttendanceOut]
    next_after: int | None


class InviteIn(Schema):
    by: str = Field(..., description="everyone / role / activity_group / sector / special_committee")
    ids: list[int] = Field(default_factory=list, description="活动组、界别或专委会编号")
    role: str = Field("", description="by=role 时：standing（常委）或 leadership（主席会议成员）")


class InviteOut(Schema):
    added: int


class ActionIn(Schema):
    """One body for every action; each action reads the fields it needs."""

    note: str = Field("", max_length=500, description="说明（结束、取消会议时）")
    reason: str = Field("", max_length=300, description="request_leave：请假事由")
    attendance_id: int | None = Field(None, description="decide_leave / mark_attendance：出席记录编号")
    approve: bool | None = Field(None, description="decide_leave：是否批准")
    sitting_id: int | None = Field(None, description="sign_in：场次编号")
    token: str = Field("", max_length=300, description="sign_in：二维码中的令牌")
    code: str = Field("", max_length=6, description="sign_in：六位签到码")
    present: bool = Field(True, description="mark_attendance：出席或缺席")
    sitting_ids: list[int] = Field(
        default_factory=list, description="mark_attendance：出席的场次（空为全部）"
    )
    late: bool = False
    left_early: bool = False
    membership_id: int | None = Field(None, description="record_speech：发言委员")
    mode: str = Field("", description="record_speech：plenary（大会发言）/ written（书面）/ oral（口头）")
    title: str = Field("", max_length=200)
    summary: str = Field("", max_length=5000)
    minutes: str = Field("", max_length=50000, description="record_minutes：纪要")
    outcomes: str = Field("", max_length=20000, description="record_minutes：成果")


class SignInCodeOut(Schema):
    sitting_id: int
    token: str
    url: str
    code: str
    valid_seconds: int


class SettingsOut(Schema):
    attendance_numerator: int
    attendance_denominator: int
    plenary_absence_flag: int
    standing_absence_flag: int
    sign_in_minutes: int
    secretariat_records_leave: bool


class SettingsIn(Schema):
    attendance_numerator: int | None = Field(None, ge=1, le=10)
    attendance_denominator: int | None = Field(None, ge=1, le=10)
    plenary_absence_flag: int | None = Field(None, ge=1, le=50)
    standing_absence_flag: int | None = Field(None, ge=1, le=50)
    sign_in_minutes: int | None = Field(None, ge=1, le=60)
    secretariat_records_leave: bool | None = None


class AbsenceOut(Schema):
    membership_id: int
    name: str
    is_standing: bool
    plenary: int
    standing: int
    flagged: bool
