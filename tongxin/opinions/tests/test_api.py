"""The JSON API: the persona × endpoint matrix, the whole journey, errors and bounded queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongxin.opinions import services
from tongxin.opinions.models import OpinionReport

from .factories import TEXT, bulletin_type_id, four_levels, in_state, sent, submitted, today
from .test_access import PERSONAS, persona

BASE = "/api/v1/opinions"

# persona → status of: detail, adopt, withdraw, create, statistics, bulletin list, bulletin create,
# events
MATRIX = {
    "wang_wei": (200, 403, 200, 201, 403, 403, 403, 200),
    "li_na": (404, 404, 404, 201, 403, 403, 403, 404),
    "sun_li": (200, 403, 403, 201, 200, 200, 403, 200),
    "zhang_min": (404, 404, 404, 403, 403, 403, 403, 404),
    "liu_yang": (200, 200, 403, 422, 200, 200, 201, 200),
    "chen_jing": (404, 404, 404, 403, 403, 403, 403, 404),
    "zhao_lei": (404, 404, 404, 403, 403, 403, 403, 404),
    "zhou_qiang": (404, 404, 404, 403, 403, 403, 403, 404),
    "sysadmin": (404, 404, 404, 403, 403, 403, 403, 404),
    "secadmin": (404, 404, 404, 403, 403, 403, 403, 404),
    "auditadmin": (404, 404, 404, 403, 403, 403, 403, 404),
    "outsider": (404, 404, 404, 201, 403, 403, 403, 404),
    "parent_office": (404, 404, 404, 422, 200, 200, 201, 404),
    "sibling_office": (404, 404, 404, 422, 200, 200, 201, 404),
    "informant": (404, 404, 404, 201, 403, 403, 403, 404),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_endpoint_matrix(world, api_for, name):
    report = submitted(world.wang_wei)
    user = persona(world, name)
    client = api_for(user)
    expected = MATRIX[name]
    types = services.bulletin_types_for(user.committee_id)
    got = (
        client.get(f"{BASE}/{report.pk}").status_code,
        client.post(
            f"{BASE}/{report.pk}/actions/adopt",
            {"bulletin_type_id": bulletin_type_id(report.committee_id), "mode": "standalone"},
        ).status_code,
        client.post(f"{BASE}/{report.pk}/actions/withdraw", {"note": ""}).status_code,
        client.post(BASE, {**TEXT, "idempotency_key": "m-1"}).status_code,
        client.get(f"{BASE}/statistics").status_code,
        client.get("/api/v1/bulletins").status_code,
        client.post("/api/v1/bulletins", {"bulletin_type_id": types[0].pk}).status_code,
        client.get(f"{BASE}/{report.pk}/events").status_code,
    )
    assert got == expected


@pytest.mark.parametrize("name", PERSONAS)
def test_draft_patch_matrix(world, api_for, name):
    report = in_state("draft", world.wang_wei, world.liu_yang)
    response = api_for(persona(world, name)).patch(f"{BASE}/{report.pk}", {"title": "改过的标题"})
    assert response.status_code == (200 if name == "wang_wei" else 404)


def test_anonymous_is_refused(world, anon_api):
    report = submitted(world.wang_wei)
    assert anon_api.get(f"{BASE}/{report.pk}").status_code == 401
    assert anon_api.post(BASE, TEXT).status_code == 401


def test_the_journey_through_the_api(world, api_for):
    chain = four_levels(world)
    member, office, city = api_for(world.wang_wei), api_for(world.liu_yang), api_for(chain["offices"]["city"])
    created = member.post(BASE, {**TEXT, "is_urgent": True, "idempotency_key": "abc"})
    assert created.status_code == 201
    again = member.post(BASE, {**TEXT, "idempotency_key": "abc"})
    assert again.json()["id"] == created.json()["id"]
    pk = created.json()["id"]
    assert member.patch(f"{BASE}/{pk}", {"analysis": "补充分析"}).json()["original"]["analysis"] == "补充分析"
    assert member.post(f"{BASE}/{pk}/actions/submit").json()["state"] == "received"
    queue = office.get(BASE, box="queue", urgent="true").json()
    assert [r["id"] for r in queue["items"]] == [pk]
    edited = office.post(f"{BASE}/{pk}/actions/edit", {"edited_title": "编辑后标题"}).json()
    assert (edited["original"]["title"], edited["edited"]["title"]) == (TEXT["title"], "编辑后标题")
    type_id = office.get("/api/v1/bulletins/types").json()[0]["id"]
    issue = office.post(
        "/api/v1/bulletins", {"bulletin_type_id": type_id, "recipients": ["upper_committee"]}
    ).json()
    adopted = office.post(
        f"{BASE}/{pk}/actions/adopt", {"issue_id": issue["id"], "mode": "standalone"}
    ).json()
    assert adopted["state"] == "adopted"
    sent_issue = office.post(f"/api/v1/bulletins/{issue['id']}/actions/send", {}).json()
    assert sent_issue["reports"][0]["state"] == "sent"
    assert office.post(f"/api/v1/bulletins/{issue['id']}/actions/send", {}).status_code == 409
    forwarded = office.post(f"/api/v1/bulletins/{issue['id']}/actions/forward").json()
    assert forwarded["forwarded_at"] is not None
    inbox = city.get(BASE, box="forwarded").json()["items"]
    assert [(r["title"], r["origin_committee"]) for r in inbox] == [("编辑后标题", "兰州市城关区")]
    copy_id = inbox[0]["id"]
    city_type = city.get("/api/v1/bulletins/types").json()[0]["id"]
    assert (
        city.post(
            f"{BASE}/{copy_id}/actions/adopt", {"bulletin_type_id": city_type, "mode": "combined"}
        ).status_code
        == 200
    )
    mine = member.get(f"{BASE}/{pk}").json()
    assert mine["state"] == "adopted_upstream"
    assert {(a["committee"], a["level"], a["mode"]) for a in mine["adoptions"]} == {
        ("兰州市城关区", "county", "standalone"),
        ("兰州市", "city", "combined"),
    }
    events = member.get(f"{BASE}/{pk}/events").json()["items"]
    assert [e["name"] for e in events][-1] == "upstream_adoption"
    stats = office.get(f"{BASE}/statistics", year=today().year).json()
    assert stats["totals"]["adopted_upstream"] == 1


def test_errors(world, api_for):
    member, office = api_for(world.wang_wei), api_for(world.liu_yang)
    report = submitted(world.wang_wei)
    assert office.post(f"{BASE}/{report.pk}/actions/close").json()["code"] == "invalid_transition"
    assert office.post(f"{BASE}/{report.pk}/actions/send").json()["code"] == "invalid_transition"
    response = office.post(f"{BASE}/{report.pk}/actions/explode")
    assert (response.status_code, response.json()["code"]) == (404, "unknown_action")
    assert office.post(f"{BASE}/999999/actions/adopt", {"mode": "standalone"}).status_code == 404
    bad = office.post(f"{BASE}/{report.pk}/actions/adopt", {"mode": "sideways"})
    assert bad.status_code == 422
    assert "mode" in bad.json()["fields"]
    long = member.post(BASE, {**TEXT, "situation": "长" * 1600}).json()
    too_long = member.post(f"{BASE}/{long['id']}/actions/submit")
    assert too_long.status_code == 422
    assert too_long.json()["code"] == "too_long"
    assert "1500" in too_long.json()["message"]
    assert member.post(BASE, {"title": "x" * 121}).status_code == 422
    assert member.post(BASE, {"category": "nonsense"}).json()["fields"]["category"]
    assert office.get(BASE, limit=1000).status_code == 422
    assert office.get(f"{BASE}/statistics", year=1800).status_code == 422
    dated = office.post(
        f"{BASE}/{report.pk}/actions/record_instruction",
        {"leader_level": "city", "leader_role": "other", "instructed_on": "not-a-date", "text": "x"},
    )
    assert dated.status_code == 422
    assert OpinionReport.objects.get(pk=report.pk).state == "received"


def test_settings_and_attachments(world, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    office, member = api_for(world.liu_yang), api_for(world.wang_wei)
    assert office.get(f"{BASE}/settings").json()["max_chars"] == 1500
    assert office.patch(f"{BASE}/settings", {"max_chars": 2000}).json()["max_chars"] == 2000
    assert member.patch(f"{BASE}/settings", {"max_chars": 3000}).status_code == 403
    assert office.patch(f"{BASE}/settings", {"max_chars": 5}).status_code == 422
    report = in_state("draft", world.wang_wei, world.liu_yang)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = member.client.post(f"{BASE}/{report.pk}/attachments", {"file": upload}, **member.headers)
    assert response.status_code == 201
    fake = SimpleUploadedFile("a.pdf", b"<html>", content_type="application/pdf")
    assert (
        member.client.post(f"{BASE}/{report.pk}/attachments", {"file": fake}, **member.headers).status_code
        == 422
    )


def test_list_and_detail_queries_are_bounded(world, api_for, django_assert_max_num_queries):
    office = api_for(world.liu_yang)
    for _ in range(6):
        sent(submitted(world.wang_wei), world.liu_yang)
    report = OpinionReport.objects.order_by("id").last()
    with django_assert_max_num_queries(12):
        assert len(office.get(BASE).json()["items"]) == 6
    with django_assert_max_num_queries(20):
        assert office.get(f"{BASE}/{report.pk}").status_code == 200
    with django_assert_max_num_queries(14):
        assert len(office.get("/api/v1/bulletins").json()["items"]) == 6
