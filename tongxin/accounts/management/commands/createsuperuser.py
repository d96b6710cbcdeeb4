"""Django's `createsuperuser`, refused: tongxin has no superuser (三员分立, ADR 0002).

This command shadows django.contrib.auth's because tongxin.accounts is listed before it in
INSTALLED_APPS (the first app that provides a command wins).
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy

MESSAGE = gettext_lazy(
    "同心没有超级用户。请使用 tongxin createadmin --role system|security|audit 分别创建系统管理员、"
    "安全管理员和审计管理员（三员分立）。"
)


class Command(BaseCommand):
    help = MESSAGE  # type: ignore[assignment]
    # Scripts written for Django's command pass these; they get the refusal, not a TypeError.
    stealth_options = ("interactive", "username", "email", "database")

    def run_from_argv(self, argv: list[str]) -> NoReturn:
        # Refuse before parsing, whatever options Django's own command would have taken.
        self.stderr.write(str(MESSAGE))
        sys.exit(1)

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(str(MESSAGE))
