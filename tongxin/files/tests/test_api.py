from __future__ import annotations

import hashlib

import pytest

from tongxin.audit.models import SecurityEvent
from tongxin.files.models import GeneratedFile

from .test_views import OPENS, PERSONAS

BODY = {"kind": "tests.committee_sheet", "params": {"title": "交办统计", "rows": 2}}


@pytest.fixture
def office_api(world, api_for):
    return api_for(world.zhang_min)


def test_post_answers_202_and_polling_shows_it_done(world, office_api, run_tasks):
    with run_tasks():
        response = office_api.post("/api/v1/files", BODY)
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["status"] == "pending"  # the answer is written before the task runs
    assert data["url"] == f"/api/v1/files/{data['id']}"
    assert data["page_url"] == f"/files/{data['id']}/"
    assert data["download_url"] is None
    polled = office_api.get(data["url"]).json()
    assert polled["status"] == "done"
    assert polled["status_label"] == "已完成"
    assert polled["progress"] == 100
    assert polled["download_url"] == f"/api/v1/files/{data['id']}/download"
    assert polled["preview_url"] is None
    download = office_api.get(polled["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == polled["sha256"]
    assert polled["size"] == len(content)
    assert SecurityEvent.objects.get(kind="download").details["sha256"] == polled["sha256"]


def test_post_again_while_pending_answers_the_same_file(office_api):
    first = office_api.post("/api/v1/files", BODY).json()
    second = office_api.post("/api/v1/files", BODY).json()
    assert first["id"] == second["id"]
    assert GeneratedFile.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kind": "tests.nothing", "params": {}}, 404, "unknown_file_kind"),
        ({"kind": "tests.committee_sheet", "params": {"title": ""}}, 422, "invalid"),
        ({"kind": "tests.committee_sheet", "params": {"title": "x", "rows": 9999}}, 422, "invalid"),
        ({"params": {}}, 422, "invalid"),
        ({"kind": "tests.committee_sheet", "params": "title"}, 422, "invalid"),
    ],
)
def test_post_refusals(office_api, body, status, code):
    response = office_api.post("/api/v1/files", body)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert GeneratedFile.objects.count() == 0


def test_post_field_errors_name_the_field(office_api):
    response = office_api.post("/api/v1/files", {"kind": "tests.committee_sheet", "params": {"title": ""}})
    assert response.json()["fields"] == {"title": ["标题须为 1 到 30 个字。"]}


def test_post_by_someone_the_generator_refuses_is_403_and_logged(world, api_for):
    response = api_for(world.wang_wei).post("/api/v1/files", BODY)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert SecurityEvent.objects.filter(kind="access_denied", user_id=world.wang_wei.pk).count() == 1


def test_too_many_queued_is_409(office_api, settings):
    settings.FILE_MAX_ACTIVE_PER_USER = 1
    assert office_api.post("/api/v1/files", BODY).status_code == 202
    other = {"kind": "tests.committee_sheet", "params": {"title": "另一份"}}
    response = office_api.post("/api/v1/files", other)
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_files"


def test_download_before_done_is_409(office_api):
    file_id = office_api.post("/api/v1/files", BODY).json()["id"]
    response = office_api.get(f"/api/v1/files/{file_id}/download")
    assert response.status_code == 409
    assert response.json()["code"] == "file_not_ready"


def test_anonymous_is_401(anon_api, world):
    assert anon_api.post("/api/v1/files", BODY).status_code == 401
    assert anon_api.get("/api/v1/files").status_code == 401
    assert anon_api.get("/api/v1/files/1").status_code == 401
    assert anon_api.get("/api/v1/files/1/download").status_code == 401
    assert anon_api.get("/api/v1/files/kinds").status_code == 401


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(world, api_for, office_api, run_tasks, persona):
    with run_tasks():
        file_id = office_api.post("/api/v1/files", BODY).json()["id"]
    client = api_for(getattr(world, persona))
    expected = 200 if persona in OPENS else 404
    detail = client.get(f"/api/v1/files/{file_id}")
    assert detail.status_code == expected
    assert client.get(f"/api/v1/files/{file_id}/download").status_code == expected
    assert client.get(f"/api/v1/files/{file_id}/preview.pdf").status_code == 404  # an .xlsx: no preview
    if expected == 404:
        assert detail.json() == {"code": "not_found", "message": "文件不存在。"}
    mine = client.get("/api/v1/files").json()["items"]
    assert [item["id"] for item in mine] == ([file_id] if persona == "zhang_min" else [])


def test_list_is_mine_newest_first_by_keyset(world, office_api, api_for, settings):
    settings.FILE_MAX_ACTIVE_PER_USER = 10
    ids = [
        office_api.post(
            "/api/v1/files", {"kind": "tests.committee_sheet", "params": {"title": f"第{i}份"}}
        ).json()["id"]
        for i in range(5)
    ]
    api_for(world.chen_jing).post("/api/v1/files", BODY)
    page = office_api.get("/api/v1/files", limit=3).json()
    assert [item["id"] for item in page["items"]] == ids[::-1][:3]
    assert page["next_after"] == ids[2]
    rest = office_api.get("/api/v1/files", limit=3, after=page["next_after"]).json()
    assert [item["id"] for item in rest["items"]] == [ids[1], ids[0]]
    assert rest["next_after"] is None
    assert office_api.get("/api/v1/files", limit=500).status_code == 422


def test_kinds(office_api):
    kinds = office_api.get("/api/v1/files/kinds").json()
    assert kinds == [
        {"kind": "tests.committee_sheet", "label": "测试统计表", "preview_pdf": False},
        {"kind": "tests.broken", "label": "会出错的文件", "preview_pdf": False},
        {"kind": "tests.note", "label": "测试通知", "preview_pdf": True},
    ]


def test_failed_file_reports_its_message(office_api, run_tasks):
    with run_tasks():
        file_id = office_api.post("/api/v1/files", {"kind": "tests.broken", "params": {"title": "x"}}).json()[
            "id"
        ]
    data = office_api.get(f"/api/v1/files/{file_id}").json()
    assert data["status"] == "failed"
    assert "生成文件时出错" in data["message"]
    assert data["download_url"] is None
    assert office_api.get(f"/api/v1/files/{file_id}/download").status_code == 409
