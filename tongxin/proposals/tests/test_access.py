"""The access matrix, table-driven: every persona × every access rule, every endpoint and every
action. Another committee's proposals and proposals one is not part of answer 404; visible but not
one's to do answers 403; the three administrators see nothing."""

from __future__ import annotations

import pytest

from tongxin.accounts.services import user_create
from tongxin.members.models import Membership, Person
from tongxin.proposals import access
from tongxin.proposals.models import Assignment
from tongxin.proposals.workflow import TRANSITIONS, State

from .factories import PASSWORD, act, draft, make_cast
from .scenarios import scenario

PERSONAS = [
    "wang_wei",  # the first proposer
    "li_na",  # the co-signer
    "wu_fang",  # another member of the same committee
    "zhou_qiang",  # staff of the lead unit
    "co_staff",  # staff of the co-unit
    "other_staff",  # staff of an unrelated unit
    "zhang_min",  # proposal office
    "liu_yang",  # information office
    "chen_jing",  # secretariat
    "zhao_lei",  # member affairs
    "sun_li",  # a leader (and a member)
    "sysadmin",
    "secadmin",
    "auditadmin",
    "outsider",  # a member of the sibling committee
]
OFFICE_READERS = {"zhang_min", "liu_yang", "chen_jing", "zhao_lei", "sun_li"}
PROPOSERS = {"wang_wei", "li_na"}
UNITS = {"zhou_qiang", "co_staff"}


def another_member(world):
    person = Person.objects.create(committee=world.committee, name="吴芳", gender=Person.Gender.FEMALE)
    Membership.objects.create(person=person, term=world.term, sector=world.sector)
    user, _ = user_create(
        actor=None,
        committee=world.committee,
        username="wufang",
        full_name="吴芳",
        kind="member",
        person=person,
        password=PASSWORD,
    )
    return user


@pytest.fixture
def people(world):
    cast = make_cast(world)
    users = {name: getattr(world, name) for name in PERSONAS if name in world.people}
    users.update(wu_fang=another_member(world), co_staff=cast.co_staff, other_staff=cast.other_staff)
    return cast, users


# --- The named rules ---------------------------------------------------------------------------------

RULES = {
    "can_view": PROPOSERS | UNITS | OFFICE_READERS,
    "is_author": {"wang_wei"},
    "can_cosign": {"li_na"},
    "can_review": {"zhang_min"},
    "can_assign": {"zhang_min"},
    "can_act_as_unit": UNITS,
    "can_answer_as_unit": {"zhou_qiang"},
    "can_act_as_co_unit": {"co_staff"},
    "can_rate": PROPOSERS | {"zhang_min"},
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_access_rules_by_persona(people, rule):
    cast, users = people
    proposal = scenario("add_progress", State.IN_HANDLING, cast).proposal
    allowed = {name for name, user in users.items() if getattr(access, rule)(user, proposal)}
    assert allowed == RULES[rule]


def test_drafts_are_seen_by_their_author_only(people):
    cast, users = people
    d = draft(cast.world, cosigners=[cast.world.li_na])
    seeing = {name for name, user in users.items() if access.can_view(user, d)}
    assert seeing == {"wang_wei"}


# --- Every endpoint ----------------------------------------------------------------------------------


def _visible(state: str) -> set[str]:
    if state == State.DRAFT:
        return {"wang_wei"}
    if state in {State.SUBMITTED, State.FILED}:
        return PROPOSERS | OFFICE_READERS
    return PROPOSERS | OFFICE_READERS | UNITS


def _expected(name: str, holders: set[str], visible: set[str]) -> int | None:
    if name in holders:
        return None  # the allowed actor: its success is tested in test_workflow / test_api
    return 403 if name in visible else 404


ENDPOINTS = {
    # name: (method, path, body, {persona: status}); `{p}` is an IN_HANDLING proposal, `{d}` a draft.
    "detail": ("get", "/api/v1/proposals/{p}", None, {}),
    "events": ("get", "/api/v1/proposals/{p}/events", None, {}),
    "attachments": ("get", "/api/v1/proposals/{p}/attachments", None, {}),
    "draft_detail": ("get", "/api/v1/proposals/{d}", None, {"wang_wei": 200}),
    "edit": (
        "patch",
        "/api/v1/proposals/{p}",
        {"title": "关于修改的建议"},
        {"wang_wei": 409, "zhang_min": 409},
    ),
    "edit_draft": ("patch", "/api/v1/proposals/{d}", {"analysis": "补充"}, {"wang_wei": 200}),
    "list": ("get", "/api/v1/proposals", None, "all200"),
    "categories": ("get", "/api/v1/proposals/categories", None, "business200"),
    "rejection_reasons": ("get", "/api/v1/proposals/rejection-reasons", None, "business200"),
    "due": ("get", "/api/v1/proposals/due", None, "all200"),
    "statistics": ("get", "/api/v1/proposals/statistics", None, "office200"),
    "review_desk": ("get", "/api/v1/proposals/review-desk", None, {"zhang_min": 200, "*": 403}),
    "settings": ("get", "/api/v1/proposals/settings", None, "business200"),
    "settings_update": (
        "patch",
        "/api/v1/proposals/settings",
        {"reply_months": 3},
        {"zhang_min": 200, "*": 403},
    ),
    "key_list": ("get", "/api/v1/proposals/key-proposals", None, "office200"),
    "excellent_list": ("get", "/api/v1/proposals/excellent?year=2026", None, "office200"),
    "notifications": ("get", "/api/v1/proposals/notifications", None, "all200"),
    # Visible to the office, but not a designated key proposal: 409 `blocked`.
    "key_supervision": (
        "post",
        "/api/v1/proposals/{p}/key/supervision",
        {"kind": "visit", "held_on": "2026-11-20"},
        {"zhang_min": 409},
    ),
    "key_close": ("post", "/api/v1/proposals/{p}/key/close", {"summary": "督办完成"}, {"zhang_min": 409}),
}
ADMINS = {"sysadmin", "secadmin", "auditadmin"}


def _endpoint_expectation(key: str, persona: str) -> int:
    method, path, _body, special = ENDPOINTS[key]
    if special == "all200":
        return 200
    if special == "business200":
        return 403 if persona in ADMINS else 200
    if special == "office200":
        return 200 if persona in OFFICE_READERS else 403
    assert isinstance(special, dict)
    if persona in special:
        return special[persona]
    if "*" in special:
        return special["*"]
    if "{d}" in path:
        return 404
    visible = _visible(State.IN_HANDLING)
    if method == "get":
        return 200 if persona in visible else 404
    return 403 if persona in visible else 404


@pytest.mark.parametrize("key", sorted(ENDPOINTS))
def test_endpoint_status_by_persona(people, api_for, key):
    cast, users = people
    p = scenario("add_progress", State.IN_HANDLING, cast).proposal
    d = draft(cast.world)
    method, path, body, _special = ENDPOINTS[key]
    url = path.format(p=p.pk, d=d.pk)
    got = {}
    for name in PERSONAS:
        client = api_for(users[name])
        response = client.get(url) if method == "get" else getattr(client, method)(url, body)
        got[name] = response.status_code
    assert got == {name: _endpoint_expectation(key, name) for name in PERSONAS}


def test_list_shows_each_persona_only_what_they_may_see(people, api_for):
    cast, users = people
    p = scenario("add_progress", State.IN_HANDLING, cast).proposal
    for name in PERSONAS:
        ids = {item["id"] for item in api_for(users[name]).get("/api/v1/proposals").json()["items"]}
        assert (p.pk in ids) == (name in _visible(State.IN_HANDLING)), name


# --- Every action ------------------------------------------------------------------------------------

ACTION_CASES: dict[str, tuple[str, set[str]]] = {
    # action: (the state it is tried in, the personas whose rule allows it there)
    "submit": (State.DRAFT, {"wang_wei"}),
    "withdraw": (State.SUBMITTED, {"wang_wei"}),
    "cosign": (State.SUBMITTED, {"li_na"}),
    "decline_cosign": (State.SUBMITTED, {"li_na"}),
    "return_for_revision": (State.SUBMITTED, {"zhang_min"}),
    "file": (State.SUBMITTED, {"zhang_min"}),
    "reject": (State.SUBMITTED, {"zhang_min"}),
    "convert": (State.SUBMITTED, {"zhang_min"}),
    "merge": (State.FILED, {"zhang_min"}),
    "assign": (State.FILED, {"zhang_min"}),
    "sign_for": (State.ASSIGNED, UNITS),
    "request_reassignment": (State.ASSIGNED, UNITS),
    "decide_reassignment": (State.REASSIGNMENT_REQUESTED, {"zhang_min"}),
    "request_extension": (State.IN_HANDLING, {"zhou_qiang"}),
    "decide_extension": (State.IN_HANDLING, {"zhang_min"}),
    "add_progress": (State.IN_HANDLING, UNITS),
    "submit_co_opinion": (State.IN_HANDLING, {"co_staff"}),
    "draft_reply": (State.IN_HANDLING, {"zhou_qiang"}),
    "countersign": (State.REPLY_DRAFTED, {"co_staff"}),
    "approve_reply": (State.REPLY_COUNTERSIGNED, {"zhang_min"}),
    "rate": (State.REPLIED, PROPOSERS | {"zhang_min"}),
    "order_rehandling": (State.EVALUATED, {"zhang_min"}),
    "close": (State.EVALUATED, {"zhang_min"}),
    "designate_key": (State.IN_HANDLING, {"zhang_min"}),
    "nominate_excellent": (State.CLOSED, {"zhang_min"}),
}


def test_every_action_has_a_case():
    assert set(ACTION_CASES) == set(TRANSITIONS)
    for action, (state, _holders) in ACTION_CASES.items():
        assert state in TRANSITIONS[action].sources


@pytest.mark.parametrize("action", sorted(ACTION_CASES))
def test_action_status_by_persona(people, api_for, action):
    cast, users = people
    state, holders = ACTION_CASES[action]
    s = scenario(action, state, cast)
    url = f"/api/v1/proposals/{s.proposal.pk}/actions/{action}"
    visible = _visible(state)
    got, expected = {}, {}
    for name in PERSONAS:
        want = _expected(name, holders, visible)
        if want is None:
            continue
        expected[name] = want
        got[name] = api_for(users[name]).post(url, s.payload).status_code
    assert got == expected
    # Nobody without the right changed anything.
    s.proposal.refresh_from_db()
    assert s.proposal.state == state


def test_a_replaced_unit_loses_sight_of_the_proposal(people):
    cast, users = people
    s = scenario("decide_reassignment", State.REASSIGNMENT_REQUESTED, cast)
    act(s.proposal, "decide_reassignment", cast.world.zhang_min, approve=True, new_unit_id=cast.other_unit.pk)
    assert not access.can_view(users["co_staff"], s.proposal)
    assert access.can_view(users["other_staff"], s.proposal)
    # The replaced assignment is kept for the record.
    assert Assignment.objects.filter(proposal=s.proposal, unit=cast.co_unit, is_active=False).exists()


def test_public_tracking_lists_only_replies_marked_public(people):
    cast, _users = people
    public = scenario("close", State.EVALUATED, cast).proposal  # REPLY is marked public
    act(public, "close", cast.world.zhang_min)
    from .factories import REPLY, joint_proposal

    private = joint_proposal(cast, State.IN_HANDLING)
    private = act(private, "submit_co_opinion", cast.co_staff, text="同意")
    private = act(private, "draft_reply", cast.lead_staff, **{**REPLY, "publicity": "not_public"})
    private = act(private, "countersign", cast.co_staff)
    private = act(private, "approve_reply", cast.world.zhang_min)
    ids = set(access.public_proposals(cast.world.committee.pk).values_list("pk", flat=True))
    assert ids == {public.pk}
    assert not access.public_proposals(cast.world.sibling.pk).exists()
