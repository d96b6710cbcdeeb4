"""A proposal's whole life in a real browser (issue 3): a member submits on a phone with a co-signer
who confirms, the office files and assigns it to a lead and a co-unit, the co-unit sends its opinion,
the lead replies, the co-unit countersigns, the office approves, both proposers rate, the office
closes. Every page is checked for CSP errors; the member pages must not scroll sideways at 375 px."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD

from .conftest import DESK, PHONE, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "关于完善城市公厕指引系统的建议"


def _co_unit(world):
    """A second handling unit and its staff account, made through the real services."""
    from tongxin.accounts.services import user_create
    from tongxin.org.services import handling_unit_create

    unit = handling_unit_create(actor=None, committee=world.committee, name="城关区住房和城乡建设局")
    user_create(
        actor=None,
        committee=world.committee,
        username="zhujianju",
        full_name="住建局经办人",
        kind="unit",
        handling_unit=unit,
        password=PASSWORD,
    )
    return unit


def _signed_in(open_page, viewport, username):
    page = open_page(viewport)
    sign_in(page, username, PASSWORD)
    page.wait_for_url("**/")
    return page


def _act(page, url: str, label: str, fill=None):
    """Open the proposal page, run the action `label` (filling its form with `fill`) and wait for the
    page to come back with the success message."""
    page.goto(url)
    panel = page.locator("details.action", has=page.locator("summary", has_text=re.compile(f"^{label}$")))
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    if fill is not None:
        fill(panel)
    panel.get_by_role("button", name=label, exact=True).click()
    page.get_by_text(f"已完成：{label}。").wait_for()
    assert page.csp_errors == []


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_proposal_from_phone_to_closure(world, open_page):
    co_unit = _co_unit(world)

    # 1. The member writes on a phone, invites 李娜 to co-sign and submits.
    member = _signed_in(open_page, PHONE, "wangwei")
    member.goto("/proposals/new/")
    member.get_by_label("案由").fill(TITLE)
    member.get_by_label("情况分析").fill("线下指示牌设置不合理，线上地图信息更新不及时，市民找不到公厕。")
    member.get_by_label("具体建议").fill("一、统一设置指示牌；二、在地图应用中标注公厕位置并定期更新。")
    member.get_by_label("联名委员").select_option(label="李娜")
    # Leave the form and let its autosave finish first: the live test server shares one SQLite
    # connection between its threads, so an autosave racing the submit would break the test run.
    member.locator("h1").click()
    member.get_by_text("已自动保存").wait_for()
    member.wait_for_load_state("networkidle")
    _no_sideways_scroll(member)
    shot(member, "proposal-new-phone")
    member.get_by_role("button", name="提交", exact=True).click()
    member.wait_for_url(re.compile(r".*/proposals/\d+/$"))
    url = member.url.removeprefix(member.url.split("/proposals/")[0])
    assert member.locator(".badge.state-submitted").is_visible()
    assert member.get_by_text("李娜（联名：待确认）").is_visible()
    _no_sideways_scroll(member)
    assert member.csp_errors == []

    # 2. The co-signer confirms on her phone.
    cosigner = _signed_in(open_page, PHONE, "lina")
    _act(cosigner, url, "确认联名")
    assert cosigner.get_by_text("李娜（联名：已确认）").is_visible()
    _no_sideways_scroll(cosigner)

    # 3. The office files it and assigns a lead and a co-unit.
    office = _signed_in(open_page, DESK, "zhangmin")
    _act(office, url, "立案")
    assert office.locator(".badge.state-filed").is_visible()

    def assign(panel):
        panel.get_by_label("交办方式").select_option("lead")
        panel.get_by_label("主办单位").select_option(label=world.unit.name)
        panel.get_by_label("会办单位").select_option(label=co_unit.name)

    _act(office, url, "交办", assign)
    assert office.get_by_text(f"{world.unit.name}（主办）").is_visible()
    assert office.get_by_text(f"{co_unit.name}（会办）").is_visible()

    # 4. Both units sign for it; the co-unit sends its opinion to the lead.
    lead = _signed_in(open_page, DESK, "zhouqiang")
    co = _signed_in(open_page, DESK, "zhujianju")
    _act(lead, url, "签收")
    _act(co, url, "签收")
    assert co.locator(".badge.state-in_handling").is_visible()
    _act(co, url, "提交会办意见", lambda p: p.get_by_label("内容").fill("同意主办单位意见，本局负责配合。"))
    assert co.get_by_text("会办意见：同意主办单位意见，本局负责配合。").is_visible()

    # 5. The lead drafts the reply; the co-unit countersigns; the office approves it.
    def reply(panel):
        panel.get_by_label("内容").fill("经研究，已安排在主要街道统一设置指示牌。")
        panel.get_by_label("办理结果分类").select_option("A")
        panel.get_by_label("签发人").fill("张局长")
        panel.get_by_label("联系人", exact=True).fill("李科长")
        panel.get_by_label("联系电话").fill("0931-8888888")
        panel.get_by_label("是否公开").select_option("public")

    _act(lead, url, "拟写答复", reply)
    _act(co, url, "会签")
    assert co.locator(".badge.state-reply_countersigned").is_visible()
    _act(office, url, "审核通过答复")
    shot(office, "proposal-replied-desk")

    # 6. Both proposers read the reply and rate it on their phones.
    def rate(attitude: str, result: str):
        def fill(panel):
            panel.get_by_label("对办理态度").select_option(attitude)
            panel.get_by_label("对办理结果").select_option(result)

        return fill

    member.goto(url)
    assert member.get_by_text("经研究，已安排在主要街道统一设置指示牌。").is_visible()
    _no_sideways_scroll(member)
    _act(member, url, "评价办理", rate("satisfied", "satisfied"))
    _act(cosigner, url, "评价办理", rate("satisfied", "basically"))
    assert cosigner.locator(".badge.state-evaluated").is_visible()
    assert cosigner.get_by_text("态度：满意；结果：基本满意").is_visible()
    _no_sideways_scroll(cosigner)

    # 7. The office closes it; the member sees 已办结 and the whole timeline.
    _act(office, url, "办结")
    member.goto(url)
    assert member.locator(".badge.state-closed").is_visible()
    assert member.get_by_text("已办结").first.is_visible()
    _no_sideways_scroll(member)
    shot(member, "proposal-closed-phone")
    member.goto("/proposals/")
    assert member.get_by_role("link", name=TITLE).is_visible()
    _no_sideways_scroll(member)
    assert member.csp_errors == []
    # The elder (长辈版) layout enlarges everything and still must not scroll sideways.
    member.evaluate("document.documentElement.classList.add('elder')")
    member.goto(url)
    member.evaluate("document.documentElement.classList.add('elder')")
    _no_sideways_scroll(member)
    shot(member, "proposal-closed-phone-elder")
