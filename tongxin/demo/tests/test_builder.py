from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tongxin.accounts.models import User
from tongxin.core.roles import Role
from tongxin.demo.builder import DEMO_PASSWORD, AlreadyBuilt, build
from tongxin.members.models import Membership
from tongxin.org.models import Committee, HandlingUnit, PlenarySession


@pytest.fixture
def demo(db):
    return build(scale_name="county", seed=2026, demo_accounts=True)


def test_demo_is_a_district_committee_under_a_city_with_a_realistic_roster(demo):
    committee = demo.committee
    assert committee.parent is not None
    assert committee.parent.name == "兰州市"
    assert committee.full_name == "中国人民政治协商会议兰州市城关区委员会"
    assert Membership.objects.filter(term=demo.term).count() == 150
    assert 38 <= HandlingUnit.objects.filter(committee=committee).count() <= 45
    memberships = Membership.objects.filter(term=demo.term)
    assert memberships.values("sector").distinct().count() >= 10
    assert memberships.filter(participating_unit__isnull=False).exists()
    assert memberships.filter(activity_group__isnull=True).count() == 0
    assert memberships.filter(leadership="chair").count() == 1
    # The current plenary session's proposal window is open today or opens next.
    assert PlenarySession.objects.filter(term=demo.term).count() >= 4


def test_every_role_has_a_demo_account_that_can_sign_in(demo):
    held = set()
    for username, _role, _note in demo.logins:
        user = User.objects.get(username=username)
        held |= user.role_set
        client = Client()
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
    assert held == set(Role.values)


def test_the_same_seed_builds_the_same_roster(db):
    first = build(scale_name="county", seed=5)
    names = list(
        Membership.objects.filter(term=first.term).order_by("id").values_list("person__name", "person__phone")
    )
    Committee.objects.filter(pk=first.committee.pk).update(name="兰州市城关区（甲）")
    second = build(scale_name="county", seed=5)
    again = list(
        Membership.objects.filter(term=second.term)
        .order_by("id")
        .values_list("person__name", "person__phone")
    )
    assert names == again


def test_building_twice_is_refused(demo):
    with pytest.raises(AlreadyBuilt):
        build(scale_name="county", seed=1)


def test_demo_command_prints_the_logins(db, capsys):
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "weiyuan" in out
    assert DEMO_PASSWORD in out
    call_command("demo", "--no-serve")
    assert "演示数据已存在" in capsys.readouterr().out
