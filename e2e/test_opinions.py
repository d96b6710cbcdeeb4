"""A public-opinion report's whole journey in a real browser: a member submits it on a phone, the
office edits it, adopts it into an issue, sends the issue and forwards it to the parent committee,
the parent adopts it, a leader instruction is recorded, and the member sees all of it."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD, _staff

from .conftest import DESK, PHONE, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _action(page, label: str):
    """Open the action panel `label` on a report page and return it."""
    panel = page.locator("details", has=page.locator("summary", has_text=label))
    panel.locator("summary").click()
    return panel


def test_report_from_phone_to_parent_committee_and_back(world, open_page):
    from tongxin.core.roles import Role

    _staff(world.city, "xinxi_city", "市信息科", "office", [Role.INFORMATION_OFFICE])

    # 1. The member writes and submits on a phone.
    phone = open_page(PHONE)
    sign_in(phone, "wangwei", PASSWORD)
    phone.wait_for_url("**/")
    phone.goto("/opinions/new/")
    phone.get_by_label("标题", exact=True).fill("关于优化老旧小区加装电梯审批流程的建议")
    phone.get_by_label("情况", exact=True).fill("城关区老旧小区多，居民加装电梯意愿强烈，但审批周期长。")
    phone.get_by_label("分析", exact=True).fill("审批涉及多个部门，缺少统一窗口。")
    phone.get_by_label("建议", exact=True).fill("建议设立联合审批窗口，压缩审批时限。")
    phone.get_by_label("类别").select_option(label="社会")
    shot(phone, "opinion-new-phone")
    phone.get_by_role("button", name="报送", exact=True).click()
    phone.wait_for_url(re.compile(r".*/opinions/\d+/$"))
    report_url = phone.url
    assert phone.get_by_text("已收稿").first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.csp_errors == []

    # 2. The county information office edits, adopts into a new issue, sends and forwards it.
    desk = open_page(DESK)
    sign_in(desk, "liuyang", PASSWORD)
    desk.wait_for_url("**/")
    desk.goto("/opinions/?box=queue")
    desk.get_by_role("link", name="关于优化老旧小区加装电梯审批流程的建议").click()
    panel = _action(desk, "编辑")
    panel.get_by_label("编辑后标题").fill("关于简化老旧小区加装电梯审批的建议")
    panel.get_by_role("button", name="确认编辑").click()
    assert desk.get_by_role("heading", name="编辑稿").is_visible()
    panel = _action(desk, "采用编发")
    panel.get_by_label("编入刊物").select_option(label="新建一期《社情民意》")
    panel.get_by_label("编发方式").select_option(label="单篇采用")
    panel.get_by_role("button", name="确认采用编发").click()
    desk.get_by_role("link", name=re.compile(r"《社情民意》\d+年第1期")).click()
    desk.get_by_label("上级政协").check()
    desk.get_by_label("党委").check()
    desk.get_by_role("button", name="确认报送").click()
    assert desk.get_by_text("本期已报送。").is_visible()
    desk.get_by_role("button", name="整期转报上级政协").click()
    assert desk.get_by_text("本期已转报上级政协。").is_visible()
    shot(desk, "opinion-issue-sent")
    assert desk.csp_errors == []

    # 3. The city committee's office finds it in its inbox and adopts it.
    city = open_page(DESK)
    sign_in(city, "xinxi_city", PASSWORD)
    city.wait_for_url("**/")
    city.goto("/opinions/?box=forwarded")
    city.get_by_role("link", name="关于简化老旧小区加装电梯审批的建议").click()
    assert city.get_by_text("兰州市城关区委员会转报（整期转报）").is_visible()
    panel = _action(city, "采用编发")
    panel.get_by_label("编入刊物").select_option(label="新建一期《社情民意》")
    panel.get_by_label("编发方式").select_option(label="综合采用")
    panel.get_by_role("button", name="确认采用编发").click()
    assert city.get_by_text("已采用编发。").is_visible()

    # 4. The county office records a leader's instruction.
    desk.goto(report_url)
    panel = _action(desk, "登记领导批示")
    panel.get_by_label("领导层级").select_option(label="市级领导")
    panel.get_by_label("领导职务").select_option(label="主要领导")
    panel.get_by_label("批示领导").fill("某市领导")
    panel.get_by_label("批示内容").fill("请市住建局牵头研究落实。")
    panel.get_by_role("button", name="确认登记领导批示").click()
    assert desk.get_by_text("已登记领导批示。").is_visible()

    # 5. The member sees the edited text beside the original, the city's adoption and the instruction.
    phone.goto(report_url)
    assert phone.get_by_text("获领导批示").first.is_visible()
    assert phone.get_by_role("heading", name="编辑稿").is_visible()
    assert phone.get_by_role("heading", name="原稿").is_visible()
    assert phone.get_by_text("市级政协综合采用", exact=True).is_visible()
    assert phone.get_by_text("请市住建局牵头研究落实。").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "opinion-member-sees-outcomes-phone")
    # The 长辈版 keeps the page readable at phone width.
    phone.get_by_role("button", name="长辈版").click()
    phone.wait_for_load_state()
    assert "elder" in (phone.get_attribute("html", "class") or "")
    assert phone.evaluate("document.querySelector('main').scrollWidth") <= PHONE["width"]
    shot(phone, "opinion-member-elder")
    assert phone.csp_errors == []
