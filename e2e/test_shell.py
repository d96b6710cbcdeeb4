"""Sign-in, lockout and the 长辈版 switch in a real browser, at phone and desk sizes."""

from __future__ import annotations

import pytest

from conftest import PASSWORD

from .conftest import DESK, PHONE, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_signs_in_on_a_phone(world, open_page):
    page = open_page(PHONE)
    sign_in(page, "wangwei", PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="我的待办").is_visible()
    # Members get the phone layout: the navigation is a bar fixed at the bottom of the screen.
    nav = page.get_by_role("navigation", name="主导航")
    box = nav.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] >= PHONE["height"] - 2
    shot(page, "member-home-phone")
    assert page.csp_errors == []


def test_wrong_password_then_lockout(world, open_page):
    page = open_page(DESK)
    for _ in range(5):
        sign_in(page, "lina", "not-the-password")
    assert page.get_by_role("alert").filter(has_text="锁定").is_visible()
    sign_in(page, "lina", PASSWORD)
    assert page.get_by_role("alert").filter(has_text="锁定").is_visible()
    shot(page, "lockout")


def test_elder_mode_switch_is_kept_per_user(world, open_page):
    page = open_page(PHONE)
    sign_in(page, "wangwei", PASSWORD)
    page.wait_for_url("**/")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_load_state()
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= 18 > normal or large >= normal * 1.2
    # Tap targets of at least 60 px (工信部 适老化 spec 2.1).
    button = page.get_by_role("button", name="标准版").bounding_box()
    assert button is not None
    assert button["height"] >= 60
    shot(page, "member-home-elder")
    # The choice is kept on the account: a new browser session starts in the 长辈版.
    other = open_page(DESK)
    sign_in(other, "wangwei", PASSWORD)
    other.wait_for_url("**/")
    assert "elder" in (other.get_attribute("html", "class") or "")
