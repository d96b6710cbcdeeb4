"""Generated files: one row per file someone asked for, its progress while a worker makes it, and the
stored result with its SHA-256 (issue 6 "Long work"; ecosystem.md §c C18, C21).

Who asked is `created_by` (and a SecurityEvent EXPORT); who downloaded is in the security log
(SecurityEvent DOWNLOAD with the file's hash); `downloads` only counts them for the list page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.core.models import EventBase, append_only

from .workflow import ACTIVE_STATES, State


class GeneratedFile(models.Model):
    Status = State

    committee = models.ForeignKey(
        "org.Committee", on_delete=models.PROTECT, related_name="+", verbose_name=_("委员会")
    )
    kind = models.CharField(_("文件类型"), max_length=64)
    label = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    # SHA-256 of kind and canonical params: an identical request while one is pending joins it.
    params_digest = models.CharField(_("参数摘要"), max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    file = models.FileField(_("文件"), upload_to="generated/", max_length=200, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("文件格式"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # The PDF rendering of a .docx, made on first request and kept (its own hash).
    preview = models.FileField(_("PDF 预览"), upload_to="generated/", max_length=200, blank=True)
    preview_sha256 = models.CharField(_("预览 SHA-256"), max_length=64, blank=True)
    downloads = models.PositiveIntegerField(_("下载次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="generated_files",
        verbose_name=_("申请人"),
    )
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("生成文件")
        verbose_name_plural = _("生成文件")
        indexes = [
            models.Index(fields=["created_by", "-id"], name="files_generated_owner"),
            models.Index(fields=["status", "created_at"], name="files_generated_status_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="files_generated_progress_range"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in State]), name="files_generated_status_valid"
            ),
            # At most one pending or running file per requester and request (idempotency, race-safe).
            models.UniqueConstraint(
                fields=["created_by", "params_digest"],
                condition=Q(status__in=sorted(s.value for s in ACTIVE_STATES)),
                name="files_generated_one_active_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATES


class GeneratedFileEvent(EventBase):
    """Requested, started, finished, failed, expired: the file's timeline (progress ticks are not events)."""

    file = models.ForeignKey(GeneratedFile, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("生成文件记录")
        verbose_name_plural = _("生成文件记录")
        triggers = [append_only()]
