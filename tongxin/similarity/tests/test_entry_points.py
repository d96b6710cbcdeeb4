"""How people reach similarity: the navigation entries (search for business users, the 并案 desk for the
proposal office), the desk's landing page, and the demo extension that builds the index last."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from tongxin.accounts.navigation import navigation_for
from tongxin.demo import builder
from tongxin.org.models import PlenarySession
from tongxin.similarity import demo, indexes

from .conftest import TOILETS, make

PERSONAS = [
    "wang_wei", "li_na", "sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei", "zhou_qiang",
    "sysadmin", "secadmin", "auditadmin", "outsider",
]  # fmt: skip
ADMINS = {"sysadmin", "secadmin", "auditadmin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_navigation_entries(world, persona):
    user = getattr(world, persona)
    labels = {str(item["label"]): item["url"] for item in navigation_for(user)}
    assert ("全文检索" in labels) is (persona not in ADMINS)
    assert ("并案建议" in labels) is (persona == "zhang_min")
    if "全文检索" in labels:
        assert labels["全文检索"] == reverse("similarity:search")


DESK = dict.fromkeys(PERSONAS, 403) | {"zhang_min": 302}


@pytest.mark.parametrize("persona", PERSONAS)
def test_desk_landing_matrix(world, client_for, persona):
    response = client_for(getattr(world, persona)).get(reverse("similarity:desk"))
    assert response.status_code == DESK[persona]
    if response.status_code == 302:
        latest = PlenarySession.objects.filter(term__committee=world.committee).order_by("-opens_on").first()
        assert response["Location"] == reverse("similarity:clusters", args=[latest.pk])


def test_desk_landing_without_sessions(world, client_for):
    PlenarySession.objects.filter(term__committee=world.committee).update(is_active=False)
    response = client_for(world.zhang_min).get(reverse("similarity:desk"))
    assert response.status_code == 200
    assert "还没有启用的全体会议" in response.content.decode()


def test_demo_extension_runs_last_and_builds_the_index(world):
    assert builder.EXTENSIONS[-1] == "tongxin.similarity.demo.build"
    p = make(world, TOILETS)
    counts = demo.build(SimpleNamespace(committee=world.committee))
    assert counts == {"similarity_indexed": 1}
    assert indexes.index_path(world.committee.pk).exists()
    indexes.forget()
    assert p.pk in indexes.get(world.committee.pk)
