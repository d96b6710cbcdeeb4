"""Accounts: every user belongs to one committee and is a member, a handling-unit staff member,
an office staff member or an administrator; what they may do comes from their roles.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.core.models import EventBase, append_only
from tongxin.core.roles import ADMIN_ROLES, OFFICE_ROLES, Role
from tongxin.members.models import Person
from tongxin.org.models import Committee, HandlingUnit, OfficeDepartment


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=username)

    def create_superuser(self, *args: object, **kwargs: object) -> User:
        # There is no all-powerful account (等保 L3 8.1.5, 三员分立): create the three administrators
        # with `tongxin createadmin` instead.
        raise RuntimeError("tongxin has no superuser; use `tongxin createadmin --role …`")


class User(AbstractBaseUser):
    class Kind(models.TextChoices):
        MEMBER = "member", _("委员")
        UNIT = "unit", _("承办单位")
        OFFICE = "office", _("机关工作人员")
        ADMIN = "admin", _("管理员")

    username = models.CharField(_("用户名"), max_length=40, unique=True)
    full_name = models.CharField(_("姓名"), max_length=30)
    email = models.EmailField(_("电子邮箱"), blank=True)
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="users")
    kind = models.CharField(_("账号类型"), max_length=16, choices=Kind.choices)
    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="user", verbose_name=_("委员")
    )
    handling_unit = models.ForeignKey(
        HandlingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("承办单位"),
    )
    department = models.ForeignKey(
        OfficeDepartment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("处室"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    date_joined = models.DateTimeField(_("创建时间"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Set for one-time passwords (created by an administrator or a reset): change at next login.
    must_change_password = models.BooleanField(_("须修改密码"), default=True)
    # The 长辈版: large text, high contrast, large tap targets (ecosystem.md §b.1), kept per user.
    elder_mode = models.BooleanField(_("长辈版"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["id"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="member") | models.Q(person__isnull=False),
                name="accounts_user_member_has_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="unit") | models.Q(handling_unit__isnull=False),
                name="accounts_user_unit_staff_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_set(self) -> frozenset[str]:
        """The user's roles, loaded once per request."""
        if not self.pk or not self.is_active:
            return frozenset()
        return frozenset(self.roles.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of `roles`."""
        return not self.role_set.isdisjoint(roles)

    @property
    def is_admin(self) -> bool:
        return not self.role_set.isdisjoint(ADMIN_ROLES)

    @property
    def is_office_staff(self) -> bool:
        return not self.role_set.isdisjoint(OFFICE_ROLES)

    @property
    def is_member(self) -> bool:
        return Role.MEMBER in self.role_set

    # Django's auth machinery asks these; tongxin grants nothing through Django permissions.
    @property
    def is_staff(self) -> bool:
        return False

    @property
    def is_superuser(self) -> bool:
        return False

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False


class UserRole(models.Model):
    """A role granted to a user by the security administrator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("授权人")
    )
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_userrole_unique"),
            # 三员分立: a user holds at most one of the three administrator roles (ecosystem.md C6).
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role__in=sorted(ADMIN_ROLES)),
                name="accounts_userrole_one_admin_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"


class PasswordHistory(models.Model):
    """Earlier password hashes, so a user cannot go back to one of the last few (等保 L3 8.1.4.1a)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"


class UserEvent(EventBase):
    """A change to an account: created, edited, deactivated, reactivated, role granted or revoked,
    password reset or changed."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("账号变更")
        verbose_name_plural = _("账号变更")
        triggers = [append_only()]
