"""The organisation's items on "我的待办"."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tongxin.org import presets, services
from tongxin.org.models import Term
from tongxin.org.queries import todos_for


def _titles(user) -> list[str]:
    return [str(t.title) for t in todos_for(user)]


def test_a_term_without_sectors_asks_the_sector_keepers(world):
    term = Term.objects.create(committee=world.committee, number=11, starts_on=dt.date(2027, 1, 10))
    services.term_set_current(actor=world.sysadmin, term=term)
    expected = "区政协十一届尚未设置界别，可应用全国政协第十四届界别设置后再调整"
    assert expected in _titles(world.zhao_lei)
    assert expected in _titles(world.sysadmin)
    assert expected not in _titles(world.zhang_min)
    (item,) = [t for t in todos_for(world.zhao_lei) if str(t.title) == expected]
    assert item.url == reverse("org:term_detail", args=[term.pk])
    presets.sectors_apply_preset(actor=world.zhao_lei, term=term)
    assert expected not in _titles(world.zhao_lei)


def test_units_without_contacts_ask_the_proposal_office(world):
    (item,) = todos_for(world.zhang_min)
    assert (str(item.title), item.count) == ("有 1 个承办单位尚未登记联系人", 1)
    services.handling_unit_contact_add(actor=world.zhang_min, unit=world.unit, name="马强")
    assert todos_for(world.zhang_min) == []


def test_no_current_term_asks_the_system_administrator(world):
    Term.objects.filter(pk=world.term.pk).update(is_current=False)
    assert "本委员会尚未设定本届，请添加届次并设为本届" in _titles(world.sysadmin)


def test_other_roles_have_no_org_items_and_cost_no_queries(world, django_assert_num_queries):
    for persona in ("wang_wei", "chen_jing", "liu_yang", "zhou_qiang", "secadmin", "auditadmin"):
        user = getattr(world, persona)
        user.role_set  # noqa: B018 - loaded once per request, as in a real request
        with django_assert_num_queries(0):
            assert todos_for(user) == []


def test_the_home_page_shows_the_org_items(world, client_for):
    html = client_for(world.zhang_min).get("/").content.decode()
    assert "有 1 个承办单位尚未登记联系人" in html
    assert "/org/handling-units/?without_contact=1" in html
