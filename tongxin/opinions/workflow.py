"""A public-opinion report's life (社情民意信息, domain.md §3 and the state machine of §10.3).

Legal basis: 《政协全国委员会反映社情民意信息工作条例》 (2005, rev. 2015 and 2018; domain.md rule 38)
and the local rules of rules 39–45: "一事一报", "急事急报", the office "受理…编辑…报送…反馈".

Plain-language lifecycle:

    DRAFT ─submit→ RECEIVED (in the information office's queue; 急事急报 at the top)
    RECEIVED|EDITING ─return_for_revision→ RETURNED ─submit→ RECEIVED
    RECEIVED|RETURNED ─withdraw→ WITHDRAWN
    RECEIVED|EDITING ─edit→ EDITING (the edited text is kept beside the original)
    RECEIVED|EDITING ─adopt→ ADOPTED (into a numbered bulletin issue) | ─decline→ NOT_ADOPTED
    ADOPTED ─send→ SENT (when its bulletin issue is sent to the recipients)
    SENT … ─forward→ (stays; a copy arrives in the parent committee's inbox, rule 45)
    SENT … ─record_adoption→ ADOPTED_UPSTREAM ─record_instruction→ INSTRUCTED
          ─record_feedback→ FEEDBACK_RECEIVED ─close→ CLOSED

The outcome states after SENT only move forward (sent < adopted upstream < instructed < feedback):
recording an adoption on a report that already has an instruction keeps it INSTRUCTED. Outcomes
recorded at a higher committee flow back down the forwarding chain to the originating report.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongxin.core.workflow import Transition


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")  # being written; only its author sees it
    RECEIVED = "received", _("已收稿")  # in the information office's queue
    RETURNED = "returned", _("退回修改")  # sent back to the author to revise and resubmit
    WITHDRAWN = "withdrawn", _("已撤回")  # withdrawn by its author before the office decided
    EDITING = "editing", _("编辑中")  # the office is editing it (the original is kept)
    ADOPTED = "adopted", _("已采用")  # edited into a numbered bulletin issue, not yet sent
    NOT_ADOPTED = "not_adopted", _("未采用")  # archived, or passed to a department for reference
    SENT = "sent", _("已报送")  # its issue went to the party committee, government, upper committee …
    ADOPTED_UPSTREAM = "adopted_upstream", _("上级已采用")  # a higher body adopted it
    INSTRUCTED = "instructed", _("获领导批示")  # a leader wrote an instruction on it
    FEEDBACK_RECEIVED = "feedback_received", _("已反馈")  # a department reported what it did
    CLOSED = "closed", _("已办结")  # the office closed its follow-up


INITIAL_STATE = State.DRAFT
TERMINAL_STATES: frozenset[str] = frozenset({State.WITHDRAWN, State.NOT_ADOPTED, State.CLOSED})

# The author edits the text in these states (style.md §5.4 per-state capabilities).
EDITABLE_STATES: frozenset[str] = frozenset({State.DRAFT, State.RETURNED})
# The office's queue (受理): what waits for an editor.
QUEUE_STATES: frozenset[str] = frozenset({State.RECEIVED, State.EDITING})
# After sending: outcomes may be recorded, the report may be forwarded up.
AFTER_SENDING: frozenset[str] = frozenset(
    {State.SENT, State.ADOPTED_UPSTREAM, State.INSTRUCTED, State.FEEDBACK_RECEIVED}
)
# The order of the outcome states: a recorded outcome never moves a report backwards.
OUTCOME_RANK: dict[str, int] = {
    State.SENT: 0,
    State.ADOPTED_UPSTREAM: 1,
    State.INSTRUCTED: 2,
    State.FEEDBACK_RECEIVED: 3,
}
# Adopted into a bulletin at this committee (编发) and counted as such in statistics.
EDITED_STATES: frozenset[str] = frozenset({State.ADOPTED, State.CLOSED} | AFTER_SENDING)

# Actions that never change the state: forwarding adds a copy in the parent committee.
STAYING_ACTIONS: frozenset[str] = frozenset({"forward"})
# Actions that move only forward in OUTCOME_RANK (see the module docstring).
OUTCOME_ACTIONS: frozenset[str] = frozenset({"record_adoption", "record_instruction", "record_feedback"})
# Actions taken for a whole bulletin issue, never one report at a time (POST /bulletins/{id}/actions/send).
ISSUE_ACTIONS: frozenset[str] = frozenset({"send"})


def _t(name: str, sources: set[str], target: str, permission: str, label: str | Promise) -> Transition:
    return Transition(
        name=name, sources=frozenset(sources), target=target, permission=permission, label=label
    )


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("submit", {State.DRAFT, State.RETURNED}, State.RECEIVED, "can_submit", _("报送")),
        _t("withdraw", {State.RECEIVED, State.RETURNED}, State.WITHDRAWN, "can_withdraw", _("撤回")),
        _t(
            "return_for_revision",
            {State.RECEIVED, State.EDITING},
            State.RETURNED,
            "can_handle",
            _("退回修改"),
        ),
        _t("edit", {State.RECEIVED, State.EDITING}, State.EDITING, "can_handle", _("编辑")),
        _t("adopt", {State.RECEIVED, State.EDITING}, State.ADOPTED, "can_handle", _("采用编发")),
        _t("decline", {State.RECEIVED, State.EDITING}, State.NOT_ADOPTED, "can_handle", _("不予采用")),
        _t("send", {State.ADOPTED}, State.SENT, "can_handle", _("印发报送")),
        _t("forward", set(AFTER_SENDING), State.SENT, "can_forward", _("转报上级政协")),
        _t("record_adoption", set(AFTER_SENDING), State.ADOPTED_UPSTREAM, "can_handle", _("登记采用情况")),
        _t("record_instruction", set(AFTER_SENDING), State.INSTRUCTED, "can_handle", _("登记领导批示")),
        _t("record_feedback", set(AFTER_SENDING), State.FEEDBACK_RECEIVED, "can_handle", _("登记部门反馈")),
        _t("close", set(AFTER_SENDING), State.CLOSED, "can_handle", _("办结")),
    ]
}
