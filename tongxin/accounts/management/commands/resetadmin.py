"""`tongxin resetadmin --username U`: a new one-time password for an administrator account.

Nobody inside the application may reset an administrator's password (otherwise the system
administrator could sign in as the auditor); whoever runs the server does it here, and the reset is
in the security log.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.accounts.models import User
from tongxin.accounts.services import password_reset


class Command(BaseCommand):
    help = gettext_lazy("为管理员账号生成新的一次性密码（仅限服务器上执行）。")  # type: ignore[assignment]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help=_("管理员账号的用户名"))

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], kind=User.Kind.ADMIN).first()
        if user is None:
            raise CommandError(_("没有名为 %(u)s 的管理员账号。") % {"u": options["username"]})
        password = password_reset(actor=None, user=user)
        self.stdout.write(self.style.SUCCESS(_("已重置 %(u)s 的密码。") % {"u": user.username}))
        self.stdout.write(_("一次性密码：%(p)s（只显示这一次，登录后必须修改）") % {"p": password})
