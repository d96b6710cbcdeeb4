from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tongxin.audit.models import SecurityEvent


def test_resetadmin_gives_a_one_time_password_and_logs_it(world, capsys):
    call_command("resetadmin", "--username", "auditadmin")
    out = capsys.readouterr().out
    password = out.split("一次性密码：")[1].split("（")[0]
    world.auditadmin.refresh_from_db()
    assert world.auditadmin.check_password(password)
    assert world.auditadmin.must_change_password
    assert SecurityEvent.objects.filter(kind="password_reset", target=f"user:{world.auditadmin.pk}").exists()


def test_resetadmin_refuses_business_accounts(world):
    with pytest.raises(CommandError):
        call_command("resetadmin", "--username", "wangwei")
