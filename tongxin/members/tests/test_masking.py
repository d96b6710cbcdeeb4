"""Phone masking (ecosystem.md C22, C23): no full mobile number leaves the server unless an allowed role
reveals it (audited) or ticks "含完整手机号码" on an export (audited with the flag)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import PERSONAS
from tongxin.audit.models import SecurityEvent
from tongxin.members.masking import mask_phone
from tongxin.members.services import member_update

from .conftest import read_xlsx

# An unmasked mainland mobile number anywhere in a response.
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("+86 139-0931-2345", "139****2345"),
        ("0931-8123456", "093****3456"),
        ("8123456", "81****56"),
        ("12345", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked
    assert not MOBILE.search(mask_phone(phone))


@pytest.fixture
def pages(world, wang, foreign):
    return [
        "/members/",
        "/members/?q=wang",
        "/members/me/",
        f"/members/{wang.pk}/",
        f"/members/{wang.pk}/edit/",
        f"/members/{foreign.pk}/",
        "/members/new/",
        "/members/import/",
        "/",  # 我的待办
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_shows_a_full_number(world, pages, client_for, persona):
    client = client_for(getattr(world, persona))
    shown = 0
    for url in pages:
        response = client.get(url, follow=True)
        body = response.content.decode()
        assert not MOBILE.search(body), (url, MOBILE.search(body))
        shown += "138****8000" in body
    if persona in {
        "wang_wei",
        "sun_li",
        "zhang_min",
        "chen_jing",
        "zhao_lei",
        "sysadmin",
        "liu_yang",
        "li_na",
    }:
        assert shown  # the masked form is what they see


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_api_response_shows_a_full_number(world, wang, api_for, persona):
    api = api_for(getattr(world, persona))
    for path in ("/api/v1/members", f"/api/v1/members/{wang.pk}"):
        body = api.get(path).content.decode()
        assert not MOBILE.search(body), path


@pytest.mark.parametrize("persona", ["zhang_min", "liu_yang", "chen_jing", "zhao_lei", "sysadmin"])
def test_no_default_export_has_a_full_number(world, client_for, persona):
    response = client_for(getattr(world, persona)).get("/members/export/")
    assert response.status_code == 200
    cells = [
        str(v) for line in read_xlsx(b"".join(response.streaming_content)) for v in line if v is not None
    ]
    assert "138****8000" in cells
    assert not any(MOBILE.search(c) for c in cells)
    assert SecurityEvent.objects.get(kind="export").details["full_phone"] is False


def test_a_full_number_export_needs_the_role_and_the_tick(world, client_for):
    response = client_for(world.zhao_lei).get("/members/export/?full_phone=1")
    cells = [v for line in read_xlsx(b"".join(response.streaming_content)) for v in line]
    assert "13800138000" in cells
    assert SecurityEvent.objects.get(kind="export").details["full_phone"] is True
    assert client_for(world.sysadmin).get("/members/export/?full_phone=1").status_code == 403


def test_the_export_tick_is_offered_only_to_phone_roles(world, client_for):
    assert "含完整手机号码" in client_for(world.zhao_lei).get("/members/").content.decode()
    assert "含完整手机号码" not in client_for(world.sysadmin).get("/members/").content.decode()
    assert "导出 Excel" not in client_for(world.sun_li).get("/members/").content.decode()


def test_reveal_with_htmx_returns_the_fragment_and_is_audited(world, wang, client_for):
    client = client_for(world.chen_jing)
    page = client.get(f"/members/{wang.pk}/").content.decode()
    assert "显示完整号码" in page
    response = client.post(f"/members/{wang.pk}/reveal-phone/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "13800138000" in body
    assert "<html" not in body
    assert 'id="phone"' in body
    event = SecurityEvent.objects.get(kind="reveal")
    assert (event.username, event.target) == ("chenjing", f"members.Person:{wang.person_id}")
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_reveal_without_javascript_renders_the_whole_page(world, wang, client_for):
    response = client_for(world.zhao_lei).post(f"/members/{wang.pk}/reveal-phone/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "13800138000" in body
    assert SecurityEvent.objects.filter(kind="reveal").count() == 1


def test_reveal_through_the_api(world, wang, api_for):
    response = api_for(world.zhang_min).post(f"/api/v1/members/{wang.pk}/reveal-phone")
    assert response.json() == {"phone": "13800138000"}
    assert SecurityEvent.objects.filter(kind="reveal", username="zhangmin").count() == 1


@pytest.mark.parametrize("persona", ["sun_li", "liu_yang", "sysadmin", "wang_wei"])
def test_other_readers_get_no_reveal_button(world, wang, client_for, persona):
    body = client_for(getattr(world, persona)).get(f"/members/{wang.pk}/").content.decode()
    assert "显示完整号码" not in body


def test_edit_form_never_echoes_the_stored_number(world, org, wang, client_for):
    member_update(actor=world.zhao_lei, membership=wang, phone="13912345678")
    body = client_for(world.zhao_lei).get(f"/members/{wang.pk}/edit/").content.decode()
    assert "139****5678" in body
    assert not MOBILE.search(body)


def test_api_error_messages_do_not_echo_numbers(world, org, wang, api_for):
    response = api_for(world.zhao_lei).post(
        "/api/v1/members",
        {"name": "甲", "gender": "male", "sector_id": world.sector.pk, "phone": "13800138000"},
    )
    assert response.status_code == 422
    assert not MOBILE.search(json.dumps(response.json(), ensure_ascii=False))
