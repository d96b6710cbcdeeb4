"""Proposal test helpers: more units and their staff, drafts, and a proposal walked to any state
through the real services (no rows written behind the services' back)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from tongxin.accounts.services import user_create
from tongxin.org.models import HandlingUnit
from tongxin.proposals import services
from tongxin.proposals.models import Proposal
from tongxin.proposals.workflow import State

# The personas' password, from the repository's conftest.py.
PASSWORD = importlib.import_module("conftest").PASSWORD

TEXT = {
    "title": "关于完善城市公厕指引系统的建议",
    "background": "调研发现，市民普遍反映找不到环卫公厕，问卷中仅有7.7%的人经常使用。",
    "analysis": "线下指示牌设置不合理，线上地图信息更新不及时。",
    "suggestions": "一、统一设置指示牌；二、在地图应用中标注公厕位置并定期更新。",
}


def unit_with_staff(world: Any, name: str, username: str) -> tuple[HandlingUnit, Any]:
    """A handling unit of the world's committee and one staff account (unit_staff by default)."""
    unit = HandlingUnit.objects.create(committee=world.committee, name=name, short_name=name[:6])
    staff, _ = user_create(
        actor=None,
        committee=world.committee,
        username=username,
        full_name=f"{name}经办人",
        kind="unit",
        handling_unit=unit,
        password=PASSWORD,
    )
    return unit, staff


@dataclass
class Cast:
    """Everyone a proposal's life needs, on top of the world's personas."""

    world: Any
    co_unit: HandlingUnit
    co_staff: Any
    other_unit: HandlingUnit
    other_staff: Any

    @property
    def lead_unit(self) -> HandlingUnit:
        return self.world.unit

    @property
    def lead_staff(self) -> Any:
        return self.world.zhou_qiang


def make_cast(world: Any) -> Cast:
    co_unit, co_staff = unit_with_staff(world, "城关区住房和城乡建设局", "zhujianju")
    other_unit, other_staff = unit_with_staff(world, "城关区教育局", "jiaoyuju")
    return Cast(world, co_unit, co_staff, other_unit, other_staff)


def draft(
    world: Any, author: Any = None, *, cosigners: tuple[Any, ...] | list[Any] = (), **fields: Any
) -> Proposal:
    """A draft by `author` (default wang_wei), joint when co-signers are given."""
    author = author or world.wang_wei
    values = {**TEXT, **fields}
    if cosigners:
        values.setdefault("kind", "joint")
        values["cosigner_person_ids"] = [u.person_id for u in cosigners]
    return services.proposal_create(actor=author, **values)


def act(proposal: Proposal, name: str, actor: Any, **payload: Any) -> Proposal:
    return services.proposal_transition(proposal=proposal, name=name, actor=actor, payload=payload)


REPLY = {
    "text": "经研究，已安排在主要街道统一设置指示牌。",
    "result_class": "A",
    "signer": "张局长",
    "contact_name": "李科长",
    "contact_phone": "0931-8888888",
    "publicity": "public",
}

# The path every state is reached by, and who takes each step (cast attribute names).
PATH: list[tuple[str, str, dict[str, Any]]] = [
    ("submit", "author", {}),
    ("cosign", "cosigner", {}),
    ("file", "office", {}),
    ("assign", "office", {"mode": "lead"}),
    ("sign_for", "lead_staff", {}),
    ("sign_for", "co_staff", {}),
    ("submit_co_opinion", "co_staff", {"text": "同意主办单位意见，本单位负责配合。"}),
    ("draft_reply", "lead_staff", REPLY),
    ("countersign", "co_staff", {}),
    ("approve_reply", "office", {}),
    ("rate", "author", {"attitude": "satisfied", "result": "satisfied"}),
    ("rate", "cosigner", {"attitude": "satisfied", "result": "basically"}),
]


def actor_for(cast: Cast, role: str) -> Any:
    w = cast.world
    return {
        "author": w.wang_wei,
        "cosigner": w.li_na,
        "office": w.zhang_min,
        "lead_staff": cast.lead_staff,
        "co_staff": cast.co_staff,
        "other_staff": cast.other_staff,
    }[role]


def payload_for(cast: Cast, name: str, base: dict[str, Any]) -> dict[str, Any]:
    if name == "assign":
        return {"mode": "lead", "lead_unit_id": cast.lead_unit.pk, "co_unit_ids": [cast.co_unit.pk]}
    return dict(base)


def joint_proposal(cast: Cast, until: str) -> Proposal:
    """A joint proposal by wang_wei with li_na, led through the whole PATH until it is in state `until`
    (State value), or through the whole PATH (EVALUATED) when `until` is "evaluated"."""
    w = cast.world
    proposal = draft(w, cosigners=[w.li_na])
    for name, role, base in PATH:
        if proposal.state == until:
            return proposal
        proposal = act(proposal, name, actor_for(cast, role), **payload_for(cast, name, base))
    assert proposal.state == until, (proposal.state, until)
    return proposal


def in_state(cast: Cast, state: str) -> Proposal:
    """A proposal in `state`, reached through the real services."""
    w = cast.world
    office = w.zhang_min
    if state in {
        State.DRAFT,
        State.SUBMITTED,
        State.FILED,
        State.ASSIGNED,
        State.IN_HANDLING,
        State.REPLY_DRAFTED,
        State.REPLY_COUNTERSIGNED,
        State.REPLIED,
        State.EVALUATED,
    }:
        return joint_proposal(cast, state)
    if state == State.RETURNED:
        return act(joint_proposal(cast, State.SUBMITTED), "return_for_revision", office, note="请补充数据")
    if state == State.WITHDRAWN:
        return act(joint_proposal(cast, State.SUBMITTED), "withdraw", w.wang_wei)
    if state == State.NOT_FILED:
        return act(joint_proposal(cast, State.SUBMITTED), "reject", office, reason_code="R10")
    if state == State.CONVERTED:
        return act(joint_proposal(cast, State.SUBMITTED), "convert", office, target="opinion_report")
    if state == State.MERGED:
        lead = joint_proposal(cast, State.FILED)
        member = act(draft(w, w.sun_li), "submit", w.sun_li)
        return act(member, "merge", office, into=lead.pk)
    if state == State.REASSIGNMENT_REQUESTED:
        p = joint_proposal(cast, State.ASSIGNED)
        return act(p, "request_reassignment", cast.co_staff, reason="不属于本单位职责")
    if state == State.CLOSED:
        return act(joint_proposal(cast, State.EVALUATED), "close", office)
    raise AssertionError(state)
