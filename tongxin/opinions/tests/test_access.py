"""Who may read and act: every persona (plus the parent's, an unrelated committee's and an invited
officer) against every access rule, on a report of 王伟 in the state where the rule applies."""

from __future__ import annotations

import pytest

from conftest import _staff
from tongxin.core.roles import Role
from tongxin.opinions import access

from .factories import four_levels, in_state, sibling_office

PERSONAS = [
    "wang_wei",
    "li_na",
    "sun_li",
    "zhang_min",
    "liu_yang",
    "chen_jing",
    "zhao_lei",
    "zhou_qiang",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "outsider",
    "parent_office",
    "sibling_office",
    "informant",
]
# persona → (sees 王伟's submitted report, may handle it, may submit/withdraw it, may write reports,
# sees statistics)
EXPECTED = {
    "wang_wei": (True, False, True, True, False),
    "li_na": (False, False, False, True, False),
    "sun_li": (True, False, False, True, True),
    "zhang_min": (False, False, False, False, False),
    "liu_yang": (True, True, False, True, True),
    "chen_jing": (False, False, False, False, False),
    "zhao_lei": (False, False, False, False, False),
    "zhou_qiang": (False, False, False, False, False),
    "sysadmin": (False, False, False, False, False),
    "secadmin": (False, False, False, False, False),
    "auditadmin": (False, False, False, False, False),
    "outsider": (False, False, False, True, False),
    "parent_office": (False, False, False, True, True),
    "sibling_office": (False, False, False, True, True),
    "informant": (False, False, False, True, False),
}


def persona(world, name):
    if name == "parent_office":
        return four_levels(world)["offices"]["city"]
    if name == "sibling_office":
        return sibling_office(world)
    if name == "informant":
        return _staff(world.committee, "xinxiyuan", "马丽", "office", [Role.INVITED_INFORMANT])
    return getattr(world, name)


@pytest.mark.parametrize("name", PERSONAS)
def test_access_rules(world, name):
    user = persona(world, name)
    report = in_state("received", world.wang_wei, world.liu_yang)
    sees, handles, authors, reports, stats = EXPECTED[name]
    assert access.opinions_visible_to(user).filter(pk=report.pk).exists() is sees
    assert access.can_handle(user, report) is handles
    assert access.can_forward(user, report) is handles
    assert access.can_submit(user, report) is authors
    assert access.can_withdraw(user, report) is authors
    assert access.can_report(user) is reports
    assert access.can_view_statistics(user) is stats
    assert access.can_manage_bulletins(user) is (name in ("liu_yang", "parent_office", "sibling_office"))


@pytest.mark.parametrize("name", PERSONAS)
def test_drafts_are_seen_by_their_author_only(world, name):
    user = persona(world, name)
    report = in_state("draft", world.wang_wei, world.liu_yang)
    assert access.opinions_visible_to(user).filter(pk=report.pk).exists() is (name == "wang_wei")
