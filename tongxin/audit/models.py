"""The security log (安全审计日志): who did what security-relevant thing, when, from where, with what result.

Rows are only ever inserted. On PostgreSQL a trigger refuses UPDATE and DELETE (ecosystem.md C10); on
SQLite nothing enforces it, and ARCHITECTURE.md says so. The user is kept as id and name, not as a
foreign key, so the log outlives and does not depend on the accounts it names.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.core.models import append_only


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        LOGOUT = "logout", _("退出")
        SESSION_EXPIRED = "session_expired", _("会话超时")
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        PASSWORD_RESET = "password_reset", _("重置密码")
        TOKEN_ISSUED = "token_issued", _("签发接口令牌")
        ACCOUNT_CREATED = "account_created", _("创建账号")
        ACCOUNT_CHANGED = "account_changed", _("修改账号")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("停用账号")
        ACCOUNT_REACTIVATED = "account_reactivated", _("启用账号")
        ROLE_GRANTED = "role_granted", _("授予角色")
        ROLE_REVOKED = "role_revoked", _("撤销角色")
        ACCESS_DENIED = "access_denied", _("越权访问")
        EXPORT = "export", _("导出")
        DOWNLOAD = "download", _("下载")
        IMPORT = "import", _("导入")
        REVEAL = "reveal", _("查看完整个人信息")
        ADMIN_ACTION = "admin_action", _("管理操作")
        CONFIG_CHANGED = "config_changed", _("修改配置")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件类型"), max_length=32, choices=Kind.choices)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    # The acting user as it was at the time; empty for a failed login of an unknown name.
    user_id = models.BigIntegerField(_("用户编号"), null=True, blank=True)
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    committee_id = models.BigIntegerField(_("委员会编号"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)
    # What the event was about, e.g. "members.Person:42"; free text for people to read.
    target = models.CharField(_("对象"), max_length=120, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        indexes = [
            # The audit administrator's search: a committee's log by time, optionally by kind or user.
            models.Index(fields=["committee_id", "-created_at"], name="audit_event_committee_time"),
            models.Index(fields=["kind", "-created_at"], name="audit_event_kind_time"),
            models.Index(fields=["username", "-created_at"], name="audit_event_user_time"),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"
