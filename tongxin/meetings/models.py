"""Meetings and activities: kinds, meetings numbered within the term, sittings, invitations,
attendance with its events, sign-ins per sitting, speeches, documents and per-committee settings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.core.models import EventBase, TimeStampedModel, append_only
from tongxin.core.numerals import chinese_number
from tongxin.duties.kinds import DutyKind
from tongxin.members.models import Membership
from tongxin.org.models import Committee, SpecialCommittee, Term

from .workflow import AttendanceState, MeetingState


class MeetingSettings(TimeStampedModel):
    """A committee's attendance rules; defaults from domain.md rule 51 (威海, 山东)."""

    committee = models.OneToOneField(Committee, on_delete=models.PROTECT, related_name="meeting_settings")
    # "出席会议不足三分之二视为缺席本次会议".
    attendance_numerator = models.PositiveSmallIntegerField(_("出席比例分子"), default=2)
    attendance_denominator = models.PositiveSmallIntegerField(_("出席比例分母"), default=3)
    # "委员届内累计缺席全体会议3次 … 常委届内累计缺席常委会议7次 … 应劝其辞去".
    plenary_absence_flag = models.PositiveSmallIntegerField(_("全体会议缺席提示次数"), default=3)
    standing_absence_flag = models.PositiveSmallIntegerField(_("常委会议缺席提示次数"), default=7)
    sign_in_minutes = models.PositiveSmallIntegerField(_("签到码有效分钟"), default=5)
    # Leave asked by phone is approved by the secretary-general or chair and entered by the
    # secretariat (rule 51: "以书面或电话形式请假，经秘书长批准后有效").
    secretariat_records_leave = models.BooleanField(_("秘书科可代为录入请假审批"), default=True)

    class Meta:
        verbose_name = _("会议考勤设置")
        verbose_name_plural = _("会议考勤设置")

    def __str__(self) -> str:
        return str(self.committee)


class MeetingKind(TimeStampedModel):
    """A kind of meeting or activity, configurable per committee (defaults in services.DEFAULT_KINDS)."""

    class Category(models.TextChoices):
        PLENARY = "plenary", _("全体会议")
        STANDING = "standing", _("常委会议")
        OTHER = "other", _("其他会议活动")

    class Approver(models.TextChoices):
        CHAIR_OR_SECRETARY_GENERAL = "chair_or_sg", _("主席或秘书长")
        ORGANISER_HEAD = "organiser_head", _("组织方负责人")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meeting_kinds")
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=30)
    category = models.CharField(
        _("考勤类别"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    # Numbered within the term where the office numbers them ("六届二十一次常委会会议").
    numbered = models.BooleanField(_("届内编号"), default=False)
    leave_approver = models.CharField(
        _("请假审批人"), max_length=20, choices=Approver.choices, default=Approver.ORGANISER_HEAD
    )
    # What attending earns in the duty record: 调研/视察 count as research participation.
    duty_kind = models.CharField(
        _("出席计入"), max_length=32, choices=DutyKind.choices, default=DutyKind.MEETING_ATTENDED
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["committee_id", "position", "id"]
        verbose_name = _("会议类别")
        verbose_name_plural = _("会议类别")
        constraints = [
            models.UniqueConstraint(fields=["committee", "code"], name="meetings_kind_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class Meeting(TimeStampedModel):
    """A meeting or activity of a committee in a term."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="meetings")
    kind = models.ForeignKey(
        MeetingKind, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("类别")
    )
    number = models.PositiveSmallIntegerField(_("届内次数"), null=True, blank=True)
    title = models.CharField(_("名称"), max_length=120)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    state = models.CharField(
        _("状态"), max_length=16, choices=MeetingState.choices, default=MeetingState.DRAFT
    )
    notice = models.TextField(_("会议通知"), blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    outcomes = models.TextField(_("会议成果"), blank=True)
    special_committee = models.ForeignKey(
        SpecialCommittee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("组织专委会"),
    )
    # The organiser's head approves leave for kinds whose approver is ORGANISER_HEAD (rule 51, 宣威).
    organiser_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织方负责人"),
    )
    offsite = models.BooleanField(_("外出活动"), default=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("会议活动")
        verbose_name_plural = _("会议活动")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "kind", "number"],
                condition=models.Q(number__isnull=False),
                name="meetings_meeting_unique_number",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meetings_meeting_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["committee", "state"], name="meetings_meeting_state")]

    def __str__(self) -> str:
        return self.title

    @property
    def numbered_name(self) -> str:
        """十届二十一次常委会议 (the term's number, the meeting's number within it, the kind)."""
        if self.number is None:
            return self.kind.name
        return f"{chinese_number(self.term.number)}届{chinese_number(self.number)}次{self.kind.name}"


class MeetingEvent(EventBase):
    """A step of a meeting: created, invited, notified, closed, minutes recorded …"""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        triggers = [append_only()]


class MeetingDocument(models.Model):
    """A document sent with the notice or tabled at the meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("标题"), max_length=120)
    file = models.FileField(_("文件"), upload_to="meetings/documents/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("会议材料")
        verbose_name_plural = _("会议材料")

    def __str__(self) -> str:
        return self.title


class Sitting(models.Model):
    """A sitting (half-day) of a meeting; each has its own sign-in."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sittings")
    number = models.PositiveSmallIntegerField(_("场次"))
    title = models.CharField(_("名称"), max_length=60)
    starts_at = models.DateTimeField(_("开始时间"))

    class Meta:
        ordering = ["meeting_id", "number"]
        verbose_name = _("会议场次")
        verbose_name_plural = _("会议场次")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="meetings_sitting_unique_number")
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(TimeStampedModel):
    """One invited member's attendance of one meeting (§10.4)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendances")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendances")
    state = models.CharField(
        _("状态"), max_length=16, choices=AttendanceState.choices, default=AttendanceState.INVITED
    )
    invited_via = models.CharField(_("邀请方式"), max_length=40, blank=True)
    leave_reason = models.CharField(_("请假事由"), max_length=300, blank=True)
    leave_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    leave_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    late = models.BooleanField(_("迟到"), default=False)
    left_early = models.BooleanField(_("早退"), default=False)
    # Set at close: the state is then the meeting's final attendance (two-thirds rule applied).
    finalized = models.BooleanField(_("已确认"), default=False)

    class Meta:
        ordering = ["meeting_id", "membership__person__name_pinyin", "id"]
        verbose_name = _("出席情况")
        verbose_name_plural = _("出席情况")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"], name="meetings_attendance_one_per_member"
            ),
        ]
        indexes = [models.Index(fields=["membership", "state"], name="meetings_attendance_member")]

    def __str__(self) -> str:
        return f"{self.membership_id}@{self.meeting_id}: {self.state}"


class AttendanceEvent(EventBase):
    """A change to an attendance: invited, confirmed, leave asked/decided, signed in, marked …"""

    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("考勤记录")
        verbose_name_plural = _("考勤记录")
        triggers = [append_only()]


class SignIn(models.Model):
    """One member's sign-in to one sitting: at most one (the database refuses a second scan)."""

    class Method(models.TextChoices):
        QR = "qr", _("扫码签到")
        CODE = "code", _("签到码")
        MANUAL = "manual", _("工作人员登记")

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="sign_ins")
    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="sign_ins")
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    signed_at = models.DateTimeField(_("签到时间"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sitting_id", "id"]
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [
            models.UniqueConstraint(fields=["sitting", "attendance"], name="meetings_signin_one_per_sitting"),
        ]

    def __str__(self) -> str:
        return f"{self.attendance_id}@{self.sitting_id}"


class Speech(TimeStampedModel):
    """A speech at a meeting (大会发言, 书面发言, oral or written)."""

    class Mode(models.TextChoices):
        PLENARY = "plenary", _("大会发言")
        WRITTEN = "written", _("书面发言")
        ORAL = "oral", _("口头发言")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="speeches")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="speeches")
    mode = models.CharField(_("发言形式"), max_length=16, choices=Mode.choices)
    title = models.CharField(_("题目"), max_length=200)
    summary = models.TextField(_("摘要"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["meeting_id", "id"]
        verbose_name = _("会议发言")
        verbose_name_plural = _("会议发言")

    def __str__(self) -> str:
        return self.title
