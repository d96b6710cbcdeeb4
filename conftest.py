"""Shared test fixtures: a district committee under a city committee, and named personas.

Personas (Healthchecks' alice/bob/charlie, in our domain), all in 城关区 unless said:
  wang_wei   委员 (member)                li_na      another 委员
  sun_li     主席, a member with the leader role
  zhang_min  提案委 (proposal office)     liu_yang   信息 (information office)
  chen_jing  秘书科 (secretariat)          zhao_lei   委员工作 (member affairs)
  zhou_qiang 承办单位 staff (区交通运输局)
  sysadmin / secadmin / auditadmin: the three separated administrators
  outsider   a member of 七里河区, a sibling committee: must never see 城关区's data
Accounts are created through the real services, as the application creates them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

PASSWORD = "Tongxin#2026persona"
# Every persona of the world below, in the order the access matrices list them.
PERSONAS = [
    "wang_wei",
    "li_na",
    "sun_li",
    "zhang_min",
    "liu_yang",
    "chen_jing",
    "zhao_lei",
    "zhou_qiang",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "outsider",
]


@dataclass
class World:
    city: Any
    committee: Any
    sibling: Any
    term: Any
    session: Any
    sector: Any
    party: Any
    unit: Any
    people: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None


def _member(committee, term, sector, name, username, party=None):
    from tongxin.accounts.services import user_create
    from tongxin.members.models import Membership, Person

    person = Person.objects.create(
        committee=committee, name=name, gender=Person.Gender.MALE, phone="13800138000", workplace="某单位"
    )
    Membership.objects.create(person=person, term=term, sector=sector, participating_unit=party)
    user, _ = user_create(
        actor=None,
        committee=committee,
        username=username,
        full_name=name,
        kind="member",
        person=person,
        password=PASSWORD,
    )
    return user


def _staff(committee, username, name, kind, roles, **links):
    from tongxin.accounts.services import role_grant, user_create

    user, _ = user_create(
        actor=None,
        committee=committee,
        username=username,
        full_name=name,
        kind=kind,
        password=PASSWORD,
        **links,
    )
    for role in roles:
        role_grant(actor=None, user=user, role=role)
    user.__dict__.pop("role_set", None)
    return user


@pytest.fixture
def world(db) -> World:
    from tongxin.core.roles import Role
    from tongxin.org.models import Committee, HandlingUnit, ParticipatingUnit, PlenarySession, Sector, Term

    city = Committee.objects.create(name="兰州市", level="prefecture", short_name="市政协")
    committee = Committee.objects.create(
        name="兰州市城关区", level="county", short_name="区政协", parent=city
    )
    sibling = Committee.objects.create(
        name="兰州市七里河区", level="county", short_name="区政协", parent=city
    )
    term = Term.objects.create(
        committee=committee, number=10, starts_on=dt.date(2022, 1, 10), is_current=True
    )
    tz = timezone.get_current_timezone()
    session = PlenarySession.objects.create(
        term=term,
        number=5,
        opens_on=dt.date(2026, 1, 12),
        closes_on=dt.date(2026, 1, 15),
        proposal_window_starts_at=dt.datetime(2025, 10, 12, tzinfo=tz),
        proposal_deadline=dt.datetime(2026, 1, 13, 20, 0, tzinfo=tz),
    )
    sector = Sector.objects.create(term=term, name="经济界", position=1)
    party = ParticipatingUnit.objects.create(
        committee=committee, name="九三学社", short_name="九三学社", kind="democratic_party"
    )
    unit = HandlingUnit.objects.create(committee=committee, name="城关区交通运输局", short_name="区交通局")
    sibling_term = Term.objects.create(
        committee=sibling, number=10, starts_on=dt.date(2022, 1, 10), is_current=True
    )
    sibling_sector = Sector.objects.create(term=sibling_term, name="经济界", position=1)

    people = {
        "wang_wei": _member(committee, term, sector, "王伟", "wangwei", party),
        "li_na": _member(committee, term, sector, "李娜", "lina"),
        "outsider": _member(sibling, sibling_term, sibling_sector, "钱进", "qianjin"),
    }
    sun_li = _member(committee, term, sector, "孙立", "sunli")
    from tongxin.accounts.services import role_grant

    role_grant(actor=None, user=sun_li, role=Role.LEADER)
    sun_li.__dict__.pop("role_set", None)
    people["sun_li"] = sun_li
    people["zhang_min"] = _staff(committee, "zhangmin", "张敏", "office", [Role.PROPOSAL_OFFICE])
    people["liu_yang"] = _staff(committee, "liuyang", "刘洋", "office", [Role.INFORMATION_OFFICE])
    people["chen_jing"] = _staff(committee, "chenjing", "陈静", "office", [Role.SECRETARIAT])
    people["zhao_lei"] = _staff(committee, "zhaolei", "赵磊", "office", [Role.MEMBER_AFFAIRS])
    people["zhou_qiang"] = _staff(committee, "zhouqiang", "周强", "unit", [], handling_unit=unit)
    people["sysadmin"] = _staff(committee, "sysadmin", "系统管理员", "admin", [Role.SYSTEM_ADMIN])
    people["secadmin"] = _staff(committee, "secadmin", "安全管理员", "admin", [Role.SECURITY_ADMIN])
    people["auditadmin"] = _staff(committee, "auditadmin", "审计管理员", "admin", [Role.AUDIT_ADMIN])
    return World(city, committee, sibling, term, session, sector, party, unit, people)


@pytest.fixture
def client_for():
    """A browser-like client signed in as the given user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


class ApiClient:
    """A JSON client that carries a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any):
        return self.client.get(path, params, **self.headers)

    def post(self, path: str, data: Any = None):
        return self.client.post(path, data or {}, content_type="application/json", **self.headers)

    def patch(self, path: str, data: Any = None):
        return self.client.patch(path, data or {}, content_type="application/json", **self.headers)

    def put(self, path: str, data: Any = None):
        return self.client.put(path, data or {}, content_type="application/json", **self.headers)

    def delete(self, path: str):
        return self.client.delete(path, **self.headers)


@pytest.fixture
def api_for():
    """An API client with a real token issued for the given user through POST /api/v1/auth/token."""

    def make(user) -> ApiClient:
        response = Client().post(
            "/api/v1/auth/token",
            {"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return ApiClient(response.json()["token"])

    return make


@pytest.fixture
def anon_api() -> ApiClient:
    return ApiClient(None)
