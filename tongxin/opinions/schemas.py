"""API schemas: the input of every action (validated again by the service for every caller) and the
shapes the API answers with."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

NOTE = Field("", max_length=1000, description="说明（可选）")
TEXT = 20000


class OpinionCreateIn(Schema):
    idempotency_key: str = Field(
        "", max_length=64, description="客户端生成的唯一键；网络重试时重复提交同一键只会得到第一次创建的草稿"
    )
    title: str = Field("", max_length=120, description="标题：一事一报")
    situation: str = Field("", max_length=TEXT, description="情况")
    analysis: str = Field("", max_length=TEXT, description="分析")
    suggestions: str = Field("", max_length=TEXT, description="建议")
    category: str = Field("other", description="economy / politics / culture / society / ecology / other")
    is_urgent: bool = Field(False, description="急事急报：排在信息科待办的最前面")
    reporter_kind: str = Field(
        "",
        description="报送主体：member / participating_unit / special_committee / sector / activity_group / "
        "informant；省略时委员为 member、特邀信息员为 informant",
    )
    body_id: int | None = Field(None, description="以单位名义报送时：参加单位、专委会、界别或活动组的编号")
    reporter_name: str = Field("", max_length=60, description="反映人（省略时取委员姓名或单位名称）")
    reporter_unit: str | None = Field(None, max_length=100, description="反映人单位（省略时取委员工作单位）")
    author_person_ids: list[int] = Field(
        default_factory=list, max_length=20, description="共同反映人（本届委员的人员编号）；信息科代录时必填"
    )


class OpinionUpdateIn(Schema):
    """Only the fields sent are changed (autosave sends what changed)."""

    title: str | None = Field(None, max_length=120)
    situation: str | None = Field(None, max_length=TEXT)
    analysis: str | None = Field(None, max_length=TEXT)
    suggestions: str | None = Field(None, max_length=TEXT)
    category: str | None = None
    is_urgent: bool | None = None
    reporter_unit: str | None = Field(None, max_length=100)


class NoteIn(Schema):
    """Optional note."""

    note: str = NOTE


class EmptyIn(Schema):
    """No input: the service checks the three parts and the length limit."""


class ReturnIn(Schema):
    """The reason and what to revise (required)."""

    note: str = Field(..., max_length=1000, description="退回原因及修改意见")


class EditIn(Schema):
    """The office's edited text, kept beside the original; send the parts that change."""

    edited_title: str | None = Field(None, max_length=120)
    edited_situation: str | None = Field(None, max_length=TEXT)
    edited_analysis: str | None = Field(None, max_length=TEXT)
    edited_suggestions: str | None = Field(None, max_length=TEXT)
    note: str = NOTE


class AdoptIn(Schema):
    """Give `issue_id` (an unsent issue) or `bulletin_type_id` (number a new issue now)."""

    issue_id: int | None = None
    bulletin_type_id: int | None = None
    mode: Literal["standalone", "combined"] = Field(description="单篇 / 综合")


class DeclineIn(Schema):
    """The reason; archived, or passed to a department for reference."""

    reason: str = Field(..., max_length=200)
    disposition: Literal["archive", "refer"] = "archive"
    referred_to: str = Field("", max_length=100, description="转送部门（disposition=refer 时必填）")


class RecordAdoptionIn(Schema):
    """An adoption by a higher body: level, mode (单篇采用 / 综合采用 / 转送), outlet, issue, date."""

    level: str = Field(description="county / city / province / national / party_committee / government")
    mode: str = Field(description="standalone / combined / forwarded")
    outlet: str = Field("", max_length=60)
    issue_no: str = Field("", max_length=40)
    adopted_on: dt.date
    note: str = NOTE


class RecordInstructionIn(Schema):
    """A leader's instruction (批示): the leader's level and role, date and text."""

    leader_level: str = Field(description="county / city / province / central")
    leader_role: str = Field(description="principal / other")
    leader_name: str = Field("", max_length=60)
    instructed_on: dt.date
    text: str = Field(..., max_length=5000)
    note: str = NOTE


class RecordFeedbackIn(Schema):
    """A department's feedback on what it did."""

    department: str = Field(..., max_length=100)
    received_on: dt.date
    content: str = Field(..., max_length=5000)
    note: str = NOTE


ACTION_PAYLOADS: dict[str, type[Schema]] = {
    "submit": EmptyIn,
    "withdraw": NoteIn,
    "return_for_revision": ReturnIn,
    "edit": EditIn,
    "adopt": AdoptIn,
    "decline": DeclineIn,
    "forward": NoteIn,
    "record_adoption": RecordAdoptionIn,
    "record_instruction": RecordInstructionIn,
    "record_feedback": RecordFeedbackIn,
    "close": NoteIn,
}


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class AdoptionOut(Schema):
    committee: str
    level: str
    mode: str
    outlet: str
    issue_no: str
    adopted_on: dt.date
    automatic: bool


class InstructionOut(Schema):
    committee: str
    leader_level: str
    leader_role: str
    leader_name: str
    instructed_on: dt.date
    text: str


class FeedbackOut(Schema):
    committee: str
    department: str
    received_on: dt.date
    content: str


class OpinionSummaryOut(Schema):
    id: int
    title: str
    state: str
    state_label: str
    is_urgent: bool
    category: str
    reporter_kind: str
    reporter_name: str
    submitted_at: dt.datetime | None
    origin_committee: str | None
    issue: str | None


class OpinionOut(OpinionSummaryOut):
    committee_id: int
    reporter_unit: str
    original: dict[str, str] = Field(description="作者原稿：title / situation / analysis / suggestions")
    edited: dict[str, str] | None = Field(description="信息科编辑稿；未编辑时为 null")
    length: int
    max_chars: int
    authors: list[str]
    source: str
    hop: int
    forwarded_at: dt.datetime | None
    decline_reason: str
    referred_to: str
    attachments: list[dict[str, Any]]
    adoptions: list[AdoptionOut]
    instructions: list[InstructionOut]
    feedback: list[FeedbackOut]
    actions: list[str] = Field(description="调用者当前可以尝试的操作")


class OpinionPageOut(Schema):
    items: list[OpinionSummaryOut]
    next_after: int | None


class EventOut(Schema):
    id: int
    name: str
    from_state: str
    to_state: str
    note: str
    actor: str | None
    data: dict[str, Any]
    created_at: dt.datetime


class EventPageOut(Schema):
    items: list[EventOut]
    next_after: int | None


class SettingsOut(Schema):
    max_chars: int
    attachment_max_mb: int
    attachment_max_count: int


class SettingsIn(Schema):
    max_chars: int | None = None
    attachment_max_mb: int | None = None
    attachment_max_count: int | None = None


class BulletinTypeOut(Schema):
    id: int
    name: str


class BulletinTypeIn(Schema):
    name: str = Field(..., max_length=40)


class IssueCreateIn(Schema):
    bulletin_type_id: int
    year: int | None = None
    title: str = Field("", max_length=120)
    recipients: list[str] = Field(
        default_factory=list,
        max_length=4,
        description="party_committee / government / upper_committee / departments",
    )
    recipient_note: str = Field("", max_length=200)


class IssueSendIn(Schema):
    sent_on: dt.date | None = None
    recipients: list[str] | None = Field(None, max_length=4)
    recipient_note: str | None = Field(None, max_length=200)


class IssueOut(Schema):
    id: int
    label: str
    bulletin_type: str
    year: int
    number: int
    title: str
    recipients: list[str]
    recipient_note: str
    sent_on: dt.date | None
    forwarded_at: dt.datetime | None
    reports: list[OpinionSummaryOut]


class IssuePageOut(Schema):
    items: list[IssueOut]
    next_after: int | None
