"""The annual assessment cycle (domain.md §10.9) and the manual-entry approval.

Cycle, per committee and year: OPEN (the year starts, the checklist is set) → ACCUMULATING (points
flow in from every source) → LOCKED (year end: the scores are frozen for review) → MEMBER_REVIEW
(members query entries) → DUTY_REPORTS (述职 and standing members' 履职报告, rule 50) → GRADED (the
bands give each member a grade) → CONSEQUENCES (约谈 / 劝辞 flagged, rule 54) → ARCHIVED.

Manual entry (联系群众, 办实事, commendations; rule 49 "谁组织谁记录" for what happens off the
platform): SUBMITTED → APPROVED (a duty event is recorded) | REJECTED; the member may withdraw.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongxin.core.workflow import Transition


class CycleState(models.TextChoices):
    OPEN = "open", _("已开启")  # the year started; rules and checklist set
    ACCUMULATING = "accumulating", _("积分中")  # duty events score as they are recorded
    LOCKED = "locked", _("已锁定")  # year end: recomputation stops except for corrections
    MEMBER_REVIEW = "member_review", _("委员核对")  # members query their entries
    DUTY_REPORTS = "duty_reports", _("述职")  # duty reports are written and submitted
    GRADED = "graded", _("已评定等次")  # every member graded by the bands
    CONSEQUENCES = "consequences", _("结果运用")  # 约谈 / 劝辞 flags confirmed
    ARCHIVED = "archived", _("已归档")  # into the 履职档案; read-only


State = CycleState
INITIAL_STATE = CycleState.OPEN
TERMINAL_STATES: frozenset[str] = frozenset({CycleState.ARCHIVED})
# Scores still follow the events until grading; after that they are the year's result.
SCORING_STATES = frozenset(
    {
        CycleState.OPEN,
        CycleState.ACCUMULATING,
        CycleState.LOCKED,
        CycleState.MEMBER_REVIEW,
        CycleState.DUTY_REPORTS,
    }
)
# Members may query their entries and write their report only in these windows.
QUERY_STATES = frozenset({CycleState.MEMBER_REVIEW})
REPORT_STATES = frozenset({CycleState.MEMBER_REVIEW, CycleState.DUTY_REPORTS})


def _t(name: str, sources: set[str], target: str, label: str | Promise) -> Transition:
    return Transition(
        name=name, sources=frozenset(sources), target=target, permission="can_manage_assessment", label=label
    )


TRANSITIONS: dict[str, Transition] = {
    "start": _t("start", {State.OPEN}, State.ACCUMULATING, _("开始积分")),
    "lock": _t("lock", {State.ACCUMULATING}, State.LOCKED, _("年终锁定")),
    "open_review": _t("open_review", {State.LOCKED}, State.MEMBER_REVIEW, _("开放委员核对")),
    "open_reports": _t("open_reports", {State.MEMBER_REVIEW}, State.DUTY_REPORTS, _("进入述职")),
    "grade": _t("grade", {State.DUTY_REPORTS}, State.GRADED, _("评定等次")),
    "flag_consequences": _t("flag_consequences", {State.GRADED}, State.CONSEQUENCES, _("运用考核结果")),
    "archive": _t("archive", {State.CONSEQUENCES}, State.ARCHIVED, _("归档")),
}


class ClaimState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")  # the member sent it with evidence
    APPROVED = "approved", _("已认定")  # staff approved: a duty event exists
    REJECTED = "rejected", _("未认定")  # staff refused, with a reason
    WITHDRAWN = "withdrawn", _("已撤回")  # the member took it back


CLAIM_INITIAL_STATE = ClaimState.SUBMITTED
CLAIM_TERMINAL_STATES: frozenset[str] = frozenset(
    {ClaimState.APPROVED, ClaimState.REJECTED, ClaimState.WITHDRAWN}
)

CLAIM_TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(
        name="approve",
        sources=frozenset({ClaimState.SUBMITTED}),
        target=ClaimState.APPROVED,
        permission="can_decide_claim",
        label=_("认定"),
    ),
    "reject": Transition(
        name="reject",
        sources=frozenset({ClaimState.SUBMITTED}),
        target=ClaimState.REJECTED,
        permission="can_decide_claim",
        label=_("不予认定"),
    ),
    "withdraw": Transition(
        name="withdraw",
        sources=frozenset({ClaimState.SUBMITTED}),
        target=ClaimState.WITHDRAWN,
        permission="is_claimant",
        label=_("撤回"),
    ),
}
