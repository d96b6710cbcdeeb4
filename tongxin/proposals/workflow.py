"""A proposal's life, from the member's draft to 办结 (domain.md §2 and the state machine of §10.1).

Legal basis: 《政协全国委员会提案工作条例》 (2018 rev.) 第二条 — a proposal is submitted, reviewed by
the 提案审查委员会 or 提案委员会, and "经审查立案的提案,交承办单位办理并作出书面答复"; the local
实施细则 cited in domain.md §2 add the deadlines, the reply classes and the proposers' feedback.

Plain-language lifecycle:

    DRAFT ─submit→ SUBMITTED (co-signers confirm or decline; the office reviews)
    SUBMITTED ─return_for_revision→ RETURNED ─submit→ SUBMITTED
    SUBMITTED|RETURNED ─withdraw→ WITHDRAWN
    SUBMITTED ─file→ FILED (numbered) | ─reject→ NOT_FILED | ─convert→ CONVERTED | ─merge→ MERGED
    FILED ─merge→ MERGED (into another filed proposal: the group's lead is handled and answered as one)
    FILED ─assign→ ASSIGNED ─sign_for (every unit)→ IN_HANDLING
    ASSIGNED ─request_reassignment→ REASSIGNMENT_REQUESTED ─decide_reassignment→ ASSIGNED
    IN_HANDLING ─draft_reply (lead, or every separate unit)→ REPLY_DRAFTED
    REPLY_DRAFTED ─countersign (every co-unit)→ REPLY_COUNTERSIGNED
    REPLY_DRAFTED|REPLY_COUNTERSIGNED ─approve_reply→ REPLIED (released to every proposer)
    REPLIED ─rate (every proposer, or silence recorded when the window closes)→ EVALUATED
    EVALUATED ─order_rehandling (any 不满意)→ IN_HANDLING (next round) | ─close→ CLOSED

Multi-party steps: an action whose step needs several parties (every unit signs for it, every co-unit
countersigns, every proposer rates, every separate unit replies) moves the proposal to `target` only
when the last party has acted; until then the proposal stays where it is. Actions in `STAYING_ACTIONS`
never move it: they add a record (a co-signature, a progress note, a key-proposal decision) in the
state(s) they list; their `target` is only nominal (a state they apply in, so the system check sees a
real state). The service refuses any move that is neither "stay" nor the table's target.

Guards that need the actor or the payload (whose co-signature, which unit, which reply) run in the
service's handler for the action, after the compare-and-swap, and refuse with 409 `blocked`.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongxin.core.workflow import Transition


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")  # being written; only its author (or the staff entering it) sees it
    SUBMITTED = "submitted", _("待审查")  # with the office; co-signers confirm; reviewers may edit wording
    RETURNED = "returned", _("退回修改")  # sent back to the proposer to revise and resubmit
    WITHDRAWN = "withdrawn", _("已撤案")  # withdrawn by the proposer before filing (撤案)
    NOT_FILED = "not_filed", _("不予立案")  # rejected for filing, with a reason from the code list
    CONVERTED = "converted", _("已转办")  # routed as 意见建议 / 社情民意 / 委员来信 instead
    MERGED = "merged", _("已并案")  # merged into a lead proposal, which is handled and answered for it
    FILED = "filed", _("已立案")  # accepted and numbered within its session; waiting to be assigned
    ASSIGNED = "assigned", _("已交办")  # sent to units; waiting for each to sign for it (签收)
    REASSIGNMENT_REQUESTED = "reassignment_requested", _("申请调整")  # a unit says it is not its remit
    IN_HANDLING = "in_handling", _("办理中")  # units handle it; co-units send opinions to the lead
    REPLY_DRAFTED = "reply_drafted", _("答复待会签")  # the reply is drafted; co-units countersign
    REPLY_COUNTERSIGNED = "reply_countersigned", _("答复待审核")  # countersigned; the office reviews it
    REPLIED = "replied", _("已答复")  # the reply is released to every proposer, who rates it
    EVALUATED = "evaluated", _("已评价")  # every proposer rated (or stayed silent past the window)
    CLOSED = "closed", _("已办结")  # handling complete (办结)


INITIAL_STATE = State.DRAFT
TERMINAL_STATES: frozenset[str] = frozenset(
    {State.WITHDRAWN, State.NOT_FILED, State.CONVERTED, State.MERGED, State.CLOSED}
)

# Per-state capabilities (style.md §5.4, OpenSlides' allow_submitter_edit in code).
EDITABLE_STATES: frozenset[str] = frozenset({State.DRAFT, State.RETURNED})
# Reviewers may edit wording while the proposal is with them (domain.md rule 16).
REVIEW_EDITABLE_STATES: frozenset[str] = frozenset({State.SUBMITTED})
# States in which the proposal has been accepted (立案) and counts as filed in statistics.
FILED_STATES: frozenset[str] = frozenset(
    {
        State.FILED,
        State.ASSIGNED,
        State.REASSIGNMENT_REQUESTED,
        State.IN_HANDLING,
        State.REPLY_DRAFTED,
        State.REPLY_COUNTERSIGNED,
        State.REPLIED,
        State.EVALUATED,
        State.CLOSED,
    }
)
# States in which handling units are at work (deadlines run, overdue lists apply).
HANDLING_STATES: frozenset[str] = frozenset(
    {
        State.ASSIGNED,
        State.REASSIGNMENT_REQUESTED,
        State.IN_HANDLING,
        State.REPLY_DRAFTED,
        State.REPLY_COUNTERSIGNED,
    }
)
# Key and excellent proposals are chosen among filed ones (domain.md rules 32, 36).
KEY_STATES: frozenset[str] = FILED_STATES - {State.CLOSED}

# Actions that never change the state: they record something in the state they list.
STAYING_ACTIONS: frozenset[str] = frozenset(
    {
        "cosign",
        "decline_cosign",
        "request_extension",
        "decide_extension",
        "add_progress",
        "submit_co_opinion",
        "designate_key",
        "nominate_excellent",
    }
)
# Actions the system itself may take (actor None), from a task: recording silence as "no response"
# when the rating window closes (issue 3: "silence is recorded as no response").
SYSTEM_ACTIONS: frozenset[str] = frozenset({"rate"})


def _t(name: str, sources: set[str], target: str, permission: str, label: str | Promise) -> Transition:
    return Transition(
        name=name, sources=frozenset(sources), target=target, permission=permission, label=label
    )


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("submit", {State.DRAFT, State.RETURNED}, State.SUBMITTED, "can_submit", _("提交")),
        _t("withdraw", {State.SUBMITTED, State.RETURNED}, State.WITHDRAWN, "can_withdraw", _("撤案")),
        _t("cosign", {State.SUBMITTED}, State.SUBMITTED, "can_cosign", _("确认联名")),
        _t("decline_cosign", {State.SUBMITTED}, State.SUBMITTED, "can_cosign", _("谢绝联名")),
        _t(
            "return_for_revision",
            {State.SUBMITTED},
            State.RETURNED,
            "can_review",
            _("退回修改"),
        ),
        _t("file", {State.SUBMITTED}, State.FILED, "can_review", _("立案")),
        _t("reject", {State.SUBMITTED}, State.NOT_FILED, "can_review", _("不予立案")),
        _t("convert", {State.SUBMITTED}, State.CONVERTED, "can_review", _("转为其他形式办理")),
        _t("merge", {State.SUBMITTED, State.FILED}, State.MERGED, "can_review", _("并案")),
        _t("assign", {State.FILED}, State.ASSIGNED, "can_assign", _("交办")),
        _t("sign_for", {State.ASSIGNED}, State.IN_HANDLING, "can_act_as_unit", _("签收")),
        _t(
            "request_reassignment",
            {State.ASSIGNED},
            State.REASSIGNMENT_REQUESTED,
            "can_act_as_unit",
            _("申请调整承办单位"),
        ),
        _t(
            "decide_reassignment",
            {State.REASSIGNMENT_REQUESTED},
            State.ASSIGNED,
            "can_assign",
            _("审批调整申请"),
        ),
        _t(
            "request_extension",
            {State.IN_HANDLING},
            State.IN_HANDLING,
            "can_answer_as_unit",
            _("申请延期"),
        ),
        _t("decide_extension", {State.IN_HANDLING}, State.IN_HANDLING, "can_assign", _("审批延期")),
        _t("add_progress", {State.IN_HANDLING}, State.IN_HANDLING, "can_act_as_unit", _("记录办理情况")),
        _t(
            "submit_co_opinion",
            {State.IN_HANDLING},
            State.IN_HANDLING,
            "can_act_as_co_unit",
            _("提交会办意见"),
        ),
        _t(
            "draft_reply",
            {State.IN_HANDLING, State.REPLY_DRAFTED},
            State.REPLY_DRAFTED,
            "can_answer_as_unit",
            _("拟写答复"),
        ),
        _t(
            "countersign",
            {State.REPLY_DRAFTED},
            State.REPLY_COUNTERSIGNED,
            "can_act_as_co_unit",
            _("会签"),
        ),
        _t(
            "approve_reply",
            {State.REPLY_DRAFTED, State.REPLY_COUNTERSIGNED},
            State.REPLIED,
            "can_assign",
            _("审核通过答复"),
        ),
        _t("rate", {State.REPLIED}, State.EVALUATED, "can_rate", _("评价办理")),
        _t("order_rehandling", {State.EVALUATED}, State.IN_HANDLING, "can_assign", _("重新办理")),
        _t("close", {State.EVALUATED}, State.CLOSED, "can_assign", _("办结")),
        _t("designate_key", set(KEY_STATES), State.FILED, "can_review", _("重点提案遴选")),
        _t("nominate_excellent", {State.CLOSED}, State.CLOSED, "can_review", _("优秀提案评选")),
    ]
}
