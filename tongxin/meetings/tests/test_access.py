"""Every persona × every meeting page and endpoint: 404 for another committee (never a hint), 403 for
visible but not permitted."""

from __future__ import annotations

import pytest

from conftest import PERSONAS
from tongxin.meetings import services

from .conftest import at

pytestmark = pytest.mark.django_db

READERS = {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"}
INVITEES = {"wang_wei", "li_na", "sun_li"}
MEMBERS = {"wang_wei", "li_na", "sun_li", "outsider"}


def expected(persona: str, rule: str) -> int:
    visible = persona in READERS | INVITEES
    if rule == "list":
        return 200 if persona in READERS | MEMBERS else 403
    if rule == "detail":
        return 200 if visible else 404
    if rule == "invitations":
        return 200 if persona in READERS else (403 if visible else 404)
    if rule == "create":
        return 201 if persona == "chen_jing" else 403
    if rule == "confirm":
        return 200 if persona in INVITEES else (403 if visible else 404)
    if rule == "close":
        return 200 if persona == "chen_jing" else (403 if visible else 404)
    if rule == "absences":
        return 200 if persona in {"sun_li", "chen_jing", "zhao_lei"} else 403
    raise AssertionError(rule)


@pytest.fixture
def meeting(world):
    m = services.meeting_create(
        actor=world.chen_jing, kind_code="thematic", starts_at=at(20), ends_at=at(20, 12)
    )
    services.meeting_invite(actor=world.chen_jing, meeting=m, by="everyone")
    return services.meeting_transition(actor=world.chen_jing, meeting=m, name="notify")


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_matrix(world, meeting, api_for, persona):
    api = api_for(getattr(world, persona))
    assert api.get("/api/v1/meetings").status_code == expected(persona, "list")
    assert api.get(f"/api/v1/meetings/{meeting.pk}").status_code == expected(persona, "detail")
    assert api.get(f"/api/v1/meetings/{meeting.pk}/invitations").status_code == expected(
        persona, "invitations"
    )
    assert api.get("/api/v1/meetings/absences").status_code == expected(persona, "absences")
    body = {
        "kind_code": "standing",
        "starts_at": "2026-11-25T09:00:00+08:00",
        "ends_at": "2026-11-25T12:00:00+08:00",
    }
    assert api.post("/api/v1/meetings", body).status_code == expected(persona, "create")
    assert api.post(f"/api/v1/meetings/{meeting.pk}/actions/confirm", {}).status_code == expected(
        persona, "confirm"
    )
    assert api.post(f"/api/v1/meetings/{meeting.pk}/actions/close", {}).status_code == expected(
        persona, "close"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_matrix(world, meeting, client_for, persona):
    client = client_for(getattr(world, persona))
    assert client.get("/meetings/").status_code == expected(persona, "list")
    assert client.get(f"/meetings/{meeting.pk}/").status_code == expected(persona, "detail")
    assert client.get("/meetings/absences/").status_code == expected(persona, "absences")
    assert client.get("/meetings/new/").status_code == (200 if persona == "chen_jing" else 403)
    sitting = meeting.sittings.get()
    qr_status = 200 if persona == "chen_jing" else (403 if persona in READERS | INVITEES else 404)
    assert client.get(f"/meetings/{meeting.pk}/sittings/{sitting.pk}/qr/").status_code == qr_status
    wang = meeting.attendances.get(membership__person_id=world.wang_wei.person_id)
    confirm = client.post(f"/meetings/{meeting.pk}/attendance/{wang.pk}/confirm/")
    assert confirm.status_code == (
        302 if persona == "wang_wei" else (403 if persona in READERS | INVITEES else 404)
    )


def test_anonymous_is_refused(world, meeting, anon_api, client):
    assert anon_api.get("/api/v1/meetings").status_code == 401
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 302


OFFICE_READ = READERS
# (method, path template, who gets 2xx, status for the others) — the remaining endpoints.
MORE = [
    ("get", "/api/v1/meetings/kinds", READERS | MEMBERS, 403),
    ("get", "/api/v1/meetings/settings", READERS, 403),
    ("patch", "/api/v1/meetings/settings", {"chen_jing"}, 403),
    ("patch", "/api/v1/meetings/kinds/thematic", {"chen_jing"}, 403),
    ("post", "/api/v1/meetings/{m}/invitations", {"chen_jing"}, "visible"),
    ("get", "/api/v1/meetings/{m}/sittings/{s}/sign-in", {"chen_jing"}, "visible"),
    ("post", "/api/v1/meetings/{m}/actions/request_leave", INVITEES, "visible"),
    ("post", "/api/v1/meetings/{m}/actions/record_minutes", {"chen_jing"}, "visible"),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "allowed", "other"), MORE)
def test_more_endpoints(world, meeting, api_for, persona, method, path, allowed, other):
    api = api_for(getattr(world, persona))
    url = path.format(m=meeting.pk, s=meeting.sittings.get().pk)
    body = {"by": "everyone", "reason": "出差", "minutes": "纪要", "numbered": False, "sign_in_minutes": 5}
    status = getattr(api, method)(url, body) if method != "get" else api.get(url)
    if persona in allowed:
        assert 200 <= status.status_code < 300, status.content
    elif other == "visible":
        assert status.status_code == (403 if persona in READERS | INVITEES else 404)
    else:
        assert status.status_code == other
