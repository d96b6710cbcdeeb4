"""Similarity in a real browser: a member typing a proposal sees similar past proposals (htmx panel,
phone size), and the proposal office merges a suggested 并案 cluster at the desk."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from tongxin.proposals.models import Proposal
from tongxin.similarity import indexes, services
from tongxin.similarity.tests.conftest import SCHOOL, TOILETS, TOILETS_AGAIN, make

from .conftest import DESK, PHONE, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def corpus(world, settings, tmp_path):
    settings.SIMILARITY_INDEX_DIR = str(tmp_path / "similarity")
    indexes.forget()
    toilets = make(world, TOILETS)
    again = make(world, TOILETS_AGAIN, author=world.li_na)
    make(world, SCHOOL, author=world.sun_li)
    services.index_rebuild(committee_id=world.committee.pk)
    yield {"toilets": toilets, "again": again}
    indexes.forget()


def test_member_sees_similar_while_typing_and_office_merges_a_cluster(world, corpus, open_page):
    phone = open_page(PHONE)
    sign_in(phone, "wangwei", PASSWORD)
    phone.wait_for_url("**/")
    phone.goto("/similarity/check/")
    panel = phone.locator("#similar-panel")
    assert panel.get_by_text("输入案由和正文后").is_visible()
    # Typing (no button press): htmx asks for the panel after a short pause.
    phone.get_by_label("案由").fill("关于公厕指示牌和地图标注的建议")
    phone.get_by_label("正文").fill("老城区公厕难找，地图应用中的公厕位置信息更新不及时。")
    panel = phone.locator("#similar-panel")
    panel.get_by_text(TOILETS["title"]).wait_for()
    # li_na's proposal is not wang_wei's to read: it never shows.
    assert panel.get_by_text(TOILETS_AGAIN["title"]).count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "similarity-check-phone")
    assert phone.csp_errors == []

    desk = open_page(DESK)
    sign_in(desk, "zhangmin", PASSWORD)
    desk.wait_for_url("**/")
    desk.goto(f"/similarity/sessions/{world.session.pk}/clusters/")
    cluster = desk.locator("article.cluster").first
    assert cluster.get_by_text(TOILETS_AGAIN["title"]).is_visible()
    shot(desk, "similarity-clusters-desk")
    cluster.get_by_role("button", name="并案").click()
    desk.get_by_text("已并案").wait_for()
    assert desk.csp_errors == []
    assert Proposal.objects.get(pk=corpus["again"].pk).merged_into_id == corpus["toilets"].pk
