"""System checks: every app's workflow table names real states and real access rules."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error, register


@register()
def check_workflow_tables(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tongxin."):
            continue
        try:
            workflow = importlib.import_module(f"{config.name}.workflow")
        except ModuleNotFoundError:
            continue
        if not hasattr(workflow, "TRANSITIONS"):
            continue
        access = importlib.import_module(f"{config.name}.access")
        states = {str(s) for s in workflow.State}
        terminal = {str(s) for s in getattr(workflow, "TERMINAL_STATES", ())}
        reachable = {str(workflow.INITIAL_STATE)}
        has_exit: set[str] = set()
        for name, t in workflow.TRANSITIONS.items():
            where = f"{config.name}.workflow.TRANSITIONS[{name!r}]"
            if t.name != name:
                errors.append(Error(f"{where} is filed under another name", id="tongxin.E001"))
            for state in {*t.sources, t.target}:
                if state not in states:
                    errors.append(Error(f"{where} names unknown state {state!r}", id="tongxin.E002"))
            if not callable(getattr(access, t.permission, None)):
                errors.append(
                    Error(f"{where} needs access rule {t.permission!r}, missing", id="tongxin.E003")
                )
            reachable.add(str(t.target))
            has_exit.update(str(s) for s in t.sources)
        for state in states - reachable:
            errors.append(Error(f"{config.name}: state {state!r} is unreachable", id="tongxin.E004"))
        for state in states - has_exit - terminal:
            errors.append(
                Error(f"{config.name}: state {state!r} has no exit and is not terminal", id="tongxin.E005")
            )
    return errors
