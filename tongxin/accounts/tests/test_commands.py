"""`createadmin` is the only way to an administrator; `createsuperuser` refuses (ADR 0002)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tongxin.accounts.models import User
from tongxin.audit.models import SecurityEvent
from tongxin.org.models import Committee


def _run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("createadmin", *args, stdout=out)
    return out.getvalue()


def test_fresh_installation_creates_committee_and_system_admin(db, monkeypatch):
    monkeypatch.delenv("TONGXIN_ADMIN_PASSWORD", raising=False)
    assert not User.objects.exists()
    output = _run(
        "--role", "system", "--username", "sysop", "--full-name", "系统管理员",
        "--committee-name", "兰州市城关区", "--level", "county", "--short-name", "区政协",
    )  # fmt: skip
    committee = Committee.objects.get(name="兰州市城关区")
    assert (committee.level, committee.short_name, committee.parent) == ("county", "区政协", None)
    user = User.objects.get(username="sysop")
    assert (user.kind, user.committee, user.must_change_password) == ("admin", committee, True)
    assert set(user.roles.values_list("role", flat=True)) == {"system_admin"}
    password = re.search(r"一次性初始密码：(\S+)", output).group(1)
    assert user.check_password(password)
    assert "首次登录时必须修改" in output
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {"account_created", "role_granted", "admin_action"} <= kinds
    assert SecurityEvent.objects.filter(kind="admin_action", committee_id=committee.pk).exists()


def test_second_and_third_administrators_join_the_existing_committee(world, monkeypatch):
    monkeypatch.setenv("TONGXIN_ADMIN_PASSWORD", "Strong#Admin2026")
    _run(
        "--role",
        "audit",
        "--username",
        "audit2",
        "--full-name",
        "审计员",
        "--committee",
        str(world.committee.pk),
    )
    _run(
        "--role",
        "security",
        "--username",
        "sec2",
        "--full-name",
        "安全员",
        "--committee-name",
        "兰州市城关区",
    )
    audit2 = User.objects.get(username="audit2")
    assert audit2.check_password("Strong#Admin2026")
    assert not audit2.must_change_password
    assert set(audit2.roles.values_list("role", flat=True)) == {"audit_admin"}
    assert User.objects.get(username="sec2").committee == world.committee
    assert Committee.objects.filter(name="兰州市城关区").count() == 1


@pytest.mark.parametrize("password", ["short", "Password123", "abcdefghijkl"])
def test_password_from_the_environment_must_meet_the_policy(world, monkeypatch, password):
    monkeypatch.setenv("TONGXIN_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match="不符合密码策略"):
        _run(
            "--role",
            "system",
            "--username",
            "weak",
            "--full-name",
            "某人",
            "--committee",
            str(world.committee.pk),
        )
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--committee", "999999"], "不存在"),
        (["--committee-name", "不存在的地方"], "--level"),
    ],
)
def test_bad_committee_is_refused(world, monkeypatch, args, message):
    monkeypatch.delenv("TONGXIN_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match=message):
        _run("--role", "audit", "--username", "nobody2", "--full-name", "某人", *args)
    assert not User.objects.filter(username="nobody2").exists()


def test_taken_username_is_refused_and_nothing_is_half_written(world, monkeypatch):
    monkeypatch.delenv("TONGXIN_ADMIN_PASSWORD", raising=False)
    before = SecurityEvent.objects.count()
    with pytest.raises(CommandError, match="已被使用"):
        _run(
            "--role", "audit", "--username", "sysadmin", "--full-name", "某人",
            "--committee-name", "新地方", "--level", "county", "--short-name", "县政协",
        )  # fmt: skip
    assert not Committee.objects.filter(name="新地方").exists()  # the committee was rolled back too
    assert SecurityEvent.objects.count() == before


def test_role_must_be_one_of_the_three(world):
    with pytest.raises(CommandError):
        _run(
            "--role",
            "super",
            "--username",
            "x1234",
            "--full-name",
            "某人",
            "--committee",
            str(world.committee.pk),
        )


def test_createsuperuser_refuses(db):
    with pytest.raises(CommandError, match="createadmin"):
        call_command("createsuperuser", interactive=False, username="root", email="root@example.com")
    assert not User.objects.exists()


def test_createsuperuser_refuses_on_the_command_line():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "createsuperuser",
            "--username",
            "root",
            "--email",
            "a@b.c",
            "--noinput",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert "同心没有超级用户" in result.stderr
    assert "createadmin" in result.stderr


def test_no_default_administrator_exists_after_migrate(db):
    # Migrations create no account at all: every administrator comes from createadmin (C5).
    assert not User.objects.exists()
