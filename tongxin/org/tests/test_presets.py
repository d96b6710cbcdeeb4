"""The national presets: the 14th-term sectors (rule 84), participating units (rule 82), the ten
special committees (rule 86) and the default departments; applying twice adds nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest

from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Conflict, Forbidden
from tongxin.org import presets, services
from tongxin.org.models import OfficeDepartment, OrgEvent, ParticipatingUnit, Sector, SpecialCommittee, Term


@pytest.fixture
def fresh_term(world):
    return Term.objects.create(committee=world.committee, number=11, starts_on=dt.date(2027, 1, 10))


def test_fourteenth_term_sectors_are_34_with_the_merged_youth_sector(world, fresh_term):
    result = presets.sectors_apply_preset(actor=world.sysadmin, term=fresh_term)
    names = list(Sector.objects.filter(term=fresh_term).order_by("position").values_list("name", flat=True))
    assert len(names) == 34 == len(result.added)
    assert "中国共产主义青年团和中华全国青年联合会" in names
    assert "中国共产主义青年团" not in names
    assert "中华全国青年联合会" not in names
    assert "环境资源界" in names
    # The official order: parties first, the merged youth sector in 共青团's place, the invited last.
    assert names[:2] == ["中国共产党", "中国国民党革命委员会"]
    assert names[10] == "中国共产主义青年团和中华全国青年联合会"
    assert names[-3:] == ["特邀香港人士", "特邀澳门人士", "特别邀请人士"]
    positions = list(
        Sector.objects.filter(term=fresh_term).order_by("position").values_list("position", flat=True)
    )
    assert positions == list(range(1, 35))


def test_the_13th_list_is_the_14th_before_the_merge():
    assert len(presets.SECTORS_13TH) == 34
    assert set(presets.SECTORS_14TH) - set(presets.SECTORS_13TH) == {
        "中国共产主义青年团和中华全国青年联合会",
        "环境资源界",
    }
    assert set(presets.SECTORS_13TH) - set(presets.SECTORS_14TH) == {
        "中国共产主义青年团",
        "中华全国青年联合会",
    }


def test_applying_twice_adds_nothing_twice(world, fresh_term):
    presets.sectors_apply_preset(actor=world.zhao_lei, term=fresh_term)
    again = presets.sectors_apply_preset(actor=world.zhao_lei, term=fresh_term)
    assert again.added == []
    assert len(again.existing) == 34
    assert Sector.objects.filter(term=fresh_term).count() == 34
    assert OrgEvent.objects.filter(entity="term", entity_id=fresh_term.pk, name="preset_applied").count() == 2


def test_preset_keeps_local_edits_and_adds_only_what_is_missing(world):
    # The world's term already has 经济界; a deactivated sector is not brought back either.
    services.org_object_deactivate(actor=world.zhao_lei, obj=world.sector)
    result = presets.sectors_apply_preset(actor=world.zhao_lei, term=world.term)
    assert len(result.added) == 33
    assert result.existing == ["经济界"]
    assert Sector.objects.filter(term=world.term, name="经济界").get().is_active is False


def test_each_added_object_has_its_created_event_and_the_change_is_logged(world, fresh_term):
    presets.sectors_apply_preset(actor=world.sysadmin, term=fresh_term)
    sector = Sector.objects.get(term=fresh_term, name="环境资源界")
    event = OrgEvent.objects.get(entity="sector", entity_id=sector.pk)
    assert (event.name, event.actor, event.committee) == ("created", world.sysadmin, world.committee)
    assert event.data["preset"] == "sectors_national_14"
    assert SecurityEvent.objects.filter(kind="config_changed", target=f"org.term:{fresh_term.pk}").exists()


def test_participating_units_preset(world):
    result = presets.participating_units_apply_preset(actor=world.zhao_lei, committee=world.committee)
    # 九三学社 was already there (the world's party).
    assert result.existing == ["九三学社"]
    units = {u.name: u for u in ParticipatingUnit.objects.filter(committee=world.committee)}
    assert len(units) == 18
    shorts = {name: (u.short_name, u.kind) for name, u in units.items()}
    assert shorts["中国共产党"] == ("中共", "cpc")
    assert shorts["中国国民党革命委员会"] == ("民革", "democratic_party")
    assert shorts["中国农工民主党"] == ("农工党", "democratic_party")
    assert shorts["台湾民主自治同盟"] == ("台盟", "democratic_party")
    assert shorts["无党派人士"][1] == "non_party"
    assert shorts["中华全国工商业联合会"] == ("工商联", "federation")
    for name, short in [
        ("中国共产主义青年团", "共青团"),
        ("中华全国总工会", "总工会"),
        ("中华全国妇女联合会", "妇联"),
        ("中华全国青年联合会", "青联"),
        ("中国科学技术协会", "科协"),
        ("中华全国台湾同胞联谊会", "台联"),
        ("中华全国归国华侨联合会", "侨联"),
    ]:
        assert shorts[name] == (short, "peoples_organisation")
    assert sum(1 for u in units.values() if u.kind == "democratic_party") == 8
    assert (
        presets.participating_units_apply_preset(actor=world.zhao_lei, committee=world.committee).added == []
    )


def test_special_committees_preset(world):
    result = presets.special_committees_apply_preset(actor=world.sysadmin, committee=world.committee)
    names = list(SpecialCommittee.objects.filter(committee=world.committee).values_list("name", flat=True))
    assert len(names) == 10 == len(result.added)
    assert names[0] == "提案委员会"
    assert "文化文史和学习委员会" in names
    assert (
        presets.special_committees_apply_preset(actor=world.sysadmin, committee=world.committee).added == []
    )


def test_departments_preset(world):
    presets.departments_apply_preset(actor=world.sysadmin, committee=world.committee)
    kinds = dict(OfficeDepartment.objects.filter(committee=world.committee).values_list("name", "kind"))
    assert kinds == {
        "提案委员会办公室（提案科）": "proposals",
        "研究室（信息科）": "information",
        "秘书科": "secretariat",
        "委员工作科": "member_affairs",
    }


@pytest.mark.parametrize(
    ("persona", "apply"),
    [
        ("chen_jing", "sectors"),
        ("zhang_min", "sectors"),
        ("zhao_lei", "departments"),
        ("wang_wei", "participating_units"),
    ],
)
def test_only_managers_apply_presets(world, fresh_term, persona, apply):
    actor = getattr(world, persona)
    calls = {
        "sectors": lambda: presets.sectors_apply_preset(actor=actor, term=fresh_term),
        "departments": lambda: presets.departments_apply_preset(actor=actor, committee=world.committee),
        "participating_units": lambda: presets.participating_units_apply_preset(
            actor=actor, committee=world.committee
        ),
    }
    with pytest.raises(Forbidden):
        calls[apply]()
    assert not OrgEvent.objects.filter(name="preset_applied").exists()


def test_no_preset_into_a_deactivated_term(world, fresh_term):
    services.org_object_deactivate(actor=world.sysadmin, obj=fresh_term)
    with pytest.raises(Conflict):
        presets.sectors_apply_preset(actor=world.sysadmin, term=fresh_term)
    assert not Sector.objects.filter(term=fresh_term).exists()
