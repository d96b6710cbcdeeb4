"""The membership state machine: every allowed move passes, every other (state, action) pair is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tongxin.core.checks import check_workflow_tables
from tongxin.core.errors import Conflict, Forbidden, Invalid, NotFound
from tongxin.members.models import Membership, MembershipEvent
from tongxin.members.services import membership_transition
from tongxin.members.workflow import TRANSITIONS, MembershipStatus

ALLOWED = {
    (MembershipStatus.ACTIVE, "resign"): MembershipStatus.RESIGNED,
    (MembershipStatus.ACTIVE, "remove"): MembershipStatus.REMOVED,
    (MembershipStatus.RESIGNED, "reinstate"): MembershipStatus.ACTIVE,
    (MembershipStatus.REMOVED, "reinstate"): MembershipStatus.ACTIVE,
}
PAIRS = [(state, action) for state in MembershipStatus for action in TRANSITIONS]


def _in_state(membership: Membership, state: str) -> Membership:
    left_on = None if state == MembershipStatus.ACTIVE else dt.date(2025, 3, 1)
    Membership.objects.filter(pk=membership.pk).update(status=state, left_on=left_on)
    return Membership.objects.select_related("term", "person").get(pk=membership.pk)


def test_the_table_is_what_this_test_expects():
    assert {(s, n) for s in MembershipStatus for n, t in TRANSITIONS.items() if s in t.sources} == set(
        ALLOWED
    )


@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_every_state_and_action(world, wang, state, action):
    membership = _in_state(wang, state)
    if (state, action) in ALLOWED:
        result = membership_transition(
            membership=membership,
            name=action,
            actor=world.zhao_lei,
            note="常委会议决定",
            on_date=dt.date(2026, 6, 1),
        )
        stored = Membership.objects.get(pk=wang.pk)
        target = ALLOWED[(state, action)]
        assert result.status == stored.status == target
        # left_on is the date of leaving; a reinstatement clears it.
        assert stored.left_on == (None if target == MembershipStatus.ACTIVE else dt.date(2026, 6, 1))
        event = MembershipEvent.objects.get(membership=wang)
        assert (event.name, event.from_state, event.to_state) == (action, state, target)
        assert event.actor == world.zhao_lei
        assert event.note == "常委会议决定"
        assert event.data == {"on_date": "2026-06-01"}
    else:
        with pytest.raises(Conflict) as caught:
            membership_transition(membership=membership, name=action, actor=world.zhao_lei, note="说明")
        assert caught.value.code == "invalid_transition"
        assert Membership.objects.get(pk=wang.pk).status == state
        assert not MembershipEvent.objects.filter(membership=wang).exists()


@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_api_answers_409_invalid_transition(world, wang, api_for, state, action):
    _in_state(wang, state)
    response = api_for(world.zhao_lei).post(f"/api/v1/members/{wang.pk}/actions/{action}", {"note": "决定"})
    if (state, action) in ALLOWED:
        assert response.status_code == 200
        assert response.json()["status"] == ALLOWED[(state, action)]
    else:
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_transition"


def test_a_stale_status_is_a_conflict_and_writes_nothing(world, wang):
    first = Membership.objects.select_related("term").get(pk=wang.pk)
    second = Membership.objects.select_related("term").get(pk=wang.pk)  # loaded by a second officer
    membership_transition(membership=first, name="resign", actor=world.zhao_lei, note="本人申请")
    assert second.status == MembershipStatus.ACTIVE
    with pytest.raises(Conflict) as caught:
        membership_transition(membership=second, name="remove", actor=world.sysadmin, note="撤销")
    assert caught.value.code == "conflict"
    assert Membership.objects.get(pk=wang.pk).status == MembershipStatus.RESIGNED
    assert list(MembershipEvent.objects.filter(membership=wang).values_list("name", flat=True)) == ["resign"]


def test_a_note_is_required_and_dates_must_be_plausible(world, wang):
    wang.joined_on = dt.date(2022, 1, 10)
    with pytest.raises(Invalid) as caught:
        membership_transition(
            membership=wang, name="resign", actor=world.zhao_lei, note=" ", on_date=dt.date(2027, 1, 1)
        )
    assert set(caught.value.fields) == {"note", "on_date"}
    with pytest.raises(Invalid) as caught:
        membership_transition(
            membership=wang, name="resign", actor=world.zhao_lei, note="x" * 501, on_date=dt.date(2021, 1, 1)
        )
    assert caught.value.fields["on_date"] == ["日期不能早于任职日期。"]
    assert "500" in caught.value.fields["note"][0]
    assert Membership.objects.get(pk=wang.pk).status == MembershipStatus.ACTIVE


def test_the_date_defaults_to_today(world, wang):
    from django.utils import timezone

    membership_transition(membership=wang, name="remove", actor=world.zhao_lei, note="撤销委员资格")
    assert Membership.objects.get(pk=wang.pk).left_on == timezone.localdate()


def test_unknown_action_and_unauthorised_actor(world, wang):
    with pytest.raises(NotFound) as caught:
        membership_transition(membership=wang, name="promote", actor=world.zhao_lei, note="x")
    assert caught.value.code == "unknown_transition"
    with pytest.raises(Forbidden):
        membership_transition(membership=wang, name="resign", actor=world.chen_jing, note="x")
    assert not MembershipEvent.objects.exists()


def test_system_check_accepts_the_members_table(world):
    assert [e for e in check_workflow_tables() if "tongxin.members" in e.msg] == []
