"""Reads: filters, counts, to-dos, and bounded query counts on the list and detail (performance.md P3)."""

from __future__ import annotations

import datetime as dt

import pytest

from tongxin.members import queries, services
from tongxin.members.models import Membership
from tongxin.members.queries import RosterFilters, roster_counts, roster_filter


@pytest.fixture
def roster(world, org):
    """Thirty more members spread over sectors, parties, committees and groups, some standing, some gone."""
    made = []
    for i in range(30):
        membership = services.member_create(
            actor=world.zhao_lei,
            term=world.term,
            name=f"测试{i:02d}" if i % 3 else "欧阳修",
            gender="female" if i % 2 else "male",
            sector=org.education if i % 2 else world.sector,
            phone=f"1390000{i:04d}",
            workplace="兰州大学" if i % 5 == 0 else "城关区医院",
            participating_unit=org.minmeng if i % 4 == 0 else None,
            special_committees=[org.proposals, org.economy] if i % 3 == 0 else [org.economy],
            activity_group=org.group if i % 2 == 0 else None,
            is_standing=i % 6 == 0,
        )
        made.append(membership)
    for membership in made[:3]:
        services.membership_transition(
            membership=membership, name="resign", actor=world.zhao_lei, note="辞职"
        )
    services.membership_transition(membership=made[3], name="remove", actor=world.zhao_lei, note="撤销")
    return made


def _names(user, **filters):
    qs = roster_filter(queries.members_visible_to(user), RosterFilters(**filters))
    return sorted(qs.values_list("person__name", flat=True))


def test_filters(world, org, roster):
    user = world.zhao_lei
    term = world.term.pk
    assert len(_names(user, term_id=term)) == 33
    assert len(_names(user, term_id=term, sector_id=org.education.pk)) == 15
    assert len(_names(user, term_id=term, participating_unit_id=org.minmeng.pk)) == 8
    assert len(_names(user, term_id=term, special_committee_id=org.proposals.pk)) == 10
    assert len(_names(user, term_id=term, activity_group_id=org.group.pk)) == 15
    assert len(_names(user, term_id=term, without_activity_group=True)) == 18
    assert len(_names(user, term_id=term, status="resigned")) == 3
    assert len(_names(user, term_id=term, standing=True)) == 5
    assert _names(user, q="欧阳") == ["欧阳修"] * 10
    assert _names(user, q="OuYang Xiu") == ["欧阳修"] * 10  # pinyin, any case, with or without spaces
    assert len(_names(user, q="兰州大学")) == 6
    assert _names(user, term_id=term, q="ceshi01") == ["测试01"]


def test_counts(world, roster):
    qs = roster_filter(queries.members_visible_to(world.zhao_lei), RosterFilters(term_id=world.term.pk))
    assert roster_counts(qs) == {"total": 33, "active": 29, "resigned": 3, "removed": 1, "standing": 5}
    # A many-to-many filter must not count anyone twice.
    both = RosterFilters(term_id=world.term.pk, special_committee_id=roster[0].special_committees.first().pk)
    assert roster_counts(roster_filter(Membership.objects.all(), both))["total"] == 10


def test_person_memberships_and_timeline(world, org, wang):
    from tongxin.org.models import Sector, Term

    term9 = Term.objects.create(
        committee=world.committee, number=9, starts_on=dt.date(2017, 1, 10), ends_on=dt.date(2022, 1, 9)
    )
    services.member_create(
        actor=world.zhao_lei,
        term=term9,
        person=wang.person,
        name="王伟",
        gender="male",
        sector=Sector.objects.create(term=term9, name="经济界"),
        phone="13800138000",
    )
    assert [m.term.number for m in queries.person_memberships(wang, world.zhao_lei)] == [10, 9]
    services.member_update(actor=world.zhao_lei, membership=wang, title="教授", workplace="兰州大学")
    services.membership_transition(membership=wang, name="resign", actor=world.zhao_lei, note="本人申请")
    events = queries.membership_timeline(wang)
    assert [str(e.label) for e in events] == ["修改信息（工作单位、职务职称）", "辞去委员职务"]
    assert (str(events[1].from_state_label), str(events[1].to_state_label)) == ("在任", "已辞去")


def test_todos_for_member_affairs_only(world, org, roster):
    todos = queries.todos_for(world.zhao_lei)
    # 3 fixture members + 15 without a group, of whom 3 resigned and 1 was removed (odd indexes 1, 3).
    assert [(str(t.title), t.count, t.url) for t in todos] == [
        ("16 名在任委员未分配活动组", 16, "/members/?status=active&activity_group=none")
    ]
    for persona in ("sysadmin", "zhang_min", "sun_li", "wang_wei", "zhou_qiang"):
        assert queries.todos_for(getattr(world, persona)) == []


def test_todos_disappear_when_everyone_has_a_group(world, org):
    Membership.objects.filter(term=world.term).update(activity_group=org.group)
    assert queries.todos_for(world.zhao_lei) == []


def test_list_page_query_count_is_bounded(world, roster, client_for, django_assert_max_num_queries):
    client = client_for(world.zhao_lei)
    client.get("/members/")  # warm the session and caches
    with django_assert_max_num_queries(15):
        response = client.get("/members/", {"limit": 50})
    assert response.content.decode().count("<tr>") == 34  # header + 33 rows
    committee = roster[0].special_committees.first().pk
    with django_assert_max_num_queries(15):
        client.get("/members/", {"q": "欧阳", "special_committee": committee})


def test_detail_page_query_count_is_bounded(world, org, wang, client_for, django_assert_max_num_queries):
    services.member_update(
        actor=world.zhao_lei, membership=wang, special_committees=[org.proposals, org.economy]
    )
    services.membership_transition(membership=wang, name="resign", actor=world.zhao_lei, note="本人申请")
    services.membership_transition(membership=wang, name="reinstate", actor=world.zhao_lei, note="误操作")
    client = client_for(world.zhao_lei)
    client.get(f"/members/{wang.pk}/")
    with django_assert_max_num_queries(15):
        response = client.get(f"/members/{wang.pk}/")
    assert "恢复在任" in response.content.decode()


def test_api_list_query_count_is_bounded(world, roster, api_for, django_assert_max_num_queries):
    api = api_for(world.zhao_lei)
    with django_assert_max_num_queries(10):
        response = api.get("/api/v1/members", limit=100)
    assert len(response.json()["items"]) == 33
