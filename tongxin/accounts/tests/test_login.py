from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD
from tongxin.audit.models import SecurityEvent


def test_login_page_renders_in_chinese(db):
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert "登录政协履职平台" in response.content.decode()


def test_member_signs_in_and_lands_on_todos(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "wangwei", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    home = client.get("/")
    assert "我的待办" in home.content.decode()
    assert SecurityEvent.objects.filter(kind="login", username="wangwei").exists()


@pytest.mark.parametrize("username", ["wangwei", "nobody"])
def test_wrong_password_does_not_reveal_whether_account_exists(world, username):
    response = Client().post("/accounts/login/", {"username": username, "password": "wrong"})
    assert response.status_code == 401
    assert "用户名或密码错误。" in response.content.decode()
    assert SecurityEvent.objects.filter(kind="login_failed", username=username, outcome="failure").exists()


def test_five_failures_lock_the_account_even_with_the_right_password(world):
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "wangwei", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "wangwei", "password": PASSWORD})
    assert response.status_code == 403
    assert "锁定" in response.content.decode()
    assert SecurityEvent.objects.filter(kind="lockout", username="wangwei").exists()
