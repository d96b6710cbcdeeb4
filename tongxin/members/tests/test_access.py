"""Who may do what: every persona × every rule, page and endpoint of the members app."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PERSONAS
from tongxin.members import access
from tongxin.members.queries import members_visible_to

from .conftest import row, upload, xlsx_bytes

READERS = {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei", "sysadmin"}
MANAGERS = {"zhao_lei", "sysadmin"}
PHONE = {"zhang_min", "chen_jing", "zhao_lei"}  # settings.PHONE_VISIBLE_ROLES
EXPORTERS = {"zhang_min", "liu_yang", "chen_jing", "zhao_lei", "sysadmin"}


# --- The rules themselves ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_role_rules(world, persona):
    user = getattr(world, persona)
    assert access.can_view_roster(user) is (persona in READERS and persona != "outsider")
    assert access.can_manage_memberships(user) is (persona in MANAGERS)
    assert access.can_see_phone(user) is (persona in PHONE)
    assert access.can_export_roster(user) is (persona in EXPORTERS)
    assert access.can_export_full_phones(user) is (persona in EXPORTERS & PHONE)
    assert access.can_create_member_account(user) is (persona == "sysadmin")


@pytest.mark.parametrize("persona", PERSONAS)
def test_membership_rules_follow_committee_and_ownership(world, wang, foreign, persona):
    user = getattr(world, persona)
    own = persona == "wang_wei"
    assert access.can_view_membership(user, wang) is (persona in READERS or own)
    assert access.can_manage_memberships(user, wang) is (persona in MANAGERS)
    assert access.can_reveal_phone(user, wang) is (persona in PHONE)
    # Another committee's member is out of reach for everyone in 城关区, whatever their role.
    assert access.can_view_membership(user, foreign) is (persona == "outsider")
    assert access.can_manage_memberships(user, foreign) is False


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_queryset_agrees_with_the_rule(world, persona):
    from tongxin.members.models import Membership

    user = getattr(world, persona)
    visible = set(members_visible_to(user).values_list("pk", flat=True))
    expected = {
        m.pk for m in Membership.objects.select_related("term") if access.can_view_membership(user, m)
    }
    assert visible == expected


def test_anonymous_sees_nothing(world, wang):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not access.can_view_roster(anonymous)
    assert not access.can_view_membership(anonymous, wang)
    assert not members_visible_to(anonymous).exists()


# --- Pages -----------------------------------------------------------------------------------------------


def _page_expectations(persona: str) -> dict[str, int]:
    reader = persona in READERS
    member = persona in {"wang_wei", "li_na", "sun_li", "outsider"}
    manager = persona in MANAGERS
    sees_wang = reader or persona == "wang_wei"
    return {
        "list": 200 if reader else (302 if member else 403),
        "me": 200 if member else 404,
        "detail": 200 if sees_wang else 404,
        "edit": 200 if manager else (403 if sees_wang else 404),
        "reveal": 200 if persona in PHONE else (403 if sees_wang else 404),
        "transition": 302 if manager else (403 if sees_wang else 404),
        "photo_upload": 422 if manager else (403 if sees_wang else 404),
        "create": 200 if manager else 403,
        "import": 200 if manager else 403,
        "export": 200 if persona in EXPORTERS else 403,
        "template": 200 if manager else 403,
        "foreign_detail": 200 if persona == "outsider" else 404,
        "foreign_edit": 403 if persona == "outsider" else 404,
    }


def _request(client: Client, page: str, wang, foreign):
    pk = wang.pk
    requests = {
        "list": ("get", "/members/", {}),
        "me": ("get", "/members/me/", {}),
        "detail": ("get", f"/members/{pk}/", {}),
        "edit": ("get", f"/members/{pk}/edit/", {}),
        "reveal": ("post", f"/members/{pk}/reveal-phone/", {}),
        "transition": ("post", f"/members/{pk}/actions/resign/", {"resign-note": "常委会议决定"}),
        "photo_upload": ("post", f"/members/{pk}/photo/upload/", {}),
        "create": ("get", "/members/new/", {}),
        "import": ("get", "/members/import/", {}),
        "export": ("get", "/members/export/", {}),
        "template": ("get", "/members/template/", {}),
        "foreign_detail": ("get", f"/members/{foreign.pk}/", {}),
        "foreign_edit": ("get", f"/members/{foreign.pk}/edit/", {}),
    }
    method, url, data = requests[page]
    return getattr(client, method)(url, data)


PAGES = list(_page_expectations("wang_wei"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES)
def test_page_access_matrix(world, wang, foreign, client_for, persona, page):
    response = _request(client_for(getattr(world, persona)), page, wang, foreign)
    assert response.status_code == _page_expectations(persona)[page], response.content[:500]


@pytest.mark.parametrize("page", PAGES)
def test_pages_send_anonymous_visitors_to_sign_in(world, wang, foreign, page):
    response = _request(Client(), page, wang, foreign)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_members_go_to_their_own_page_from_the_roster(world, client_for):
    response = client_for(world.wang_wei).get("/members/")
    assert response.url == "/members/me/"


def test_get_on_write_urls_is_refused(world, wang, client_for):
    client = client_for(world.zhao_lei)
    assert client.get(f"/members/{wang.pk}/reveal-phone/").status_code == 405
    assert client.get(f"/members/{wang.pk}/actions/resign/").status_code == 405


# --- API ---------------------------------------------------------------------------------------------------


def _api_expectations(persona: str) -> dict[str, int]:
    reader = persona in READERS
    member = persona in {"wang_wei", "li_na", "sun_li", "outsider"}
    manager = persona in MANAGERS
    sees_wang = reader or persona == "wang_wei"
    return {
        "list": 200 if reader or member else 403,
        "create": 201 if manager else 403,
        "detail": 200 if sees_wang else 404,
        "patch": 200 if manager else (403 if sees_wang else 404),
        "action": 200 if manager else (403 if sees_wang else 404),
        "reveal": 200 if persona in PHONE else (403 if sees_wang else 404),
        "import": 200 if manager else 403,
        "export": 200 if persona in EXPORTERS else 403,
        "foreign_detail": 200 if persona == "outsider" else 404,
        "foreign_patch": 403 if persona == "outsider" else 404,
        "foreign_action": 403 if persona == "outsider" else 404,
    }


def _api_call(api, endpoint: str, world, wang, foreign):
    pk = wang.pk
    base = "/api/v1/members"
    if endpoint == "list":
        return api.get(base)
    if endpoint == "create":
        return api.post(base, {"name": "赵六", "gender": "female", "sector_id": world.sector.pk})
    if endpoint == "detail":
        return api.get(f"{base}/{pk}")
    if endpoint == "patch":
        return api.patch(f"{base}/{pk}", {"workplace": "城关区第一中学"})
    if endpoint == "action":
        return api.post(f"{base}/{pk}/actions/resign", {"note": "本人申请，常委会议同意"})
    if endpoint == "reveal":
        return api.post(f"{base}/{pk}/reveal-phone")
    if endpoint == "import":
        content = xlsx_bytes([row(姓名="钱七", 手机号码="13900001111")])
        return api.client.post(
            f"{base}/import", {"term_id": world.term.pk, "file": upload(content)}, **api.headers
        )
    if endpoint == "export":
        return api.get(f"{base}/export")
    if endpoint == "foreign_detail":
        return api.get(f"{base}/{foreign.pk}")
    if endpoint == "foreign_patch":
        return api.patch(f"{base}/{foreign.pk}", {"workplace": "某处"})
    if endpoint == "foreign_action":
        return api.post(f"{base}/{foreign.pk}/actions/resign", {"note": "x"})
    raise AssertionError(endpoint)


ENDPOINTS = list(_api_expectations("wang_wei"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_access_matrix(world, wang, foreign, api_for, persona, endpoint):
    response = _api_call(api_for(getattr(world, persona)), endpoint, world, wang, foreign)
    assert response.status_code == _api_expectations(persona)[endpoint], response.content[:500]
    if response.status_code in (403, 404):
        assert response.json()["code"] in {"forbidden", "not_found"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_refuses_anonymous_callers(world, wang, foreign, anon_api, endpoint):
    response = _api_call(anon_api, endpoint, world, wang, foreign)
    assert response.status_code == 401


@pytest.mark.parametrize("persona", ["wang_wei", "outsider"])
def test_api_list_shows_a_member_only_their_own_record(world, api_for, persona):
    user = getattr(world, persona)
    items = api_for(user).get("/api/v1/members").json()["items"]
    assert [i["person"]["id"] for i in items] == [user.person_id]
