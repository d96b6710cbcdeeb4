"""HTML input for sign-in, passwords and preferences, and the administrators' forms (parsing only:
the rules live in services.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tongxin.core.roles import Role
from tongxin.members.models import Person
from tongxin.org.models import Committee, HandlingUnit, OfficeDepartment

from .models import User


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("新密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password_again = forms.CharField(
        label=_("再次输入新密码"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("两次输入的新密码不一致。"))
        return data


# --- Administration (system and security administrators) ------------------------------------------

ACTIVE_CHOICES = [("", _("全部")), ("1", _("启用")), ("0", _("停用"))]
CREATABLE_KINDS = (User.Kind.MEMBER, User.Kind.UNIT, User.Kind.OFFICE)


def _committee_field(committees: QuerySet[Committee]) -> forms.ModelChoiceField[Committee]:
    return forms.ModelChoiceField(
        label=_("委员会"), queryset=committees, required=False, empty_label=_("全部"), to_field_name="pk"
    )


class UserFilterForm(forms.Form):
    """The account list's filters (GET)."""

    q = forms.CharField(label=_("姓名或用户名"), required=False, max_length=40)
    kind = forms.ChoiceField(
        label=_("账号类型"), required=False, choices=[("", _("全部")), *User.Kind.choices]
    )
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部")), *Role.choices])
    active = forms.ChoiceField(label=_("状态"), required=False, choices=ACTIVE_CHOICES)
    without_account = forms.BooleanField(label=_("只看未开通账号的在任委员"), required=False)

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if committees.count() > 1:
            self.fields["committee"] = _committee_field(committees)
            self.order_fields(["q", "committee"])


class RoleFilterForm(forms.Form):
    """The role page's filters (GET)."""

    q = forms.CharField(label=_("姓名或用户名"), required=False, max_length=40)
    kind = forms.ChoiceField(
        label=_("账号类型"), required=False, choices=[("", _("全部")), *User.Kind.choices]
    )
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部")), *Role.choices])
    roleless = forms.BooleanField(label=_("只看尚未授予角色的账号"), required=False)

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if committees.count() > 1:
            self.fields["committee"] = _committee_field(committees)
            self.order_fields(["q", "committee"])


class UserCreateForm(forms.Form):
    """A new account of one kind; the fields that link it (member, unit, department) follow the kind."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=40,
        help_text=_("3–40 位字母、数字或 _ . @ -，登录时使用。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=30)
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args: Any, kind: str, committee: Committee, people: QuerySet[Person], **kwargs: Any):
        super().__init__(*args, **kwargs)
        if kind == User.Kind.MEMBER:
            self.fields["person"] = forms.ModelChoiceField(
                label=_("委员"),
                queryset=people,
                help_text=_("本届在任、尚未开通账号的委员。"),
                empty_label=_("请选择"),
            )
            self.order_fields(["person"])
        elif kind == User.Kind.UNIT:
            self.fields["handling_unit"] = forms.ModelChoiceField(
                label=_("承办单位"),
                queryset=HandlingUnit.objects.filter(committee=committee, is_active=True),
                empty_label=_("请选择"),
            )
        elif kind == User.Kind.OFFICE:
            self.fields["department"] = forms.ModelChoiceField(
                label=_("处室"),
                queryset=OfficeDepartment.objects.filter(committee=committee, is_active=True),
                required=False,
                empty_label=_("（不指定）"),
            )


class UserEditForm(forms.Form):
    """Name, e-mail, and the unit or department the account's kind links to."""

    full_name = forms.CharField(label=_("姓名"), max_length=30)
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.kind == User.Kind.UNIT:
            self.fields["handling_unit"] = forms.ModelChoiceField(
                label=_("承办单位"),
                queryset=HandlingUnit.objects.filter(committee_id=user.committee_id),
                empty_label=_("请选择"),
            )
        elif user.kind == User.Kind.OFFICE:
            self.fields["department"] = forms.ModelChoiceField(
                label=_("处室"),
                queryset=OfficeDepartment.objects.filter(committee_id=user.committee_id),
                required=False,
                empty_label=_("（不指定）"),
            )


class DeactivateForm(forms.Form):
    note = forms.CharField(
        label=_("停用原因"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：调离、离任。将记入账号变更记录。"),
    )


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("授予角色"), choices=[])

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = choices  # type: ignore[attr-defined]
