"""The system administrator's account pages: list and filters, create, detail, edit, deactivate,
reactivate, password reset."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from conftest import PASSWORD
from tongxin.accounts.models import User, UserEvent
from tongxin.accounts.services import user_create
from tongxin.audit.models import SecurityEvent
from tongxin.members.models import Membership, Person
from tongxin.org.models import OfficeDepartment


def _new_member(world, name="赵六", pinyin="zhaoliu"):
    person = Person.objects.create(
        committee=world.committee, name=name, name_pinyin=pinyin, gender=Person.Gender.FEMALE
    )
    Membership.objects.create(person=person, term=world.term, sector=world.sector)
    return person


def _names(response) -> str:
    return response.content.decode()


def test_list_shows_accounts_with_roles(world, client_for):
    response = client_for(world.sysadmin).get("/accounts/users/")
    html = _names(response)
    assert response.status_code == 200
    for name in ("王伟", "张敏", "周强", "安全管理员"):
        assert name in html
    assert "钱进" not in html  # the sibling committee's member
    assert "提案工作人员" in html


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("kind=unit", ["周强"], ["王伟", "张敏"]),
        ("kind=office", ["张敏", "刘洋"], ["王伟", "周强"]),
        ("role=leader", ["孙立"], ["王伟", "张敏"]),
        ("q=zhang", ["张敏"], ["王伟"]),
        ("q=王", ["王伟"], ["李娜"]),
        ("active=0", [], ["王伟", "张敏"]),
        ("active=1", ["王伟"], []),
    ],
)
def test_list_filters(world, client_for, query, present, absent):
    html = _names(client_for(world.sysadmin).get(f"/accounts/users/?{query}"))
    for name in present:
        assert name in html, (query, name)
    for name in absent:
        assert name not in html, (query, name)


def test_list_filter_by_inactive_finds_a_deactivated_account(world, client_for):
    from tongxin.accounts.services import user_set_active

    user_set_active(actor=world.sysadmin, user=world.li_na, active=False)
    html = _names(client_for(world.sysadmin).get("/accounts/users/?active=0"))
    assert "李娜" in html
    assert "王伟" not in html


@pytest.mark.parametrize(
    "query", ["kind=boss", "role=king", "active=maybe", "after=abc", "limit=1000", "q=" + "x" * 41]
)
def test_bad_filters_answer_a_message_not_a_crash(world, client_for, query):
    response = client_for(world.sysadmin).get(f"/accounts/users/?{query}")
    assert response.status_code == 200
    assert 'class="form-errors"' in _names(response) or 'class="error"' in _names(response)


def test_list_pages_by_id(world, client_for):
    client = client_for(world.sysadmin)
    first = client.get("/accounts/users/?limit=5&kind=office")
    assert first.status_code == 200
    page = first.context["page"]
    assert [u.username for u in page.items] == ["zhangmin", "liuyang", "chenjing", "zhaolei"]
    assert page.next_after is None
    all_page = client.get("/accounts/users/?limit=3").context["page"]
    assert len(all_page.items) == 3
    assert all_page.next_after == all_page.items[-1].pk
    second = client.get(f"/accounts/users/?limit=3&after={all_page.next_after}").context["page"]
    assert second.items[0].pk > all_page.items[-1].pk
    assert f"after={all_page.next_after}" in _names(client.get("/accounts/users/?limit=3"))


def test_htmx_filter_answers_only_the_results(world, client_for):
    response = client_for(world.sysadmin).get("/accounts/users/?kind=unit", HTTP_HX_REQUEST="true")
    html = _names(response)
    assert "周强" in html
    assert "<html" not in html
    assert 'id="results"' not in html  # the partial is the inside of #results


def test_without_account_lists_serving_members_with_an_open_account_action(world, client_for):
    person = _new_member(world)
    resigned = _new_member(world, "钱七", "qianqi")
    Membership.objects.filter(person=resigned).update(status="resigned")
    response = client_for(world.sysadmin).get("/accounts/users/?without_account=1")
    html = _names(response)
    assert "赵六" in html
    assert "钱七" not in html
    assert "王伟" not in html  # has an account
    assert f"person={person.pk}" in html
    assert "开通账号" in html


def test_open_account_for_a_member_from_the_list(world, client_for):
    person = _new_member(world)
    client = client_for(world.sysadmin)
    url = f"/accounts/users/new/?kind=member&committee={world.committee.pk}&person={person.pk}"
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert form_page.context["form"].initial == {
        "person": person.pk,
        "full_name": "赵六",
        "username": "zhaoliu",
    }
    response = client.post(url, {"person": person.pk, "username": "zhaoliu", "full_name": "赵六"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password in _names(response)
    user = User.objects.get(username="zhaoliu")
    assert user.person == person
    assert user.must_change_password
    assert user.check_password(password)
    assert set(user.roles.values_list("role", flat=True)) == {"member"}
    assert UserEvent.objects.filter(user=user, name="created", actor=world.sysadmin).exists()
    event = SecurityEvent.objects.get(kind="account_created", target=f"user:{user.pk}")
    assert event.username == "sysadmin"
    assert password not in str(event.details)
    # The detail page never shows the password again.
    assert password not in _names(client.get(f"/accounts/users/{user.pk}/"))


def test_member_choices_are_only_serving_members_without_an_account(world, client_for):
    person = _new_member(world)
    form = client_for(world.sysadmin).get("/accounts/users/new/?kind=member").context["form"]
    choices = set(form.fields["person"].queryset)
    assert choices == {person}


def test_create_unit_account(world, client_for):
    response = client_for(world.sysadmin).post(
        "/accounts/users/new/?kind=unit",
        {"handling_unit": world.unit.pk, "username": "jiaotong2", "full_name": "交通局联络员"},
    )
    assert response.status_code == 200
    user = User.objects.get(username="jiaotong2")
    assert user.kind == "unit"
    assert user.handling_unit == world.unit
    assert set(user.roles.values_list("role", flat=True)) == {"unit_staff"}


def test_create_office_account_with_a_department_has_no_roles(world, client_for):
    department = OfficeDepartment.objects.create(committee=world.committee, name="提案委", kind="proposals")
    response = client_for(world.sysadmin).post(
        "/accounts/users/new/?kind=office",
        {"department": department.pk, "username": "xiaoli", "full_name": "小李", "email": "xl@example.com"},
    )
    assert response.status_code == 200
    user = User.objects.get(username="xiaoli")
    assert user.department == department
    assert not user.roles.exists()  # the security administrator grants them


def test_create_in_a_committee_below(world, client_for):
    from tongxin.accounts.services import role_grant
    from tongxin.core.roles import Role

    city_admin, _ = user_create(
        actor=None,
        committee=world.city,
        username="cityadmin",
        full_name="市管理员",
        kind="admin",
        password=PASSWORD,
    )
    role_grant(actor=None, user=city_admin, role=Role.SYSTEM_ADMIN)
    client = client_for(city_admin)
    assert client.get(f"/accounts/users/new/?committee={world.sibling.pk}").status_code == 200
    response = client.post(
        f"/accounts/users/new/?kind=office&committee={world.sibling.pk}",
        {"username": "qlhstaff", "full_name": "七里河同事"},
    )
    assert response.status_code == 200
    assert User.objects.get(username="qlhstaff").committee == world.sibling
    # The district administrator cannot create in the sibling committee.
    assert (
        client_for(world.sysadmin).get(f"/accounts/users/new/?committee={world.sibling.pk}").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "ab", "full_name": "张三"}, "username", "用户名须为"),
        ({"username": "wangwei", "full_name": "张三"}, "username", "已被使用"),
        ({"username": "WangWei", "full_name": "张三"}, "username", "已被使用"),
        ({"username": "zhangsan", "full_name": ""}, "full_name", "必填"),
        ({"username": "zhangsan", "full_name": "张三", "email": "not-an-email"}, "email", "有效"),
        ({"username": "张三", "full_name": "张三"}, "username", "用户名须为"),
    ],
)
def test_create_refuses_bad_input_with_a_message(world, client_for, data, field, message):
    before = User.objects.count()
    response = client_for(world.sysadmin).post("/accounts/users/new/?kind=office", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert User.objects.count() == before


def test_admin_kind_is_not_offered_nor_creatable(world, client_for):
    client = client_for(world.sysadmin)
    chooser = client.get("/accounts/users/new/?kind=admin")
    assert chooser.status_code == 200
    assert "form" not in chooser.context or chooser.context.get("form") is None
    assert "createadmin" in _names(chooser)
    client.post("/accounts/users/new/?kind=admin", {"username": "fakeadmin", "full_name": "假管理员"})
    assert not User.objects.filter(username="fakeadmin").exists()


def test_member_account_for_a_person_who_has_one_is_refused(world, client_for):
    response = client_for(world.sysadmin).post(
        "/accounts/users/new/?kind=member",
        {"person": world.wang_wei.person_id, "username": "wangwei2", "full_name": "王伟"},
    )
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert not User.objects.filter(username="wangwei2").exists()


def test_detail_shows_roles_and_timeline(world, client_for):
    from tongxin.accounts.services import user_update

    user_update(actor=world.sysadmin, user=world.li_na, email="lina@example.com")
    html = _names(client_for(world.sysadmin).get(f"/accounts/users/{world.li_na.pk}/"))
    assert "委员" in html
    assert "创建账号" in html
    assert "修改账号信息" in html
    assert "系统管理员" in html  # who changed it


def test_detail_of_an_administrator_offers_no_actions(world, client_for):
    response = client_for(world.sysadmin).get(f"/accounts/users/{world.auditadmin.pk}/")
    assert response.status_code == 200
    assert response.context["can_manage"] is False
    assert "重置密码</a>" not in _names(response)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/users/{id}/edit/",
        "/accounts/users/{id}/deactivate/",
        "/accounts/users/{id}/reset-password/",
    ],
)
@pytest.mark.parametrize("admin", ["secadmin", "auditadmin", "sysadmin"])
def test_system_admin_cannot_manage_any_administrator_account(world, client_for, url, admin):
    target = getattr(world, admin)
    client = client_for(world.sysadmin)
    assert client.get(url.format(id=target.pk)).status_code == 403
    assert client.post(url.format(id=target.pk)).status_code == 403
    target.refresh_from_db()
    assert target.is_active
    assert target.check_password(PASSWORD)


def test_edit_changes_name_and_email(world, client_for):
    client = client_for(world.sysadmin)
    response = client.post(
        f"/accounts/users/{world.li_na.pk}/edit/", {"full_name": "李娜娜", "email": "lnn@example.com"}
    )
    assert response.status_code == 302
    world.li_na.refresh_from_db()
    assert (world.li_na.full_name, world.li_na.email) == ("李娜娜", "lnn@example.com")
    event = UserEvent.objects.get(user=world.li_na, name="updated")
    assert event.data == {"full_name": "李娜娜", "email": "lnn@example.com"}
    assert SecurityEvent.objects.filter(kind="account_changed", target=f"user:{world.li_na.pk}").exists()


def test_edit_without_changes_writes_nothing(world, client_for):
    client = client_for(world.sysadmin)
    client.post(f"/accounts/users/{world.li_na.pk}/edit/", {"full_name": "李娜", "email": ""})
    assert not UserEvent.objects.filter(user=world.li_na, name="updated").exists()


def test_edit_unit_account_moves_it_to_another_unit(world, client_for):
    from tongxin.org.models import HandlingUnit

    other = HandlingUnit.objects.create(committee=world.committee, name="城关区教育局")
    response = client_for(world.sysadmin).post(
        f"/accounts/users/{world.zhou_qiang.pk}/edit/", {"full_name": "周强", "handling_unit": other.pk}
    )
    assert response.status_code == 302
    world.zhou_qiang.refresh_from_db()
    assert world.zhou_qiang.handling_unit == other


def test_edit_refuses_a_blank_name(world, client_for):
    response = client_for(world.sysadmin).post(f"/accounts/users/{world.li_na.pk}/edit/", {"full_name": " "})
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    world.li_na.refresh_from_db()
    assert world.li_na.full_name == "李娜"


def test_deactivate_ends_the_session_at_once_and_reactivate_restores(world, client_for):
    member = client_for(world.li_na)
    assert member.get("/").status_code == 200
    admin = client_for(world.sysadmin)
    response = admin.post(f"/accounts/users/{world.li_na.pk}/deactivate/", {"note": "离任"})
    assert response.status_code == 302
    world.li_na.refresh_from_db()
    assert not world.li_na.is_active
    assert member.get("/").status_code == 302  # the open session no longer signs her in
    event = UserEvent.objects.get(user=world.li_na, name="deactivated")
    assert (event.from_state, event.to_state, event.note) == ("active", "inactive", "离任")
    assert SecurityEvent.objects.filter(kind="account_deactivated", target=f"user:{world.li_na.pk}").exists()
    # Signing in again is refused.
    assert Client().post("/accounts/login/", {"username": "lina", "password": PASSWORD}).status_code == 401
    # Deactivating twice: a message, nothing written.
    admin.post(f"/accounts/users/{world.li_na.pk}/deactivate/")
    assert UserEvent.objects.filter(user=world.li_na, name="deactivated").count() == 1
    response = admin.post(f"/accounts/users/{world.li_na.pk}/reactivate/")
    assert response.status_code == 302
    world.li_na.refresh_from_db()
    assert world.li_na.is_active
    assert SecurityEvent.objects.filter(kind="account_reactivated", target=f"user:{world.li_na.pk}").exists()


def test_reactivate_needs_post(world, client_for):
    assert client_for(world.sysadmin).get(f"/accounts/users/{world.li_na.pk}/reactivate/").status_code == 405


def test_deactivate_note_too_long_is_refused(world, client_for):
    response = client_for(world.sysadmin).post(
        f"/accounts/users/{world.li_na.pk}/deactivate/", {"note": "长" * 501}
    )
    assert response.status_code == 200
    world.li_na.refresh_from_db()
    assert world.li_na.is_active


def test_reset_password_shows_it_once_and_forces_a_change(world, client_for):
    client = client_for(world.sysadmin)
    confirm = client.get(f"/accounts/users/{world.li_na.pk}/reset-password/")
    assert confirm.status_code == 200
    world.li_na.refresh_from_db()
    assert world.li_na.check_password(PASSWORD)  # GET changes nothing
    response = client.post(f"/accounts/users/{world.li_na.pk}/reset-password/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert re.fullmatch(r"[A-Za-z0-9]{12}#\d{2}", password)
    world.li_na.refresh_from_db()
    assert world.li_na.check_password(password)
    assert world.li_na.must_change_password
    event = SecurityEvent.objects.get(kind="password_reset")
    assert (event.username, event.target) == ("sysadmin", f"user:{world.li_na.pk}")
    # She signs in with it and is sent to change it before anything else.
    member = Client()
    member.post("/accounts/login/", {"username": "lina", "password": password})
    assert member.get("/").url == "/accounts/password/"


def test_user_list_and_detail_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    for n in range(30):
        user_create(
            actor=None,
            committee=world.committee,
            username=f"staff{n}",
            full_name=f"同事{n}",
            kind="office",
            password=PASSWORD,
        )
    client = client_for(world.sysadmin)
    with django_assert_max_num_queries(12):
        response = client.get("/accounts/users/")
    assert len(response.context["page"].items) == 41
    with django_assert_max_num_queries(12):
        client.get("/accounts/users/?without_account=1")
    from tongxin.accounts.services import role_grant, user_update

    for n in range(5):
        user_update(actor=world.sysadmin, user=world.li_na, email=f"lina{n}@example.com")
    role_grant(actor=world.secadmin, user=world.li_na, role="leader")
    with django_assert_max_num_queries(12):
        response = client.get(f"/accounts/users/{world.li_na.pk}/")
    assert len(response.context["events"]) == 7
