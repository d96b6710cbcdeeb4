"""Every persona × every organisation page and endpoint (house rule: own committee only; another
committee's object answers 404; visible but not permitted answers 403).

Each case names the kind whose manager may do it (None: reading) and the status a permitted persona
gets. A county committee has no lower level, so the system administrator's "create a committee"
passes access and fails validation (422), and deactivating their own committee is refused (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from conftest import PERSONAS
from tongxin.org import access
from tongxin.org.entities import ENTITIES

READERS = {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei", "sysadmin"}
MANAGERS = {
    "committee": {"sysadmin"},
    "term": {"sysadmin"},
    "session": {"sysadmin"},
    "department": {"sysadmin"},
    "sector": {"sysadmin", "zhao_lei"},
    "participating_unit": {"sysadmin", "zhao_lei"},
    "special_committee": {"sysadmin", "zhao_lei"},
    "activity_group": {"sysadmin", "zhao_lei"},
    "handling_unit": {"sysadmin", "zhang_min"},
    "contact": {"sysadmin", "zhang_min"},
}


@dataclass
class Case:
    method: str
    path: str
    manages: str | None = None  # the kind whose managers may do it; None: any reader
    ok: int = 200
    data: Any = None
    foreign: bool = False  # an object of 七里河区

    def expected(self, persona: str) -> int:
        # 七里河区 is unknown to everyone in 城关区; the outsider is a member there, with no org pages.
        if self.foreign:
            return 403 if persona == "outsider" else 404
        # The outsider belongs to 七里河区: everything of 城关区 is unknown to them.
        if persona == "outsider":
            return 404
        if self.manages is None:
            return self.ok if persona in READERS else 403
        return self.ok if persona in MANAGERS[self.manages] else 403


def _check(client, cases: list[Case], persona: str) -> list[str]:
    wrong = []
    for case in cases:
        if case.method == "get":
            response = client.get(case.path)
        elif case.method == "delete":
            response = client.delete(case.path)
        else:
            response = getattr(client, case.method)(case.path, case.data)
        if response.status_code != case.expected(persona):
            wrong.append(
                f"{case.method.upper()} {case.path}: {response.status_code} != {case.expected(persona)}"
            )
    return wrong


# --- Pages ---------------------------------------------------------------------------------------------


def _page_cases(world, org) -> list[Case]:
    c, t = world.committee.pk, world.term.pk
    place = {"committee": f"?committee={c}", "term": f"?term={t}", "parent": f"?committee={c}"}
    cases = [
        Case("get", f"/org/?committee={c}"),
        Case("get", reverse("org:term_detail", args=[t])),
        Case("get", reverse("org:handling_unit_detail", args=[world.unit.pk])),
    ]
    for entity, obj in org.own.items():
        if entity == "contact":
            continue
        kind_parent = ENTITIES[entity].parent
        cases += [
            Case("get", reverse(f"org:{entity}_list") + place[kind_parent]),
            Case("get", reverse(f"org:{entity}_create") + place[kind_parent], entity),
            Case("get", reverse(f"org:{entity}_edit", args=[obj.pk]), entity),
        ]
    # Deactivate then reactivate the earlier term and each body; the committee itself stays (409 → 302
    # with a message on the page).
    for entity in [
        "sector",
        "participating_unit",
        "special_committee",
        "activity_group",
        "handling_unit",
        "department",
        "session",
    ]:
        pk = org.own[entity].pk
        cases += [
            Case("post", reverse(f"org:{entity}_deactivate", args=[pk]), entity, 302),
            Case("post", reverse(f"org:{entity}_reactivate", args=[pk]), entity, 302),
        ]
    contact = org.own["contact"]
    cases += [
        Case("post", reverse("org:term_deactivate", args=[org.old_term.pk]), "term", 302),
        Case("post", reverse("org:term_set_current", args=[t]), "term", 302),
        Case("post", reverse("org:committee_deactivate", args=[c]), "committee", 302),
        Case("post", reverse("org:term_apply_preset", args=[t]), "sector", 302),
        Case("post", reverse("org:participating_unit_apply_preset", args=[c]), "participating_unit", 302),
        Case("post", reverse("org:special_committee_apply_preset", args=[c]), "special_committee", 302),
        Case("post", reverse("org:department_apply_preset", args=[c]), "department", 302),
        Case("get", reverse("org:contact_create", args=[world.unit.pk]), "contact"),
        Case("get", reverse("org:contact_edit", args=[world.unit.pk, contact.pk]), "contact"),
        Case("post", reverse("org:contact_create", args=[world.unit.pk]), "contact", 302, {"name": "李红"}),
        Case("post", reverse("org:contact_remove", args=[world.unit.pk, contact.pk]), "contact", 302),
    ]
    return cases


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages(world, org, client_for, persona):
    client = client_for(getattr(world, persona))
    assert _check(client, _page_cases(world, org), persona) == []


def _foreign_page_cases(world, org) -> list[Case]:
    s = world.sibling.pk
    paths = [f"/org/?committee={s}", reverse("org:term_detail", args=[org.foreign["term"].pk])]
    paths += [reverse("org:handling_unit_detail", args=[org.foreign["handling_unit"].pk])]
    for entity, obj in org.foreign.items():
        if entity != "contact":
            paths += [
                reverse(f"org:{entity}_edit", args=[obj.pk]),
                reverse(f"org:{entity}_list") + f"?committee={s}",
            ]
    cases = [Case("get", path, foreign=True) for path in paths]
    return [
        *cases,
        Case("post", reverse("org:sector_deactivate", args=[org.foreign["sector"].pk]), foreign=True),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_of_another_committee_are_not_found(world, org, client_for, persona):
    client = client_for(getattr(world, persona))
    assert _check(client, _foreign_page_cases(world, org), persona) == []
    assert org.foreign["sector"].__class__.objects.get(pk=org.foreign["sector"].pk).is_active


def test_own_committee_pages_are_forbidden_not_hidden_for_members(world, client_for):
    assert client_for(world.outsider).get("/org/").status_code == 403
    assert client_for(world.wang_wei).get("/org/").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    response = client.get("/org/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- API -----------------------------------------------------------------------------------------------

API = "/api/v1"
TZ = "+08:00"


def _api_cases(world, org) -> list[Case]:
    c, t = world.committee.pk, world.term.pk
    create = {
        "committee": {"parent_id": c, "name": "某街道", "short_name": "街道政协", "level": "county"},
        "term": {"committee_id": c, "number": 11, "starts_on": "2027-01-10"},
        "session": {
            "term_id": t,
            "number": 6,
            "opens_on": "2027-01-12",
            "closes_on": "2027-01-15",
            "proposal_window_starts_at": f"2026-10-12T09:00:00{TZ}",
            "proposal_deadline": f"2027-01-13T20:00:00{TZ}",
        },
        "sector": {"term_id": t, "name": "教育界"},
        "participating_unit": {
            "committee_id": c,
            "name": "中国民主同盟",
            "short_name": "民盟",
            "kind": "democratic_party",
        },
        "special_committee": {"committee_id": c, "name": "经济委员会"},
        "activity_group": {"term_id": t, "name": "第二委员活动组"},
        "handling_unit": {"committee_id": c, "name": "城关区教育局"},
        "department": {"committee_id": c, "name": "委员工作科", "kind": "member_affairs"},
    }
    patch = {
        "committee": {"short_name": "区政协"},
        "term": {"ends_on": "2027-01-09"},
        "session": {"closes_on": "2026-01-16"},
    }
    cases: list[Case] = []
    for entity, obj in org.own.items():
        if entity == "contact":
            continue
        kind = ENTITIES[entity]
        base = f"{API}/{kind.slug}"
        parent_filter = f"?term={t}" if kind.parent == "term" else f"?committee={c}"
        create_ok = 422 if entity == "committee" else 201
        target = org.old_term if entity == "term" else obj
        state_ok = 409 if entity == "committee" else 200
        cases += [
            Case("get", base + parent_filter),
            Case("get", f"{base}/{obj.pk}"),
            Case("post", base, entity, create_ok, create[entity]),
            Case("patch", f"{base}/{obj.pk}", entity, 200, patch.get(entity, {"name": f"{obj}（改）"})),
            Case("post", f"{base}/{target.pk}/deactivate", entity, state_ok),
            Case("post", f"{base}/{target.pk}/reactivate", entity, state_ok),
        ]
    unit, contact = world.unit.pk, org.own["contact"].pk
    cases += [
        Case("post", f"{API}/terms/{t}/set-current", "term", 409),
        Case("post", f"{API}/terms/{t}/sectors/apply-preset", "sector"),
        Case("post", f"{API}/committees/{c}/participating-units/apply-preset", "participating_unit"),
        Case("post", f"{API}/committees/{c}/special-committees/apply-preset", "special_committee"),
        Case("post", f"{API}/committees/{c}/departments/apply-preset", "department"),
        Case("get", f"{API}/handling-units/{unit}/contacts"),
        Case("post", f"{API}/handling-units/{unit}/contacts", "contact", 201, {"name": "李红"}),
        Case("patch", f"{API}/handling-units/{unit}/contacts/{contact}", "contact", 200, {"title": "科长"}),
        Case("delete", f"{API}/handling-units/{unit}/contacts/{contact}", "contact", 204),
    ]
    return cases


@pytest.mark.parametrize("persona", PERSONAS)
def test_endpoints(world, org, api_for, persona):
    client = api_for(getattr(world, persona))
    assert _check(client, _api_cases(world, org), persona) == []


def _foreign_api_cases(world, org) -> list[Case]:
    cases = []
    for entity, obj in org.foreign.items():
        if entity == "contact":
            continue
        base = f"{API}/{ENTITIES[entity].slug}"
        cases += [
            Case("get", f"{base}/{obj.pk}", foreign=True),
            Case("patch", f"{base}/{obj.pk}", data={"name": "x"}, foreign=True),
            Case("post", f"{base}/{obj.pk}/deactivate", foreign=True),
            Case("get", f"{base}?committee={world.sibling.pk}", foreign=True),
        ]
    term = org.foreign["term"].pk
    return [*cases, Case("post", f"{API}/sectors", data={"term_id": term, "name": "教育界"}, foreign=True)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_endpoints_of_another_committee_are_not_found(world, org, api_for, persona):
    client = api_for(getattr(world, persona))
    assert _check(client, _foreign_api_cases(world, org), persona) == []


def test_the_api_needs_a_token(world, anon_api):
    assert anon_api.get(f"{API}/committees").status_code == 401
    assert anon_api.post(f"{API}/sectors", {"name": "教育界"}).status_code == 401


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_rules_directly(world, persona):
    user = getattr(world, persona)
    own = world.committee.pk
    assert access.can_read_org(user) == (persona in READERS)
    for entity, managers in MANAGERS.items():
        allowed = persona in managers
        assert access.can_manage(user, entity, own) == allowed, entity
        assert access.can_manage(user, entity, world.sibling.pk) is False
    assert access.visible_committee_ids(user) == {user.committee_id}
