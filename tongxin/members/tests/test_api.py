"""The JSON API: shapes, paging, filters, errors, and the same services as the pages."""

from __future__ import annotations

from tongxin.accounts.models import User
from tongxin.audit.models import SecurityEvent
from tongxin.members.models import Membership, MembershipEvent, Person

from .conftest import XLSX, read_xlsx, row, upload, xlsx_bytes

BASE = "/api/v1/members"


def test_list_shape_paging_and_masking(world, org, api_for):
    api = api_for(world.zhang_min)
    body = api.get(BASE, limit=2).json()
    assert set(body) == {"items", "next_after"}
    assert len(body["items"]) == 2
    assert body["next_after"] == body["items"][-1]["id"]
    rest = api.get(BASE, limit=2, after=body["next_after"]).json()
    assert len(rest["items"]) == 1
    assert rest["next_after"] is None
    item = body["items"][0]
    assert item["person"]["phone_masked"] == "138****8000"
    assert "phone" not in item["person"]
    assert item["term"] == {"id": world.term.pk, "name": "区政协十届"}
    assert item["actions"] == []  # a reader may not resign anyone


def test_list_filters(world, org, api_for):
    api = api_for(world.zhao_lei)
    assert [i["person"]["name"] for i in api.get(BASE, party=world.party.pk).json()["items"]] == ["王伟"]
    assert len(api.get(BASE, activity_group="none").json()["items"]) == 3
    assert api.get(BASE, activity_group=org.group.pk).json()["items"] == []
    assert api.get(BASE, status="resigned").json()["items"] == []
    assert api.get(BASE, standing="false", q="李娜").json()["items"][0]["person"]["name"] == "李娜"
    assert [i["actions"] for i in api.get(BASE, q="李娜").json()["items"]] == [["resign", "remove"]]


def test_list_refuses_bad_parameters(world, api_for):
    api = api_for(world.zhao_lei)
    for params in (
        {"limit": 101},
        {"limit": 0},
        {"status": "dead"},
        {"activity_group": "abc"},
        {"after": "x"},
    ):
        response = api.get(BASE, **params)
        assert response.status_code == 422, params
        assert response.json()["code"] == "invalid"


def test_create_and_read_back(world, org, api_for):
    api = api_for(world.zhao_lei)
    response = api.post(
        BASE,
        {
            "name": "赵六",
            "gender": "female",
            "phone": "13609310001",
            "sector_id": org.education.pk,
            "participating_unit_id": org.minmeng.pk,
            "special_committee_ids": [org.proposals.pk, org.economy.pk],
            "activity_group_id": org.group.pk,
            "is_standing": True,
            "leadership": "secretary_general",
            "joined_on": "2022-01-12",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["account"] is None
    assert body["person"]["phone_masked"] == "136****0001"
    assert body["person"]["name_pinyin"] == "zhao liu"
    assert [c["name"] for c in body["special_committees"]] == ["提案委员会", "经济委员会"]
    detail = api.get(f"{BASE}/{body['id']}").json()
    assert detail == {k: v for k, v in body.items() if k != "account"}
    assert detail["actions"] == ["resign", "remove"]
    assert detail["leadership"] == "secretary_general"
    assert detail["is_standing"] is True
    assert MembershipEvent.objects.get(membership_id=body["id"]).data == {
        "source": "api",
        "person_reused": False,
    }


def test_create_with_account_by_the_system_administrator(world, api_for):
    response = api_for(world.sysadmin).post(
        BASE,
        {
            "name": "赵六",
            "gender": "female",
            "sector_id": world.sector.pk,
            "account": {"username": "zhaoliu"},
        },
    )
    assert response.status_code == 201
    account = response.json()["account"]
    user = User.objects.get(username="zhaoliu")
    assert account["username"] == "zhaoliu"
    assert user.check_password(account["one_time_password"])
    assert user.person_id == response.json()["person"]["id"]


def test_create_with_account_by_member_affairs_is_refused_whole(world, api_for):
    response = api_for(world.zhao_lei).post(
        BASE,
        {
            "name": "赵六",
            "gender": "female",
            "sector_id": world.sector.pk,
            "account": {"username": "zhaoliu"},
        },
    )
    assert response.status_code == 403
    assert not Person.objects.filter(name="赵六").exists()
    assert not User.objects.filter(username="zhaoliu").exists()


def test_create_reports_fields_by_request_key(world, org, api_for):
    response = api_for(world.sysadmin).post(
        BASE,
        {
            "name": "",
            "gender": "x",
            "sector_id": org.foreign_sector.pk,  # another committee's: looks like it does not exist
            "special_committee_ids": [org.foreign_committee.pk],
        },
    )
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"sector_id", "special_committee_ids"}
    response = api_for(world.sysadmin).post(BASE, {"name": "", "gender": "x", "sector_id": org.retired.pk})
    assert set(response.json()["fields"]) == {"name", "gender", "sector_id"}
    response = api_for(world.sysadmin).post(
        BASE,
        {"name": "赵六", "gender": "male", "sector_id": world.sector.pk, "account": {"username": "wangwei"}},
    )
    assert response.status_code == 422
    assert "account.username" in response.json()["fields"]
    assert not Person.objects.filter(name="赵六").exists()


def test_body_validation_is_422_not_500(world, api_for):
    api = api_for(world.zhao_lei)
    assert api.post(BASE, {"gender": "male"}).status_code == 422
    assert api.post(BASE, {"name": "甲", "gender": "male", "birth_date": "yesterday"}).status_code == 422
    assert api.post(BASE, {"name": "甲", "gender": "male", "term_id": 99999}).status_code == 422
    assert api.patch(f"{BASE}/999999", {"name": "x"}).status_code == 404


def test_patch_changes_only_what_is_sent(world, org, wang, api_for):
    api = api_for(world.zhao_lei)
    response = api.patch(
        f"{BASE}/{wang.pk}",
        {"workplace": "兰州大学", "participating_unit_id": None, "activity_group_id": org.group.pk},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["workplace"] == "兰州大学"
    assert body["participating_unit"] is None
    assert body["activity_group"]["id"] == org.group.pk
    assert body["person"]["phone_masked"] == "138****8000"
    bad = api.patch(f"{BASE}/{wang.pk}", {"phone": "110", "is_standing": None})
    assert bad.status_code == 422
    bad = api.patch(f"{BASE}/{wang.pk}", {"phone": "110"})
    assert bad.json()["fields"] == {"phone": ["手机号码应为 11 位大陆手机号码，如 13800138000。"]}


def test_actions(world, wang, api_for):
    api = api_for(world.zhao_lei)
    response = api.post(f"{BASE}/{wang.pk}/actions/resign", {"note": "本人申请", "on_date": "2026-10-01"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["left_on"]) == ("resigned", "2026-10-01")
    assert response.json()["actions"] == ["reinstate"]
    again = api.post(f"{BASE}/{wang.pk}/actions/resign", {"note": "再次"})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    unknown = api.post(f"{BASE}/{wang.pk}/actions/promote", {"note": "x"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_transition")
    no_note = api.post(f"{BASE}/{wang.pk}/actions/reinstate", {})
    assert no_note.status_code == 422
    assert "note" in no_note.json()["fields"]


def test_import_through_the_api(world, org, api_for):
    api = api_for(world.zhao_lei)
    good = xlsx_bytes([row(姓名="甲", 手机号码="13911110001"), row(姓名="乙", 手机号码="13911110002")])
    response = api.client.post(
        f"{BASE}/import", {"term_id": world.term.pk, "file": upload(good)}, **api.headers
    )
    assert response.status_code == 200
    assert response.json() == {"rows": 2, "created": 2, "reused_people": 0}
    bad = xlsx_bytes([row(姓名="丙", 界别="教育届")])
    response = api.client.post(
        f"{BASE}/import", {"term_id": world.term.pk, "file": upload(bad)}, **api.headers
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_roster"
    assert body["errors"] == [{"row": 2, "column": "界别", "message": "本届没有名为“教育届”的界别"}]
    assert body["fields"]["rows"] == ["第 2 行「界别」：本届没有名为“教育届”的界别"]
    response = api.client.post(
        f"{BASE}/import", {"term_id": world.sibling.terms.get().pk, "file": upload(good)}, **api.headers
    )
    assert response.status_code == 422
    assert "term_id" in response.json()["fields"]
    response = api.client.post(f"{BASE}/import", {"term_id": world.term.pk}, **api.headers)
    assert response.status_code == 422
    assert SecurityEvent.objects.filter(kind="import").count() == 2


def test_export_through_the_api(world, api_for):
    response = api_for(world.chen_jing).get(f"{BASE}/export", full_phone="true")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = read_xlsx(b"".join(response.streaming_content))
    assert rows[1][4] == "13800138000"
    assert SecurityEvent.objects.get(kind="export").details["full_phone"] is True
    assert Membership.objects.count() == 4
