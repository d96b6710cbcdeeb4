"""The kinds of duty event the platform records (domain.md §4.1 rule 49: what a 履职档案 holds).

Scoring rules (per committee and year) match on `kind`, the member's `role` in it and the event's
`attributes` (level of adoption, level of instruction, kind of meeting, …). The conventions the
presets match on (duties/presets.py):
  meetings      attributes.meeting_kind (plenary, standing, chairs, …), .sittings, .full, .offsite
  proposals     role = first_proposer / co_signer / collective; attributes.signers
  opinions      attributes.level = committee / city / provincial / national
  speeches      attributes.mode = written / oral; attributes.meeting_kind
  commendations attributes.level = national / provincial / prefecture / county
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyKind(models.TextChoices):
    PROPOSAL_SUBMITTED = "proposal_submitted", _("提交提案")
    PROPOSAL_FILED = "proposal_filed", _("提案立案")
    PROPOSAL_KEY = "proposal_key", _("重点提案")
    PROPOSAL_EXCELLENT = "proposal_excellent", _("优秀提案")
    OPINION_SUBMITTED = "opinion_submitted", _("报送社情民意信息")
    OPINION_ADOPTED = "opinion_adopted", _("社情民意信息被采用")
    OPINION_INSTRUCTED = "opinion_instructed", _("社情民意信息获领导批示")
    MEETING_ATTENDED = "meeting_attended", _("出席会议活动")
    MEETING_LEAVE = "meeting_leave", _("请假")
    MEETING_ABSENT = "meeting_absent", _("缺席")
    MEETING_LATE = "meeting_late", _("迟到或早退")
    SPEECH = "speech", _("会议发言")
    RESEARCH = "research", _("参加调研视察")
    RESEARCH_REPORT = "research_report", _("调研视察报告")
    MANUSCRIPT = "manuscript", _("文史资料稿件")
    CONTACT_MASSES = "contact_masses", _("联系群众")
    PRACTICAL_DEED = "practical_deed", _("为群众办实事")
    GROUP_REPORT = "group_report", _("向活动组述职")
    COMMENDATION = "commendation", _("受到表彰")
    OTHER = "other", _("其他履职")
