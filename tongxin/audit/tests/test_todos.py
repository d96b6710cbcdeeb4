"""The audit administrator's "我的待办": lockouts and refused accesses of the last week."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from tongxin.audit.queries import todos_for
from tongxin.audit.services import security_event_record


def test_audit_admin_sees_recent_lockouts_and_denials(world, client_for):
    with time_machine.travel(timezone.now() - dt.timedelta(days=10), tick=False):
        security_event_record(
            kind="lockout", username="wangwei", outcome="failure", committee_id=world.committee.pk
        )
    assert todos_for(world.auditadmin) == []
    for _ in range(2):
        security_event_record(
            kind="lockout", username="wangwei", outcome="failure", committee_id=world.committee.pk
        )
    security_event_record(kind="access_denied", actor=world.zhang_min, outcome="failure")
    security_event_record(kind="access_denied", actor=world.outsider, outcome="failure")  # not theirs
    items = todos_for(world.auditadmin)
    assert [(item.count, item.kind) for item in items] == [(2, "audit"), (1, "audit")]
    assert "kind=lockout" in items[0].url
    assert "2 次账号" in str(items[0].title)
    home = client_for(world.auditadmin).get("/").content.decode()
    assert "越权访问被拒绝" in home


def test_nobody_else_gets_audit_items(world):
    security_event_record(
        kind="lockout", username="wangwei", outcome="failure", committee_id=world.committee.pk
    )
    for persona in ("sysadmin", "secadmin", "zhang_min", "wang_wei"):
        assert todos_for(getattr(world, persona)) == []
