"""The users API: list, create, read, change, deactivate/reactivate, reset password, roles."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD
from tongxin.accounts.models import User
from tongxin.audit.models import SecurityEvent
from tongxin.members.models import Membership, Person
from tongxin.org.models import HandlingUnit, OfficeDepartment


def test_list_is_keyset_paged_and_filtered(world, api_for):
    api = api_for(world.sysadmin)
    first = api.get("/api/v1/users", limit=4)
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"items", "next_after"}
    assert len(body["items"]) == 4
    assert body["next_after"] == body["items"][-1]["id"]
    second = api.get("/api/v1/users", limit=4, after=body["next_after"]).json()
    assert second["items"][0]["id"] > body["next_after"]
    everyone = api.get("/api/v1/users", limit=100).json()
    assert everyone["next_after"] is None
    usernames = {item["username"] for item in everyone["items"]}
    assert "wangwei" in usernames
    assert "qianjin" not in usernames  # another committee
    units = api.get("/api/v1/users", kind="unit").json()["items"]
    assert [item["username"] for item in units] == ["zhouqiang"]
    leaders = api.get("/api/v1/users", role="leader").json()["items"]
    assert [item["username"] for item in leaders] == ["sunli"]
    found = api.get("/api/v1/users", q="张").json()["items"]
    assert [item["username"] for item in found] == ["zhangmin"]
    item = next(i for i in everyone["items"] if i["username"] == "zhangmin")
    assert item["roles"] == ["proposal_office"]
    assert item["committee_name"] == "兰州市城关区"
    assert "password" not in item


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "boss"}, "kind"),
        ({"role": "king"}, "role"),
        ({"limit": 101}, "limit"),
        ({"after": "x"}, "after"),
    ],
)
def test_list_refuses_bad_filters_with_422(world, api_for, params, field):
    response = api_for(world.sysadmin).get("/api/v1/users", **params)
    assert response.status_code == 422
    assert field in response.json()["fields"]


def test_list_of_another_committee_is_empty(world, api_for):
    response = api_for(world.sysadmin).get("/api/v1/users", committee=world.sibling.pk)
    assert response.json() == {"items": [], "next_after": None}


def test_create_member_account_returns_the_one_time_password_once(world, api_for):
    person = Person.objects.create(committee=world.committee, name="赵六", gender="female")
    Membership.objects.create(person=person, term=world.term, sector=world.sector)
    api = api_for(world.sysadmin)
    response = api.post(
        "/api/v1/users",
        {"kind": "member", "username": "zhaoliu", "full_name": "赵六", "person_id": person.pk},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    password = body["one_time_password"]
    user = User.objects.get(pk=body["id"])
    assert user.check_password(password)
    assert body["roles"] == ["member"]
    assert body["must_change_password"] is True
    assert "one_time_password" not in api.get(f"/api/v1/users/{user.pk}").json()
    # The new member's first token is refused until the one-time password is changed.
    token = Client().post(
        "/api/v1/auth/token", {"username": "zhaoliu", "password": password}, content_type="application/json"
    )
    assert token.status_code == 403
    assert token.json()["code"] == "password_expired"


def test_create_unit_and_office_accounts(world, api_for):
    api = api_for(world.sysadmin)
    department = OfficeDepartment.objects.create(committee=world.committee, name="秘书科", kind="secretariat")
    office = api.post(
        "/api/v1/users",
        {"kind": "office", "username": "mishu", "full_name": "秘书", "department_id": department.pk},
    )
    assert office.status_code == 201
    assert office.json()["department_id"] == department.pk
    assert office.json()["roles"] == []
    unit = api.post(
        "/api/v1/users",
        {"kind": "unit", "username": "jt2", "full_name": "联络员", "handling_unit_id": world.unit.pk},
    )
    assert unit.json()["roles"] == ["unit_staff"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "admin", "username": "boss", "full_name": "老板"}, "kind"),
        ({"kind": "office", "username": "a", "full_name": "某人"}, "username"),
        ({"kind": "office", "username": "wangwei", "full_name": "某人"}, "username"),
        ({"kind": "office", "username": "someone", "full_name": "   "}, "full_name"),
        ({"kind": "office", "username": "someone", "full_name": "某人", "email": "bad"}, "email"),
        ({"kind": "member", "username": "someone", "full_name": "某人"}, "person_id"),
        ({"kind": "unit", "username": "someone", "full_name": "某人"}, "handling_unit_id"),
        ({"kind": "office", "username": "someone", "full_name": "某人", "person_id": 999999}, "person_id"),
        ({"kind": "pirate", "username": "someone", "full_name": "某人"}, "kind"),
        ({"kind": "office", "username": "someone"}, "full_name"),
        ({"kind": "office", "username": "someone", "full_name": "某" * 31}, "full_name"),
    ],
)
def test_create_refuses_bad_input_with_422_and_writes_nothing(world, api_for, body, field):
    before = (User.objects.count(), SecurityEvent.objects.filter(kind="account_created").count())
    response = api_for(world.sysadmin).post("/api/v1/users", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"], response.json()
    assert (User.objects.count(), SecurityEvent.objects.filter(kind="account_created").count()) == before


def test_create_refuses_links_of_another_committee(world, api_for):
    other_unit = HandlingUnit.objects.create(committee=world.sibling, name="七里河区交通局")
    response = api_for(world.sysadmin).post(
        "/api/v1/users",
        {"kind": "unit", "username": "qlhjt", "full_name": "某人", "handling_unit_id": other_unit.pk},
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"handling_unit_id": ["不存在或不属于该委员会。"]}


def test_create_in_another_tree_is_404(world, api_for):
    response = api_for(world.sysadmin).post(
        "/api/v1/users",
        {"committee_id": world.sibling.pk, "kind": "office", "username": "spy", "full_name": "某人"},
    )
    assert response.status_code == 404


def test_patch_changes_only_what_is_sent(world, api_for):
    api = api_for(world.sysadmin)
    response = api.patch(f"/api/v1/users/{world.zhang_min.pk}", {"email": "zm@example.com"})
    assert response.status_code == 200
    assert response.json()["full_name"] == "张敏"
    assert response.json()["email"] == "zm@example.com"
    department = OfficeDepartment.objects.create(committee=world.committee, name="提案委", kind="proposals")
    assert (
        api.patch(f"/api/v1/users/{world.zhang_min.pk}", {"department_id": department.pk}).json()[
            "department_id"
        ]
        == department.pk
    )
    assert (
        api.patch(f"/api/v1/users/{world.zhang_min.pk}", {"department_id": None}).json()["department_id"]
        is None
    )
    bad = api.patch(f"/api/v1/users/{world.zhang_min.pk}", {"full_name": ""})
    assert bad.status_code == 422
    assert "full_name" in bad.json()["fields"]


def test_patch_refuses_a_unit_account_without_a_unit(world, api_for):
    response = api_for(world.sysadmin).patch(
        f"/api/v1/users/{world.zhou_qiang.pk}", {"handling_unit_id": None}
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["handling_unit_id"]
    world.zhou_qiang.refresh_from_db()
    assert world.zhou_qiang.handling_unit == world.unit


@pytest.mark.parametrize("admin", ["sysadmin", "secadmin", "auditadmin"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("patch", "/api/v1/users/{id}"),
        ("post", "/api/v1/users/{id}/deactivate"),
        ("post", "/api/v1/users/{id}/reset-password"),
    ],
)
def test_administrator_accounts_are_not_managed_through_the_api(world, api_for, admin, method, path):
    target = getattr(world, admin)
    response = getattr(api_for(world.sysadmin), method)(path.format(id=target.pk), {"full_name": "改名"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert (target.is_active, target.full_name != "改名") == (True, True)


def test_deactivate_revokes_tokens_and_reactivate(world, api_for):
    member_api = api_for(world.li_na)
    assert member_api.get("/api/v1/calendar/days", year=2026).status_code == 200
    api = api_for(world.sysadmin)
    response = api.post(f"/api/v1/users/{world.li_na.pk}/deactivate", {"note": "离任"})
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert member_api.get("/api/v1/calendar/days", year=2026).status_code == 401
    assert api.post(f"/api/v1/users/{world.li_na.pk}/deactivate").status_code == 409
    assert api.post(f"/api/v1/users/{world.li_na.pk}/reactivate").json()["is_active"] is True
    # The old token stays revoked after reactivation: she signs in again.
    assert member_api.get("/api/v1/calendar/days", year=2026).status_code == 401


def test_system_admin_cannot_deactivate_themselves(world, api_for):
    # Their own account is an administrator's: managed on the server, never here.
    response = api_for(world.sysadmin).post(f"/api/v1/users/{world.sysadmin.pk}/deactivate")
    assert response.status_code == 403


def test_reset_password(world, api_for):
    response = api_for(world.sysadmin).post(f"/api/v1/users/{world.li_na.pk}/reset-password")
    assert response.status_code == 200
    password = response.json()["one_time_password"]
    world.li_na.refresh_from_db()
    assert world.li_na.check_password(password)
    assert not world.li_na.check_password(PASSWORD)


def test_roles_endpoints(world, api_for):
    api = api_for(world.secadmin)
    granted = api.post(f"/api/v1/users/{world.zhang_min.pk}/roles", {"role": "leader"})
    assert granted.status_code == 201
    assert granted.json()["role"] == "leader"
    assert granted.json()["label"] == "领导"
    assert granted.json()["granted_by_id"] == world.secadmin.pk
    roles = api.get(f"/api/v1/users/{world.zhang_min.pk}/roles").json()
    assert [r["role"] for r in roles] == ["leader", "proposal_office"]
    assert api.delete(f"/api/v1/users/{world.zhang_min.pk}/roles/leader").status_code == 204
    assert api.delete(f"/api/v1/users/{world.zhang_min.pk}/roles/leader").json()["code"] == "not_granted"


@pytest.mark.parametrize(
    ("target", "role", "status", "code"),
    [
        ("sysadmin", "audit_admin", 409, "admin_roles_separated"),
        ("auditadmin", "security_admin", 409, "admin_roles_separated"),
        ("sysadmin", "proposal_office", 422, "invalid"),
        ("auditadmin", "member", 422, "invalid"),
        ("wang_wei", "system_admin", 422, "invalid"),
        ("wang_wei", "member", 409, "already_granted"),
        ("wang_wei", "king", 422, "invalid"),
        ("secadmin", "leader", 403, "forbidden"),  # oneself
    ],
)
def test_role_grant_refusals(world, api_for, target, role, status, code):
    user = getattr(world, target)
    before = set(user.roles.values_list("role", flat=True))
    response = api_for(world.secadmin).post(f"/api/v1/users/{user.pk}/roles", {"role": role})
    assert response.status_code == status
    assert response.json()["code"] == code
    assert set(user.roles.values_list("role", flat=True)) == before


def test_user_ids_that_are_not_numbers_are_404(world, api_for):
    assert api_for(world.sysadmin).get("/api/v1/users/abc").status_code == 404


def test_openapi_documents_the_users_endpoints(db):
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/users",
        "/api/v1/users/{user_id}",
        "/api/v1/users/{user_id}/deactivate",
        "/api/v1/users/{user_id}/reactivate",
        "/api/v1/users/{user_id}/reset-password",
        "/api/v1/users/{user_id}/roles",
        "/api/v1/users/{user_id}/roles/{role}",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/users"]) == {"get", "post"}
    assert "one_time_password" in schema["components"]["schemas"]["UserCreatedOut"]["properties"]
