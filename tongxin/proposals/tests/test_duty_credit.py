"""Proposals credit their proposers' duty records at the source (domain.md rule 49)."""

from __future__ import annotations

from tongxin.duties.models import DutyEvent
from tongxin.proposals.workflow import State

from .factories import act, joint_proposal, make_cast


def _credits(proposal, kind):
    rows = DutyEvent.objects.filter(source=f"proposals.proposal:{proposal.pk}", kind=kind, voided_at=None)
    return {(e.membership.person.name, e.role, e.attributes.get("signers")) for e in rows}


def test_submit_cosign_and_file_credit_each_proposer_once(world):
    cast = make_cast(world)
    proposal = joint_proposal(cast, State.FILED)
    assert _credits(proposal, "proposal_submitted") == {
        ("王伟", "first_proposer", 1),
        ("李娜", "co_signer", 2),
    }
    assert _credits(proposal, "proposal_filed") == {("王伟", "first_proposer", 2), ("李娜", "co_signer", 2)}
    # Each duty lands once, however often the source is touched.
    assert DutyEvent.objects.filter(source=f"proposals.proposal:{proposal.pk}").count() == 4


def test_withdrawal_voids_the_submission_credit(world):
    cast = make_cast(world)
    proposal = joint_proposal(cast, State.SUBMITTED)
    assert _credits(proposal, "proposal_submitted") == {("王伟", "first_proposer", 1)}
    act(proposal, "withdraw", world.wang_wei)
    assert _credits(proposal, "proposal_submitted") == set()
    assert (
        DutyEvent.objects.filter(source=f"proposals.proposal:{proposal.pk}").exclude(voided_at=None).count()
        == 1
    )


def test_key_and_excellent_credit_only_on_the_decision(world):
    cast = make_cast(world)
    proposal = joint_proposal(cast, State.FILED)
    office = world.zhang_min
    proposal = act(proposal, "designate_key", office, step="nominate", reason="群众关注度高")
    assert _credits(proposal, "proposal_key") == set()
    proposal = act(
        proposal,
        "designate_key",
        office,
        step="decide",
        approve=True,
        supervising_leader="孙立",
        mode="supervise",
    )
    assert {name for name, _, _ in _credits(proposal, "proposal_key")} == {"王伟", "李娜"}


def test_excellent_credit_only_on_selection(world):
    cast = make_cast(world)
    office = world.zhang_min
    proposal = act(joint_proposal(cast, State.EVALUATED), "close", office)
    proposal = act(proposal, "nominate_excellent", office, step="nominate", year=2026, reason="成效显著")
    assert _credits(proposal, "proposal_excellent") == set()
    act(proposal, "nominate_excellent", office, step="select", year=2026, approve=True)
    assert {name for name, _, _ in _credits(proposal, "proposal_excellent")} == {"王伟", "李娜"}
