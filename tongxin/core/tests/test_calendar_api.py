"""The calendar API: the access matrix, the year's days, overrides and deadlines, and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongxin.audit.models import SecurityEvent
from tongxin.core.models import CalendarDay

from .test_calendar_views import EDITORS, PERSONAS

DAYS = "/api/v1/calendar/days"
DEADLINE = "/api/v1/calendar/deadline"


# --- access matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_signed_in_user_reads_days_and_deadlines(world, api_for, persona):
    api = api_for(getattr(world, persona))
    assert api.get(DAYS, year=2026).status_code == 200
    assert api.get(DEADLINE, start="2026-02-13", working_days=5).status_code == 200


@pytest.mark.parametrize(("persona", "status"), [(p, 200 if p in EDITORS else 403) for p in PERSONAS])
def test_only_editors_put_days(world, api_for, persona, status):
    response = api_for(getattr(world, persona)).put(
        f"{DAYS}/2031-01-01", {"is_working_day": False, "note": "元旦"}
    )
    assert response.status_code == status
    assert CalendarDay.objects.filter(date=dt.date(2031, 1, 1)).exists() is (status == 200)
    if status == 403:
        assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(("persona", "status"), [(p, 204 if p in EDITORS else 403) for p in PERSONAS])
def test_only_editors_delete_days(world, api_for, persona, status):
    CalendarDay.objects.create(date=dt.date(2031, 1, 1), is_working_day=False, note="元旦")
    response = api_for(getattr(world, persona)).delete(f"{DAYS}/2031-01-01")
    assert response.status_code == status
    assert CalendarDay.objects.filter(date=dt.date(2031, 1, 1)).exists() is (status == 403)


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", DAYS, None),
        ("get", f"{DEADLINE}?start=2026-01-05&working_days=1", None),
        ("put", f"{DAYS}/2031-01-01", {"is_working_day": False, "note": "元旦"}),
        ("delete", f"{DAYS}/2031-01-01", None),
    ],
)
def test_anonymous_calls_are_refused(db, anon_api, method, path, data):
    call = getattr(anon_api, method)
    response = call(path, data) if data is not None else call(path)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


# --- the year's days ---------------------------------------------------------------------------------


def test_days_list_the_years_holidays_and_makeup_days_with_source(world, api_for):
    CalendarDay.objects.create(date=dt.date(2026, 2, 28), is_working_day=False, note="本地不调休")
    body = api_for(world.wang_wei).get(DAYS, year=2026).json()
    assert body["year"] == 2026
    assert body["covered"] is True
    items = {item["date"]: item for item in body["items"]}
    assert items["2026-02-14"] == {
        "date": "2026-02-14",
        "is_working_day": True,
        "name": "春节",
        "source": "package",
        "default_is_working_day": True,
    }
    assert items["2026-10-01"]["is_working_day"] is False
    assert items["2026-10-01"]["name"] == "国庆节"
    assert items["2026-02-28"] == {
        "date": "2026-02-28",
        "is_working_day": False,
        "name": "本地不调休",
        "source": "override",
        "default_is_working_day": True,
    }
    assert "2026-11-20" not in items  # an ordinary Friday
    assert [item["date"] for item in body["items"]] == sorted(items)


def test_days_of_an_uncovered_year_are_only_the_overrides(world, api_for):
    CalendarDay.objects.create(date=dt.date(2031, 1, 1), is_working_day=False, note="元旦")
    body = api_for(world.wang_wei).get(DAYS, year=2031).json()
    assert body["covered"] is False
    assert [item["date"] for item in body["items"]] == ["2031-01-01"]


def test_days_default_to_the_current_year(world, api_for):
    body = api_for(world.wang_wei).get(DAYS).json()
    assert body["year"] == timezone.localdate().year


@pytest.mark.parametrize(
    ("year", "message"), [("abc", "请填写四位数的年份。"), ("1999", "年份须在 2000 年至 2100 年之间。")]
)
def test_a_bad_year_is_422_with_fields(world, api_for, year, message):
    response = api_for(world.wang_wei).get(DAYS, year=year)
    assert response.status_code == 422
    assert response.json()["fields"] == {"year": [message]}


# --- overrides ---------------------------------------------------------------------------------------


def test_put_creates_then_changes_an_override_and_records_each_change(world, api_for):
    api = api_for(world.liu_yang)
    created = api.put(f"{DAYS}/2026-11-20", {"is_working_day": False, "note": "区运动会"})
    assert created.status_code == 200
    assert created.json() == {
        "date": "2026-11-20",
        "is_working_day": False,
        "name": "区运动会",
        "source": "override",
        "default_is_working_day": True,
    }
    changed = api.put(f"{DAYS}/2026-11-20", {"is_working_day": True, "note": "运动会改期"})
    assert changed.json()["is_working_day"] is True
    day = CalendarDay.objects.get()
    assert (day.is_working_day, day.note, day.changed_by) == (True, "运动会改期", world.liu_yang)
    events = list(SecurityEvent.objects.filter(kind="config_changed").order_by("id"))
    assert [e.details["before"] for e in events] == [None, {"is_working_day": False, "note": "区运动会"}]
    assert all(e.username == "liuyang" and e.target == "core.CalendarDay:2026-11-20" for e in events)
    # The same values again change nothing and record nothing.
    assert api.put(f"{DAYS}/2026-11-20", {"is_working_day": True, "note": "运动会改期"}).status_code == 200
    assert SecurityEvent.objects.filter(kind="config_changed").count() == 2


def test_an_override_moves_api_deadlines(world, api_for):
    api = api_for(world.zhang_min)
    assert api.get(DEADLINE, start="2026-09-30", working_days=1).json()["due"] == "2026-10-08"
    api.put(f"{DAYS}/2026-10-08", {"is_working_day": False, "note": "本地休息"})
    assert api.get(DEADLINE, start="2026-09-30", working_days=1).json()["due"] == "2026-10-09"
    assert api.delete(f"{DAYS}/2026-10-08").status_code == 204
    assert api.get(DEADLINE, start="2026-09-30", working_days=1).json()["due"] == "2026-10-08"


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        (f"{DAYS}/2026-02-30", {"is_working_day": False, "note": "x"}, "date"),
        (f"{DAYS}/tomorrow", {"is_working_day": False, "note": "x"}, "date"),
        (f"{DAYS}/1999-10-01", {"is_working_day": False, "note": "国庆节"}, "date"),
        (f"{DAYS}/2031-10-01", {"note": "国庆节"}, "is_working_day"),
        (f"{DAYS}/2031-10-01", {"is_working_day": "perhaps", "note": "国庆节"}, "is_working_day"),
        (f"{DAYS}/2031-10-01", {"is_working_day": False, "note": ""}, "note"),
        (f"{DAYS}/2031-10-01", {"is_working_day": False, "note": "长" * 101}, "note"),
        (f"{DAYS}/2031-10-01", {"is_working_day": False, "note": "国庆\n节"}, "note"),
    ],
)
def test_bad_overrides_are_422_with_fields_and_write_nothing(world, api_for, path, data, field):
    response = api_for(world.zhang_min).put(path, data)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert not CalendarDay.objects.exists()
    assert not SecurityEvent.objects.filter(kind="config_changed").exists()


def test_deleting_a_day_without_override_is_404(world, api_for):
    response = api_for(world.zhang_min).delete(f"{DAYS}/2026-11-20")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_deleting_with_a_bad_date_is_422(world, api_for):
    response = api_for(world.zhang_min).delete(f"{DAYS}/2026-13-01")
    assert response.status_code == 422
    assert "date" in response.json()["fields"]


# --- deadlines ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"start": "2026-02-13", "working_days": 5},
            {"start": "2026-02-13", "due": "2026-02-27", "covered": True},
        ),
        (
            {"start": "2025-01-24", "working_days": 5},
            {"start": "2025-01-24", "due": "2025-02-07", "covered": True},
        ),
        (
            {"start": "2026-02-13", "working_days": 1},
            {"start": "2026-02-13", "due": "2026-02-14", "covered": True},
        ),
        (
            {"start": "2026-11-21", "working_days": 0},
            {"start": "2026-11-21", "due": "2026-11-23", "covered": True},
        ),
        ({"start": "2026-07-01", "months": 3}, {"start": "2026-07-01", "due": "2026-10-08", "covered": True}),
        # 28 Feb 2026 is a Saturday, but a 春节 调休 working day: no move.
        ({"start": "2026-01-31", "months": 1}, {"start": "2026-01-31", "due": "2026-02-28", "covered": True}),
        ({"start": "2025-01-31", "months": 1}, {"start": "2025-01-31", "due": "2025-02-28", "covered": True}),
        ({"start": "2026-03-31", "months": 1}, {"start": "2026-03-31", "due": "2026-04-30", "covered": True}),
        ({"start": "2026-04-30", "months": 1}, {"start": "2026-04-30", "due": "2026-06-01", "covered": True}),
        (
            {"start": "2031-03-03", "working_days": 5},
            {"start": "2031-03-03", "due": "2031-03-10", "covered": False},
        ),
        (
            {"start": "2026-12-31", "working_days": 1},
            {"start": "2026-12-31", "due": "2027-01-01", "covered": False},
        ),
    ],
)
def test_deadline_answers_start_due_covered(world, api_for, params, expected):
    response = api_for(world.wang_wei).get(DEADLINE, **params)
    assert response.status_code == 200
    assert response.json() == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-02-30", "working_days": 1}, "start"),
        ({"working_days": 1}, "start"),
        ({"start": "2026-01-05"}, "working_days"),
        ({"start": "2026-01-05", "working_days": "five"}, "working_days"),
        ({"start": "2026-01-05", "working_days": "1.5"}, "working_days"),
        ({"start": "2026-01-05", "working_days": -1}, "working_days"),
        ({"start": "2026-01-05", "working_days": 1001}, "working_days"),
        ({"start": "2026-01-05", "months": 121}, "months"),
        ({"start": "2026-01-05", "working_days": 1, "months": 1}, "months"),
        ({"start": "9999-12-31", "working_days": 1000}, "start"),
    ],
)
def test_bad_deadline_input_is_422_with_fields(world, api_for, params, field):
    response = api_for(world.wang_wei).get(DEADLINE, **params)
    assert response.status_code == 422
    assert field in response.json()["fields"]
