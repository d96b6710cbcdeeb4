"""The organisation a committee works in: its place in the tree, terms, sessions and bodies.

Names follow the official forms (domain.md rule 81): full "政协第十届兰州市城关区委员会第一次会议",
short "区政协十届一次会议". Sectors are set per term (rule 84), never a global list.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxin.core.models import EventBase, TimeStampedModel, append_only
from tongxin.core.numerals import chinese_number


class Committee(TimeStampedModel):
    """A CPPCC committee (政协全国委员会 or a local one), placed under its parent."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("全国")
        PROVINCIAL = "provincial", _("省级")
        PREFECTURE = "prefecture", _("地市级")
        COUNTY = "county", _("县级")

    # The area as it appears inside the full name: "兰州市城关区" → 政协第十届兰州市城关区委员会.
    name = models.CharField(_("地区名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级委员会"),
    )
    # The colloquial short form used in short names: 全国政协, 省政协, 市政协, 区政协, 县政协.
    short_name = models.CharField(_("简称"), max_length=20)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("政协委员会")
        verbose_name_plural = _("政协委员会")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_committee_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """中国人民政治协商会议兰州市城关区委员会."""
        return f"中国人民政治协商会议{self.name}委员会"

    @property
    def office_name(self) -> str:
        """The issuing office: 政协兰州市城关区委员会办公室."""
        return f"政协{self.name}委员会办公室"


class Term(TimeStampedModel):
    """A term of office (届), numbered within its committee; normally five years."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    is_current = models.BooleanField(_("本届"), default=False)
    # A term entered by mistake is deactivated, never deleted: memberships and proposals refer to it.
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["committee_id", "number"]
        verbose_name = _("届")
        verbose_name_plural = _("届")
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="org_term_unique_number"),
            # At most one current term per committee (the default for new memberships and sessions).
            models.UniqueConstraint(
                fields=["committee"], condition=models.Q(is_current=True), name="org_term_one_current"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=models.F("starts_on")),
                name="org_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """政协第十届兰州市城关区委员会."""
        return f"政协第{chinese_number(self.number)}届{self.committee.name}委员会"

    @property
    def short_name(self) -> str:
        """区政协十届."""
        return f"{self.committee.short_name}{chinese_number(self.number)}届"


class PlenarySession(TimeStampedModel):
    """An annual plenary session (第N次会议) of a term, with its proposal window."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("次数"))
    opens_on = models.DateField(_("开幕日期"))
    closes_on = models.DateField(_("闭幕日期"))
    # Proposals from the window's start to the deadline count as 大会提案; all others are 平时提案
    # (domain.md rule 7).
    proposal_window_starts_at = models.DateTimeField(_("大会提案征集开始"))
    proposal_deadline = models.DateTimeField(_("大会提案截止"))
    # Deactivated rather than deleted: proposals are filed against their session.
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["term_id", "number"]
        verbose_name = _("全体会议")
        verbose_name_plural = _("全体会议")
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="org_plenarysession_unique_number"),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="org_session_closes_after_open"
            ),
            models.CheckConstraint(
                condition=models.Q(proposal_deadline__gt=models.F("proposal_window_starts_at")),
                name="org_session_deadline_after_window_start",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """政协第十届兰州市城关区委员会第一次会议."""
        return f"{self.term.full_name}第{chinese_number(self.number)}次会议"

    @property
    def short_name(self) -> str:
        """区政协十届一次会议."""
        return f"{self.term.short_name}{chinese_number(self.number)}次会议"


class Sector(TimeStampedModel):
    """A sector (界别) as set for one term (domain.md rules 83–85)."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sectors")
    name = models.CharField(_("界别名称"), max_length=40)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["term_id", "position", "id"]
        verbose_name = _("界别")
        verbose_name_plural = _("界别")
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="org_sector_unique_name")]

    def __str__(self) -> str:
        return self.name


class ParticipatingUnit(TimeStampedModel):
    """A participating unit (参加单位): the CPC, a democratic party, 无党派人士, 工商联 or a people's
    organisation."""

    class Kind(models.TextChoices):
        CPC = "cpc", _("中国共产党")
        DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
        NON_PARTY = "non_party", _("无党派人士")
        FEDERATION = "federation", _("工商联")
        PEOPLES_ORGANISATION = "peoples_organisation", _("人民团体")
        OTHER = "other", _("其他")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="participating_units")
    name = models.CharField(_("全称"), max_length=60)
    short_name = models.CharField(_("简称"), max_length=20)
    kind = models.CharField(_("类别"), max_length=24, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["committee_id", "position", "id"]
        verbose_name = _("参加单位")
        verbose_name_plural = _("参加单位")
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="org_participatingunit_unique_name")
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class SpecialCommittee(TimeStampedModel):
    """A special committee (专门委员会), e.g. 提案委员会; configurable per committee (rule 86)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="special_committees")
    name = models.CharField(_("名称"), max_length=40)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["committee_id", "position", "id"]
        verbose_name = _("专门委员会")
        verbose_name_plural = _("专门委员会")
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="org_specialcommittee_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ActivityGroup(TimeStampedModel):
    """A member activity group (委员活动组 / 联络组) of a term, by locality or by sector (rule 87)."""

    class Basis(models.TextChoices):
        LOCALITY = "locality", _("按地域")
        SECTOR = "sector", _("按界别")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="activity_groups")
    name = models.CharField(_("名称"), max_length=40)
    basis = models.CharField(_("划分方式"), max_length=16, choices=Basis.choices, default=Basis.LOCALITY)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["term_id", "position", "id"]
        verbose_name = _("委员活动组")
        verbose_name_plural = _("委员活动组")
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="org_activitygroup_unique_name")]

    def __str__(self) -> str:
        return self.name


class HandlingUnit(TimeStampedModel):
    """A handling unit (承办单位) that receives proposals and replies to them."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("政府部门")
        COURT = "court", _("法院")
        PROCURATORATE = "procuratorate", _("检察院")
        PARTY = "party", _("党委部门")
        OTHER = "other", _("其他单位")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="handling_units")
    name = models.CharField(_("单位名称"), max_length=60)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.GOVERNMENT)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["committee_id", "kind", "name", "id"]
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="org_handlingunit_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class HandlingUnitContact(TimeStampedModel):
    """A contact person at a handling unit (联系人)."""

    unit = models.ForeignKey(HandlingUnit, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=30)
    title = models.CharField(_("职务"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    class Meta:
        ordering = ["unit_id", "-is_primary", "id"]
        verbose_name = _("承办单位联系人")
        verbose_name_plural = _("承办单位联系人")
        constraints = [
            # One primary contact per unit: the one assignment letters are addressed to.
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(is_primary=True), name="org_contact_one_primary"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OfficeDepartment(TimeStampedModel):
    """A department of the committee's office (机关处室): 提案委, 研究室/信息科, 秘书科, 委员工作科 …"""

    class Kind(models.TextChoices):
        PROPOSALS = "proposals", _("提案工作")
        INFORMATION = "information", _("信息/研究")
        SECRETARIAT = "secretariat", _("秘书")
        MEMBER_AFFAIRS = "member_affairs", _("委员工作")
        GENERAL = "general", _("综合")
        OTHER = "other", _("其他")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("名称"), max_length=40)
    kind = models.CharField(_("职能"), max_length=16, choices=Kind.choices)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["committee_id", "id"]
        verbose_name = _("机关处室")
        verbose_name_plural = _("机关处室")
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="org_officedepartment_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class OrgEvent(EventBase):
    """A change to any organisation object of a committee, shown on that object's timeline."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="events")
    # The changed object: its model name ("term", "sector", …) and id.
    entity = models.CharField(_("对象类型"), max_length=32)
    entity_id = models.BigIntegerField(_("对象编号"))

    class Meta(EventBase.Meta):
        verbose_name = _("组织机构变更")
        verbose_name_plural = _("组织机构变更")
        indexes = [models.Index(fields=["entity", "entity_id"], name="org_orgevent_entity")]
        triggers = [append_only()]
