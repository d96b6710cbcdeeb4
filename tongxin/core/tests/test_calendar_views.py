"""The calendar page: who sees and changes what, the year view, the calculator, htmx and query bounds."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from conftest import PERSONAS
from tongxin.audit.models import SecurityEvent
from tongxin.core.models import CalendarDay
from tongxin.core.queries import todos_for

EDITORS = {"zhang_min", "liu_yang", "chen_jing", "zhao_lei", "sysadmin"}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def html(response) -> str:
    return response.content.decode()


# --- access matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_user_reads_the_calendar(world, client_for, persona):
    response = client_for(getattr(world, persona)).get("/calendar/", {"year": 2026})
    assert response.status_code == 200
    assert "2026 年节假日与调休" in html(response)
    assert ("添加或修改调整" in html(response)) is (persona in EDITORS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_user_computes_deadlines(world, client_for, persona):
    response = client_for(getattr(world, persona)).get(
        "/calendar/deadline/", {"start": "2026-02-13", "count": 5, "unit": "working_days"}
    )
    assert response.status_code == 200
    assert "2026年2月27日" in html(response)


@pytest.mark.parametrize(("persona", "status"), [(p, 302 if p in EDITORS else 403) for p in PERSONAS])
def test_only_office_staff_and_the_system_administrator_set_days(world, client_for, persona, status):
    response = client_for(getattr(world, persona)).post(
        "/calendar/days/", {"date": "2031-01-01", "is_working_day": "0", "note": "元旦"}
    )
    assert response.status_code == status
    assert CalendarDay.objects.filter(date=dt.date(2031, 1, 1)).exists() is (status == 302)


@pytest.mark.parametrize(("persona", "status"), [(p, 302 if p in EDITORS else 403) for p in PERSONAS])
def test_only_office_staff_and_the_system_administrator_clear_days(world, client_for, persona, status):
    CalendarDay.objects.create(date=dt.date(2031, 1, 1), is_working_day=False, note="元旦")
    response = client_for(getattr(world, persona)).post("/calendar/days/clear/", {"date": "2031-01-01"})
    assert response.status_code == status
    assert CalendarDay.objects.filter(date=dt.date(2031, 1, 1)).exists() is (status == 403)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/calendar/"),
        ("get", "/calendar/deadline/"),
        ("post", "/calendar/days/"),
        ("post", "/calendar/days/clear/"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(db, method, path):
    response = getattr(Client(), method)(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_changing_days_needs_post(world, client_for):
    client = client_for(world.zhang_min)
    assert client.get("/calendar/days/").status_code == 405
    assert client.get("/calendar/days/clear/").status_code == 405


# --- the year view ---------------------------------------------------------------------------------


def test_year_view_lists_holidays_and_makeup_days_by_month_with_source(world, client_for):
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 20), is_working_day=False, note="区运动会", changed_by=world.zhang_min
    )
    page = html(client_for(world.wang_wei).get("/calendar/", {"year": 2026}))
    assert "2月14日" in page
    assert "调休上班" in page
    assert "春节" in page
    assert "国庆节" in page
    assert "国务院放假安排" in page
    assert "区运动会" in page
    assert "本平台调整" in page
    assert "（原为工作日）" in page
    assert "张敏 修改" in page
    assert "11 月" in page
    assert "删除调整" not in page  # members read only


def test_default_year_is_the_current_year(world, client_for):
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=SHANGHAI)):
        page = html(client_for(world.wang_wei).get("/calendar/"))
    assert "2026 年节假日与调休" in page


def test_an_uncovered_year_says_so(world, client_for):
    page = html(client_for(world.zhang_min).get("/calendar/", {"year": 2027}))
    assert "2027 年的放假安排尚未收录" in page
    assert "本年暂无节假日或调休记录" in page


def test_a_year_entered_by_the_office_counts_as_covered(world, client_for):
    for day, note in [(dt.date(2027, 1, 1), "元旦"), (dt.date(2027, 10, 1), "国庆节")]:
        CalendarDay.objects.create(date=day, is_working_day=False, note=note)
    page = html(client_for(world.zhang_min).get("/calendar/", {"year": 2027}))
    assert "已由机关工作人员补充录入" in page
    assert "尚未收录" not in page


@pytest.mark.parametrize(
    ("value", "message"), [("abc", "请填写四位数的年份"), ("1999", "年份须在 2000 年至 2100 年之间")]
)
def test_a_bad_year_shows_an_error_and_the_current_year(world, client_for, value, message):
    response = client_for(world.wang_wei).get("/calendar/", {"year": value})
    assert response.status_code == 200
    assert message in html(response)
    assert f"{timezone.localdate().year} 年节假日与调休" in html(response)


def test_htmx_year_switch_returns_only_the_year_panel(world, client_for):
    response = client_for(world.wang_wei).get("/calendar/", {"year": 2025}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in html(response)
    assert "2025 年节假日与调休" in html(response)
    assert "期限计算" not in html(response)


def test_edit_link_prefills_the_form(world, client_for):
    page = html(client_for(world.zhang_min).get("/calendar/", {"year": 2026, "edit": "2026-02-14"}))
    assert 'value="2026-02-14"' in page
    assert 'value="春节"' in page


# --- setting and clearing ----------------------------------------------------------------------------


def test_setting_a_day_saves_it_records_it_and_returns_to_its_year(world, client_for):
    client = client_for(world.chen_jing)
    response = client.post(
        "/calendar/days/", {"date": "2031-10-08", "is_working_day": "0", "note": " 国庆节 "}
    )
    assert response.status_code == 302
    assert response.url == "/calendar/?year=2031"
    day = CalendarDay.objects.get(date=dt.date(2031, 10, 8))
    assert (day.is_working_day, day.note, day.changed_by) == (False, "国庆节", world.chen_jing)
    event = SecurityEvent.objects.get(kind="config_changed")
    assert event.username == "chenjing"
    assert event.target == "core.CalendarDay:2031-10-08"
    assert event.details["after"] == {"is_working_day": False, "note": "国庆节"}
    assert event.ip_address == "127.0.0.1"
    assert "已保存 2031-10-08 的调整" in html(client.get(response.url))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"date": "2031-02-30", "is_working_day": "0", "note": "元旦"},
            "请按“2026-10-01”的格式填写有效的日期",
        ),
        ({"date": "1999-10-01", "is_working_day": "0", "note": "国庆节"}, "日期须在 2000 年至 2100 年之间"),
        ({"date": "2031-10-01", "is_working_day": "", "note": "国庆节"}, "请选择这一天上班还是休息"),
        ({"date": "2031-10-01", "is_working_day": "0", "note": "  "}, "请填写说明"),
        ({"date": "2031-10-01", "is_working_day": "0", "note": "长" * 101}, "100"),
    ],
)
def test_bad_input_is_refused_on_the_form(world, client_for, data, message):
    response = client_for(world.zhang_min).post("/calendar/days/", data)
    assert response.status_code == 422
    assert message in html(response)
    assert not CalendarDay.objects.exists()
    assert not SecurityEvent.objects.filter(kind="config_changed").exists()


def test_clearing_a_day_removes_it_and_records_it(world, client_for):
    CalendarDay.objects.create(date=dt.date(2026, 11, 20), is_working_day=False, note="区运动会")
    client = client_for(world.sysadmin)
    response = client.post("/calendar/days/clear/", {"date": "2026-11-20"})
    assert response.status_code == 302
    assert response.url == "/calendar/?year=2026"
    assert not CalendarDay.objects.exists()
    event = SecurityEvent.objects.get(kind="config_changed")
    assert event.details["before"] == {"is_working_day": False, "note": "区运动会"}
    assert event.details["after"] is None


def test_clearing_a_day_without_override_says_so(world, client_for):
    client = client_for(world.zhang_min)
    response = client.post("/calendar/days/clear/", {"date": "2026-11-20"}, follow=True)
    assert response.status_code == 200
    assert "这一天没有调整记录" in html(response)
    assert not SecurityEvent.objects.filter(kind="config_changed").exists()


def test_clearing_with_a_bad_date_says_so(world, client_for):
    response = client_for(world.zhang_min).post("/calendar/days/clear/", {"date": "nonsense"}, follow=True)
    assert response.status_code == 200
    assert "要删除的日期有误" in html(response)


# --- the calculator ----------------------------------------------------------------------------------


def test_calculator_without_javascript_renders_the_whole_page(world, client_for):
    response = client_for(world.wang_wei).get(
        "/calendar/deadline/", {"start": "2026-07-01", "count": 3, "unit": "months", "year": 2026}
    )
    page = html(response)
    assert "<html" in page
    assert "2026年10月8日" in page
    assert "按月计算应为 2026年10月1日" in page
    assert "2026 年节假日与调休" in page


def test_calculator_with_htmx_returns_only_the_result(world, client_for):
    response = client_for(world.wang_wei).get(
        "/calendar/deadline/",
        {"start": "2026-12-31", "count": 1, "unit": "working_days"},
        HTTP_HX_REQUEST="true",
    )
    page = html(response)
    assert "<html" not in page
    assert "2027年1月1日" in page
    assert "尚未收录放假安排的年份" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-13-01", "count": 1, "unit": "working_days"}, "请按“2026-10-01”的格式填写有效的日期"),
        ({"start": "2026-01-05", "count": "x", "unit": "working_days"}, "请填写整数"),
        ({"start": "2026-01-05", "count": 5000, "unit": "working_days"}, "工作日数须在 0 到 1000 之间"),
        ({"start": "2026-01-05", "count": 500, "unit": "months"}, "月数须在 0 到 120 之间"),
        ({"start": "2026-01-05", "count": 5, "unit": "weeks"}, "请选择工作日或月"),
    ],
)
def test_calculator_explains_bad_input(world, client_for, params, message):
    response = client_for(world.wang_wei).get("/calendar/deadline/", params, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert message in html(response)


# --- "我的待办" --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_from_november_editors_are_asked_for_next_years_notice(world, persona):
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=SHANGHAI)):
        items = todos_for(getattr(world, persona))
    if persona in EDITORS:
        assert [(str(t.title), t.url, t.urgent) for t in items] == [
            ("请补充 2027 年节假日安排", "/calendar/?year=2027", True)
        ]
    else:
        assert items == []


def test_no_reminder_before_november_or_once_the_year_is_entered(world):
    with time_machine.travel(dt.datetime(2026, 10, 31, 23, tzinfo=SHANGHAI)):
        assert todos_for(world.zhang_min) == []
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, note="元旦")
    CalendarDay.objects.create(date=dt.date(2027, 10, 1), is_working_day=False, note="国庆节")
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, tzinfo=SHANGHAI)):
        assert todos_for(world.zhang_min) == []


def test_the_reminder_appears_on_the_home_page(world, client_for):
    with time_machine.travel(dt.datetime(2026, 11, 21, 9, tzinfo=SHANGHAI)):
        page = html(client_for(world.zhang_min).get("/"))
    assert "请补充 2027 年节假日安排" in page
    assert "/calendar/?year=2027" in page


# --- bounded queries ---------------------------------------------------------------------------------


def _overrides(count: int, editor) -> None:
    CalendarDay.objects.bulk_create(
        CalendarDay(
            date=dt.date(2026, 3, 2) + dt.timedelta(days=i),
            is_working_day=False,
            note="测试",
            changed_by=editor,
        )
        for i in range(count)
    )


def test_the_year_page_does_not_grow_with_its_overrides(world, client_for, django_assert_max_num_queries):
    client = client_for(world.zhang_min)
    _overrides(3, world.zhang_min)
    with django_assert_max_num_queries(12) as few:
        client.get("/calendar/", {"year": 2026})
    CalendarDay.objects.all().delete()
    _overrides(40, world.chen_jing)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/calendar/", {"year": 2026})
    assert html(response).count('<button type="submit" class="btn btn-danger">删除调整') == 40


def test_the_calculator_page_is_bounded(world, client_for, django_assert_max_num_queries):
    client = client_for(world.wang_wei)
    with django_assert_max_num_queries(12):
        response = client.get(
            "/calendar/deadline/", {"start": "2026-01-05", "count": 200, "unit": "working_days"}
        )
    assert response.status_code == 200
