"""Shared model bases and the working-day calendar's overrides."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


def append_only(name: str = "append_only") -> pgtrigger.Protect:
    """A PostgreSQL trigger that refuses UPDATE and DELETE: event and audit rows are never rewritten.

    On SQLite the trigger is not installed (pgtrigger skips other databases); ARCHITECTURE.md says so.
    """
    return pgtrigger.Protect(name=name, operation=pgtrigger.Update | pgtrigger.Delete)


class EventBase(models.Model):
    """One row per change of a domain object, written by the service in the same transaction.

    The rows are the object's timeline, its audit trail and the source of statistics.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    name = models.CharField(_("事件"), max_length=64)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class CalendarDay(TimeStampedModel):
    """An office's override of one day: a holiday the package does not know, or a 调休 working day.

    Overrides win over the `chinese-calendar` package's data (core/workdays.py).
    """

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=100, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")

    def __str__(self) -> str:
        return f"{self.date} {'工作日' if self.is_working_day else '休息日'}"
