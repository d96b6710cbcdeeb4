"""statistics(): how the assigned proposals are handled (lead with co-units, lead alone, separate),
how many units, on-time replies and the close rate — the figures of the 交办通知 and 通报."""

from __future__ import annotations

from tongxin.proposals import queries
from tongxin.proposals.workflow import State

from .factories import act, joint_proposal, make_cast


def test_handling_split_units_and_close_rate(world):
    cast = make_cast(world)
    office = world.zhang_min
    act(joint_proposal(cast, State.EVALUATED), "close", office)  # lead + co-unit, replied on time
    joint_proposal(cast, State.IN_HANDLING)  # lead + co-unit
    alone = joint_proposal(cast, State.FILED)
    act(alone, "assign", office, mode="lead", lead_unit_id=cast.lead_unit.pk)
    separate = joint_proposal(cast, State.FILED)
    act(separate, "assign", office, mode="separate", unit_ids=[cast.lead_unit.pk, cast.other_unit.pk])
    joint_proposal(cast, State.FILED)  # not assigned
    t = queries.statistics(committee_id=world.committee.pk, session_id=world.session.pk)["totals"]
    assert t["assigned"] == 4
    assert (t["lead_handled"], t["with_co_units"], t["separate_handled"]) == (3, 2, 1)
    assert t["co_assignments"] == 2
    assert t["units"] == 3  # lead, co and other unit
    assert (t["replies_approved"], t["on_time"]) == (1, 1)
    assert (t["closed"], t["close_rate"]) == (1, 25.0)
