"""A generated file's life: asked for (pending), being made (running), ready (done) or failed; after the
retention period its content is removed (expired). Only the task worker and the retention sweep move
a file (the actor is the system), so every transition's access rule is `is_system`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.workflow import Transition


class State(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


INITIAL_STATE = State.PENDING
TERMINAL_STATES = frozenset({State.EXPIRED})
# Pending and running files are the ones a repeated identical request joins.
ACTIVE_STATES = frozenset({State.PENDING, State.RUNNING})

TRANSITIONS: dict[str, Transition] = {
    "start": Transition("start", frozenset({State.PENDING}), State.RUNNING, "is_system", _("开始生成")),
    "finish": Transition("finish", frozenset({State.RUNNING}), State.DONE, "is_system", _("生成完成")),
    "fail": Transition(
        "fail", frozenset({State.PENDING, State.RUNNING}), State.FAILED, "is_system", _("生成失败")
    ),
    "expire": Transition(
        "expire", frozenset({State.DONE, State.FAILED}), State.EXPIRED, "is_system", _("过期清除")
    ),
}
