"""For every allowed (state, action) pair of the workflow table: how to reach it, who acts, with
what payload, and the state it must end in. test_workflow runs them through the service and
test_api through HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tongxin.proposals.models import Assignment, Proposal
from tongxin.proposals.workflow import KEY_STATES, TRANSITIONS, State

from .factories import REPLY, Cast, act, draft, in_state, joint_proposal


@dataclass
class Scenario:
    proposal: Proposal
    actor: Any
    payload: dict[str, Any]
    expect: str


def _lead_only_reply_drafted(cast: Cast) -> Proposal:
    """A proposal assigned to a lead unit without co-units, with its reply drafted."""
    w = cast.world
    p = joint_proposal(cast, State.FILED)
    p = act(p, "assign", w.zhang_min, mode="lead", lead_unit_id=cast.lead_unit.pk)
    p = act(p, "sign_for", cast.lead_staff)
    return act(p, "draft_reply", cast.lead_staff, **REPLY)


def _unsatisfied(cast: Cast) -> Proposal:
    w = cast.world
    p = joint_proposal(cast, State.REPLIED)
    p = act(p, "rate", w.wang_wei, attitude="basically", result="unsatisfied", comment="未解决实际问题")
    return act(p, "rate", w.li_na, attitude="satisfied", result="satisfied")


def _due(p: Proposal) -> dt.date:
    a = Assignment.objects.get(proposal=p, role=Assignment.Role.LEAD, is_active=True)
    assert a.reply_due_on is not None
    return a.reply_due_on


Builder = Callable[[Cast, str], Scenario]


def _build(action: str, state: str, cast: Cast) -> Scenario:
    w = cast.world
    office = w.zhang_min
    if action == "submit":
        return Scenario(in_state(cast, state), w.wang_wei, {}, State.SUBMITTED)
    if action == "withdraw":
        return Scenario(in_state(cast, state), w.wang_wei, {"note": "已另行反映"}, State.WITHDRAWN)
    if action in {"cosign", "decline_cosign"}:
        return Scenario(in_state(cast, state), w.li_na, {}, State.SUBMITTED)
    if action == "return_for_revision":
        return Scenario(in_state(cast, state), office, {"note": "请补充调研数据"}, State.RETURNED)
    if action == "file":
        p = act(in_state(cast, state), "cosign", w.li_na)
        return Scenario(p, office, {}, State.FILED)
    if action == "reject":
        return Scenario(in_state(cast, state), office, {"reason_code": "R06"}, State.NOT_FILED)
    if action == "convert":
        return Scenario(in_state(cast, state), office, {"target": "letter"}, State.CONVERTED)
    if action == "merge":
        lead = joint_proposal(cast, State.FILED)
        member = (
            in_state(cast, state) if state == State.FILED else act(draft(w, w.sun_li), "submit", w.sun_li)
        )
        return Scenario(member, office, {"into": lead.pk}, State.MERGED)
    if action == "assign":
        payload: dict[str, Any] = {"mode": "separate", "unit_ids": [cast.lead_unit.pk, cast.other_unit.pk]}
        return Scenario(in_state(cast, state), office, payload, State.ASSIGNED)
    if action == "sign_for":
        p = act(in_state(cast, state), "sign_for", cast.co_staff)
        return Scenario(p, cast.lead_staff, {}, State.IN_HANDLING)
    if action == "request_reassignment":
        return Scenario(
            in_state(cast, state), cast.co_staff, {"reason": "不属于本单位职责"}, State.REASSIGNMENT_REQUESTED
        )
    if action == "decide_reassignment":
        payload = {"approve": True, "new_unit_id": cast.other_unit.pk}
        return Scenario(in_state(cast, state), office, payload, State.ASSIGNED)
    if action == "request_extension":
        p = in_state(cast, state)
        payload = {"until": (_due(p) + dt.timedelta(days=10)).isoformat(), "reason": "需跨部门协调"}
        return Scenario(p, cast.lead_staff, payload, State.IN_HANDLING)
    if action == "decide_extension":
        p = in_state(cast, state)
        p = act(
            p, "request_extension", cast.lead_staff, until=_due(p) + dt.timedelta(days=10), reason="需协调"
        )
        return Scenario(p, office, {"unit_id": cast.lead_unit.pk, "approve": True}, State.IN_HANDLING)
    if action == "add_progress":
        payload = {"kind": "pre_contact", "text": "已电话联系提案人", "happened_on": "2026-11-20"}
        return Scenario(in_state(cast, state), cast.lead_staff, payload, State.IN_HANDLING)
    if action == "submit_co_opinion":
        return Scenario(in_state(cast, state), cast.co_staff, {"text": "同意"}, State.IN_HANDLING)
    if action == "draft_reply":
        p = in_state(cast, state)
        if state == State.IN_HANDLING:
            p = act(p, "submit_co_opinion", cast.co_staff, text="同意")
        return Scenario(p, cast.lead_staff, dict(REPLY), State.REPLY_DRAFTED)
    if action == "countersign":
        return Scenario(in_state(cast, state), cast.co_staff, {}, State.REPLY_COUNTERSIGNED)
    if action == "approve_reply":
        p = _lead_only_reply_drafted(cast) if state == State.REPLY_DRAFTED else in_state(cast, state)
        return Scenario(p, office, {"result_class": "B"}, State.REPLIED)
    if action == "rate":
        p = act(in_state(cast, state), "rate", w.li_na, attitude="satisfied", result="satisfied")
        return Scenario(p, w.wang_wei, {"attitude": "satisfied", "result": "basically"}, State.EVALUATED)
    if action == "order_rehandling":
        return Scenario(_unsatisfied(cast), office, {"note": "请重新研究"}, State.IN_HANDLING)
    if action == "close":
        return Scenario(in_state(cast, state), office, {}, State.CLOSED)
    if action == "designate_key":
        return Scenario(in_state(cast, state), office, {"step": "nominate", "reason": "群众关注"}, state)
    if action == "nominate_excellent":
        excellent: dict[str, Any] = {"step": "nominate", "year": 2026, "reason": "成效显著"}
        return Scenario(in_state(cast, state), office, excellent, State.CLOSED)
    raise AssertionError(action)


ALLOWED: list[tuple[str, str]] = sorted((name, str(s)) for name, t in TRANSITIONS.items() for s in t.sources)
assert {s for _n, s in ALLOWED if _n == "designate_key"} == {str(s) for s in KEY_STATES}


def scenario(action: str, state: str, cast: Cast) -> Scenario:
    """The scenario for one allowed pair."""
    return _build(action, state, cast)
