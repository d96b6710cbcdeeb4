"""The organisation API: a system administrator builds a committee's organisation from nothing,
validation and duplicates answer in Chinese, lists page by id, and the OpenAPI document is complete."""

from __future__ import annotations

import pytest

from tongxin.org.models import Committee, OrgEvent, Sector

API = "/api/v1"


def _ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_system_administrator_builds_a_committee_from_nothing(world, api_for, city_admin):
    api = api_for(city_admin)
    committee = _ok(
        api.post(f"{API}/committees", {"name": "兰州市安宁区", "short_name": "区政协", "level": "county"}),
        201,
    )
    assert committee["parent_id"] == world.city.pk
    assert committee["full_name"] == "中国人民政治协商会议兰州市安宁区委员会"
    c = committee["id"]

    term = _ok(
        api.post(
            f"{API}/terms", {"committee_id": c, "number": 10, "starts_on": "2022-01-10", "is_current": True}
        ),
        201,
    )
    assert (term["full_name"], term["short_name"], term["is_current"]) == (
        "政协第十届兰州市安宁区委员会",
        "区政协十届",
        True,
    )

    session = _ok(
        api.post(
            f"{API}/sessions",
            {
                "committee_id": c,
                "number": 1,
                "opens_on": "2022-01-12",
                "closes_on": "2022-01-15",
                "proposal_window_starts_at": "2021-11-01T09:00:00+08:00",
                "proposal_deadline": "2022-01-13T20:00:00+08:00",
            },
        ),
        201,
    )
    assert session["term_id"] == term["id"]
    assert (session["full_name"], session["short_name"]) == (
        "政协第十届兰州市安宁区委员会第一次会议",
        "区政协十届一次会议",
    )

    sectors = _ok(api.post(f"{API}/terms/{term['id']}/sectors/apply-preset"))
    assert len(sectors["added"]) == 34
    parties = _ok(api.post(f"{API}/committees/{c}/participating-units/apply-preset"))
    assert "中国民主同盟" in parties["added"]
    bodies = _ok(api.post(f"{API}/committees/{c}/special-committees/apply-preset"))
    assert len(bodies["added"]) == 10
    # A district merges two national bodies into one of its own.
    _ok(
        api.post(
            f"{API}/special-committees",
            {"committee_id": c, "name": "民族宗教和港澳台侨委员会", "position": 11},
        ),
        201,
    )
    group = _ok(api.post(f"{API}/activity-groups", {"committee_id": c, "name": "沙井驿街道委员活动组"}), 201)
    assert (group["term_id"], group["basis"]) == (term["id"], "locality")
    unit = _ok(
        api.post(
            f"{API}/handling-units",
            {"committee_id": c, "name": "安宁区住房和城乡建设局", "short_name": "区住建局"},
        ),
        201,
    )
    contact = _ok(
        api.post(
            f"{API}/handling-units/{unit['id']}/contacts",
            {"name": "赵敏", "phone": "0931-7654321", "is_primary": True},
        ),
        201,
    )
    assert contact["unit_id"] == unit["id"]
    _ok(api.patch(f"{API}/handling-units/{unit['id']}/contacts/{contact['id']}", {"title": "办公室主任"}))
    departments = _ok(api.post(f"{API}/committees/{c}/departments/apply-preset"))
    assert len(departments["added"]) == 4

    built = Committee.objects.get(pk=c)
    assert built.parent == world.city
    assert Sector.objects.filter(term__committee=built).count() == 34
    assert built.participating_units.count() == 18
    assert built.special_committees.count() == 11
    assert built.handling_units.get().contacts.get().title == "办公室主任"
    assert built.departments.count() == 4
    # Everything the administrator did is on the new committee's record.
    assert OrgEvent.objects.filter(committee=built, actor=city_admin).count() > 70
    listed = _ok(api.get(f"{API}/committees"))
    assert {item["name"] for item in listed["items"]} == {
        "兰州市",
        "兰州市城关区",
        "兰州市七里河区",
        "兰州市安宁区",
    }


def test_objects_go_to_the_callers_committee_and_current_term_by_default(world, api_for):
    api = api_for(world.zhao_lei)
    sector = _ok(api.post(f"{API}/sectors", {"name": "教育界"}), 201)
    assert sector["term_id"] == world.term.pk
    unit = _ok(api_for(world.zhang_min).post(f"{API}/handling-units", {"name": "城关区教育局"}), 201)
    assert unit["committee_id"] == world.committee.pk


def test_validation_errors_answer_422_with_chinese_fields(world, api_for):
    api = api_for(world.sysadmin)
    body = api.post(
        f"{API}/sessions",
        {
            "term_id": world.term.pk,
            "number": 6,
            "opens_on": "2027-01-12",
            "closes_on": "2027-01-10",
            "proposal_window_starts_at": "2027-01-12T09:00:00+08:00",
            "proposal_deadline": "2027-01-11T20:00:00+08:00",
        },
    )
    assert body.status_code == 422
    assert body.json() == {
        "code": "invalid",
        "message": "全体会议信息有误，请检查标出的字段。",
        "fields": {
            "closes_on": ["闭幕日期不能早于开幕日期。"],
            "proposal_deadline": ["大会提案截止时间须晚于征集开始时间。"],
            "proposal_window_starts_at": ["大会提案征集须在开幕日期之前开始。"],
        },
    }
    body = api.post(f"{API}/departments", {"name": "", "kind": "nope"}).json()
    assert body["fields"] == {"name": ["请填写名称。"], "kind": ["职能的取值无效。"]}
    # A wrong type never reaches the service and still answers 422, not 500.
    assert api.post(f"{API}/terms", {"number": "ten", "starts_on": "soon"}).status_code == 422
    assert api.get(f"{API}/sectors", limit=1000).status_code == 422


def test_duplicates_answer_409(world, api_for):
    response = api_for(world.zhao_lei).post(f"{API}/sectors", {"name": "经济界"})
    assert response.status_code == 409
    assert response.json() == {"code": "duplicate", "message": "本届已有名为“经济界”的界别。"}


def test_patch_changes_only_the_fields_sent(world, api_for):
    api = api_for(world.zhao_lei)
    sector = _ok(api.patch(f"{API}/sectors/{world.sector.pk}", {"position": 7}))
    assert (sector["name"], sector["position"]) == ("经济界", 7)
    assert OrgEvent.objects.get(entity="sector", name="updated").data == {"position": [1, 7]}
    response = api.patch(f"{API}/sectors/{world.sector.pk}", {"name": None})
    assert response.status_code == 422
    assert response.json()["fields"] == {"name": ["请填写界别名称。"]}


def test_deactivate_and_reactivate(world, api_for):
    api = api_for(world.zhang_min)
    assert _ok(api.post(f"{API}/handling-units/{world.unit.pk}/deactivate"))["is_active"] is False
    again = api.post(f"{API}/handling-units/{world.unit.pk}/deactivate")
    assert again.status_code == 409
    assert again.json()["message"] == "该承办单位已经是停用状态。"
    assert _ok(api.post(f"{API}/handling-units/{world.unit.pk}/reactivate"))["is_active"] is True
    assert _ok(api.get(f"{API}/handling-units", is_active=False))["items"] == []


def test_lists_page_by_id_and_filter(world, api_for):
    Sector.objects.bulk_create(Sector(term=world.term, name=f"界别{i:03d}", position=i) for i in range(5))
    api = api_for(world.chen_jing)
    first = _ok(api.get(f"{API}/sectors", term=world.term.pk, limit=4))
    assert len(first["items"]) == 4
    second = _ok(api.get(f"{API}/sectors", term=world.term.pk, limit=4, after=first["next_after"]))
    assert len(second["items"]) == 2
    assert second["next_after"] is None
    assert [s["name"] for s in _ok(api.get(f"{API}/sectors", q="经济"))["items"]] == ["经济界"]
    sessions = _ok(api.get(f"{API}/sessions", term=world.term.pk))["items"]
    assert sessions[0]["short_name"] == "区政协十届五次会议"
    terms = _ok(api.get(f"{API}/terms", committee=world.committee.pk))["items"]
    assert [t["full_name"] for t in terms] == ["政协第十届兰州市城关区委员会"]


def test_term_set_current(world, api_for):
    api = api_for(world.sysadmin)
    new = _ok(api.post(f"{API}/terms", {"number": 11, "starts_on": "2027-01-10"}), 201)
    assert new["is_current"] is False
    assert _ok(api.post(f"{API}/terms/{new['id']}/set-current"))["is_current"] is True
    assert _ok(api.get(f"{API}/terms/{world.term.pk}"))["is_current"] is False


def test_contact_delete_and_list(world, api_for):
    api = api_for(world.zhang_min)
    contact = _ok(api.post(f"{API}/handling-units/{world.unit.pk}/contacts", {"name": "马强"}), 201)
    assert [c["name"] for c in _ok(api.get(f"{API}/handling-units/{world.unit.pk}/contacts"))["items"]] == [
        "马强"
    ]
    assert api.delete(f"{API}/handling-units/{world.unit.pk}/contacts/{contact['id']}").status_code == 204
    assert _ok(api.get(f"{API}/handling-units/{world.unit.pk}/contacts"))["items"] == []
    other = world.committee.handling_units.create(name="城关区教育局")
    # A contact id under another unit's path is not found.
    contact = _ok(api.post(f"{API}/handling-units/{world.unit.pk}/contacts", {"name": "马强"}), 201)
    assert api.delete(f"{API}/handling-units/{other.pk}/contacts/{contact['id']}").status_code == 404


def test_openapi_documents_every_org_endpoint(db, client):
    schema = client.get(f"{API}/openapi.json").json()
    org_paths = {
        path: ops
        for path, ops in schema["paths"].items()
        if any(
            part in path
            for part in (
                "/committees",
                "/terms",
                "/sessions",
                "/sectors",
                "/participating-units",
                "/special-committees",
                "/activity-groups",
                "/handling-units",
                "/departments",
            )
        )
    }
    assert len(org_paths) >= 20
    count = 0
    for path, ops in org_paths.items():
        for method, op in ops.items():
            if "组织机构" not in op.get("tags", []):
                continue  # e.g. /sessions/{id}/merge-suggestions belongs to the similarity capability
            count += 1
            assert op.get("summary"), f"{method} {path} has no summary"
            assert op.get("description"), f"{method} {path} has no description"
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok, f"{method} {path} has no success response"
            if ok[0] != "204":
                assert "content" in op["responses"][ok[0]], f"{method} {path} has no response schema"
            assert "403" in op["responses"]
            assert "404" in op["responses"]
    assert count == 9 * 6 + 4 + 1 + 4 + 1  # … and the handling-unit import (xlsx)
    components = schema["components"]["schemas"]
    for name in ("SessionOut", "TermOut", "CommitteeOut"):
        assert {"full_name", "short_name"} <= set(components[name]["properties"])


@pytest.mark.parametrize(
    "path", [f"{API}/sectors/999999", f"{API}/terms/999999", f"{API}/handling-units/999999/contacts"]
)
def test_missing_objects_answer_404(world, api_for, path):
    assert api_for(world.sysadmin).get(path).status_code == 404
