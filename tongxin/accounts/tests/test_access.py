"""The access matrix: every persona × every page and endpoint of accounts (style.md §5.7).

Visible but not permitted answers 403 and is logged as access_denied; another committee's account
answers 404 even to an administrator.
"""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD, PERSONAS
from tongxin.accounts import access
from tongxin.audit.models import SecurityEvent

# (method, url template, personas allowed, status for them); {id} is 李娜's account in 城关区.
PAGES = [
    ("get", "/accounts/users/", {"sysadmin"}, 200),
    ("get", "/accounts/users/?without_account=1", {"sysadmin"}, 200),
    ("get", "/accounts/users/new/", {"sysadmin"}, 200),
    ("get", "/accounts/users/new/?kind=office", {"sysadmin"}, 200),
    ("get", "/accounts/users/{id}/", {"sysadmin"}, 200),
    ("get", "/accounts/users/{id}/edit/", {"sysadmin"}, 200),
    ("get", "/accounts/users/{id}/deactivate/", {"sysadmin"}, 200),
    ("post", "/accounts/users/{id}/deactivate/", {"sysadmin"}, 302),
    ("post", "/accounts/users/{id}/reactivate/", {"sysadmin"}, 302),
    ("get", "/accounts/users/{id}/reset-password/", {"sysadmin"}, 200),
    ("post", "/accounts/users/{id}/reset-password/", {"sysadmin"}, 200),
    ("get", "/accounts/roles/", {"secadmin"}, 200),
    ("get", "/accounts/roles/?roleless=1", {"secadmin"}, 200),
    ("post", "/accounts/roles/{id}/grant/", {"secadmin"}, 302),
    ("post", "/accounts/roles/{id}/revoke/member/", {"secadmin"}, 302),
]

# (method, path, body, personas allowed, status for them)
ENDPOINTS = [
    ("get", "/api/v1/users", None, {"sysadmin", "secadmin"}, 200),
    (
        "post",
        "/api/v1/users",
        {"kind": "office", "username": "newstaff", "full_name": "新同事"},
        {"sysadmin"},
        201,
    ),
    ("get", "/api/v1/users/{id}", None, {"sysadmin", "secadmin"}, 200),
    ("patch", "/api/v1/users/{id}", {"email": "lina@example.com"}, {"sysadmin"}, 200),
    ("post", "/api/v1/users/{id}/deactivate", {"note": "离任"}, {"sysadmin"}, 200),
    ("post", "/api/v1/users/{id}/reactivate", None, {"sysadmin"}, 409),  # already active
    ("post", "/api/v1/users/{id}/reset-password", None, {"sysadmin"}, 200),
    ("get", "/api/v1/users/{id}/roles", None, {"sysadmin", "secadmin"}, 200),
    ("post", "/api/v1/users/{id}/roles", {"role": "leader"}, {"secadmin"}, 201),
    ("delete", "/api/v1/users/{id}/roles/member", None, {"secadmin"}, 204),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "url", "allowed", "status"), PAGES)
def test_page_matrix(world, client_for, persona, method, url, allowed, status):
    user = getattr(world, persona)
    client = client_for(user)
    path = url.format(id=world.li_na.pk)
    data = {"role": "leader"} if method == "post" else None
    response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    expected = status if persona in allowed else 403
    assert response.status_code == expected, (persona, path, response.status_code)
    denied = SecurityEvent.objects.filter(kind="access_denied", username=user.username, outcome="failure")
    assert denied.exists() == (expected == 403)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "body", "allowed", "status"), ENDPOINTS)
def test_endpoint_matrix(world, api_for, persona, method, path, body, allowed, status):
    user = getattr(world, persona)
    api = api_for(user)
    path = path.format(id=world.li_na.pk)
    response = getattr(api, method)(path, body) if method in ("post", "patch") else getattr(api, method)(path)
    expected = status if persona in allowed else 403
    assert response.status_code == expected, (persona, path, response.content)
    if expected == 403:
        assert set(response.json()) == {"code", "message"}
        assert SecurityEvent.objects.filter(kind="access_denied", username=user.username).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/users/{id}/",
        "/accounts/users/{id}/edit/",
        "/accounts/users/{id}/deactivate/",
        "/accounts/users/{id}/reset-password/",
    ],
)
def test_system_admin_gets_404_for_another_committees_account(world, client_for, url):
    response = client_for(world.sysadmin).get(url.format(id=world.outsider.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/accounts/roles/{id}/grant/", "/accounts/roles/{id}/revoke/member/"])
def test_security_admin_gets_404_for_another_committees_account(world, client_for, url):
    response = client_for(world.secadmin).post(url.format(id=world.outsider.pk), {"role": "leader"})
    assert response.status_code == 404
    assert set(world.outsider.roles.values_list("role", flat=True)) == {"member"}


@pytest.mark.parametrize(
    ("persona", "method", "path"),
    [
        ("sysadmin", "get", "/api/v1/users/{id}"),
        ("sysadmin", "patch", "/api/v1/users/{id}"),
        ("sysadmin", "post", "/api/v1/users/{id}/reset-password"),
        ("secadmin", "get", "/api/v1/users/{id}/roles"),
        ("secadmin", "post", "/api/v1/users/{id}/roles"),
        ("secadmin", "delete", "/api/v1/users/{id}/roles/member"),
    ],
)
def test_api_answers_404_for_another_committees_account(world, api_for, persona, method, path):
    api = api_for(getattr(world, persona))
    path = path.format(id=world.outsider.pk)
    body = {"role": "leader"} if "roles" in path else {"full_name": "改名"}
    response = getattr(api, method)(path, body) if method in ("post", "patch") else getattr(api, method)(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_city_system_admin_manages_the_district_below(world, client_for):
    from tongxin.accounts.services import role_grant, user_create
    from tongxin.core.roles import Role

    city_admin, _ = user_create(
        actor=None,
        committee=world.city,
        username="cityadmin",
        full_name="市系统管理员",
        kind="admin",
        password=PASSWORD,
    )
    role_grant(actor=None, user=city_admin, role=Role.SYSTEM_ADMIN)
    assert world.li_na in access.users_visible_to(city_admin)
    assert client_for(city_admin).get(f"/accounts/users/{world.li_na.pk}/").status_code == 200
    # …but the district's administrator does not see the city's accounts.
    assert client_for(world.sysadmin).get(f"/accounts/users/{city_admin.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/accounts/users/", "/accounts/roles/", f"/accounts/users/{1}/", "/accounts/users/new/"]
)
def test_signed_out_visitors_are_sent_to_sign_in(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/users/1", "/api/v1/users/1/roles"])
def test_api_without_token_answers_401(anon_api, db, path):
    response = anon_api.get(path)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}


@pytest.mark.parametrize(
    ("rule", "allowed"),
    [
        (access.can_manage_accounts, {"sysadmin"}),
        (access.can_grant_roles, {"secadmin"}),
        (access.can_view_accounts, {"sysadmin", "secadmin"}),
    ],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_access_rules(world, rule, allowed, persona):
    assert rule(getattr(world, persona)) == (persona in allowed)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_administrator_account_is_managed_in_the_application(world, persona):
    user = getattr(world, persona)
    for admin in (world.sysadmin, world.secadmin, world.auditadmin):
        assert not access.can_manage_account(user, admin)
    assert access.can_manage_account(user, world.li_na) == (persona == "sysadmin")
