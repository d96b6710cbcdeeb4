"""`tongxin createadmin`: the only way an administrator account comes into being (三员分立, ADR 0002).

There is no default administrator and no superuser. On a fresh installation the first call may also
create the committee (a top-level one). The password comes from TONGXIN_ADMIN_PASSWORD, checked
against the password policy, or else a one-time password is printed that must be changed at the
first sign-in.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.accounts.models import User
from tongxin.accounts.services import role_grant, user_create
from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import DomainError, Invalid
from tongxin.core.roles import Role
from tongxin.org.models import Committee
from tongxin.org.services import committee_create

PASSWORD_ENV = "TONGXIN_ADMIN_PASSWORD"  # noqa: S105 (the variable's name, not a password)
ROLES = {"system": Role.SYSTEM_ADMIN, "security": Role.SECURITY_ADMIN, "audit": Role.AUDIT_ADMIN}


def _explain(exc: DomainError) -> str:
    lines = [str(exc.message)]
    if isinstance(exc, Invalid):
        lines += [
            f"  {field}: {'；'.join(str(m) for m in messages)}" for field, messages in exc.fields.items()
        ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "创建一个管理员账号（系统管理员、安全管理员或审计管理员，三员分立）；全新安装时可同时创建委员会。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--role", required=True, choices=sorted(ROLES), help=_("system、security 或 audit")
        )
        parser.add_argument("--username", required=True, help=_("登录用户名"))
        parser.add_argument("--full-name", required=True, dest="full_name", help=_("姓名"))
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--committee", type=int, help=_("已有委员会的编号"))
        where.add_argument(
            "--committee-name", dest="committee_name", help=_("委员会地区名称，如 兰州市城关区")
        )
        parser.add_argument(
            "--level",
            choices=Committee.Level.values,
            help=_("新建委员会时的层级：national/provincial/prefecture/county"),
        )
        parser.add_argument("--short-name", dest="short_name", help=_("新建委员会时的简称，如 区政协"))

    def handle(self, *args: Any, **options: Any) -> None:
        role = ROLES[options["role"]]
        password = os.environ.get(PASSWORD_ENV) or None
        try:
            with transaction.atomic():
                committee = self._committee(options)
                if password is not None:
                    self._check_password(password, options, committee)
                user, one_time = user_create(
                    actor=None,
                    committee=committee,
                    username=options["username"],
                    full_name=options["full_name"],
                    kind=User.Kind.ADMIN,
                    password=password,
                )
                role_grant(actor=None, user=user, role=role)
                security_event_record(
                    kind=SecurityEvent.Kind.ADMIN_ACTION,
                    target=f"user:{user.pk}",
                    details={"command": "createadmin", "role": str(role)},
                    committee_id=committee.pk,
                )
        except DomainError as exc:
            raise CommandError(_explain(exc)) from None
        created = _("已创建%(role)s账号 %(username)s（%(name)s），所属：%(committee)s。") % {
            "role": Role(role).label,
            "username": user.username,
            "name": user.full_name,
            "committee": committee.full_name,
        }
        self.stdout.write(self.style.SUCCESS(created))
        if one_time is not None:
            self.stdout.write(_("一次性初始密码：%(password)s") % {"password": one_time})
            self.stdout.write(_("该密码只显示这一次，首次登录时必须修改。"))
        else:
            self.stdout.write(_("密码取自环境变量 %(env)s。") % {"env": PASSWORD_ENV})

    def _committee(self, options: dict[str, Any]) -> Committee:
        if options["committee"] is not None:
            found = Committee.objects.filter(pk=options["committee"]).first()
            if found is None:
                raise CommandError(_("编号为 %(id)s 的委员会不存在。") % {"id": options["committee"]})
            return found
        name = options["committee_name"].strip()
        existing = list(Committee.objects.filter(name=name)[:2])
        if len(existing) > 1:
            raise CommandError(
                _("有多个名为“%(name)s”的委员会，请用 --committee 指定编号。") % {"name": name}
            )
        if existing:
            return existing[0]
        if not options["level"] or not options["short_name"]:
            raise CommandError(
                _("委员会“%(name)s”尚不存在；新建时还须给出 --level 和 --short-name。") % {"name": name}
            )
        created: Committee = committee_create(
            actor=None, parent=None, name=name, short_name=options["short_name"], level=options["level"]
        )
        self.stdout.write(_("已创建委员会：%(name)s。") % {"name": created.full_name})
        return created

    def _check_password(self, password: str, options: dict[str, Any], committee: Committee) -> None:
        candidate = User(
            username=options["username"],
            full_name=options["full_name"],
            committee=committee,
            kind=User.Kind.ADMIN,
        )
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError(
                f"环境变量 {PASSWORD_ENV} 中的密码不符合密码策略：\n"
                + "\n".join(f"  {m}" for m in exc.messages)
            ) from None
