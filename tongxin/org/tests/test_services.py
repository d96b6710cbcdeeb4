"""The write services: validation messages, duplicates, events and the security log, deactivation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.org import services
from tongxin.org.models import Committee, HandlingUnitContact, OrgEvent, PlenarySession, Sector, Term

TZ = timezone.get_current_timezone()


def _fields(exc_info) -> dict[str, list[str]]:
    return {name: [str(m) for m in msgs] for name, msgs in exc_info.value.fields.items()}


# --- Create, update, events ----------------------------------------------------------------------------


def test_create_writes_the_object_its_event_and_the_security_log(world):
    sector = services.sector_create(actor=world.zhao_lei, term=world.term, name="  教育界 ", position=3)
    assert sector.name == "教育界"
    event = OrgEvent.objects.get(entity="sector", entity_id=sector.pk)
    assert (event.name, event.actor, event.committee_id) == ("created", world.zhao_lei, world.committee.pk)
    assert event.data == {"term": world.term.pk, "name": "教育界", "position": 3}
    log = SecurityEvent.objects.get(target=f"org.sector:{sector.pk}")
    assert (log.kind, log.username, log.committee_id) == ("config_changed", "zhaolei", world.committee.pk)


def test_update_records_old_and_new_values_and_skips_no_changes(world):
    services.sector_update(actor=world.zhao_lei, sector=world.sector, name="经济界别", position=1)
    event = OrgEvent.objects.get(entity="sector", entity_id=world.sector.pk, name="updated")
    assert event.data == {"name": ["经济界", "经济界别"]}
    services.sector_update(actor=world.zhao_lei, sector=world.sector, name="经济界别", position=1)
    assert OrgEvent.objects.filter(entity="sector", entity_id=world.sector.pk).count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "", "position": 0}, "name", "请填写界别名称。"),
        ({"name": "界" * 41, "position": 0}, "name", "界别名称不能超过 40 个字。"),
        ({"name": "教育界", "position": -1}, "position", "排序须为 0 到 32767 之间的整数。"),
        ({"name": "教育界", "position": None}, "position", "请填写排序。"),
    ],
)
def test_sector_validation_messages(world, values, field, message):
    with pytest.raises(Invalid) as exc_info:
        services.sector_create(actor=world.zhao_lei, term=world.term, **values)
    assert exc_info.value.message == "界别信息有误，请检查标出的字段。"
    assert _fields(exc_info) == {field: [message]}
    assert not OrgEvent.objects.exists()


def test_choices_are_checked(world):
    with pytest.raises(Invalid) as exc_info:
        services.participating_unit_create(
            actor=world.zhao_lei,
            committee=world.committee,
            name="中国民主同盟",
            short_name="民盟",
            kind="party",
        )
    assert _fields(exc_info) == {"kind": ["类别的取值无效。"]}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda w: services.sector_create(actor=w.zhao_lei, term=w.term, name="经济界"),
            "本届已有名为“经济界”的界别。",
        ),
        (
            lambda w: services.participating_unit_create(
                actor=w.zhao_lei,
                committee=w.committee,
                name="九三学社",
                short_name="九三",
                kind="democratic_party",
            ),
            "本委员会已有名为“九三学社”的参加单位。",
        ),
        (
            lambda w: services.handling_unit_create(
                actor=w.zhang_min, committee=w.committee, name="城关区交通运输局"
            ),
            "本委员会已有名为“城关区交通运输局”的承办单位。",
        ),
        (
            lambda w: services.term_create(
                actor=w.sysadmin, committee=w.committee, number=10, starts_on=dt.date(2022, 1, 1)
            ),
            "本委员会已有第十届。",
        ),
        (
            lambda w: services.session_create(
                actor=w.sysadmin,
                term=w.term,
                number=5,
                opens_on=dt.date(2027, 1, 12),
                closes_on=dt.date(2027, 1, 15),
                proposal_window_starts_at=dt.datetime(2026, 10, 1, tzinfo=TZ),
                proposal_deadline=dt.datetime(2027, 1, 13, tzinfo=TZ),
            ),
            "本届已有第五次会议。",
        ),
    ],
)
def test_duplicates_are_refused_with_409(world, call, message):
    before = OrgEvent.objects.count()
    with pytest.raises(Conflict) as exc_info:
        call(world)
    assert (exc_info.value.code, exc_info.value.message) == ("duplicate", message)
    assert OrgEvent.objects.count() == before


def test_a_renamed_duplicate_leaves_the_object_unchanged(world):
    other = services.sector_create(actor=world.zhao_lei, term=world.term, name="教育界")
    with pytest.raises(Conflict):
        services.sector_update(actor=world.zhao_lei, sector=other, name="经济界", position=0)
    assert other.name == "教育界"
    other.refresh_from_db()
    assert other.name == "教育界"


def test_the_same_name_is_fine_in_another_term(world):
    term = services.term_create(
        actor=world.sysadmin, committee=world.committee, number=11, starts_on=dt.date(2027, 1, 1)
    )
    assert services.sector_create(actor=world.zhao_lei, term=term, name="经济界").term == term


# --- Committees: levels go down the tree -----------------------------------------------------------------


def test_system_administrator_creates_a_child_one_level_down(world, city_admin):
    child = services.committee_create(
        actor=city_admin, parent=world.city, name="兰州市安宁区", short_name="区政协", level="county"
    )
    assert child.parent == world.city
    assert child.full_name == "中国人民政治协商会议兰州市安宁区委员会"
    assert OrgEvent.objects.get(entity="committee", entity_id=child.pk).committee == child


@pytest.mark.parametrize("level", ["national", "provincial", "prefecture"])
def test_a_child_cannot_sit_at_or_above_its_parent(world, city_admin, level):
    with pytest.raises(Invalid) as exc_info:
        services.committee_create(
            actor=city_admin, parent=world.city, name="兰州市安宁区", short_name="区政协", level=level
        )
    assert _fields(exc_info) == {"level": ["下级委员会的层级必须低于上级委员会（兰州市：地市级）。"]}


def test_a_county_committee_has_no_lower_level(world):
    with pytest.raises(Invalid):
        services.committee_create(
            actor=world.sysadmin, parent=world.committee, name="某街道", short_name="街道", level="county"
        )


def test_a_committee_cannot_be_raised_above_its_children(world, city_admin):
    with pytest.raises(Invalid) as exc_info:
        services.committee_update(
            actor=city_admin, committee=world.city, name="兰州市", short_name="市政协", level="county"
        )
    assert _fields(exc_info) == {"level": ["层级必须高于其下级委员会。"]}


def test_only_the_system_creates_a_root_committee(world):
    with pytest.raises(Forbidden):
        services.committee_create(
            actor=world.sysadmin, parent=None, name="全国", short_name="全国政协", level="national"
        )
    national = services.committee_create(
        actor=None, parent=None, name="全国", short_name="全国政协", level="national"
    )
    assert national.parent is None


def test_a_sibling_administrator_cannot_create_under_another_committee(world):
    with pytest.raises(Forbidden):
        services.committee_create(
            actor=world.sysadmin, parent=world.city, name="兰州市安宁区", short_name="区政协", level="county"
        )
    assert not Committee.objects.filter(name="兰州市安宁区").exists()


def test_committee_deactivation_rules(world, city_admin):
    with pytest.raises(Conflict, match="不能停用本委员会"):
        services.org_object_deactivate(actor=world.sysadmin, obj=world.committee)
    with pytest.raises(Conflict, match="请先停用其下级委员会"):
        services.org_object_deactivate(actor=None, obj=world.city)
    services.org_object_deactivate(actor=city_admin, obj=world.sibling)
    assert Committee.objects.get(pk=world.sibling.pk).is_active is False


# --- Terms ---------------------------------------------------------------------------------------------


def test_term_validation(world):
    with pytest.raises(Invalid) as exc_info:
        services.term_create(
            actor=world.sysadmin,
            committee=world.committee,
            number=0,
            starts_on=dt.date(2027, 1, 1),
            ends_on=dt.date(2026, 1, 1),
        )
    assert _fields(exc_info) == {"number": ["届次须从 1 开始。"], "ends_on": ["结束日期须晚于开始日期。"]}
    with pytest.raises(Invalid) as exc_info:
        services.term_create(actor=world.sysadmin, committee=world.committee, number=11, starts_on=None)
    assert _fields(exc_info) == {"starts_on": ["请填写开始日期。"]}


def test_term_set_current_moves_the_flag_and_logs_both_terms(world):
    new = services.term_create(
        actor=world.sysadmin,
        committee=world.committee,
        number=11,
        starts_on=dt.date(2027, 1, 10),
        is_current=True,
    )
    assert list(Term.objects.filter(committee=world.committee, is_current=True)) == [new]
    assert OrgEvent.objects.filter(entity="term", entity_id=new.pk, name="set_current").exists()
    assert OrgEvent.objects.filter(entity="term", entity_id=world.term.pk, name="unset_current").exists()
    with pytest.raises(Conflict, match="已经是本届"):
        services.term_set_current(actor=world.sysadmin, term=new)


def test_the_current_term_cannot_be_deactivated_and_an_inactive_one_cannot_become_current(world):
    with pytest.raises(Conflict, match="本届不能停用"):
        services.org_object_deactivate(actor=world.sysadmin, obj=world.term)
    old = Term.objects.create(committee=world.committee, number=9, starts_on=dt.date(2017, 1, 1))
    services.org_object_deactivate(actor=world.sysadmin, obj=old)
    with pytest.raises(Conflict, match="已停用的届不能设为本届"):
        services.term_set_current(actor=world.sysadmin, term=old)


def test_term_set_current_is_for_the_system_administrator(world):
    with pytest.raises(Forbidden):
        services.term_set_current(actor=world.zhao_lei, term=world.term)


# --- Sessions: dates -----------------------------------------------------------------------------------


def _session_values(**changes):
    values = {
        "number": 6,
        "opens_on": dt.date(2027, 1, 12),
        "closes_on": dt.date(2027, 1, 15),
        "proposal_window_starts_at": dt.datetime(2026, 10, 12, tzinfo=TZ),
        "proposal_deadline": dt.datetime(2027, 1, 13, 20, tzinfo=TZ),
    }
    return {**values, **changes}


def test_session_create(world):
    session = services.session_create(actor=world.sysadmin, term=world.term, **_session_values())
    assert session.full_name == "政协第十届兰州市城关区委员会第六次会议"
    assert session.short_name == "区政协十届六次会议"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"closes_on": dt.date(2027, 1, 11)}, {"closes_on": ["闭幕日期不能早于开幕日期。"]}),
        (
            {"proposal_deadline": dt.datetime(2026, 10, 1, tzinfo=TZ)},
            {"proposal_deadline": ["大会提案截止时间须晚于征集开始时间。"]},
        ),
        (
            {"proposal_window_starts_at": dt.datetime(2027, 1, 12, 8, tzinfo=TZ)},
            {"proposal_window_starts_at": ["大会提案征集须在开幕日期之前开始。"]},
        ),
        ({"number": 0}, {"number": ["会议次数须从 1 开始。"]}),
        ({"opens_on": "2027-01-12"}, {"opens_on": ["开幕日期格式不正确。"]}),
    ],
)
def test_session_date_rules(world, changes, errors):
    with pytest.raises(Invalid) as exc_info:
        services.session_create(actor=world.sysadmin, term=world.term, **_session_values(**changes))
    assert _fields(exc_info) == errors
    assert not PlenarySession.objects.filter(number=6).exists()


def test_a_naive_datetime_is_read_in_the_committee_time_zone(world):
    session = services.session_create(
        actor=world.sysadmin,
        term=world.term,
        **_session_values(proposal_deadline=dt.datetime(2027, 1, 13, 20)),  # noqa: DTZ001
    )
    assert timezone.localtime(session.proposal_deadline).hour == 20


# --- Handling units and contacts -----------------------------------------------------------------------


def test_contacts_add_edit_remove_on_the_unit_timeline(world):
    first = services.handling_unit_contact_add(
        actor=world.zhang_min, unit=world.unit, name="马强", is_primary=True
    )
    second = services.handling_unit_contact_add(
        actor=world.zhang_min,
        unit=world.unit,
        name="李红",
        phone="0931-8812345转801",
        email="lihong@example.cn",
        is_primary=True,
    )
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)
    services.handling_unit_contact_update(
        actor=world.zhang_min,
        contact=second,
        name="李红",
        title="办公室主任",
        phone=second.phone,
        email=second.email,
        is_primary=True,
    )
    first_pk = first.pk
    services.handling_unit_contact_remove(actor=world.zhang_min, contact=first)
    assert list(world.unit.contacts.all()) == [second]
    names = list(
        OrgEvent.objects.filter(entity="handling_unit", entity_id=world.unit.pk).values_list("name", "data")
    )
    assert [n for n, _d in names] == ["contact_added", "contact_added", "contact_updated", "contact_removed"]
    assert names[2][1] == {"contact": second.pk, "title": "办公室主任"}
    assert names[3][1] == {"contact": first_pk, "name": "马强"}


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"name": ""}, {"name": ["请填写姓名。"]}),
        ({"name": "马强", "phone": "call me"}, {"phone": ["联系电话只能包含数字、空格和 + - ( ) 转。"]}),
        ({"name": "马强", "email": "not-an-email"}, {"email": ["电子邮箱格式不正确。"]}),
    ],
)
def test_contact_validation(world, values, errors):
    with pytest.raises(Invalid) as exc_info:
        services.handling_unit_contact_add(actor=world.zhang_min, unit=world.unit, **values)
    assert _fields(exc_info) == errors
    assert not HandlingUnitContact.objects.exists()


def test_contacts_belong_to_the_proposal_office(world):
    with pytest.raises(Forbidden):
        services.handling_unit_contact_add(actor=world.zhao_lei, unit=world.unit, name="马强")


# --- Deactivate and reactivate -----------------------------------------------------------------------


def test_deactivate_and_reactivate(world):
    services.org_object_deactivate(actor=world.zhao_lei, obj=world.sector)
    assert Sector.objects.get(pk=world.sector.pk).is_active is False
    with pytest.raises(Conflict, match="已经是停用状态"):
        services.org_object_deactivate(actor=world.zhao_lei, obj=world.sector)
    services.org_object_reactivate(actor=world.zhao_lei, obj=world.sector)
    events = list(OrgEvent.objects.filter(entity="sector").values_list("name", "from_state", "to_state"))
    assert events == [("deactivated", "active", "inactive"), ("reactivated", "inactive", "active")]


def test_nothing_is_added_under_a_deactivated_parent(world):
    services.org_object_deactivate(actor=world.zhang_min, obj=world.unit)
    with pytest.raises(Conflict, match="已停用"):
        services.handling_unit_contact_add(actor=world.zhang_min, unit=world.unit, name="马强")


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("sysadmin", True),
        ("zhao_lei", True),
        ("zhang_min", False),
        ("chen_jing", False),
        ("sun_li", False),
        ("wang_wei", False),
    ],
)
def test_who_may_change_sectors(world, persona, allowed):
    call = lambda: services.sector_create(actor=getattr(world, persona), term=world.term, name="教育界")  # noqa: E731
    if allowed:
        call()
    else:
        with pytest.raises(Forbidden):
            call()
        assert not Sector.objects.filter(name="教育界").exists()
