"""Organisation pages: they render, create, edit, filter (with htmx partials), page, and stay bounded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tongxin.org.models import HandlingUnitContact, OrgEvent, Sector, SpecialCommittee, Term
from tongxin.org.views import SECTIONS


def test_overview_shows_names_current_term_sessions_and_sections(world, org, client_for):
    response = client_for(world.chen_jing).get("/org/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "中国人民政治协商会议兰州市城关区委员会",
        "区政协",
        "政协第十届兰州市城关区委员会",
        "区政协十届",
        "政协第十届兰州市城关区委员会第五次会议",
        "区政协十届五次会议",
    ]:
        assert text in html
    for entity in SECTIONS:
        assert reverse(f"org:{entity}_list") in html


@pytest.mark.parametrize("entity", list(SECTIONS))
def test_every_page_of_every_kind_renders_for_the_system_administrator(world, org, client_for, entity):
    client = client_for(world.sysadmin)
    obj = org.own[entity]
    assert client.get(reverse(f"org:{entity}_list")).status_code == 200
    assert client.get(reverse(f"org:{entity}_create")).status_code == 200
    response = client.get(reverse(f"org:{entity}_edit", args=[obj.pk]))
    assert response.status_code == 200
    assert "变更记录" in response.content.decode()


def test_term_and_handling_unit_pages(world, org, client_for):
    client = client_for(world.sysadmin)
    html = client.get(reverse("org:term_detail", args=[world.term.pk])).content.decode()
    assert "区政协十届五次会议" in html
    assert "经济界" in html
    assert "第一委员活动组" in html
    assert "应用全国政协第十四届界别设置" in html
    html = client.get(reverse("org:handling_unit_detail", args=[world.unit.pk])).content.decode()
    assert "马强" in html
    assert "0931-8812345" in html
    assert "添加联系人" in html


def test_create_through_the_form_then_list_it(world, client_for):
    client = client_for(world.zhao_lei)
    response = client.post(reverse("org:sector_create"), {"name": "教育界", "position": "2"})
    assert response.status_code == 302
    assert response.url == f"{reverse('org:sector_list')}?term={world.term.pk}"
    sector = Sector.objects.get(name="教育界")
    assert sector.term == world.term
    assert "教育界" in client.get(response.url).content.decode()


def test_form_shows_the_service_message_and_writes_nothing(world, client_for):
    client = client_for(world.zhao_lei)
    response = client.post(reverse("org:sector_create"), {"name": "经济界", "position": "2"})
    assert response.status_code == 200
    assert "本届已有名为“经济界”的界别。" in response.content.decode()
    response = client.post(reverse("org:sector_create"), {"name": "界" * 30, "position": "-4"})
    assert response.status_code == 200
    assert Sector.objects.filter(term=world.term).count() == 1


def test_edit_and_deactivate_through_the_pages(world, client_for):
    client = client_for(world.zhao_lei)
    edit = reverse("org:sector_edit", args=[world.sector.pk])
    assert client.post(edit, {"name": "经济界别", "position": "1"}).status_code == 302
    assert client.post(reverse("org:sector_deactivate", args=[world.sector.pk])).status_code == 302
    world.sector.refresh_from_db()
    assert (world.sector.name, world.sector.is_active) == ("经济界别", False)
    html = client.get(edit).content.decode()
    assert "重新启用此界别" in html
    assert "修改：界别名称" in html
    assert "停用" in html


def test_session_form_reads_local_datetimes(world, client_for):
    response = client_for(world.sysadmin).post(
        f"{reverse('org:session_create')}?term={world.term.pk}",
        {
            "number": "6",
            "opens_on": "2027-01-12",
            "closes_on": "2027-01-15",
            "proposal_window_starts_at": "2026-10-12T09:00",
            "proposal_deadline": "2027-01-13T20:00",
        },
    )
    assert response.status_code == 302
    session = world.term.sessions.get(number=6)
    assert session.short_name == "区政协十届六次会议"


def test_term_page_buttons(world, client_for):
    client = client_for(world.sysadmin)
    new = Term.objects.create(
        committee=world.committee, number=11, starts_on=world.term.starts_on.replace(year=2027)
    )
    assert client.post(reverse("org:term_apply_preset", args=[new.pk])).status_code == 302
    assert Sector.objects.filter(term=new).count() == 34
    assert client.post(reverse("org:term_set_current", args=[new.pk])).status_code == 302
    assert Term.objects.get(is_current=True, committee=world.committee) == new


def test_committee_preset_button(world, client_for):
    response = client_for(world.zhao_lei).post(
        reverse("org:special_committee_apply_preset", args=[world.committee.pk])
    )
    assert response.status_code == 302
    assert SpecialCommittee.objects.filter(committee=world.committee).count() == 10


def test_contacts_through_the_pages(world, client_for):
    client = client_for(world.zhang_min)
    response = client.post(
        reverse("org:contact_create", args=[world.unit.pk]), {"name": "马强", "phone": "0931-8812345"}
    )
    assert response.status_code == 302
    contact = HandlingUnitContact.objects.get()
    edit = reverse("org:contact_edit", args=[world.unit.pk, contact.pk])
    assert client.post(edit, {"name": "马强", "title": "科长", "is_primary": "on"}).status_code == 302
    contact.refresh_from_db()
    assert (contact.title, contact.is_primary) == ("科长", True)
    assert client.post(reverse("org:contact_remove", args=[world.unit.pk, contact.pk])).status_code == 302
    assert not HandlingUnitContact.objects.exists()
    names = list(OrgEvent.objects.filter(entity="handling_unit").values_list("name", flat=True))
    assert names == ["contact_added", "contact_updated", "contact_removed"]


def test_filters_and_the_htmx_partial(world, org, client_for):
    Sector.objects.create(term=world.term, name="教育界", position=2, is_active=False)
    client = client_for(world.zhao_lei)
    url = reverse("org:sector_list")
    assert "教育界" not in client.get(url, {"status": "active"}).content.decode()
    assert "教育界" not in client.get(url, {"q": "经济"}).content.decode()
    partial = client.get(url, {"q": "教育"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert partial.status_code == 200
    assert "教育界" in html
    assert "<html" not in html
    assert 'id="results"' in html
    # The heading follows the filters: an out-of-band swap carries the chosen term and its buttons.
    partial = client.get(url, {"term": org.old_term.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-swap-oob="true"' in partial
    assert "区政协九届" in partial
    assert f"/org/sectors/new/?term={org.old_term.pk}" in partial
    # Bad filter values never fail the page.
    for params in ({"status": "nonsense"}, {"term": "abc"}, {"after": "x"}, {"term": "99999"}):
        assert client.get(url, params).status_code in (200, 404)


def test_keyset_pages(world, client_for):
    Sector.objects.bulk_create(Sector(term=world.term, name=f"界别{i:03d}", position=i) for i in range(60))
    client = client_for(world.zhao_lei)
    first = client.get(reverse("org:sector_list"))
    page = first.context["page"]
    assert len(page.items) == 50
    assert page.next_after is not None
    second = client.get(reverse("org:sector_list"), {"after": page.next_after})
    assert len(second.context["page"].items) == 11


def test_system_administrator_manages_a_lower_committee_through_pages(world, client_for, city_admin):
    client = client_for(city_admin)
    response = client.get("/org/", {"committee": world.committee.pk})
    assert response.status_code == 200
    assert "中国人民政治协商会议兰州市城关区委员会" in response.content.decode()
    response = client.post(
        f"{reverse('org:department_create')}?committee={world.committee.pk}",
        {"name": "办公室", "kind": "general"},
    )
    assert response.status_code == 302
    assert world.committee.departments.filter(name="办公室").exists()
    html = client.get(reverse("org:committee_list")).content.decode()
    assert "兰州市城关区" in html
    assert "兰州市七里河区" in html


def test_list_page_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    Sector.objects.bulk_create(Sector(term=world.term, name=f"界别{i:03d}", position=i) for i in range(40))
    client = client_for(world.zhao_lei)
    client.get(reverse("org:sector_list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("org:sector_list"))


@pytest.mark.parametrize("entity", ["session", "handling_unit", "committee", "term"])
def test_list_pages_with_related_rows_are_bounded(
    world, org, client_for, city_admin, django_assert_max_num_queries, entity
):
    client = client_for(city_admin)
    with django_assert_max_num_queries(16):
        client.get(reverse(f"org:{entity}_list"), {"committee": world.committee.pk})


def test_overview_and_detail_queries_are_bounded(world, org, client_for, django_assert_max_num_queries):
    client = client_for(world.sysadmin)
    client.get("/org/")
    with django_assert_max_num_queries(22):
        client.get("/org/")
    with django_assert_max_num_queries(16):
        client.get(reverse("org:term_detail", args=[world.term.pk]))
    with django_assert_max_num_queries(16):
        client.get(reverse("org:handling_unit_detail", args=[world.unit.pk]))
