"""Proposals (提案): the proposal, its proposers and versions, its handling and its feedback.

Session and numbering (domain.md rule 7): a draft belongs to no session yet. On submission it is placed
in the numbering scope of the committee's latest plenary session whose proposal window has opened (the
next session's window, once it opens, starts a new scope); `channel` records whether it came inside
that session's window (大会提案) or after its deadline (平时提案, "会议以来" in the office's reports).
Before any window has opened in the current term, the next session is its scope. Numbers are given on
filing (立案), within the session.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.core.models import EventBase, TimeStampedModel, append_only
from tongxin.members.models import Membership, Person
from tongxin.org.models import (
    ActivityGroup,
    Committee,
    HandlingUnit,
    ParticipatingUnit,
    PlenarySession,
    Sector,
    SpecialCommittee,
)

from .workflow import State

# --- Per-committee configuration ------------------------------------------------------------------


class ProposalSettings(TimeStampedModel):
    """One committee's proposal rules; every value that varies by place, with the common default."""

    class Scheme(models.IntegerChoices):
        THREE = 3, _("三类（A/B/C）")
        FOUR = 4, _("四类（A/B/C/D）")

    committee = models.OneToOneField(Committee, on_delete=models.PROTECT, related_name="proposal_settings")
    # Display of the number within the session, a Python format with {number}: 第0012号.
    number_format = models.CharField(_("编号格式"), max_length=40, default="第{number:04d}号")
    # Result classes (domain.md rule 26): 3 classes by default, 4 as an option; labels configurable.
    result_class_scheme = models.PositiveSmallIntegerField(
        _("办理结果分类"), choices=Scheme.choices, default=Scheme.THREE
    )
    result_class_labels = models.JSONField(_("分类说明"), default=dict, blank=True)
    # Classes that mean "in plan": their replies get a follow-up (回头看, rule 30).
    in_plan_classes = models.JSONField(_("列入计划的分类"), default=list, blank=True)
    followup_months = models.PositiveSmallIntegerField(_("回头看间隔（月）"), default=6)
    # Deadlines (rules 18–22, 29): months are calendar months, days are working days.
    reply_months = models.PositiveSmallIntegerField(_("答复期限（月）"), default=3)
    co_opinion_months = models.PositiveSmallIntegerField(_("会办意见期限（月）"), default=1)
    reassign_window_days = models.PositiveSmallIntegerField(_("申请调整期限（工作日）"), default=5)
    extension_max_count = models.PositiveSmallIntegerField(_("最多延期次数"), default=1)
    extension_max_months = models.PositiveSmallIntegerField(_("每次最多延期（月）"), default=1)
    hard_limit_months = models.PositiveSmallIntegerField(_("答复最迟期限（月）"), default=6)
    rehandling_months = models.PositiveSmallIntegerField(_("重新办理期限（月）"), default=1)
    rehandling_rounds = models.PositiveSmallIntegerField(_("最多重新办理轮次"), default=1)
    rating_window_days = models.PositiveSmallIntegerField(_("评价期限（工作日）"), default=15)
    cosign_window_days = models.PositiveSmallIntegerField(_("联名确认期限（工作日）"), default=5)
    due_soon_days = models.PositiveSmallIntegerField(_("临期提醒（工作日）"), default=10)
    # Shares of filed proposals (rules 32, 36), as guides for the nomination lists.
    key_share_percent = models.PositiveSmallIntegerField(_("重点提案比例（%）"), default=6)
    excellent_share_percent = models.PositiveSmallIntegerField(_("优秀提案比例（%）"), default=5)
    # The soft length guide of the call for proposals (rule 9): a reminder, never a refusal.
    body_soft_min_chars = models.PositiveIntegerField(_("建议最少字数"), default=800)
    body_soft_max_chars = models.PositiveIntegerField(_("建议最多字数"), default=1500)
    attachment_max_mb = models.PositiveSmallIntegerField(_("附件大小上限（MB）"), default=10)
    attachment_max_count = models.PositiveSmallIntegerField(_("附件数量上限"), default=10)

    class Meta:
        ordering = ["committee_id"]
        verbose_name = _("提案工作设置")
        verbose_name_plural = _("提案工作设置")

    def __str__(self) -> str:
        return f"{self.committee} · {_('提案工作设置')}"


class SessionDeadline(TimeStampedModel):
    """A fixed reply date for one session's proposals (e.g. "6月30日前答复完毕", rule 21)."""

    session = models.OneToOneField(
        PlenarySession, on_delete=models.PROTECT, related_name="proposal_deadline_set"
    )
    reply_due_on = models.DateField(_("统一答复期限"))

    class Meta:
        ordering = ["session_id"]
        verbose_name = _("会议提案统一答复期限")
        verbose_name_plural = _("会议提案统一答复期限")

    def __str__(self) -> str:
        return f"{self.session_id}: {self.reply_due_on}"


class ProposalCategory(TimeStampedModel):
    """A category of the committee's tree: the five areas and finer categories under them (rule 37)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="proposal_categories")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    name = models.CharField(_("名称"), max_length=30)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["committee_id", "position", "id"]
        verbose_name = _("提案类别")
        verbose_name_plural = _("提案类别")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "parent", "name"], name="proposals_category_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RejectionReason(TimeStampedModel):
    """A reason not to file (不予立案), from the committee's code list (rule 13)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="rejection_reasons")
    code = models.CharField(_("代码"), max_length=20)
    label = models.CharField(_("情形"), max_length=100)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["committee_id", "position", "id"]
        verbose_name = _("不予立案情形")
        verbose_name_plural = _("不予立案情形")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "code"], name="proposals_rejectionreason_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.label


# --- The proposal -------------------------------------------------------------------------------


class Proposal(TimeStampedModel):
    """A proposal (提案) of a committee, from draft to 办结."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("个人提案")
        JOINT = "joint", _("联名提案")
        COLLECTIVE = "collective", _("集体提案")

    class Channel(models.TextChoices):
        NONE = "", _("未提交")
        SESSION = "session", _("大会提案")
        INTERIM = "interim", _("平时提案")

    class ConvertedTo(models.TextChoices):
        NONE = "", _("无")
        OPINION = "opinion", _("意见建议")
        OPINION_REPORT = "opinion_report", _("社情民意信息")
        LETTER = "letter", _("委员来信")

    class HandlingMode(models.TextChoices):
        NONE = "", _("未交办")
        LEAD = "lead", _("主办会办")
        SEPARATE = "separate", _("分办")

    class Origin(models.TextChoices):
        PLATFORM = "", _("本平台办理")
        IMPORTED = "imported", _("历史导入")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="proposals")
    session = models.ForeignKey(
        PlenarySession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("会议"),
    )
    kind = models.CharField(_("提案类型"), max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    # A collective proposal is in the name of exactly one body (rules 2, 4); the others stay empty.
    collective_participating_unit = models.ForeignKey(
        ParticipatingUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    collective_special_committee = models.ForeignKey(
        SpecialCommittee, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    collective_sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    collective_activity_group = models.ForeignKey(
        ActivityGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("提案渠道"), max_length=16, choices=Channel.choices, blank=True, default="")
    # 案由, and the body in the sections real proposals use: 调研情况 / 问题分析 / 具体建议 (rules 8–9).
    title = models.CharField(_("案由"), max_length=120)
    background = models.TextField(_("调研情况"), blank=True)
    analysis = models.TextField(_("问题分析"), blank=True)
    suggestions = models.TextField(_("具体建议"), blank=True)
    category = models.ForeignKey(
        ProposalCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("类别"),
    )
    suggested_units = models.ManyToManyField(
        HandlingUnit, blank=True, related_name="suggested_for", verbose_name=_("建议承办单位")
    )
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=24, choices=State.choices, default=State.DRAFT)
    # Bumped by every transition: the compare-and-swap that lets exactly one of two actors win.
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    # Set when office staff enter the proposal for a member who cannot go online (issue 3).
    entered_on_behalf_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("代为录入"),
    )
    # A client's key for "create": a retried request returns the first proposal.
    idempotency_key = models.CharField(_("幂等键"), max_length=64, blank=True, default="")
    # 并案: the lead of the merge group this proposal was merged into (rule 14).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_members",
        verbose_name=_("并入"),
    )
    handling_mode = models.CharField(
        _("办理方式"), max_length=16, choices=HandlingMode.choices, blank=True, default=""
    )
    # Handling round: 1, then 2 after a re-handling order (rule 29).
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    result_class = models.CharField(_("办理结果分类"), max_length=2, blank=True, default="")
    rejection_reason = models.ForeignKey(
        RejectionReason, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    converted_to = models.CharField(
        _("转办为"), max_length=20, choices=ConvertedTo.choices, blank=True, default=""
    )
    is_key = models.BooleanField(_("重点提案"), default=False)
    is_excellent = models.BooleanField(_("优秀提案"), default=False)
    # 公开: the released reply and timeline may appear on the public tracking page (never contact data).
    is_public = models.BooleanField(_("公开"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    cosign_due_on = models.DateField(_("联名确认截止"), null=True, blank=True)
    rating_due_on = models.DateField(_("评价截止"), null=True, blank=True)
    # A proposal of an earlier session entered from the office's records (services/history.py): it
    # arrives closed, numbered as it was, for search and similarity history.
    origin = models.CharField(_("来源"), max_length=16, choices=Origin.choices, blank=True, default="")
    # The proposers as the record names them; names matched to members also get Proposer rows.
    proposer_text = models.CharField(_("提案者（原文）"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        constraints = [
            # Numbers are unique within a session (filing numbers them).
            models.UniqueConstraint(
                fields=["session", "number"],
                condition=Q(number__isnull=False),
                name="proposals_proposal_unique_number",
            ),
            # A retried create with the same key finds the first proposal.
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="proposals_proposal_unique_idempotency_key",
            ),
        ]
        indexes = [
            # The office's lists: a session's proposals by state.
            models.Index(fields=["committee", "session", "state"], name="proposals_committee_session"),
            models.Index(fields=["state"], name="proposals_proposal_state"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def collective_body(self) -> ParticipatingUnit | SpecialCommittee | Sector | ActivityGroup | None:
        """The body a collective proposal is in the name of."""
        return (
            self.collective_participating_unit
            or self.collective_special_committee
            or self.collective_sector
            or self.collective_activity_group
        )

    @property
    def body_length(self) -> int:
        """Characters of the body, for the soft length guide."""
        return len(self.background) + len(self.analysis) + len(self.suggestions)


class Proposer(models.Model):
    """A proposer of one proposal: the first proposer or a co-signer. Every proposer keeps credit,
    also when the proposal is merged into another (rule 14)."""

    class Role(models.TextChoices):
        FIRST = "first", _("第一提案人")
        COSIGNER = "cosigner", _("联名人")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已确认")
        INVITED = "invited", _("待确认")
        DECLINED = "declined", _("已谢绝")
        EXPIRED = "expired", _("逾期未确认")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="proposers")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="proposer_of")
    # The membership in the proposal's term, for sector and participating-unit statistics.
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("身份"), max_length=16, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    status = models.CharField(_("联名状态"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["proposal_id", "position", "id"]
        verbose_name = _("提案者")
        verbose_name_plural = _("提案者")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "person"], name="proposals_proposer_unique_person"),
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(role="first"), name="proposals_proposer_one_first"
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="proposals_proposer_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"


class ProposalVersion(models.Model):
    """One kept version of a proposal's text. The proposer's submitted original is marked and stays
    visible whatever reviewers change (rule 16)."""

    class Reason(models.TextChoices):
        DRAFT = "draft", _("草稿保存")
        ORIGINAL = "original", _("提交原稿")
        REVIEW_EDIT = "review_edit", _("审查修改")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices)
    title = models.CharField(_("案由"), max_length=120)
    background = models.TextField(_("调研情况"), blank=True)
    analysis = models.TextField(_("问题分析"), blank=True)
    suggestions = models.TextField(_("具体建议"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["proposal_id", "number"]
        verbose_name = _("提案文本版本")
        verbose_name_plural = _("提案文本版本")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposals_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} v{self.number}"


class ProposalEvent(EventBase):
    """One row per action on a proposal: its timeline, its audit trail, the statistics' source."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="events")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)

    class Meta(EventBase.Meta):
        verbose_name = _("提案办理记录")
        verbose_name_plural = _("提案办理记录")
        indexes = [models.Index(fields=["proposal", "id"], name="proposals_event_proposal")]
        triggers = [append_only()]


# --- Handling -------------------------------------------------------------------------------------


class Assignment(TimeStampedModel):
    """A handling unit's part in a proposal: lead (主办), co-unit (会办) or separate (分办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("会办")
        SEPARATE = "separate", _("分办")

    class Decision(models.TextChoices):
        NONE = "", _("无")
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("未同意")

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="proposal_assignments")
    role = models.CharField(_("承办方式"), max_length=16, choices=Role.choices)
    # A replaced assignment (reassignment approved) stays for the record but no longer acts.
    is_active = models.BooleanField(_("有效"), default=True)
    replaced_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assigned_on = models.DateField(_("交办日期"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # After this day the unit may no longer ask to be replaced: the assignment is locked (rule 19).
    reassign_until = models.DateField(_("申请调整截止"))
    reassignment_reason = models.TextField(_("调整理由"), blank=True)
    reassignment_decision = models.CharField(
        _("调整审批"), max_length=16, choices=Decision.choices, blank=True, default=""
    )
    reply_due_on = models.DateField(_("答复期限"), null=True, blank=True)
    co_opinion_due_on = models.DateField(_("会办意见期限"), null=True, blank=True)
    co_opinion = models.TextField(_("会办意见"), blank=True)
    co_opinion_at = models.DateTimeField(_("会办意见时间"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("已延期次数"), default=0)
    extension_requested_until = models.DateField(_("申请延期至"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extension_decision = models.CharField(
        _("延期审批"), max_length=16, choices=Decision.choices, blank=True, default=""
    )
    # The reply this co-unit countersigned (会签); a redrafted reply needs a new countersignature.
    countersigned_reply = models.ForeignKey(
        "Reply", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(_("会签时间"), null=True, blank=True)
    pre_contact_at = models.DateTimeField(_("办前沟通时间"), null=True, blank=True)

    class Meta:
        ordering = ["proposal_id", "role", "id"]
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "unit"],
                condition=Q(is_active=True),
                name="proposals_assignment_unique_unit",
            ),
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(is_active=True, role="lead"),
                name="proposals_assignment_one_lead",
            ),
        ]
        indexes = [
            # A unit's work list and the overdue lists: active assignments by unit and due date.
            models.Index(fields=["unit", "is_active", "reply_due_on"], name="proposals_assignment_unit_due"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.unit} · {self.get_role_display()}"


class Reply(TimeStampedModel):
    """The reply letter (答复函) of the lead unit, or of each separate unit, in one round (rule 25)."""

    class Publicity(models.TextChoices):
        PUBLIC = "public", _("公开")
        NOT_PUBLIC = "not_public", _("不公开")

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="replies")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="replies")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    text = models.TextField(_("答复内容"))
    # The class the unit proposed, and the one in force after the office's review (rule 26).
    proposed_class = models.CharField(_("单位拟定分类"), max_length=2)
    result_class = models.CharField(_("办理结果分类"), max_length=2)
    signer = models.CharField(_("签发人"), max_length=30)
    contact_name = models.CharField(_("联系人"), max_length=30)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    publicity = models.CharField(_("公开属性"), max_length=16, choices=Publicity.choices)
    letter = models.FileField(_("答复函扫描件"), upload_to="proposals/letters/", blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        ordering = ["proposal_id", "round", "id"]
        verbose_name = _("答复函")
        verbose_name_plural = _("答复函")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "round"], name="proposals_reply_unique_round"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.assignment.unit} · {self.round}"


class Rating(models.Model):
    """One proposer's feedback on one round: attitude and result rated separately (rule 28)."""

    class Level(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASICALLY = "basically", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    # The handled proposal: a merge group's lead, so every proposer of the group rates it.
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="ratings")
    proposer = models.ForeignKey(Proposer, on_delete=models.PROTECT, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("办理轮次"))
    attitude = models.CharField(_("办理态度"), max_length=16, choices=Level.choices, blank=True)
    result = models.CharField(_("办理结果"), max_length=16, choices=Level.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    # Silence past the rating window, recorded by the system (issue 3).
    no_response = models.BooleanField(_("未反馈"), default=False)
    # A form collected on paper and entered by the office (rule 27).
    entered_by_staff = models.BooleanField(_("工作人员代录"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["proposal_id", "round", "id"]
        verbose_name = _("办理评价")
        verbose_name_plural = _("办理评价")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "proposer", "round"], name="proposals_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.proposer_id} · {self.round}"


class FollowUp(TimeStampedModel):
    """回头看: a later check on a reply whose class means "in plan" (rule 30)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="followups")
    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="followups")
    due_on = models.DateField(_("回头看日期"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("落实情况"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        constraints = [models.UniqueConstraint(fields=["reply"], name="proposals_followup_one_per_reply")]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.due_on}"


# --- Key and excellent proposals ------------------------------------------------------------------


class KeyProposal(TimeStampedModel):
    """A key proposal (重点提案): nominated by the office, decided by the chair council (§10.2)."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("候选")
        DESIGNATED = "designated", _("已确定")
        NOT_SELECTED = "not_selected", _("未入选")
        CLOSED = "closed", _("督办完成")

    class Mode(models.TextChoices):
        NONE = "", _("未定")
        LEAD = "lead", _("领办")
        SUPERVISE = "supervise", _("督办")

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="key")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.CANDIDATE)
    nomination_reason = models.TextField(_("推荐理由"), blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The chair council's decision (主席会议审定), recorded by the office.
    decided_on = models.DateField(_("审定日期"), null=True, blank=True)
    decision_note = models.TextField(_("审定意见"), blank=True)
    supervising_leader = models.CharField(_("督办领导"), max_length=60, blank=True)
    mode = models.CharField(_("督办方式"), max_length=16, choices=Mode.choices, blank=True, default="")
    summary = models.TextField(_("督办总结"), blank=True)

    class Meta:
        ordering = ["proposal_id"]
        verbose_name = _("重点提案")
        verbose_name_plural = _("重点提案")

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.get_status_display()}"


class SupervisionEvent(models.Model):
    """A supervision activity on a key proposal (rule 33–34)."""

    class Kind(models.TextChoices):
        SYMPOSIUM = "symposium", _("协商座谈")
        RESEARCH = "research", _("专题调研")
        INSPECTION = "inspection", _("实地视察")
        MEETING = "meeting", _("督办会议")
        VISIT = "visit", _("走访承办单位")

    key_proposal = models.ForeignKey(KeyProposal, on_delete=models.PROTECT, related_name="supervision_events")
    kind = models.CharField(_("形式"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("日期"))
    note = models.TextField(_("情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        ordering = ["key_proposal_id", "held_on", "id"]
        verbose_name = _("督办活动")
        verbose_name_plural = _("督办活动")

    def __str__(self) -> str:
        return f"{self.key_proposal_id} · {self.get_kind_display()}"


class ExcellentNomination(TimeStampedModel):
    """An excellent-proposal (优秀提案) nomination for a year's commendation, and its outcome (rule 36)."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已推荐")
        SELECTED = "selected", _("已评为优秀")
        NOT_SELECTED = "not_selected", _("未评选")

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="excellent_nominations")
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NOMINATED)
    reason = models.TextField(_("推荐理由"), blank=True)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("评定时间"), null=True, blank=True)

    class Meta:
        ordering = ["year", "proposal_id"]
        verbose_name = _("优秀提案评选")
        verbose_name_plural = _("优秀提案评选")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "year"], name="proposals_excellent_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.year}"


# --- Files and notifications ----------------------------------------------------------------------


class Attachment(models.Model):
    """A file attached to a proposal: accepted by content (magic bytes), stored under a server name."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="proposals/attachments/")
    original_name = models.CharField(_("原文件名"), max_length=120)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["proposal_id", "id"]
        verbose_name = _("提案附件")
        verbose_name_plural = _("提案附件")

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    """An in-app notice to one user about a proposal; also sent by e-mail (and SMS when configured)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_notifications"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(
        ProposalEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the notice is about, e.g. "event:file" or "reminder:reply_due:2026-03-01"; with the recipient
    # it makes a retried task write nothing twice.
    key = models.CharField(_("类型"), max_length=80)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("提案通知")
        verbose_name_plural = _("提案通知")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "proposal", "key"], name="proposals_notification_unique_key"
            ),
        ]
        indexes = [
            # "My unread notices".
            models.Index(fields=["recipient", "read_at"], name="proposals_notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title
