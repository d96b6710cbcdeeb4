"""Per-committee document settings and the register of issued document numbers.

A preview or a draft never takes a number; issuing a document takes the next serial of its family
and year under a row lock (`services.document_number_issue`), and the register keeps one row per
number so that no number is given twice and every issued one can be traced to who issued what.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.models import TimeStampedModel, append_only
from tongxin.org.models import Committee

from .presets import Family


class DocumentSettings(TimeStampedModel):
    """A committee's overrides of the presets (presets.py): only the keys set here differ."""

    committee = models.OneToOneField(Committee, on_delete=models.PROTECT, related_name="document_settings")
    # {family: 机关代字}, e.g. {"assignment_notice": "城政办发"}
    agency_codes = models.JSONField(_("机关代字"), default=dict, blank=True)
    # {key: text} for 发文机关标志, 署名, 印发机关 (keys of presets.ISSUERS)
    issuers = models.JSONField(_("发文机关与署名"), default=dict, blank=True)
    # {family: 主送机关}
    recipients = models.JSONField(_("主送机关"), default=dict, blank=True)
    # {family: [抄送机关, …]}
    cc = models.JSONField(_("抄送机关"), default=dict, blank=True)
    # {key: template} (keys of presets.WORDING)
    wording = models.JSONField(_("文字模板"), default=dict, blank=True)

    class Meta:
        ordering = ["committee_id"]
        verbose_name = _("公文设置")
        verbose_name_plural = _("公文设置")

    def __str__(self) -> str:
        return f"{self.committee} · {_('公文设置')}"


class DocumentSerial(models.Model):
    """The last serial given in one family and year: the row locked while the next is taken."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+")
    family = models.CharField(_("文种"), max_length=32, choices=Family.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        ordering = ["committee_id", "family", "year"]
        verbose_name = _("发文序号")
        verbose_name_plural = _("发文序号")
        constraints = [
            models.UniqueConstraint(fields=["committee", "family", "year"], name="documents_serial_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.year}: {self.last}"


class IssuedDocument(models.Model):
    """One issued number (发文登记): written once when the number is taken, never changed."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+")
    family = models.CharField(_("文种"), max_length=32, choices=Family.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("序号"))
    doc_number = models.CharField(_("发文字号"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    # What the document was made from, e.g. {"session": 3} or {"year": 2026}.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("发文时间"))

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("发文登记")
        verbose_name_plural = _("发文登记")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "family", "year", "serial"], name="documents_issued_unique_serial"
            ),
        ]
        triggers = [append_only()]

    def __str__(self) -> str:
        return self.doc_number
