"""Each role's navigation at phone and desk sizes: what it shows, what it hides, and that every entry
opens a working page without CSP violations."""

from __future__ import annotations

import pytest

from conftest import PASSWORD

from .conftest import DESK, PHONE, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADMIN_PAGES = {"账号管理", "角色授权", "安全审计"}
OFFICE_PAGES = {"委员名册", "组织机构", "工作日历"}

ADMIN_PAGES = {"账号管理", "角色授权", "安全审计"}
OFFICE_PAGES = {"委员名册", "组织机构", "工作日历"}

# persona → (entries it must see, entries it must not see)
NAVIGATION = {
    "wangwei": ({"我的待办", "提案", "社情民意", "我的"}, OFFICE_PAGES | ADMIN_PAGES),
    "sunli": ({"我的待办", "委员名册", "组织机构", "我的"}, ADMIN_PAGES),
    "zhangmin": ({"我的待办", "委员名册", "组织机构", "工作日历", "提案"}, ADMIN_PAGES),
    "liuyang": (OFFICE_PAGES | {"社情民意"}, ADMIN_PAGES),
    "chenjing": (OFFICE_PAGES, ADMIN_PAGES),
    "zhaolei": (OFFICE_PAGES, ADMIN_PAGES),
    "zhouqiang": ({"我的待办", "提案", "我的"}, OFFICE_PAGES | ADMIN_PAGES),
    "sysadmin": (
        {"账号管理", "组织机构", "委员名册", "工作日历"},
        {"角色授权", "安全审计", "提案", "社情民意"},
    ),
    "secadmin": ({"角色授权", "我的"}, OFFICE_PAGES | {"账号管理", "安全审计", "提案", "社情民意"}),
    "auditadmin": ({"安全审计", "我的"}, OFFICE_PAGES | {"账号管理", "角色授权", "提案", "社情民意"}),
}


def nav_labels(page) -> list[str]:
    nav = page.get_by_role("navigation", name="主导航")
    return [label.strip() for label in nav.get_by_role("link").all_inner_texts()]


@pytest.mark.parametrize("username", sorted(NAVIGATION))
@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desk", DESK)])
def test_role_navigation(world, open_page, username, size, viewport):
    must, must_not = NAVIGATION[username]
    page = open_page(viewport)
    sign_in(page, username, PASSWORD)
    page.wait_for_url("**/")
    labels = nav_labels(page)
    assert must <= set(labels), labels
    assert not (must_not & set(labels)), labels
    shot(page, f"nav-{username}-{size}")
    # Every entry opens a page with a heading, no server error, no CSP violation, and no sideways
    # scrolling at phone width.
    for label in labels:
        page.get_by_role("navigation", name="主导航").get_by_role("link", name=label, exact=True).click()
        page.wait_for_load_state()
        assert page.locator("h1").first.is_visible(), f"{username}: {label}"
        if size == "phone":
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{username}: {label} scrolls sideways by {overflow}px"
    assert page.csp_errors == []
