"""Table-driven: every allowed (state, action) passes, every other pair is refused."""

from __future__ import annotations

import pytest

from tongxin.core.errors import Conflict
from tongxin.meetings import services
from tongxin.meetings.models import Attendance, AttendanceEvent, Meeting, MeetingEvent
from tongxin.meetings.workflow import (
    MEETING_INITIAL_STATE,
    MEETING_TERMINAL_STATES,
    MEETING_TRANSITIONS,
    TRANSITIONS,
    AttendanceState,
    MeetingState,
)

from .conftest import attendance_of

pytestmark = pytest.mark.django_db

PAIRS = [(s, n) for s in AttendanceState.values for n in TRANSITIONS]
ACTOR = {
    "is_invitee": "wang_wei",
    "can_request_leave": "wang_wei",
    "can_decide_leave": "chen_jing",
    "can_check_in": "chen_jing",
    "can_record_attendance": "chen_jing",
}


@pytest.mark.parametrize(("state", "name"), PAIRS)
def test_attendance_table(world, make_meeting, state, name):
    meeting = make_meeting("thematic")
    a = attendance_of(meeting, world.wang_wei)
    Attendance.objects.filter(pk=a.pk).update(state=state)
    a.refresh_from_db()
    t = TRANSITIONS[name]
    actor = getattr(world, ACTOR[t.permission])
    if state in t.sources:
        services.attendance_transition(actor=actor, attendance=a, name=name, note="事由")
        a.refresh_from_db()
        assert a.state == t.target
        assert AttendanceEvent.objects.filter(
            attendance=a, name=name, from_state=state, to_state=t.target
        ).exists()
    else:
        with pytest.raises(Conflict) as exc:
            services.attendance_transition(actor=actor, attendance=a, name=name, note="事由")
        assert exc.value.code == "invalid_transition"


@pytest.mark.parametrize(
    ("state", "name"), [(s, n) for s in MeetingState.values for n in MEETING_TRANSITIONS]
)
def test_meeting_table(world, make_meeting, state, name):
    meeting = make_meeting("thematic", notify=False)
    Meeting.objects.filter(pk=meeting.pk).update(state=state)
    meeting.refresh_from_db()
    t = MEETING_TRANSITIONS[name]
    if state in t.sources:
        services.meeting_transition(actor=world.chen_jing, meeting=meeting, name=name)
        meeting.refresh_from_db()
        assert meeting.state == t.target
        assert MeetingEvent.objects.filter(meeting=meeting, name=name).exists()
    else:
        with pytest.raises(Conflict):
            services.meeting_transition(actor=world.chen_jing, meeting=meeting, name=name)


def test_meeting_table_is_consistent():
    from tongxin.meetings import access

    reachable = {MEETING_INITIAL_STATE} | {t.target for t in MEETING_TRANSITIONS.values()}
    exits = {s for t in MEETING_TRANSITIONS.values() for s in t.sources}
    assert set(MeetingState.values) == reachable
    assert set(MeetingState.values) - exits <= set(MEETING_TERMINAL_STATES)
    assert all(callable(getattr(access, t.permission)) for t in MEETING_TRANSITIONS.values())
