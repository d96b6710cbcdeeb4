"""The pages: full pages and htmx fragments, forms, the import report, photos."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from tongxin.audit.models import SecurityEvent
from tongxin.members.models import Membership, MembershipEvent, Person

from .conftest import row, upload, xlsx_bytes

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def test_roster_page_and_its_htmx_fragment(world, org, client_for):
    client = client_for(world.zhao_lei)
    page = client.get("/members/").content.decode()
    assert "<html" in page
    assert 'id="results"' in page
    assert "王伟" in page
    assert "共 3 人：在任 3，已辞去 0，已撤销 0；其中常委 0 人。" in page
    fragment = client.get("/members/", {"q": "李"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="results"')
    assert "李娜" in fragment
    assert "王伟" not in fragment


def test_roster_filters_and_keyset_pages(world, org, client_for):
    client = client_for(world.zhao_lei)
    first = client.get("/members/", {"limit": 2}).content.decode()
    assert "下一页" in first
    assert "after=" in first
    wang = Membership.objects.get(person__name="王伟")
    last_id = Membership.objects.filter(term=world.term).order_by("pk").values_list("pk", flat=True)[1]
    second = client.get("/members/", {"limit": 2, "after": last_id}).content.decode()
    assert "孙立" in second
    assert "王伟" not in second
    assert "下一页" not in second
    party = client.get("/members/", {"party": world.party.pk}).content.decode()
    assert "王伟" in party
    assert "李娜" not in party
    assert f'href="/members/{wang.pk}/"' in party
    # A nonsense parameter does not break the page.
    assert client.get("/members/", {"after": "x", "limit": "9999", "sector": "abc"}).status_code == 200


def test_create_form_saves_and_redirects(world, org, client_for):
    client = client_for(world.zhao_lei)
    response = client.post(
        f"/members/new/?term={world.term.pk}",
        {
            "name": "赵六",
            "gender": "female",
            "ethnicity": "汉族",
            "phone": "13609310001",
            "sector": org.education.pk,
            "special_committees": [org.proposals.pk],
            "activity_group": org.group.pk,
            "is_standing": "on",
            "leadership": "",
            "birth_date": "1975-06-01",
        },
    )
    membership = Membership.objects.get(person__name="赵六")
    assert response.status_code == 302
    assert response.url == f"/members/{membership.pk}/"
    assert membership.is_standing
    assert membership.activity_group == org.group
    assert membership.person.birth_date == dt.date(1975, 6, 1)


def test_create_form_shows_service_messages(world, org, client_for):
    response = client_for(world.zhao_lei).post(
        "/members/new/",
        {
            "name": "赵六",
            "gender": "female",
            "ethnicity": "汉族",
            "sector": org.education.pk,
            "phone": "123",
            "birth_date": "2030-01-01",
        },
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "手机号码应为 11 位大陆手机号码" in body
    assert "出生日期必须早于今天。" in body
    assert not Person.objects.filter(name="赵六").exists()


def test_edit_keeps_the_number_unless_changed_or_cleared(world, org, wang, client_for):
    client = client_for(world.zhao_lei)
    data = {
        "name": "王伟",
        "gender": "male",
        "ethnicity": "汉族",
        "sector": world.sector.pk,
        "participating_unit": world.party.pk,
        "workplace": "兰州大学",
    }
    assert client.post(f"/members/{wang.pk}/edit/", data).status_code == 302
    wang.person.refresh_from_db()
    assert (wang.person.workplace, wang.person.phone) == ("兰州大学", "13800138000")
    assert client.post(f"/members/{wang.pk}/edit/", {**data, "clear_phone": "on"}).status_code == 302
    wang.person.refresh_from_db()
    assert wang.person.phone == ""
    fields = list(MembershipEvent.objects.filter(membership=wang).values_list("data", flat=True))
    assert fields == [{"fields": ["workplace"]}, {"fields": ["phone"]}]


def test_transition_without_javascript(world, wang, client_for):
    client = client_for(world.zhao_lei)
    response = client.post(
        f"/members/{wang.pk}/actions/resign/",
        {"resign-note": "本人申请，常委会议同意", "resign-on_date": "2026-11-01"},
    )
    assert response.status_code == 302
    wang.refresh_from_db()
    assert (wang.status, wang.left_on) == ("resigned", dt.date(2026, 11, 1))
    page = client.get(f"/members/{wang.pk}/").content.decode()
    assert "已辞去委员职务。" in page
    assert "恢复在任" in page
    assert "本人申请，常委会议同意" in page


def test_transition_with_htmx_swaps_the_member_panel(world, wang, client_for):
    response = client_for(world.zhao_lei).post(
        f"/members/{wang.pk}/actions/remove/", {"remove-note": "常委会议决定撤销"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="member"')
    assert "<html" not in body
    assert "已撤销委员资格。" in body
    assert "已撤销" in body


def test_transition_errors_are_shown_in_the_form(world, wang, client_for):
    client = client_for(world.zhao_lei)
    response = client.post(f"/members/{wang.pk}/actions/resign/", {"resign-note": ""})
    assert response.status_code == 422
    assert "这个字段是必填项" in response.content.decode()
    Membership.objects.filter(pk=wang.pk).update(status="removed")
    response = client.post(f"/members/{wang.pk}/actions/resign/", {"resign-note": "迟到的申请"})
    assert response.status_code == 409
    assert "该委员当前状态为“已撤销”，不能执行“辞去委员职务”。" in response.content.decode()
    htmx = client.post(
        f"/members/{wang.pk}/actions/reinstate/",
        {"reinstate-note": "误操作", "reinstate-on_date": "2030-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert htmx.status_code == 200
    assert "日期不能晚于今天。" in htmx.content.decode()
    assert not MembershipEvent.objects.exists()


def test_unknown_action_is_not_found(world, wang, client_for):
    assert client_for(world.zhao_lei).post(f"/members/{wang.pk}/actions/promote/", {}).status_code == 404


def test_photo_upload_and_serving(world, wang, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.zhao_lei)
    response = client.post(f"/members/{wang.pk}/photo/upload/", {"photo": SimpleUploadedFile("me.jpg", JPEG)})
    assert response.status_code == 302
    photo = client.get(f"/members/{wang.pk}/photo/")
    assert photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content) == JPEG
    assert f"/members/{wang.pk}/photo/" in client.get(f"/members/{wang.pk}/").content.decode()
    # The member sees their own photo; another member and another committee do not.
    assert client_for(world.wang_wei).get(f"/members/{wang.pk}/photo/").status_code == 200
    assert client_for(world.li_na).get(f"/members/{wang.pk}/photo/").status_code == 404
    assert client_for(world.outsider).get(f"/members/{wang.pk}/photo/").status_code == 404
    bad = client.post(
        f"/members/{wang.pk}/photo/upload/", {"photo": SimpleUploadedFile("x.jpg", b"GIF89a....")}
    )
    assert bad.status_code == 422
    assert "照片只能是 JPEG 或 PNG 图片。" in bad.content.decode()


def test_photo_of_a_member_without_one_is_not_found(world, wang, client_for):
    assert client_for(world.zhao_lei).get(f"/members/{wang.pk}/photo/").status_code == 404


def test_import_page_reports_rows(world, org, client_for):
    client = client_for(world.zhao_lei)
    content = xlsx_bytes([row(姓名="甲", 界别="教育届"), row(姓名="乙", 手机号码="13911112222")])
    response = client.post("/members/import/", {"term": world.term.pk, "file": upload(content)})
    body = response.content.decode()
    assert response.status_code == 422
    assert "第 2 行「界别」：本届没有名为“教育届”的界别" in body
    assert not Person.objects.filter(name="乙").exists()
    good = xlsx_bytes([row(姓名="乙", 手机号码="13911112222")])
    response = client.post("/members/import/", {"term": world.term.pk, "file": upload(good)})
    assert response.status_code == 200
    assert "已导入 1 名委员" in response.content.decode()


def test_import_page_refuses_a_wrong_file(world, client_for):
    response = client_for(world.zhao_lei).post(
        "/members/import/", {"term": world.term.pk, "file": upload(b"%PDF-1.4", name="名册.pdf")}
    )
    assert response.status_code == 422
    assert "只能导入 Excel 工作簿（.xlsx）文件。" in response.content.decode()


def test_template_download(world, client_for):
    response = client_for(world.zhao_lei).get("/members/template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert SecurityEvent.objects.filter(kind="download").count() == 1


def test_my_page_lists_every_term(world, client_for):
    body = client_for(world.wang_wei).get("/members/me/").content.decode()
    assert "我的委员信息" in body
    assert "区政协十届" in body
    assert "九三学社" in body
    assert "钱进" not in body
    assert "李娜" not in body


def test_todo_on_the_home_page(world, client_for):
    body = client_for(world.zhao_lei).get("/").content.decode()
    assert "3 名在任委员未分配活动组" in body
    assert "/members/?status=active&amp;activity_group=none" in body
    listing = client_for(world.zhao_lei).get("/members/?status=active&activity_group=none").content.decode()
    assert "共 3 人" in listing
