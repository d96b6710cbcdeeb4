"""Role grants and 三员分立 (等保 L3 8.1.5.1–8.1.5.3, ecosystem.md C6): the system administrator cannot
grant roles, the security administrator cannot create or edit accounts, the audit administrator can
do neither, none of them works in the business, and no account holds two administrator roles."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from conftest import PASSWORD
from tongxin.accounts.models import User, UserEvent, UserRole
from tongxin.accounts.navigation import navigation_for
from tongxin.accounts.services import (
    ROLES_FOR_KIND,
    password_reset,
    role_grant,
    role_revoke,
    user_create,
    user_set_active,
    user_update,
)
from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.core.roles import ADMIN_ROLES, BUSINESS_ROLES, Role

ADMINS = ["sysadmin", "secadmin", "auditadmin"]


def _roles(user) -> set[str]:
    return set(UserRole.objects.filter(user=user).values_list("role", flat=True))


def _new_admin(world, username="spare"):
    user, _ = user_create(
        actor=None,
        committee=world.committee,
        username=username,
        full_name="备用管理员",
        kind="admin",
        password=PASSWORD,
    )
    return user


# --- the rules, at the service ------------------------------------------------------------------


def test_security_admin_grants_and_revokes_with_events(world):
    grant = role_grant(actor=world.secadmin, user=world.li_na, role=Role.LEADER)
    assert grant.granted_by == world.secadmin
    assert _roles(world.li_na) == {"member", "leader"}
    role_revoke(actor=world.secadmin, user=world.li_na, role=Role.LEADER)
    assert _roles(world.li_na) == {"member"}
    assert list(UserEvent.objects.filter(user=world.li_na).values_list("name", "data")) == [
        ("created", {"kind": "member", "roles": ["member"]}),
        ("role_granted", {"role": "leader"}),
        ("role_revoked", {"role": "leader"}),
    ]
    kinds = list(
        SecurityEvent.objects.filter(target=f"user:{world.li_na.pk}", username="secadmin").values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == ["role_granted", "role_revoked"]


@pytest.mark.parametrize("actor", ["sysadmin", "auditadmin", "zhang_min", "sun_li"])
def test_only_the_security_admin_grants_or_revokes(world, actor):
    with pytest.raises(Forbidden):
        role_grant(actor=getattr(world, actor), user=world.li_na, role=Role.LEADER)
    with pytest.raises(Forbidden):
        role_revoke(actor=getattr(world, actor), user=world.li_na, role=Role.MEMBER)
    assert _roles(world.li_na) == {"member"}


@pytest.mark.parametrize("actor", ["secadmin", "auditadmin"])
def test_security_and_audit_admins_cannot_create_or_change_accounts(world, actor):
    admin = getattr(world, actor)
    with pytest.raises(Forbidden):
        user_create(actor=admin, committee=world.committee, username="x123", full_name="某人", kind="office")
    with pytest.raises(Forbidden):
        user_update(actor=admin, user=world.li_na, full_name="改名")
    with pytest.raises(Forbidden):
        user_set_active(actor=admin, user=world.li_na, active=False)
    with pytest.raises(Forbidden):
        password_reset(actor=admin, user=world.li_na)
    assert not User.objects.filter(username="x123").exists()
    world.li_na.refresh_from_db()
    assert (world.li_na.full_name, world.li_na.is_active) == ("李娜", True)


def test_no_self_grant_or_self_revoke(world):
    with pytest.raises(Forbidden):
        role_grant(actor=world.secadmin, user=world.secadmin, role=Role.AUDIT_ADMIN)
    with pytest.raises(Forbidden):
        role_revoke(actor=world.secadmin, user=world.secadmin, role=Role.SECURITY_ADMIN)
    assert _roles(world.secadmin) == {"security_admin"}


@pytest.mark.parametrize("admin", ADMINS)
@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_a_second_administrator_role_is_refused(world, admin, role):
    user = getattr(world, admin)
    before = _roles(user)
    with pytest.raises((Conflict, Forbidden)):
        role_grant(actor=world.secadmin, user=user, role=role)
    assert _roles(user) == before


@pytest.mark.parametrize("admin", ADMINS)
@pytest.mark.parametrize("role", sorted(BUSINESS_ROLES))
def test_no_business_role_for_an_administrator(world, admin, role):
    user = getattr(world, admin)
    actor = world.sysadmin if admin == "secadmin" else world.secadmin  # the grantor; never oneself
    with pytest.raises((Invalid, Forbidden)):
        role_grant(actor=actor, user=user, role=role)
    with pytest.raises(Invalid):
        role_grant(actor=None, user=user, role=role)  # not even the system itself
    assert _roles(user) <= ADMIN_ROLES


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_no_administrator_role_for_a_business_account(world, role):
    for user in (world.wang_wei, world.zhang_min, world.zhou_qiang):
        with pytest.raises(Invalid):
            role_grant(actor=world.secadmin, user=user, role=role)
        assert not (_roles(user) & ADMIN_ROLES)


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("wang_wei", "proposal_office"),
        ("zhou_qiang", "member"),
        ("zhang_min", "unit_staff"),
        ("zhang_min", "member"),
    ],
)
def test_roles_must_suit_the_account_kind(world, persona, role):
    with pytest.raises(Invalid):
        role_grant(actor=world.secadmin, user=getattr(world, persona), role=role)


def test_the_database_refuses_two_administrator_roles(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserRole.objects.create(user=world.sysadmin, role=Role.AUDIT_ADMIN)
    assert _roles(world.sysadmin) == {"system_admin"}


def test_an_empty_administrator_account_gets_exactly_one_role(world):
    spare = _new_admin(world)
    role_grant(actor=world.secadmin, user=spare, role=Role.AUDIT_ADMIN)
    with pytest.raises(Conflict):
        role_grant(actor=world.secadmin, user=spare, role=Role.SYSTEM_ADMIN)
    assert _roles(spare) == {"audit_admin"}


def test_granting_twice_and_revoking_what_is_not_held_are_conflicts(world):
    with pytest.raises(Conflict):
        role_grant(actor=world.secadmin, user=world.li_na, role=Role.MEMBER)
    with pytest.raises(Conflict):
        role_revoke(actor=world.secadmin, user=world.li_na, role=Role.LEADER)
    with pytest.raises(Invalid):
        role_revoke(actor=world.secadmin, user=world.li_na, role="king")


@pytest.mark.parametrize("admin", ADMINS)
def test_administrators_hold_no_business_role_and_see_no_business_navigation(world, admin):
    user = getattr(world, admin)
    assert not user.has_role(*BUSINESS_ROLES)
    labels = {str(item["label"]) for item in navigation_for(user)}
    own = {"sysadmin": "账号管理", "secadmin": "角色授权", "auditadmin": "安全审计"}[admin]
    assert own in labels
    # Each sees only their own administrator page among the three.
    assert len(labels & {"账号管理", "角色授权", "安全审计"}) == 1


@pytest.mark.parametrize("admin", ["secadmin", "auditadmin"])
@pytest.mark.parametrize("url", ["/members/", "/org/"])
def test_security_and_audit_admins_cannot_open_business_pages(world, client_for, admin, url):
    assert client_for(getattr(world, admin)).get(url).status_code == 403


# --- the role page --------------------------------------------------------------------------------


def test_role_page_lists_accounts_with_roles_and_grant_choices(world, client_for):
    response = client_for(world.secadmin).get("/accounts/roles/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "张敏" in html
    assert "提案工作人员" in html
    assert "钱进" not in html
    rows = {account.username: account for account in response.context["page"].items}
    assert [value for value, _ in rows["lina"].grantable] == ["leader"]
    assert rows["sysadmin"].grantable == []  # holds an administrator role already
    assert {value for value, _ in rows["zhangmin"].grantable} == ROLES_FOR_KIND["office"] - {
        "proposal_office"
    }


def test_roleless_filter(world, client_for):
    spare = _new_admin(world)
    office, _ = user_create(
        actor=None,
        committee=world.committee,
        username="newbie",
        full_name="新人",
        kind="office",
        password=PASSWORD,
    )
    response = client_for(world.secadmin).get("/accounts/roles/?roleless=1")
    assert {account.pk for account in response.context["page"].items} == {spare.pk, office.pk}


def test_grant_from_the_role_page_with_and_without_htmx(world, client_for):
    client = client_for(world.secadmin)
    response = client.post(
        f"/accounts/roles/{world.li_na.pk}/grant/", {"role": "leader", "next": "/accounts/roles/?q=li"}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/roles/?q=li"
    assert _roles(world.li_na) == {"member", "leader"}
    response = client.post(
        f"/accounts/roles/{world.li_na.pk}/revoke/leader/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/accounts/roles/",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="account-{world.li_na.pk}"')
    assert "已撤销" in html
    assert _roles(world.li_na) == {"member"}


def test_role_page_shows_the_refusal_of_a_second_admin_role(world, client_for):
    spare = _new_admin(world)
    role_grant(actor=world.secadmin, user=spare, role=Role.AUDIT_ADMIN)
    response = client_for(world.secadmin).post(
        f"/accounts/roles/{spare.pk}/grant/", {"role": "system_admin"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "三员分立" in response.content.decode()
    assert _roles(spare) == {"audit_admin"}


def test_role_page_refuses_business_role_for_admin_with_a_message(world, client_for):
    client = client_for(world.secadmin)
    response = client.post(
        f"/accounts/roles/{world.sysadmin.pk}/grant/", {"role": "proposal_office"}, follow=True
    )
    assert response.status_code == 200
    assert "不能授予" in response.content.decode()
    assert _roles(world.sysadmin) == {"system_admin"}


def test_self_grant_from_the_role_page_is_403_and_logged(world, client_for):
    response = client_for(world.secadmin).post(
        f"/accounts/roles/{world.secadmin.pk}/grant/", {"role": "leader"}
    )
    assert response.status_code == 403
    assert SecurityEvent.objects.filter(kind="access_denied", username="secadmin").exists()


@pytest.mark.parametrize("role", ["", "king", "system_admin'--"])
def test_role_page_refuses_unknown_roles(world, client_for, role):
    response = client_for(world.secadmin).post(
        f"/accounts/roles/{world.li_na.pk}/grant/", {"role": role}, follow=True
    )
    assert response.status_code == 200
    assert "角色无效" in response.content.decode()
    assert _roles(world.li_na) == {"member"}


def test_role_page_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    for n in range(30):
        user_create(
            actor=None,
            committee=world.committee,
            username=f"staff{n}",
            full_name=f"同事{n}",
            kind="office",
            password=PASSWORD,
        )
    client = client_for(world.secadmin)
    with django_assert_max_num_queries(12):
        response = client.get("/accounts/roles/")
    assert len(response.context["page"].items) == 41
