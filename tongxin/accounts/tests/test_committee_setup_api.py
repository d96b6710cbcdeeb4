"""Issue "Foundation", done-when: an administrator sets up a whole committee through the API alone.

A fresh installation has no accounts at all. `tongxin createadmin` creates the system and security
administrators (and the committee); from there on everything goes through /api/v1/: the term and its
session, sectors, parties, special committees, an activity group, handling units with contacts,
departments, members with their accounts, staff accounts, and the roles the security administrator
grants. Then the new people can work: the member signs in (and must change the one-time password).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import ApiClient
from tongxin.accounts.models import User
from tongxin.members.models import Membership
from tongxin.org.models import Committee

ADMIN_PASSWORD = "Setup#2026district"
API = "/api/v1"


def token_for(username: str, password: str) -> ApiClient:
    response = Client().post(
        f"{API}/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return ApiClient(response.json()["token"])


def created(response, status: int = 201) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


@pytest.mark.django_db
def test_a_committee_is_set_up_through_the_api_alone(monkeypatch):
    monkeypatch.setenv("TONGXIN_ADMIN_PASSWORD", ADMIN_PASSWORD)
    call_command(
        "createadmin", "--role", "system", "--username", "zx_sys", "--full-name", "系统管理员",
        "--committee-name", "兰州市西固区", "--level", "county", "--short-name", "区政协",
    )  # fmt: skip
    committee = Committee.objects.get(name="兰州市西固区")
    call_command(
        "createadmin", "--role", "security", "--username", "zx_sec", "--full-name", "安全管理员",
        "--committee", str(committee.pk),
    )  # fmt: skip
    sysadmin = token_for("zx_sys", ADMIN_PASSWORD)
    secadmin = token_for("zx_sec", ADMIN_PASSWORD)
    c = committee.pk

    # Organisation.
    term = created(
        sysadmin.post(f"{API}/terms", {"number": 9, "starts_on": "2022-01-08", "is_current": True})
    )
    session = created(
        sysadmin.post(
            f"{API}/sessions",
            {
                "number": 5,
                "opens_on": "2027-01-08",
                "closes_on": "2027-01-11",
                "proposal_window_starts_at": "2026-10-08T09:00:00+08:00",
                "proposal_deadline": "2027-01-09T20:00:00+08:00",
            },
        )
    )
    assert session["short_name"] == "区政协九届五次会议"
    sectors = created(sysadmin.post(f"{API}/terms/{term['id']}/sectors/apply-preset"), 200)
    assert len(sectors["added"]) == 34
    created(sysadmin.post(f"{API}/committees/{c}/participating-units/apply-preset"), 200)
    created(sysadmin.post(f"{API}/committees/{c}/special-committees/apply-preset"), 200)
    created(sysadmin.post(f"{API}/committees/{c}/departments/apply-preset"), 200)
    group = created(sysadmin.post(f"{API}/activity-groups", {"name": "陈坪街道委员活动组"}))
    unit = created(sysadmin.post(f"{API}/handling-units", {"name": "西固区教育局", "short_name": "区教育局"}))
    created(
        sysadmin.post(
            f"{API}/handling-units/{unit['id']}/contacts",
            {"name": "马丽", "phone": "13909310001", "is_primary": True},
        )
    )
    sector_id = sysadmin.get(f"{API}/sectors", term=term["id"], q="教育界").json()["items"][0]["id"]
    party_id = sysadmin.get(f"{API}/participating-units", q="九三学社").json()["items"][0]["id"]
    department_id = sysadmin.get(f"{API}/departments").json()["items"][0]["id"]

    # A member with their account, in one call.
    member = created(
        sysadmin.post(
            f"{API}/members",
            {
                "name": "马兰",
                "gender": "female",
                "phone": "13909310002",
                "workplace": "西固区第一中学",
                "title": "校长",
                "sector_id": sector_id,
                "participating_unit_id": party_id,
                "activity_group_id": group["id"],
                "account": {"username": "malan"},
            },
        )
    )
    one_time = member["account"]["one_time_password"]
    assert "13909310002" not in str(member)  # masked even in the creator's response

    # Staff accounts, then their roles from the security administrator.
    clerk = created(
        sysadmin.post(
            f"{API}/users",
            {"kind": "office", "username": "xg_tian", "full_name": "王芳", "department_id": department_id},
        )
    )
    unit_staff = created(
        sysadmin.post(
            f"{API}/users",
            {"kind": "unit", "username": "xg_jyj", "full_name": "李强", "handling_unit_id": unit["id"]},
        )
    )
    # 三员分立: the system administrator cannot grant roles; the security administrator can.
    assert sysadmin.post(f"{API}/users/{clerk['id']}/roles", {"role": "proposal_office"}).status_code == 403
    created(secadmin.post(f"{API}/users/{clerk['id']}/roles", {"role": "proposal_office"}))
    created(secadmin.post(f"{API}/users/{clerk['id']}/roles", {"role": "member_affairs"}))
    roles = {r["role"] for r in secadmin.get(f"{API}/users/{clerk['id']}/roles").json()}
    assert roles == {"proposal_office", "member_affairs"}

    # The committee now works: accounts, roles and the roster are all in place.
    assert Membership.objects.filter(term__committee=committee).count() == 1
    assert set(User.objects.filter(committee=committee).values_list("username", flat=True)) == {
        "zx_sys", "zx_sec", "malan", "xg_tian", "xg_jyj",
    }  # fmt: skip
    assert User.objects.get(username="xg_jyj").role_set == {"unit_staff"}
    assert unit_staff["kind"] == "unit"
    # The new member signs in with the one-time password and is sent to change it first.
    browser = Client()
    response = browser.post("/accounts/login/", {"username": "malan", "password": one_time})
    assert response.status_code == 302
    assert browser.get("/").url == "/accounts/password/"
