"""Password rules beyond Django's own, to the 等保 L3 policy (ecosystem.md §c C1).

Composition and history are settings (PASSWORD_MIN_CLASSES, PASSWORD_HISTORY); ADR 0003 records why
tongxin follows 等保 rather than ASVS 6.2.5 here.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """At least `min_classes` of: lower-case, upper-case, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            re.search(r"[a-z]", password),
            re.search(r"[A-Z]", password),
            re.search(r"[0-9]", password),
            re.search(r"[^a-zA-Z0-9]", password),
        ]
        if sum(1 for c in classes if c) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "密码须包含小写字母、大写字母、数字、其他符号中的至少 %(n)d 类。",
            "密码须包含小写字母、大写字母、数字、其他符号中的至少 %(n)d 类。",
            self.min_classes,
        ) % {"n": self.min_classes}


class NotPhoneNumberValidator:
    """The password must not contain the user's own phone number."""

    def validate(self, password: str, user: Any = None) -> None:
        phone = ""
        if user is not None:
            person = getattr(user, "person", None)
            phone = getattr(person, "phone", "") if person is not None else ""
        digits = re.sub(r"\D", "", phone or "")
        if len(digits) >= 7 and digits[-7:] in password:
            raise ValidationError(_("密码不能包含本人手机号码。"), code="password_has_phone")

    def get_help_text(self) -> str:
        return _("密码不能包含本人手机号码。")


class PasswordHistoryValidator:
    """The new password must differ from the current one and the last `history` ones."""

    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None) or self.history <= 0:
            return
        if user.password and check_password(password, user.password):
            raise ValidationError(_("新密码不能与当前密码相同。"), code="password_reused")
        for old in user.password_history.all()[: self.history]:
            if check_password(password, old.password):
                raise ValidationError(
                    _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history},
                    code="password_reused",
                )

    def get_help_text(self) -> str:
        return _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history}
