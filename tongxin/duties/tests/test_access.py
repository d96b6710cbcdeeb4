"""Every persona × every duty-record page and endpoint: own record for a member, the committee's for
staff; 404 for another committee's (or another member's) record, 403 for visible but not permitted."""

from __future__ import annotations

import pytest

from conftest import PERSONAS

from .conftest import membership_of

pytestmark = pytest.mark.django_db

READERS = {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"}
MEMBERS = {"wang_wei", "li_na", "sun_li", "outsider"}


def reader_or_member(persona: str) -> int:
    return 200 if persona in READERS | MEMBERS else 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_matrix(world, api_for, persona):
    api = api_for(getattr(world, persona))
    wang = membership_of(world.wang_wei)
    record = api.get(f"/api/v1/members/{wang.pk}/duties", year=2026).status_code
    assert record == (200 if persona in READERS | {"wang_wei"} else 404)
    assert api.get("/api/v1/score-rules", year=2026).status_code == reader_or_member(persona)
    assert api.get("/api/v1/checklists", year=2026).status_code == reader_or_member(persona)
    assert api.get("/api/v1/assessments", year=2026).status_code == (200 if persona in READERS else 403)
    assert api.get("/api/v1/assessments/rankings", year=2026, by="sector").status_code == (
        200 if persona in READERS else 403
    )
    assert api.get("/api/v1/duties/claims").status_code == reader_or_member(persona)
    preset = api.post("/api/v1/score-rules/preset", {"year": 2026, "preset": "jinan"}).status_code
    assert preset == (200 if persona == "zhao_lei" else 403)
    opened = api.post("/api/v1/assessments", {"year": 2027}).status_code
    assert opened == (201 if persona == "zhao_lei" else 403)
    claim = api.post(
        "/api/v1/duties/claims",
        {"kind": "contact_masses", "occurred_on": "2026-10-01", "title": "走访困难户"},
    ).status_code
    assert claim == (201 if persona in MEMBERS else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_matrix(world, client_for, persona):
    client = client_for(getattr(world, persona))
    wang = membership_of(world.wang_wei)
    me = client.get("/duties/").status_code
    assert me == (200 if persona in MEMBERS else 302 if persona in READERS else 403)
    assert client.get(f"/duties/members/{wang.pk}/").status_code == (
        200 if persona in READERS | {"wang_wei"} else 404
    )
    assert client.get("/duties/committee/").status_code == (200 if persona in READERS else 403)
    assert client.get("/duties/rules/").status_code == (200 if persona in READERS else 403)
    assert client.get("/duties/claims/").status_code == reader_or_member(persona)
    assert client.get("/duties/claims/new/").status_code == (200 if persona in MEMBERS else 403)


MORE = [
    ("get", "/api/v1/score-rules/presets", READERS | MEMBERS, 403),
    ("get", "/api/v1/checklists/presets", READERS | MEMBERS, 403),
    ("post", "/api/v1/checklists/preset", {"zhao_lei"}, 403),
    ("post", "/api/v1/assessments/2026/recompute", {"zhao_lei"}, 403),
    ("put", "/api/v1/duties/reports", set(), None),  # members: 409 outside the window; others 403
    ("post", "/api/v1/duties/queries", set(), None),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "allowed", "other"), MORE)
def test_more_endpoints(world, api_for, persona, method, path, allowed, other):
    api = api_for(getattr(world, persona))
    body = {"year": 2026, "preset": "five", "body": "述职", "message": "异议"}
    response = api.get(path) if method == "get" else getattr(api, method)(path, body)
    if other is None:
        assert response.status_code == (409 if persona in MEMBERS else 403)
    elif persona in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == other


@pytest.mark.parametrize("persona", PERSONAS)
def test_claim_decisions_and_answers(world, api_for, persona):
    """Deciding a claim: member affairs of the committee; the claimant sees it (403); others 404."""
    from tongxin.duties import services

    claim = services.claim_create(
        actor=world.wang_wei,
        membership=membership_of(world.wang_wei),
        kind="contact_masses",
        occurred_on=__import__("datetime").date(2026, 10, 1),
        title="走访",
    )
    r = api_for(getattr(world, persona)).post(f"/api/v1/duties/claims/{claim.pk}/actions/approve", {})
    expected = 200 if persona == "zhao_lei" else 403 if persona in READERS | {"wang_wei"} else 404
    assert r.status_code == expected
