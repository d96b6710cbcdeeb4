"""The duty record (履职档案, 一届一人一档): every duty a member performed, recorded once at its source.

"谁组织谁记录" (domain.md rule 49): the app where the duty happens (proposals, opinion reports,
meetings …) calls `duties.services.duty_event_record`; the record and the annual score are views
over these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.members.models import Membership
from tongxin.org.models import Committee, ParticipatingUnit, SpecialCommittee

from .kinds import DutyKind


class DutyEvent(models.Model):
    """One duty event of one member (or of a reporting unit, for collective credit)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="duty_events")
    # The member credited; null for an event that credits only a unit (a collective proposal, a
    # party's opinion report).
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="duty_events"
    )
    participating_unit = models.ForeignKey(
        ParticipatingUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="duty_events"
    )
    special_committee = models.ForeignKey(
        SpecialCommittee, on_delete=models.PROTECT, null=True, blank=True, related_name="duty_events"
    )
    kind = models.CharField(_("类别"), max_length=32, choices=DutyKind.choices)
    # The member's part in it: "first_proposer", "co_signer", "author", "collective", "speaker" …
    role = models.CharField(_("角色"), max_length=32, blank=True)
    # Conditions scoring rules match on, e.g. {"level": "national", "mode": "single"} or
    # {"meeting_kind": "plenary"}.
    attributes = models.JSONField(_("属性"), default=dict, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    occurred_on = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=200)
    # Where it came from: "proposals.proposal:42", with a link for people.
    source = models.CharField(_("来源"), max_length=80)
    source_url = models.CharField(_("链接"), max_length=200, blank=True)
    # Recording the same duty twice is a no-op: the source names it uniquely.
    dedupe_key = models.CharField(max_length=160, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    # A duty undone at its source (a proposal withdrawn after filing, an attendance corrected) is
    # voided, not deleted, so the record keeps its history.
    voided_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    void_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        indexes = [
            # A member's record for a year, and a committee's year for scoring.
            models.Index(fields=["membership", "year"], name="duties_event_member_year"),
            models.Index(fields=["committee", "year", "kind"], name="duties_event_committee_year"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"
