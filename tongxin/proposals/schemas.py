"""API schemas: the input of every action (one schema each, validated again by the service for every
caller) and the shapes the API answers with."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

NOTE = Field("", max_length=2000, description="说明（可选）")


# --- Drafting ---------------------------------------------------------------------------------------


class ProposerIn(Schema):
    person_id: int = Field(description="联名人（委员）的人员编号")


class ProposalCreateIn(Schema):
    idempotency_key: str = Field(
        "", max_length=64, description="客户端生成的唯一键；网络重试时重复提交同一键只会得到第一次创建的提案"
    )
    kind: Literal["individual", "joint", "collective"] = "individual"
    title: str = Field("", max_length=120, description="案由，格式为“关于×××的建议”")
    background: str = Field("", max_length=20000, description="调研情况")
    analysis: str = Field("", max_length=20000, description="问题分析")
    suggestions: str = Field("", max_length=20000, description="具体建议")
    category_id: int | None = None
    suggested_unit_ids: list[int] = Field(default_factory=list, max_length=20)
    cosigner_person_ids: list[int] = Field(default_factory=list, max_length=50, description="联名人")
    collective_body: Literal["", "participating_unit", "special_committee", "sector", "activity_group"] = ""
    collective_body_id: int | None = None
    first_proposer_person_id: int | None = Field(
        None, description="代为录入时：第一提案人（委员）的人员编号；委员本人录入时省略"
    )


class ProposalUpdateIn(Schema):
    """Only the fields sent are changed (autosave sends what changed)."""

    title: str | None = Field(None, max_length=120)
    background: str | None = Field(None, max_length=20000)
    analysis: str | None = Field(None, max_length=20000)
    suggestions: str | None = Field(None, max_length=20000)
    category_id: int | None = None
    suggested_unit_ids: list[int] | None = Field(None, max_length=20)
    cosigner_person_ids: list[int] | None = Field(None, max_length=50)
    note: str = Field("", max_length=200, description="审查修改时的说明")


# --- Action payloads --------------------------------------------------------------------------------


class NoteIn(Schema):
    note: str = NOTE


class SubmitIn(NoteIn):
    pass


class WithdrawIn(NoteIn):
    pass


class CosignIn(NoteIn):
    pass


class DeclineCosignIn(NoteIn):
    pass


class ReturnForRevisionIn(Schema):
    note: str = Field(min_length=1, max_length=2000, description="退回理由（必填）")


class FileIn(NoteIn):
    category_id: int | None = Field(None, description="立案时调整类别（可选）")


class RejectIn(NoteIn):
    reason_code: str = Field(min_length=1, max_length=20, description="不予立案情形代码")


class ConvertIn(NoteIn):
    target: Literal["opinion", "opinion_report", "letter"] = Field(
        description="opinion 意见建议；opinion_report 社情民意信息；letter 委员来信"
    )


class MergeIn(NoteIn):
    into: int = Field(description="并入的牵头提案编号（id），须已立案")


class AssignIn(NoteIn):
    mode: Literal["lead", "separate"] = Field(description="lead 主办会办；separate 分办")
    lead_unit_id: int | None = Field(None, description="主办单位（mode=lead 必填）")
    co_unit_ids: list[int] = Field(default_factory=list, max_length=20, description="会办单位")
    unit_ids: list[int] = Field(default_factory=list, max_length=20, description="分办单位（mode=separate）")
    reply_due_on: dt.date | None = Field(None, description="答复期限（可选，默认按设置计算）")


class SignForIn(NoteIn):
    pass


class RequestReassignmentIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, description="申请调整的理由（必填）")


class DecideReassignmentIn(NoteIn):
    approve: bool
    new_unit_id: int | None = Field(None, description="同意时：改由哪个单位承办")


class RequestExtensionIn(Schema):
    until: dt.date = Field(description="申请延期至")
    reason: str = Field(min_length=1, max_length=2000)


class DecideExtensionIn(NoteIn):
    unit_id: int = Field(description="申请延期的承办单位")
    approve: bool


class AddProgressIn(Schema):
    kind: Literal["pre_contact", "progress"] = Field(description="pre_contact 办前沟通；progress 办理进展")
    text: str = Field(min_length=1, max_length=5000)
    happened_on: dt.date | None = None


class SubmitCoOpinionIn(Schema):
    text: str = Field(min_length=1, max_length=20000, description="会办意见")


class DraftReplyIn(Schema):
    text: str = Field(min_length=1, max_length=50000, description="答复内容")
    result_class: str = Field(min_length=1, max_length=2, description="办理结果分类，如 A、B、C")
    signer: str = Field(min_length=1, max_length=30, description="签发人（单位负责人）")
    contact_name: str = Field(min_length=1, max_length=30)
    contact_phone: str = Field(min_length=5, max_length=20)
    publicity: Literal["public", "not_public"]


class CountersignIn(NoteIn):
    pass


class ApproveReplyIn(NoteIn):
    unit_id: int | None = Field(None, description="分办时：审核哪个单位的答复；只有一份答复时可省略")
    result_class: str | None = Field(None, max_length=2, description="督办审核时调整分类（可选）")


class RateIn(Schema):
    attitude: Literal["satisfied", "basically", "unsatisfied"] | None = None
    result: Literal["satisfied", "basically", "unsatisfied"] | None = None
    comment: str = Field("", max_length=2000)
    proposer_id: int | None = Field(None, description="工作人员代录纸质评价时：提案者记录编号")
    no_response: bool = Field(False, description="仅限系统：评价期满未反馈")


class OrderRehandlingIn(Schema):
    note: str = Field(min_length=1, max_length=2000, description="重新办理的要求（必填）")
    due_on: dt.date | None = None


class CloseIn(NoteIn):
    pass


class DesignateKeyIn(NoteIn):
    step: Literal["nominate", "decide"] = Field(description="nominate 提名候选；decide 记录主席会议审定")
    reason: str = Field("", max_length=2000, description="推荐理由（提名时）")
    approve: bool | None = Field(None, description="审定结果（decide 时必填）")
    decided_on: dt.date | None = None
    supervising_leader: str = Field("", max_length=60)
    mode: Literal["", "lead", "supervise"] = Field("", description="lead 领办；supervise 督办")


class NominateExcellentIn(NoteIn):
    step: Literal["nominate", "select"] = Field(description="nominate 推荐；select 评定")
    year: int = Field(ge=2000, le=2100)
    reason: str = Field("", max_length=2000)
    approve: bool | None = Field(None, description="评定结果（select 时必填）")


ACTION_PAYLOADS: dict[str, type[Schema]] = {
    "submit": SubmitIn,
    "withdraw": WithdrawIn,
    "cosign": CosignIn,
    "decline_cosign": DeclineCosignIn,
    "return_for_revision": ReturnForRevisionIn,
    "file": FileIn,
    "reject": RejectIn,
    "convert": ConvertIn,
    "merge": MergeIn,
    "assign": AssignIn,
    "sign_for": SignForIn,
    "request_reassignment": RequestReassignmentIn,
    "decide_reassignment": DecideReassignmentIn,
    "request_extension": RequestExtensionIn,
    "decide_extension": DecideExtensionIn,
    "add_progress": AddProgressIn,
    "submit_co_opinion": SubmitCoOpinionIn,
    "draft_reply": DraftReplyIn,
    "countersign": CountersignIn,
    "approve_reply": ApproveReplyIn,
    "rate": RateIn,
    "order_rehandling": OrderRehandlingIn,
    "close": CloseIn,
    "designate_key": DesignateKeyIn,
    "nominate_excellent": NominateExcellentIn,
}


# --- Output -----------------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] | None = None


class ProposerOut(Schema):
    id: int
    person_id: int
    name: str
    role: str
    status: str
    proposal_id: int


class AssignmentOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    role: str
    signed_at: dt.datetime | None
    reassign_until: dt.date
    reassignment_decision: str
    reply_due_on: dt.date | None
    co_opinion_due_on: dt.date | None
    co_opinion: str
    extension_count: int
    extension_requested_until: dt.date | None
    extension_decision: str
    countersigned_at: dt.datetime | None


class ReplyOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    round: int
    text: str
    result_class: str
    proposed_class: str
    signer: str
    contact_name: str | None
    contact_phone: str | None
    publicity: str
    has_letter: bool
    approved_at: dt.datetime | None


class RatingOut(Schema):
    proposer_id: int
    round: int
    attitude: str
    result: str
    comment: str
    no_response: bool
    entered_by_staff: bool


class VersionOut(Schema):
    number: int
    reason: str
    title: str
    background: str
    analysis: str
    suggestions: str
    created_at: dt.datetime


class KeyOut(Schema):
    status: str
    supervising_leader: str
    mode: str
    decided_on: dt.date | None


class ProposalSummaryOut(Schema):
    id: int
    number: int | None
    number_display: str
    title: str
    kind: str
    channel: str
    state: str
    state_label: str
    session_id: int | None
    category_id: int | None
    category_name: str | None
    first_proposer: str | None
    proposer_names: list[str]
    units: list[str]
    round: int
    result_class: str
    is_key: bool
    is_excellent: bool
    submitted_at: dt.datetime | None
    updated_at: dt.datetime


class ProposalOut(ProposalSummaryOut):
    background: str
    analysis: str
    suggestions: str
    collective_body: str | None
    handling_mode: str
    merged_into_id: int | None
    merged_member_ids: list[int]
    rejection_reason: str | None
    converted_to: str
    converted_report_id: int | None = Field(None, description="转为社情民意信息时，生成的信息草稿编号")
    is_public: bool
    entered_on_behalf: bool
    cosign_due_on: dt.date | None
    rating_due_on: dt.date | None
    suggested_unit_ids: list[int]
    proposers: list[ProposerOut]
    assignments: list[AssignmentOut]
    replies: list[ReplyOut]
    ratings: list[RatingOut]
    original: VersionOut | None
    version_count: int
    key: KeyOut | None
    available_actions: list[str]
    warnings: list[str]


class ProposalPageOut(Schema):
    items: list[ProposalSummaryOut]
    next_after: int | None


class EventOut(Schema):
    id: int
    name: str
    from_state: str
    to_state: str
    note: str
    actor: str | None
    round: int
    data: dict[str, object]
    created_at: dt.datetime


class EventPageOut(Schema):
    items: list[EventOut]
    next_after: int | None


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None


class RejectionReasonOut(Schema):
    code: str
    label: str


class SettingsOut(Schema):
    number_format: str
    result_class_scheme: int
    result_classes: dict[str, str]
    in_plan_classes: list[str]
    followup_months: int
    reply_months: int
    co_opinion_months: int
    reassign_window_days: int
    extension_max_count: int
    extension_max_months: int
    hard_limit_months: int
    rehandling_months: int
    rehandling_rounds: int
    rating_window_days: int
    cosign_window_days: int
    due_soon_days: int
    key_share_percent: int
    excellent_share_percent: int
    body_soft_min_chars: int
    body_soft_max_chars: int
    attachment_max_mb: int
    attachment_max_count: int


class SettingsIn(Schema):
    """Only the fields sent are changed; months are calendar months, days are working days."""

    number_format: str | None = Field(None, max_length=40, description="如 第{number:04d}号")
    result_class_scheme: int | None = Field(None, description="3 或 4")
    followup_months: int | None = None
    reply_months: int | None = None
    co_opinion_months: int | None = None
    reassign_window_days: int | None = None
    extension_max_count: int | None = None
    extension_max_months: int | None = None
    hard_limit_months: int | None = None
    rehandling_months: int | None = None
    rehandling_rounds: int | None = None
    rating_window_days: int | None = None
    cosign_window_days: int | None = None
    due_soon_days: int | None = None
    key_share_percent: int | None = None
    excellent_share_percent: int | None = None
    attachment_max_mb: int | None = None
    attachment_max_count: int | None = None


class NotificationOut(Schema):
    id: int
    proposal_id: int
    title: str
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class SupervisionIn(Schema):
    kind: Literal["symposium", "research", "inspection", "meeting", "visit"] = Field(
        description=(
            "symposium 协商座谈；research 专题调研；inspection 实地视察；meeting 督办会议；visit 走访承办单位"
        )
    )
    held_on: dt.date
    note: str = Field("", max_length=5000)


class KeyCloseIn(Schema):
    summary: str = Field(min_length=1, max_length=10000, description="督办总结")


class HistoryImportOut(Schema):
    rows: int = Field(description="导入的行数")
    created: int = Field(description="新建的历史提案数")
    replies: int = Field(description="其中带答复的件数")
    matched_proposers: int = Field(description="关联到委员的提案者人次")
