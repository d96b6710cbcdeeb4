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

from tongxin.core.models import EventBase, TimeStampedModel, append_only
from tongxin.members.models import Membership
from tongxin.org.models import Committee, ParticipatingUnit, SpecialCommittee

from .kinds import DutyKind
from .workflow import ClaimState, CycleState


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


class Consequence(models.TextChoices):
    """What a grade leads to (domain.md rule 54: 济南 约谈, 清丰 表彰 / 继续提名依据, 宣威 不再连任)."""

    NONE = "", _("无")
    COMMEND = "commend", _("表彰")
    TALK_SECTOR = "talk_sector", _("由界别召集人约谈")
    # 济南: under 60 two years running → "由市政协进行约谈"; escalated from TALK_SECTOR at grading.
    TALK_COMMITTEE = "talk_committee", _("由政协约谈")
    ADVISE_RESIGN = "advise_resign", _("劝辞或不再提名")


class ScoreRuleSet(TimeStampedModel):
    """A committee's scoring rules for one year: base score, caps per group, rules and grade bands."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="score_rule_sets")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=60)
    preset = models.CharField(_("来源预设"), max_length=32, blank=True)
    base_score = models.DecimalField(_("基础分"), max_digits=7, decimal_places=2, default=0)
    min_score = models.DecimalField(_("最低分"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("最高分"), max_digits=7, decimal_places=2, null=True, blank=True)
    # {"plenary": {"label": "全体会议", "cap": 50}, …}; a group without a cap is unbounded.
    groups = models.JSONField(_("分组与上限"), default=dict, blank=True)

    class Meta:
        ordering = ["committee_id", "-year"]
        verbose_name = _("考核计分规则")
        verbose_name_plural = _("考核计分规则")
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="duties_rule_set_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class ScoreRule(models.Model):
    """Event kind + conditions → points, in a capped group (domain.md §4.2 design line)."""

    class Split(models.TextChoices):
        NONE = "", _("不分摊")
        # 桐城 (Table A): a joint proposal's first proposer gets half, the rest split among co-signers.
        FIRST_HALF = "first_half", _("领衔者一半、附议者均分其余")

    rule_set = models.ForeignKey(ScoreRuleSet, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    group = models.CharField(_("分组"), max_length=32)
    label = models.CharField(_("说明"), max_length=100)
    kind = models.CharField(_("履职类别"), max_length=32, choices=DutyKind.choices)
    # Empty: any role; otherwise the event's role must be one of these.
    roles = models.JSONField(_("角色"), default=list, blank=True)
    # Each key must match the event's attribute: a value, or a list of accepted values.
    conditions = models.JSONField(_("条件"), default=dict, blank=True)
    # Conditions on the member: {"is_standing": true}.
    member_conditions = models.JSONField(_("委员条件"), default=dict, blank=True)
    points = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    # Multiply the points by this numeric attribute (闵行: 5 per half-day sitting attended).
    multiply_by = models.CharField(_("乘以属性"), max_length=32, blank=True)
    split = models.CharField(_("分摊"), max_length=16, choices=Split.choices, blank=True, default="")
    # Counted for the first matching event of the year only (闵行 "counted once", 合肥 first filed).
    once = models.BooleanField(_("每年只计一次"), default=False)
    # The first N matching events earn nothing (济南 "each filed proposal beyond the first").
    skip_first = models.PositiveSmallIntegerField(_("前几件不计"), default=0)

    class Meta:
        ordering = ["rule_set_id", "position", "id"]
        verbose_name = _("计分细则")
        verbose_name_plural = _("计分细则")

    def __str__(self) -> str:
        return self.label


class GradeBand(models.Model):
    """A grade from a minimum score up (安庆: 90 优秀, 80 良好, 60 称职, below 不称职)."""

    rule_set = models.ForeignKey(ScoreRuleSet, on_delete=models.CASCADE, related_name="bands")
    min_score = models.DecimalField(_("最低分"), max_digits=7, decimal_places=2, null=True, blank=True)
    label = models.CharField(_("等次"), max_length=20)
    consequence = models.CharField(
        _("后果"), max_length=20, choices=Consequence.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["rule_set_id", models.F("min_score").desc(nulls_last=True), "id"]
        verbose_name = _("考核等次")
        verbose_name_plural = _("考核等次")

    def __str__(self) -> str:
        return self.label


class ChecklistItem(models.Model):
    """One line of the annual duty checklist (rule 53: 三个一 / 五个一 / 六个一 as data)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="duty_checklist")
    year = models.PositiveSmallIntegerField(_("年度"))
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    code = models.CharField(_("代码"), max_length=32)
    label = models.CharField(_("要求"), max_length=60)
    preset = models.CharField(_("来源预设"), max_length=32, blank=True)
    # Any of these kinds counts, when the event also matches `conditions`.
    kinds = models.JSONField(_("履职类别"), default=list)
    conditions = models.JSONField(_("条件"), default=dict, blank=True)
    threshold = models.PositiveSmallIntegerField(_("至少次数"), default=1)

    class Meta:
        ordering = ["committee_id", "year", "position", "id"]
        verbose_name = _("年度履职要求")
        verbose_name_plural = _("年度履职要求")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year", "code"], name="duties_checklist_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class MemberScore(models.Model):
    """A member's computed score for a year; rebuilt from the events by duties.scoring."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="duty_scores")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    rule_set = models.ForeignKey(ScoreRuleSet, on_delete=models.CASCADE, related_name="scores")
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2, default=0)
    group_totals = models.JSONField(_("分组得分"), default=dict, blank=True)
    grade = models.CharField(_("等次"), max_length=20, blank=True)
    consequence = models.CharField(
        _("后果"), max_length=20, choices=Consequence.choices, blank=True, default=""
    )
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    class Meta:
        ordering = ["-total", "membership_id"]
        verbose_name = _("履职得分")
        verbose_name_plural = _("履职得分")
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="duties_score_one_per_year"),
        ]
        indexes = [models.Index(fields=["committee", "year"], name="duties_score_committee_year")]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.year}: {self.total}"


class ScoreEntry(models.Model):
    """One line of a score: the event that earned it, the rule, the points and what the cap kept."""

    score = models.ForeignKey(MemberScore, on_delete=models.CASCADE, related_name="entries")
    event = models.ForeignKey(DutyEvent, on_delete=models.CASCADE, related_name="score_entries")
    rule = models.ForeignKey(ScoreRule, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    counted = models.DecimalField(_("计入"), max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["score_id", "id"]
        verbose_name = _("得分明细")
        verbose_name_plural = _("得分明细")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.counted}"


class AssessmentCycle(TimeStampedModel):
    """The annual assessment of one committee (domain.md §10.9)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="assessment_cycles")
    year = models.PositiveSmallIntegerField(_("年度"))
    state = models.CharField(_("状态"), max_length=20, choices=CycleState.choices, default=CycleState.OPEN)

    class Meta:
        ordering = ["committee_id", "-year"]
        verbose_name = _("年度履职考核")
        verbose_name_plural = _("年度履职考核")
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="duties_cycle_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_state_display()}"


class AssessmentEvent(EventBase):
    """A step of an assessment cycle."""

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("考核过程记录")
        verbose_name_plural = _("考核过程记录")
        triggers = [append_only()]


class DutyClaim(TimeStampedModel):
    """A duty done off the platform (联系群众, 办实事, a commendation), with evidence, for approval."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="duty_claims")
    kind = models.CharField(_("类别"), max_length=32, choices=DutyKind.choices)
    occurred_on = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("情况说明"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="duties/evidence/", blank=True)
    # A commendation's level (national / provincial / prefecture / county), for 广水's bonus table.
    level = models.CharField(_("级别"), max_length=16, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=ClaimState.choices, default=ClaimState.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("履职补录")
        verbose_name_plural = _("履职补录")
        indexes = [models.Index(fields=["state", "membership"], name="duties_claim_state")]

    def __str__(self) -> str:
        return self.title


class DutyClaimEvent(EventBase):
    """A step of a manual entry: submitted, approved, rejected, withdrawn."""

    claim = models.ForeignKey(DutyClaim, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("履职补录记录")
        verbose_name_plural = _("履职补录记录")
        triggers = [append_only()]


class EntryQuery(TimeStampedModel):
    """A member's query about their record during the review window (§10.9 MEMBER_REVIEW)."""

    class State(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="duty_queries")
    year = models.PositiveSmallIntegerField(_("年度"))
    event = models.ForeignKey(DutyEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    message = models.TextField(_("异议内容"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.OPEN)
    reply = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("档案异议")
        verbose_name_plural = _("档案异议")


class DutyReport(TimeStampedModel):
    """A member's annual duty report (述职; standing members' 履职报告), pre-filled from the record."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="duty_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    body = models.TextField(_("报告正文"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("年度履职报告")
        verbose_name_plural = _("年度履职报告")
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="duties_report_one_per_year"),
        ]
