"""The JSON API: the whole life in one test, every action over HTTP, error codes, pagination and
bounded queries."""

from __future__ import annotations

import pytest

from tongxin.proposals.models import Proposal, ProposalEvent
from tongxin.proposals.workflow import TRANSITIONS, State

from .factories import REPLY, TEXT, act, draft, joint_proposal, make_cast
from .scenarios import ALLOWED, scenario

BASE = "/api/v1/proposals"


def _post_action(client, pk, name, payload=None):
    return client.post(f"{BASE}/{pk}/actions/{name}", payload or {})


def test_the_whole_life_through_the_api(world, api_for):
    cast = make_cast(world)
    member, cosigner, office = api_for(world.wang_wei), api_for(world.li_na), api_for(world.zhang_min)
    lead, co = api_for(cast.lead_staff), api_for(cast.co_staff)

    # A member drafts a joint proposal (a retried request returns the same draft) and submits it.
    body = {**TEXT, "kind": "joint", "cosigner_person_ids": [world.li_na.person_id], "idempotency_key": "k-1"}
    created = member.post(BASE, body)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert member.post(BASE, body).json()["id"] == pk
    assert member.patch(f"{BASE}/{pk}", {"analysis": TEXT["analysis"] + "（补充）"}).status_code == 200
    r = _post_action(member, pk, "submit")
    assert r.json()["state"] == State.SUBMITTED

    # The co-signer confirms; the office files and assigns to a lead and a co-unit.
    assert "cosign" in cosigner.get(f"{BASE}/{pk}").json()["available_actions"]
    assert _post_action(cosigner, pk, "cosign").status_code == 200
    r = _post_action(office, pk, "file")
    assert (r.json()["state"], r.json()["number_display"]) == (State.FILED, "第0001号")
    r = _post_action(
        office,
        pk,
        "assign",
        {"mode": "lead", "lead_unit_id": cast.lead_unit.pk, "co_unit_ids": [cast.co_unit.pk]},
    )
    assert r.json()["state"] == State.ASSIGNED

    # Both units sign for it; the co-unit sends its opinion; the lead drafts the reply.
    assert _post_action(lead, pk, "sign_for").json()["state"] == State.ASSIGNED
    assert _post_action(co, pk, "sign_for").json()["state"] == State.IN_HANDLING
    assert _post_action(co, pk, "submit_co_opinion", {"text": "同意主办单位意见"}).status_code == 200
    assert (
        _post_action(lead, pk, "add_progress", {"kind": "pre_contact", "text": "已与提案人面商"}).status_code
        == 200
    )
    assert _post_action(lead, pk, "draft_reply", REPLY).json()["state"] == State.REPLY_DRAFTED
    # The proposers do not see a reply the office has not approved.
    assert member.get(f"{BASE}/{pk}").json()["replies"] == []

    # The co-unit countersigns; the office approves; both proposers rate; the office closes.
    assert _post_action(co, pk, "countersign").json()["state"] == State.REPLY_COUNTERSIGNED
    r = _post_action(office, pk, "approve_reply")
    assert r.json()["state"] == State.REPLIED
    seen = member.get(f"{BASE}/{pk}").json()
    assert seen["replies"][0]["text"] == REPLY["text"]
    assert _post_action(member, pk, "rate", {"attitude": "satisfied", "result": "satisfied"}).json()[
        "state"
    ] == (State.REPLIED)
    r = _post_action(
        cosigner, pk, "rate", {"attitude": "satisfied", "result": "basically", "comment": "较满意"}
    )
    assert r.json()["state"] == State.EVALUATED
    r = _post_action(office, pk, "close", {"note": "办结"})
    assert r.json()["state"] == State.CLOSED

    events = member.get(f"{BASE}/{pk}/events").json()["items"]
    names = [e["name"] for e in events]
    assert names[0] == "create"
    assert names[-1] == "close"
    assert {"submit", "cosign", "file", "assign", "sign_for", "submit_co_opinion", "draft_reply"} <= set(
        names
    )
    assert {"countersign", "approve_reply", "rate"} <= set(names)
    assert events[-1]["from_state"] == State.EVALUATED
    assert events[-1]["actor"] == "张敏"
    assert ProposalEvent.objects.filter(proposal_id=pk).count() == len(events)


@pytest.mark.parametrize(("action", "state"), ALLOWED)
def test_every_allowed_action_over_http(world, api_for, action, state):
    cast = make_cast(world)
    s = scenario(action, state, cast)
    response = _post_action(api_for(s.actor), s.proposal.pk, action, s.payload)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == s.expect


def test_every_action_is_documented_in_the_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    for name in TRANSITIONS:
        operation = schema["paths"][f"{BASE}/{{proposal_id}}/actions/{name}"]["post"]
        assert operation["operationId"] == f"proposal_action_{name}"
        assert "requestBody" in operation
        assert f"access.{TRANSITIONS[name].permission}" in operation["description"]


def test_action_in_the_wrong_state_is_409_invalid_transition(world, api_for):
    p = draft(world)
    r = _post_action(api_for(world.wang_wei), p.pk, "close")
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition"


def test_guard_refusal_is_409_blocked(world, api_for):
    p = joint_proposal(make_cast(world), State.SUBMITTED)
    r = _post_action(api_for(world.zhang_min), p.pk, "file")
    assert (r.status_code, r.json()["code"]) == (409, "blocked")


def test_stale_state_is_409_conflict(world, api_for):
    cast = make_cast(world)
    p = act(joint_proposal(cast, State.SUBMITTED), "cosign", world.li_na)
    stale = Proposal.objects.get(pk=p.pk)
    act(p, "file", world.zhang_min)
    from tongxin.core.errors import Conflict

    with pytest.raises(Conflict):
        act(stale, "convert", world.zhang_min, target="opinion")
    r = _post_action(api_for(world.zhang_min), p.pk, "convert", {"target": "opinion"})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")


def test_unknown_action_is_404(world, api_for):
    p = draft(world)
    r = _post_action(api_for(world.wang_wei), p.pk, "approve_everything")
    assert (r.status_code, r.json()["code"]) == (404, "unknown_action")
    r = _post_action(api_for(world.outsider), p.pk, "approve_everything")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("action", "state", "actor", "payload", "field"),
    [
        ("reject", State.SUBMITTED, "office", {}, "reason_code"),
        ("reject", State.SUBMITTED, "office", {"reason_code": "R99"}, "reason_code"),
        ("convert", State.SUBMITTED, "office", {"target": "newspaper"}, "target"),
        ("return_for_revision", State.SUBMITTED, "office", {"note": ""}, "note"),
        ("merge", State.SUBMITTED, "office", {"into": "abc"}, "into"),
        ("assign", State.FILED, "office", {"mode": "lead"}, "lead_unit_id"),
        ("assign", State.FILED, "office", {"mode": "separate", "unit_ids": [1]}, "unit_ids"),
        ("assign", State.FILED, "office", {"mode": "lead", "lead_unit_id": 999999}, "lead_unit_id"),
        ("request_extension", State.IN_HANDLING, "lead", {"until": "not-a-date", "reason": "x"}, "until"),
        ("draft_reply", State.IN_HANDLING, "lead", {**REPLY, "result_class": "Z"}, "result_class"),
        (
            "draft_reply",
            State.IN_HANDLING,
            "lead",
            {**REPLY, "contact_phone": "电话电话电话"},
            "contact_phone",
        ),
        ("rate", State.REPLIED, "author", {"attitude": "satisfied"}, "result"),
        ("rate", State.REPLIED, "author", {"attitude": "great", "result": "satisfied"}, "attitude"),
        ("designate_key", State.FILED, "office", {"step": "promote"}, "step"),
    ],
)
def test_bad_payloads_are_422_with_fields(world, api_for, action, state, actor, payload, field):
    cast = make_cast(world)
    p = joint_proposal(cast, state)
    if action == "draft_reply":
        p = act(p, "submit_co_opinion", cast.co_staff, text="同意")
    user = {"office": world.zhang_min, "lead": cast.lead_staff, "author": world.wang_wei}[actor]
    before = Proposal.objects.get(pk=p.pk)
    r = _post_action(api_for(user), p.pk, action, payload)
    assert r.status_code == 422, r.content
    assert field in r.json()["fields"], r.json()
    after = Proposal.objects.get(pk=p.pk)
    assert (after.state, after.version) == (before.state, before.version)


def test_create_with_bad_input_is_422_and_writes_nothing(world, api_for):
    r = api_for(world.wang_wei).post(
        BASE, {"kind": "joint", "cosigner_person_ids": [world.outsider.person_id]}
    )
    assert r.status_code == 422
    assert "cosigner_person_ids" in r.json()["fields"]
    r = api_for(world.wang_wei).post(BASE, {"kind": "petition"})
    assert r.status_code == 422
    assert Proposal.objects.count() == 0


def test_list_filters_and_keyset_pages(world, api_for):
    cast = make_cast(world)
    filed = [joint_proposal(cast, State.FILED) for _ in range(3)]
    other = act(draft(world, world.li_na, title="关于改善校园周边交通的建议"), "submit", world.li_na)
    office = api_for(world.zhang_min)
    first = office.get(BASE, limit=2).json()
    assert len(first["items"]) == 2
    assert first["next_after"] == first["items"][-1]["id"]
    second = office.get(BASE, limit=2, after=first["next_after"]).json()
    assert [i["id"] for i in first["items"] + second["items"]] == sorted(p.pk for p in [*filed, other])
    assert second["next_after"] is None
    assert {i["id"] for i in office.get(BASE, state="filed").json()["items"]} == {p.pk for p in filed}
    assert [i["id"] for i in office.get(BASE, text="校园").json()["items"]] == [other.pk]
    assert [
        i["id"] for i in office.get(BASE, proposer=world.li_na.person_id, state="submitted").json()["items"]
    ] == [other.pk]
    assert office.get(BASE, session=world.session.pk).json()["items"]
    assert office.get(BASE, limit=101).status_code == 422
    assert office.get(BASE, state="nonsense").status_code == 422
    p = act(filed[0], "assign", world.zhang_min, mode="lead", lead_unit_id=cast.lead_unit.pk)
    assert [i["id"] for i in office.get(BASE, unit=cast.lead_unit.pk).json()["items"]] == [p.pk]


def test_list_and_detail_use_a_bounded_number_of_queries(world, api_for, django_assert_max_num_queries):
    cast = make_cast(world)
    p = joint_proposal(cast, State.EVALUATED)
    for _ in range(4):
        joint_proposal(cast, State.IN_HANDLING)
    office = api_for(world.zhang_min)
    member = api_for(world.wang_wei)
    unit = api_for(cast.lead_staff)
    with django_assert_max_num_queries(15):
        assert office.get(BASE).status_code == 200
    with django_assert_max_num_queries(15):
        assert office.get(f"{BASE}/{p.pk}").status_code == 200
    with django_assert_max_num_queries(15):
        assert member.get(f"{BASE}/{p.pk}").status_code == 200
    with django_assert_max_num_queries(15):
        assert unit.get(f"{BASE}/{p.pk}").status_code == 200
    with django_assert_max_num_queries(15):
        assert office.get(f"{BASE}/{p.pk}/events").status_code == 200


def test_detail_shows_the_original_text_and_soft_warnings(world, api_for):
    p = draft(world, title="完善公厕指引系统")
    office = api_for(world.zhang_min)
    act(p, "submit", world.wang_wei)
    r = office.patch(f"{BASE}/{p.pk}", {"title": "关于完善公厕指引系统的建议", "note": "规范案由"})
    data = r.json()
    assert data["title"] == "关于完善公厕指引系统的建议"
    assert data["original"]["title"] == "完善公厕指引系统"
    assert data["version_count"] == 3
    assert any("字" in w for w in data["warnings"])  # the body is shorter than the guide


def test_upload_attachment(world, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = draft(world)
    from django.test import Client

    from .factories import PASSWORD

    client = Client()
    token = client.post(
        "/api/v1/auth/token", {"username": "wangwei", "password": PASSWORD}, content_type="application/json"
    ).json()["token"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok = client.post(
        f"{BASE}/{p.pk}/attachments",
        {"file": SimpleUploadedFile("调研.pdf", b"%PDF-1.4 test")},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert ok.status_code == 201, ok.content
    bad = client.post(
        f"{BASE}/{p.pk}/attachments",
        {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90")},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert bad.status_code == 422
    assert api_for(world.li_na).get(f"{BASE}/{p.pk}").status_code == 404


def test_settings_are_changed_by_the_office_and_audited(world, api_for):
    from tongxin.audit.models import SecurityEvent

    office = api_for(world.zhang_min)
    assert office.get(f"{BASE}/settings").json()["result_classes"]["C"] == "留作参考的"
    r = office.patch(f"{BASE}/settings", {"reply_months": 2, "result_class_scheme": 4})
    assert r.status_code == 200
    assert (r.json()["reply_months"], sorted(r.json()["result_classes"])) == (2, ["A", "B", "C", "D"])
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.CONFIG_CHANGED).latest("id")
    assert event.username == world.zhang_min.username
    assert event.details["after"] == {"reply_months": 2, "result_class_scheme": 4}
    bad = office.patch(f"{BASE}/settings", {"reply_months": 0, "number_format": "{nomber}"})
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"reply_months", "number_format"}


def test_key_list_notifications_and_supervision(world, api_for, django_capture_on_commit_callbacks):
    cast = make_cast(world)
    office = api_for(world.zhang_min)
    p = joint_proposal(cast, State.ASSIGNED)
    act(p, "designate_key", world.zhang_min, step="nominate", reason="关注度高")
    with django_capture_on_commit_callbacks(execute=True):
        act(
            p,
            "designate_key",
            world.zhang_min,
            step="decide",
            approve=True,
            supervising_leader="孙立",
            mode="lead",
        )
    listing = office.get(f"{BASE}/key-proposals", session=world.session.pk).json()
    assert [(i["proposal_id"], i["status"], i["mode"]) for i in listing["items"]] == [
        (p.pk, "designated", "lead")
    ]
    assert listing["filed"] == 1
    r = office.post(
        f"{BASE}/{p.pk}/key/supervision", {"kind": "visit", "held_on": "2026-11-20", "note": "走访"}
    )
    assert r.status_code == 201
    r = office.post(f"{BASE}/{p.pk}/key/close", {"summary": "督办完成"})
    assert r.json()["status"] == "closed"
    member = api_for(world.wang_wei)
    notices = member.get(f"{BASE}/notifications", unread=True).json()
    assert any("重点提案" in n["title"] for n in notices)
    assert member.post(f"{BASE}/notifications/{notices[0]['id']}/read").status_code == 204
    assert api_for(world.li_na).post(f"{BASE}/notifications/{notices[0]['id']}/read").status_code == 404
    assert len(member.get(f"{BASE}/notifications", unread=True).json()) == len(notices) - 1


def _token_client(user):
    from django.test import Client

    from .factories import PASSWORD

    client = Client()
    token = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    return client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_attachment_download_is_audited_and_scoped(world, api_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongxin.audit.models import SecurityEvent
    from tongxin.proposals import services

    settings.MEDIA_ROOT = tmp_path
    p = draft(world)
    attachment = services.attachment_add(
        proposal=p, actor=world.wang_wei, upload=SimpleUploadedFile("数据.pdf", b"%PDF-1.4 data")
    )
    act(p, "submit", world.wang_wei)
    listing = api_for(world.zhang_min).get(f"{BASE}/{p.pk}/attachments").json()
    assert [a["name"] for a in listing] == ["数据.pdf"]
    client, headers = _token_client(world.zhang_min)
    r = client.get(f"{BASE}/{p.pk}/attachments/{attachment.pk}", **headers)
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == b"%PDF-1.4 data"
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DOWNLOAD).latest("id")
    assert (event.username, event.target) == ("zhangmin", f"proposals.Attachment:{attachment.pk}")
    assert api_for(world.outsider).get(f"{BASE}/{p.pk}/attachments/{attachment.pk}").status_code == 404
    assert api_for(world.zhang_min).get(f"{BASE}/{p.pk}/attachments/999999").status_code == 404


def test_reply_letter_is_uploaded_by_the_replying_unit(world, api_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    cast = make_cast(world)
    p = joint_proposal(cast, State.REPLY_DRAFTED)
    lead_client, lead_headers = _token_client(cast.lead_staff)
    url = f"{BASE}/{p.pk}/reply-letter"
    r = lead_client.post(url, {"file": SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 signed")}, **lead_headers)
    assert r.status_code == 200, r.content
    assert r.json()["replies"][0]["has_letter"] is True
    docx = lead_client.post(url, {"file": SimpleUploadedFile("答复函.docx", b"PK\x03\x04")}, **lead_headers)
    assert docx.status_code == 422
    co_client, co_headers = _token_client(cast.co_staff)
    r = co_client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")}, **co_headers)
    assert r.status_code == 403


def test_review_desk_and_statistics_use_a_bounded_number_of_queries(
    world, api_for, django_assert_max_num_queries
):
    cast = make_cast(world)
    for i in range(6):
        act(draft(world, title=f"关于完善第{i}片区公厕指引系统的建议"), "submit", world.wang_wei)
    joint_proposal(cast, State.REPLIED)
    office = api_for(world.zhang_min)
    with django_assert_max_num_queries(15):
        rows = office.get(f"{BASE}/review-desk", session=world.session.pk).json()["items"]
    assert len(rows) == 6
    assert all(row["similar"] for row in rows)
    # Statistics is not a list page: one query per breakdown (totals, classes, replies, ratings, overdue,
    # five groupings, three per-unit tables) plus authentication, whatever the number of proposals.
    with django_assert_max_num_queries(18) as captured:
        assert office.get(f"{BASE}/statistics", session=world.session.pk).status_code == 200
    baseline = len(captured)
    for i in range(6, 12):
        act(draft(world, title=f"关于完善第{i}片区公厕指引系统的建议"), "submit", world.wang_wei)
    joint_proposal(cast, State.REPLIED)
    with django_assert_max_num_queries(baseline):
        assert office.get(f"{BASE}/statistics", session=world.session.pk).status_code == 200
