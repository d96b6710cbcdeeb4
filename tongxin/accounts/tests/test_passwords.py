"""The password policy (等保 L3 8.1.4.1a; ADR 0003): length from settings, character classes, common
passwords, the user's phone number, the last five passwords, and the same password again."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators

from conftest import PASSWORD
from tongxin.accounts.services import password_change
from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Invalid


def _change(user, old, new):
    password_change(user=user, old_password=old, new_password=new)


def _refused(user, new, fragment):
    with pytest.raises(Invalid) as info:
        _change(user, PASSWORD, new)
    messages = " ".join(info.value.fields["new_password"])
    assert fragment in messages, messages
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_minimum_length_comes_from_settings(world):
    lengths = [v.min_length for v in get_default_password_validators() if hasattr(v, "min_length")]
    assert lengths == [settings.PASSWORD_MIN_LENGTH]
    n = settings.PASSWORD_MIN_LENGTH
    short = ("Ab#4" + "x" * n)[: n - 1]
    _refused(world.wang_wei, short, str(n))
    _change(world.wang_wei, PASSWORD, ("Ab#4" + "x" * n)[:n])


@pytest.mark.parametrize("new", ["abcdefghijkl", "abcdefgh1234", "ABCDEFGH####", "12345678901234"])
def test_fewer_than_three_character_classes_is_refused(world, new):
    _refused(world.wang_wei, new, "至少 3 类")


@pytest.mark.parametrize("new", ["abcdefgh12#$", "ABCdefghijkl9", "Abcdefghijk#"])
def test_three_character_classes_are_enough(world, new):
    _change(world.wang_wei, PASSWORD, new)
    world.wang_wei.refresh_from_db()
    assert world.wang_wei.check_password(new)


def test_common_password_is_refused(world):
    _refused(world.wang_wei, "Password123", "常见")


def test_own_phone_number_inside_is_refused(world):
    assert world.wang_wei.person.phone == "13800138000"
    _refused(world.wang_wei, "Xy#13800138000", "手机号码")
    _refused(world.wang_wei, "Abc#0138000z", "手机号码")  # the last seven digits are enough


def test_same_password_again_is_refused(world):
    _refused(world.wang_wei, PASSWORD, "不能与当前密码相同")


def test_none_of_the_last_five_may_come_back(world):
    assert settings.PASSWORD_HISTORY == 5
    user = world.wang_wei
    history = [f"Tongxin#{n}history" for n in range(1, 7)]  # H1 … H6
    current = PASSWORD
    for new in history:
        _change(user, current, new)
        current = new
    # Now H6 is current; H5 … H1 are the last five before it; the fixture's password is the sixth.
    for old in history[:5]:
        with pytest.raises(Invalid) as info:
            _change(user, current, old)
        assert "最近 5 次" in " ".join(info.value.fields["new_password"])
    _change(user, current, PASSWORD)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_wrong_old_password_is_refused_and_logged_nothing(world):
    with pytest.raises(Invalid) as info:
        _change(world.wang_wei, "not-my-password", "Brand#new2026pw")
    assert "old_password" in info.value.fields
    assert not SecurityEvent.objects.filter(kind="password_changed").exists()


def test_change_from_the_page_shows_the_policy_messages(world, client_for):
    client = client_for(world.wang_wei)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "short", "new_password_again": "short"},
    )
    assert response.status_code == 200
    assert "new_password" in response.context["form"].errors
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password": "Brand#new2026pw",
            "new_password_again": "Brand#new2026pw",
        },
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind="password_changed")
    assert (event.username, event.outcome) == ("wangwei", "success")
    assert "Brand" not in str(event.details)
