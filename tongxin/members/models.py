"""Members: a person, and that person's membership in each term (一届一人一档)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.models import EventBase, TimeStampedModel, append_only
from tongxin.org.models import ActivityGroup, Committee, ParticipatingUnit, Sector, SpecialCommittee, Term

from .workflow import MembershipStatus


class Person(TimeStampedModel):
    """A person known to one committee. Personal data is kept to what the office needs (PIPL 第6条)."""

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(_("姓名"), max_length=30)
    # Pinyin of the name, for the order offices sort rosters in (按姓氏拼音).
    name_pinyin = models.CharField(_("姓名拼音"), max_length=120, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    # Shown masked (138****8000) except to roles in settings.PHONE_VISIBLE_ROLES; each reveal is audited.
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True)
    title = models.CharField(_("职务职称"), max_length=100, blank=True)
    photo = models.FileField(_("照片"), upload_to="members/photos/", blank=True)

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [models.Index(fields=["committee", "name"], name="members_person_committee_name")]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """One person's membership of one term: sector, party, bodies, roles and status."""

    class Leadership(models.TextChoices):
        NONE = "", _("无")
        CHAIR = "chair", _("主席")
        VICE_CHAIR = "vice_chair", _("副主席")
        SECRETARY_GENERAL = "secretary_general", _("秘书长")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="memberships")
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("界别")
    )
    participating_unit = models.ForeignKey(
        ParticipatingUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("党派团体"),
    )
    special_committees = models.ManyToManyField(
        SpecialCommittee, blank=True, related_name="memberships", verbose_name=_("专委会")
    )
    activity_group = models.ForeignKey(
        ActivityGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("活动组"),
    )
    is_standing = models.BooleanField(_("常委"), default=False)
    leadership = models.CharField(
        _("领导职务"), max_length=20, choices=Leadership.choices, blank=True, default=""
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    joined_on = models.DateField(_("任职日期"), null=True, blank=True)
    left_on = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        ordering = ["term_id", "person__name_pinyin", "id"]
        verbose_name = _("委员任职")
        verbose_name_plural = _("委员任职")
        constraints = [
            models.UniqueConstraint(fields=["person", "term"], name="members_membership_one_per_term"),
        ]
        indexes = [
            # The roster list: a term's members by status.
            models.Index(fields=["term", "status"], name="members_membership_term_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.term.short_name}）"


class MembershipEvent(EventBase):
    """A change to a membership: created, edited, resigned, removed, reinstated."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("委员任职变更")
        verbose_name_plural = _("委员任职变更")
        triggers = [append_only()]
