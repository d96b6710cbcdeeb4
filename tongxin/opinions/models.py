"""Public-opinion reports (社情民意信息), the bulletins they are edited into, and what came back.

A report forwarded to the parent committee (转报, domain.md rule 45) becomes a new report there: a
copy in the parent's inbox with `origin` pointing at the report below and `root` at the report the
author wrote. Outcomes (adoptions, instructions, feedback) are recorded on the copy where they
happened and carry the chain's `root`, so the originating report and every copy below see them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.core.models import EventBase, TimeStampedModel, append_only
from tongxin.members.models import Membership
from tongxin.org.models import ActivityGroup, Committee, ParticipatingUnit, Sector, SpecialCommittee

from .workflow import State

DEFAULT_MAX_CHARS = 1500  # "字数控制在1500字以内为宜" (广州, S42), "每期信息一般不超过1500字" (S48)


class OpinionSettings(TimeStampedModel):
    """One committee's opinion-report rules; created with the defaults from domain.md §3 on first use."""

    committee = models.OneToOneField(Committee, on_delete=models.PROTECT, related_name="opinion_settings")
    max_chars = models.PositiveIntegerField(_("正文字数上限"), default=DEFAULT_MAX_CHARS)
    attachment_max_mb = models.PositiveSmallIntegerField(_("附件大小上限（MB）"), default=10)
    attachment_max_count = models.PositiveSmallIntegerField(_("附件个数上限"), default=5)

    class Meta:
        verbose_name = _("社情民意设置")
        verbose_name_plural = _("社情民意设置")

    def __str__(self) -> str:
        return f"{self.committee} · {self.max_chars}"


class BulletinType(TimeStampedModel):
    """A bulletin series the office edits reports into: 《社情民意》, 《政协信息专报》 … (rule 40)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="bulletin_types")
    name = models.CharField(_("名称"), max_length=40)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["committee_id", "position", "id"]
        verbose_name = _("刊物类型")
        verbose_name_plural = _("刊物类型")
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="opinions_bulletintype_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class BulletinIssue(TimeStampedModel):
    """One numbered issue (期) of a bulletin; numbers restart every year for each bulletin type."""

    class Recipient(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("党委")
        GOVERNMENT = "government", _("政府")
        UPPER_COMMITTEE = "upper_committee", _("上级政协")
        DEPARTMENTS = "departments", _("有关部门")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="bulletin_issues")
    bulletin_type = models.ForeignKey(BulletinType, on_delete=models.PROTECT, related_name="issues")
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("期号"))
    title = models.CharField(_("标题"), max_length=120, blank=True)
    # Recipient codes from `Recipient`, plus the named departments in `recipient_note`.
    recipients = models.JSONField(_("报送对象"), default=list, blank=True)
    recipient_note = models.CharField(_("报送部门"), max_length=200, blank=True)
    sent_on = models.DateField(_("报送日期"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("转报时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["committee_id", "-year", "-number", "id"]
        verbose_name = _("刊物期次")
        verbose_name_plural = _("刊物期次")
        constraints = [
            models.UniqueConstraint(
                fields=["bulletin_type", "year", "number"], name="opinions_bulletinissue_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """《社情民意》2026年第5期."""
        return f"《{self.bulletin_type.name.strip('《》')}》{self.year}年第{self.number}期"


class OpinionReport(TimeStampedModel):
    """A report on one matter (一事一报), at one committee; forwarded copies are reports of the parent."""

    class ReporterKind(models.TextChoices):
        MEMBER = "member", _("委员")
        PARTICIPATING_UNIT = "participating_unit", _("参加单位")
        SPECIAL_COMMITTEE = "special_committee", _("专门委员会")
        SECTOR = "sector", _("界别")
        ACTIVITY_GROUP = "activity_group", _("委员活动组")
        INFORMANT = "informant", _("特邀信息员")
        LOWER_COMMITTEE = "lower_committee", _("下级政协")

    class Category(models.TextChoices):
        ECONOMY = "economy", _("经济")
        POLITICS = "politics", _("政治")
        CULTURE = "culture", _("文化")
        SOCIETY = "society", _("社会")
        ECOLOGY = "ecology", _("生态文明")
        OTHER = "other", _("其他")

    class AdoptionMode(models.TextChoices):
        STANDALONE = "standalone", _("单篇采用")
        COMBINED = "combined", _("综合采用")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="opinion_reports")
    state = models.CharField(_("状态"), max_length=24, choices=State.choices, default=State.DRAFT)
    reporter_kind = models.CharField(_("报送主体"), max_length=24, choices=ReporterKind.choices)
    participating_unit = models.ForeignKey(
        ParticipatingUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    special_committee = models.ForeignKey(
        SpecialCommittee, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    activity_group = models.ForeignKey(
        ActivityGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # "反映人及单位" (rule 40): as printed under the report.
    reporter_name = models.CharField(_("反映人"), max_length=60)
    reporter_unit = models.CharField(_("反映人单位"), max_length=100, blank=True)
    title = models.CharField(_("标题"), max_length=120, blank=True)
    # "有情况、有分析、有建议" (rule 40, 广州).
    situation = models.TextField(_("情况"), blank=True)
    analysis = models.TextField(_("分析"), blank=True)
    suggestions = models.TextField(_("建议"), blank=True)
    # The office's edited text, kept beside the author's original ("原汁原味", rule 40); empty until
    # edited.
    edited_title = models.CharField(_("编辑后标题"), max_length=120, blank=True)
    edited_situation = models.TextField(_("编辑后情况"), blank=True)
    edited_analysis = models.TextField(_("编辑后分析"), blank=True)
    edited_suggestions = models.TextField(_("编辑后建议"), blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices, default=Category.OTHER)
    # 急事急报 (rule 40): such reports go to the top of the office's queue.
    is_urgent = models.BooleanField(_("急事急报"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(_("幂等键"), max_length=64, blank=True, default="")
    # Where a report came from when another capability created it: "proposals.proposal:42".
    source = models.CharField(_("来源"), max_length=80, blank=True)
    # The forwarding chain: `origin` is the report below this copy, `root` the author's report
    # (itself for an original), `hop` how many levels up this copy is.
    origin = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="forwarded_copies"
    )
    root = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    hop = models.PositiveSmallIntegerField(_("转报层级"), default=0)
    # The lower committee's issue the copy arrived with, when a whole issue was forwarded.
    arrived_with_issue = models.ForeignKey(
        BulletinIssue, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("转报时间"), null=True, blank=True)
    issue = models.ForeignKey(
        BulletinIssue, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    adoption_mode = models.CharField(_("编发方式"), max_length=16, choices=AdoptionMode.choices, blank=True)
    decline_reason = models.CharField(_("不予采用原因"), max_length=200, blank=True)
    # Not adopted: archived, or passed to a department for reference (存档 / 转有关部门参考).
    referred_to = models.CharField(_("转送部门"), max_length=100, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-is_urgent", "id"]
        verbose_name = _("社情民意信息")
        verbose_name_plural = _("社情民意信息")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="opinions_report_unique_idempotency_key",
            ),
            # A report is forwarded once: one copy per level.
            models.UniqueConstraint(
                fields=["origin"], condition=Q(origin__isnull=False), name="opinions_report_one_copy_up"
            ),
        ]
        indexes = [
            # The office's queue and lists: a committee's reports by state.
            models.Index(fields=["committee", "state"], name="opinions_report_state"),
            # Statistics by year of submission.
            models.Index(fields=["committee", "submitted_at"], name="opinions_report_submitted"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.edited_title or self.title or "（无标题）"

    @property
    def chain_root_id(self) -> int:
        """The author's report this one descends from (itself for an original)."""
        return int(self.root_id or self.pk)

    @property
    def is_edited(self) -> bool:
        return bool(
            self.edited_title or self.edited_situation or self.edited_analysis or self.edited_suggestions
        )

    @property
    def body_length(self) -> int:
        """Characters of the three parts, as the length limit counts them (whitespace excluded)."""
        return body_length(self.situation, self.analysis, self.suggestions)


def body_length(*parts: str) -> int:
    """The length the limit counts: every character except whitespace."""
    return sum(len("".join(p.split())) for p in parts)


class OpinionAuthor(models.Model):
    """A member who wrote the report; each is credited in the duty record for its outcomes."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="authors")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="opinion_authorships")
    position = models.PositiveSmallIntegerField(_("排序"), default=1)

    class Meta:
        ordering = ["report_id", "position", "id"]
        verbose_name = _("反映人")
        verbose_name_plural = _("反映人")
        constraints = [
            models.UniqueConstraint(fields=["report", "membership"], name="opinions_author_unique_member")
        ]

    def __str__(self) -> str:
        return str(self.membership_id)


class OpinionAttachment(models.Model):
    """A file attached to a report, accepted by content, stored under a server-generated name."""

    report = models.ForeignKey(OpinionReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="opinions/attachments/")
    original_name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["report_id", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class OutcomeBase(models.Model):
    """What came back for a report, recorded on the copy where it happened (`report`) and tied to the
    chain's `root`, so every report of the chain below sees it."""

    report = models.ForeignKey(OpinionReport, on_delete=models.PROTECT, related_name="+")
    root = models.ForeignKey(OpinionReport, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["id"]


class Adoption(OutcomeBase):
    """采用: a bulletin at some level used the report (rules 44–45)."""

    class Level(models.TextChoices):
        COUNTY = "county", _("县级政协")
        CITY = "city", _("市级政协")
        PROVINCE = "province", _("省级政协")
        NATIONAL = "national", _("全国政协")
        PARTY_COMMITTEE = "party_committee", _("党委")
        GOVERNMENT = "government", _("政府")

    class Mode(models.TextChoices):
        STANDALONE = "standalone", _("单篇采用")
        COMBINED = "combined", _("综合采用")
        FORWARDED = "forwarded", _("转送")

    level = models.CharField(_("采用层级"), max_length=16, choices=Level.choices)
    mode = models.CharField(_("采用方式"), max_length=16, choices=Mode.choices)
    outlet = models.CharField(_("刊物"), max_length=60, blank=True)
    issue_no = models.CharField(_("期号"), max_length=40, blank=True)
    adopted_on = models.DateField(_("采用日期"))
    # True when the platform recorded it itself: a committee on the platform adopted the report
    # into its own bulletin.
    automatic = models.BooleanField(_("系统登记"), default=False)

    class Meta(OutcomeBase.Meta):
        verbose_name = _("采用情况")
        verbose_name_plural = _("采用情况")
        indexes = [models.Index(fields=["root", "adopted_on"], name="opinions_adoption_root")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.get_mode_display()}"


class Instruction(OutcomeBase):
    """领导批示: a leader's written instruction on the report; its level matters (rule 43)."""

    class LeaderLevel(models.TextChoices):
        COUNTY = "county", _("县级领导")
        CITY = "city", _("市级领导")
        PROVINCE = "province", _("省级领导")
        CENTRAL = "central", _("中央领导")

    class LeaderRole(models.TextChoices):
        PRINCIPAL = "principal", _("主要领导")
        OTHER = "other", _("其他领导")

    leader_level = models.CharField(_("领导层级"), max_length=16, choices=LeaderLevel.choices)
    leader_role = models.CharField(_("领导职务"), max_length=16, choices=LeaderRole.choices)
    leader_name = models.CharField(_("批示领导"), max_length=60, blank=True)
    instructed_on = models.DateField(_("批示日期"))
    text = models.TextField(_("批示内容"), blank=True)

    class Meta(OutcomeBase.Meta):
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        indexes = [models.Index(fields=["root", "instructed_on"], name="opinions_instruction_root")]

    def __str__(self) -> str:
        return f"{self.get_leader_level_display()} {self.instructed_on}"


class Feedback(OutcomeBase):
    """反馈: a department's account of what it did about the report."""

    department = models.CharField(_("反馈部门"), max_length=100)
    received_on = models.DateField(_("反馈日期"))
    content = models.TextField(_("反馈内容"))

    class Meta(OutcomeBase.Meta):
        verbose_name = _("部门反馈")
        verbose_name_plural = _("部门反馈")
        indexes = [models.Index(fields=["root", "received_on"], name="opinions_feedback_root")]

    def __str__(self) -> str:
        return f"{self.department} {self.received_on}"


class OpinionEvent(EventBase):
    """One step of a report: submitted, edited, adopted, sent, forwarded, an outcome flowing back …"""

    report = models.ForeignKey(OpinionReport, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("社情民意处理记录")
        verbose_name_plural = _("社情民意处理记录")
        indexes = [models.Index(fields=["report", "id"], name="opinions_event_report")]
        triggers = [append_only()]


class BulletinEvent(EventBase):
    """One step of a bulletin issue: numbered, sent, forwarded to the parent committee."""

    issue = models.ForeignKey(BulletinIssue, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("刊物处理记录")
        verbose_name_plural = _("刊物处理记录")
        triggers = [append_only()]
