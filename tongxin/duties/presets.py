"""Scoring and checklist presets, transcribed from domain.md §4.2 (Tables A, C, D, E) and rule 53.

A preset is copied into a committee's rule set for a year; the office then edits the copy. Event
conventions the rules match on (the sources write them; see kinds.py):
  meetings   attributes.meeting_kind = plenary / standing / chairs / … ; .sittings (attended);
             .full (attended every sitting); .offsite (training away from home)
  proposals  role = first_proposer / co_signer / collective; attributes.signers (people on it)
  opinions   attributes.level = committee / city / provincial / national (who adopted it)
  speeches   attributes.mode = written / oral; .meeting_kind
  commendations  attributes.level = national / provincial / prefecture / county
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .kinds import DutyKind as K


@dataclass(frozen=True)
class R:
    group: str
    label: str
    kind: str
    points: str
    roles: tuple[str, ...] = ()
    conditions: dict[str, Any] = field(default_factory=dict)
    member_conditions: dict[str, Any] = field(default_factory=dict)
    multiply_by: str = ""
    split: str = ""
    once: bool = False
    skip_first: int = 0


@dataclass(frozen=True)
class Preset:
    name: str | Promise
    source: str
    base: str
    groups: dict[str, dict[str, Any]]
    rules: tuple[R, ...]
    bands: tuple[tuple[str | None, str, str], ...]
    min_score: str | None = None
    max_score: str | None = None


PLENARY = {"meeting_kind": "plenary"}
STANDING = {"meeting_kind": "standing"}
OTHER_MEETINGS = [
    "chairs",
    "secretaries",
    "special_committee",
    "thematic",
    "bimonthly",
    "training",
    "group",
    "studio",
]
CONSULTATIONS = ["plenary", "standing", "thematic", "bimonthly"]

# 安庆 (Table B) bands, with 济南's consequence for the bottom band and 清丰's commendation on top.
BANDS_ANQING: tuple[tuple[str | None, str, str], ...] = (
    ("90", "优秀", "commend"),
    ("80", "良好", ""),
    ("60", "称职", ""),
    (None, "不称职", "talk_sector"),
)

_TONGCHENG_RULES: tuple[R, ...] = (
    R("plenary", "出席全体会议", K.MEETING_ATTENDED, "50", conditions=PLENARY),
    R("plenary", "全体会议请假获准", K.MEETING_LEAVE, "30", conditions=PLENARY),
    R(
        "standing",
        "常委请假（常委会议）",
        K.MEETING_LEAVE,
        "-2",
        conditions=STANDING,
        member_conditions={"is_standing": True},
    ),
    R(
        "standing",
        "常委无故缺席（常委会议）",
        K.MEETING_ABSENT,
        "-5",
        conditions=STANDING,
        member_conditions={"is_standing": True},
    ),
    R("proposals", "提交提案", K.PROPOSAL_SUBMITTED, "10", split="first_half"),
    R("proposals", "提案立案", K.PROPOSAL_FILED, "15", split="first_half"),
    R("activities", "参加调研视察", K.RESEARCH, "2"),
    R(
        "activities",
        "参加座谈、培训等活动",
        K.MEETING_ATTENDED,
        "2",
        conditions={"meeting_kind": OTHER_MEETINGS},
    ),
    R(
        "activities",
        "书面发言（全会、常委会、协商会）",
        K.SPEECH,
        "5",
        conditions={"mode": "written", "meeting_kind": CONSULTATIONS},
    ),
    R("activities", "会议发言", K.SPEECH, "2", conditions={"mode": "oral"}),
    R("opinions", "报送社情民意信息", K.OPINION_SUBMITTED, "10"),
    R("opinions", "社情民意信息被采用", K.OPINION_ADOPTED, "5"),
)
_TONGCHENG_GROUPS: dict[str, dict[str, Any]] = {
    "plenary": {"label": "全体会议", "cap": 50},
    "standing": {"label": "常委会议"},
    "proposals": {"label": "提案", "cap": 25},
    "activities": {"label": "活动", "cap": 10},
    "opinions": {"label": "社情民意", "cap": 15},
}

PRESETS: dict[str, Preset] = {
    # Table A, 桐城市政协 2019 (S55): 100-point scale, pass at 60.
    "tongcheng": Preset(
        name=_("桐城市政协（2019）"),
        source="domain.md §4.2 Table A (S55)",
        base="0",
        groups=_TONGCHENG_GROUPS,
        rules=_TONGCHENG_RULES,
        bands=(("60", "称职", ""), (None, "不称职", "talk_sector")),
    ),
    # Table C, 济南市政协 2015 (S57): 70 base + up to 50 bonus = 120; 85 优秀, 60 称职, below → 约谈.
    "jinan": Preset(
        name=_("济南市政协（2015）"),
        source="domain.md §4.2 Table C (S57)",
        base="70",
        max_score="120",
        groups={
            "plenary": {"label": "全体会议"},
            "proposals": {"label": "提案"},
            "welfare": {"label": "公益活动", "cap": 10},
        },
        rules=(
            R("plenary", "未经批准缺席全体会议", K.MEETING_ABSENT, "-30", conditions=PLENARY),
            R("plenary", "请假缺席全体会议", K.MEETING_LEAVE, "-10", conditions=PLENARY),
            R(
                "proposals",
                "第一提案人立案提案（第二件起）",
                K.PROPOSAL_FILED,
                "5",
                roles=("first_proposer",),
                skip_first=1,
            ),
            R("proposals", "重点提案", K.PROPOSAL_KEY, "5"),
            R("proposals", "优秀提案", K.PROPOSAL_EXCELLENT, "10"),
            R("welfare", "以委员身份参加公益活动（办实事）", K.PRACTICAL_DEED, "2"),
            R("welfare", "以委员身份参加公益活动（联系群众）", K.CONTACT_MASSES, "2"),
        ),
        bands=(("85", "优秀", ""), ("60", "称职", ""), (None, "不称职", "talk_sector")),
    ),
    # Table D, 上海闵行区政协 积分管理细则 (S61): per-event points, no base; opinion reports and
    # speeches are truncated in the source, so the office adds them.
    "minhang": Preset(
        name=_("上海闵行区政协积分管理细则"),
        source="domain.md §4.2 Table D (S61)",
        base="0",
        groups={
            "plenary": {"label": "全体会议"},
            "meetings": {"label": "会议和活动"},
            "training": {"label": "外出培训"},
            "proposals": {"label": "提案"},
        },
        rules=(
            R(
                "plenary",
                "全体会议（每半天）",
                K.MEETING_ATTENDED,
                "5",
                conditions=PLENARY,
                multiply_by="sittings",
            ),
            R(
                "meetings",
                "其他会议和活动",
                K.MEETING_ATTENDED,
                "5",
                conditions={"meeting_kind": ["standing", *OTHER_MEETINGS], "offsite": [False, None]},
            ),
            R("meetings", "视察、调研", K.RESEARCH, "5"),
            R(
                "training",
                "外出培训（全程）",
                K.MEETING_ATTENDED,
                "10",
                conditions={"meeting_kind": "training", "offsite": True, "full": True},
            ),
            R(
                "training",
                "外出培训（部分）",
                K.MEETING_ATTENDED,
                "5",
                conditions={"meeting_kind": "training", "offsite": True, "full": False},
            ),
            R(
                "proposals",
                "提案基础分（个人或领衔）",
                K.PROPOSAL_FILED,
                "15",
                roles=("first_proposer",),
                once=True,
            ),
            R("proposals", "提案基础分（直接参与）", K.PROPOSAL_FILED, "3", roles=("co_signer",), once=True),
            R("proposals", "重点提案（领衔）", K.PROPOSAL_KEY, "15", roles=("first_proposer",)),
            R("proposals", "重点提案（参与）", K.PROPOSAL_KEY, "3", roles=("co_signer",)),
            R("proposals", "优秀提案（领衔）", K.PROPOSAL_EXCELLENT, "10", roles=("first_proposer",)),
            R("proposals", "优秀提案（参与）", K.PROPOSAL_EXCELLENT, "2", roles=("co_signer",)),
        ),
        bands=BANDS_ANQING,
    ),
    # Table E, 合肥市政协 2015 (S60): "基础分为85分" plus the items; "满2次计30分" read as 15 per
    # activity up to 30. S60's "unadopted report +1" needs to know a report was never adopted, which
    # no event says at submission; the office adds it by hand if it wants it.
    "hefei": Preset(
        name=_("合肥市政协（2015）"),
        source="domain.md §4.2 Table E (S60)",
        base="85",
        groups={
            "plenary": {"label": "全体会议"},
            "standing": {"label": "常委会议"},
            "activities": {"label": "活动", "cap": 30},
            "proposals_first": {"label": "首件立案提案"},
            "proposals_extra": {"label": "增加立案提案", "cap": 20},
            "excellent": {"label": "优秀提案"},
            "opinions_first": {"label": "信息被本级采用"},
            "opinions_extra": {"label": "增加采用信息", "cap": 20},
            "opinions_higher": {"label": "信息被上级采用"},
            "absences": {"label": "缺席扣分"},
        },
        rules=(
            R("plenary", "全体会议全勤（委员）", K.MEETING_ATTENDED, "30", conditions=PLENARY),
            R(
                "standing",
                "常委出席常委会议",
                K.MEETING_ATTENDED,
                "30",
                conditions=STANDING,
                member_conditions={"is_standing": True},
                once=True,
            ),
            R("activities", "参加调研视察", K.RESEARCH, "15"),
            R(
                "activities",
                "参加讲座、培训、座谈等",
                K.MEETING_ATTENDED,
                "15",
                conditions={"meeting_kind": OTHER_MEETINGS},
            ),
            R(
                "proposals_first",
                "首件立案提案（个人）",
                K.PROPOSAL_FILED,
                "15",
                roles=("first_proposer",),
                conditions={"signers": [1, None]},
                once=True,
            ),
            R(
                "proposals_first",
                "首件立案提案（联名领衔）",
                K.PROPOSAL_FILED,
                "10",
                roles=("first_proposer",),
                conditions={"signers__gte": 2},
                once=True,
            ),
            R(
                "proposals_first",
                "首件立案提案（联名附议）",
                K.PROPOSAL_FILED,
                "5",
                roles=("co_signer",),
                once=True,
            ),
            R(
                "proposals_extra",
                "每增加一件立案提案",
                K.PROPOSAL_FILED,
                "5",
                roles=("first_proposer",),
                skip_first=1,
            ),
            R("excellent", "优秀提案（附议者不计）", K.PROPOSAL_EXCELLENT, "8", roles=("first_proposer",)),
            R(
                "opinions_first",
                "信息被本级专报采用",
                K.OPINION_ADOPTED,
                "10",
                conditions={"level": "committee"},
                once=True,
            ),
            R(
                "opinions_extra",
                "每增加一篇被采用信息",
                K.OPINION_ADOPTED,
                "3",
                conditions={"level": "committee"},
                skip_first=1,
            ),
            R(
                "opinions_higher",
                "信息被上级政协采用",
                K.OPINION_ADOPTED,
                "6",
                conditions={"level": ["provincial", "national"]},
            ),
            R(
                "absences",
                "委员无故缺席全体会议",
                K.MEETING_ABSENT,
                "-10",
                conditions=PLENARY,
                member_conditions={"is_standing": [False, None]},
            ),
            R(
                "absences",
                "常委无故缺席全体会议或常委会议",
                K.MEETING_ABSENT,
                "-4",
                conditions={"meeting_kind": ["plenary", "standing"]},
                member_conditions={"is_standing": True},
            ),
        ),
        bands=BANDS_ANQING,
    ),
    # The default: 桐城's 100-point table with manual duties among the activities, 广水's
    # commendation bonus (Table G: national 10 / provincial 8 / prefecture 6 / county 4, within 10)
    # and 安庆's bands.
    "default": Preset(
        name=_("默认（百分制）"),
        source="domain.md §4.2 Tables A, B, G",
        base="0",
        max_score="100",
        groups={**_TONGCHENG_GROUPS, "bonus": {"label": "加分", "cap": 10}},
        rules=(
            *_TONGCHENG_RULES,
            R("activities", "联系群众", K.CONTACT_MASSES, "2"),
            R("activities", "为群众办实事", K.PRACTICAL_DEED, "2"),
            R("activities", "向活动组述职", K.GROUP_REPORT, "2"),
            R("bonus", "受到全国表彰", K.COMMENDATION, "10", conditions={"level": "national"}),
            R("bonus", "受到省级表彰", K.COMMENDATION, "8", conditions={"level": "provincial"}),
            R("bonus", "受到市级表彰", K.COMMENDATION, "6", conditions={"level": "prefecture"}),
            R("bonus", "受到县级表彰", K.COMMENDATION, "4", conditions={"level": "county"}),
        ),
        bands=BANDS_ANQING,
    ),
}
DEFAULT_PRESET = "default"


@dataclass(frozen=True)
class C:
    code: str
    label: str
    kinds: tuple[str, ...]
    conditions: dict[str, Any] = field(default_factory=dict)
    threshold: int = 1


CHECKLIST_PRESETS: dict[str, tuple[str | Promise, tuple[C, ...]]] = {
    # The seeds' "六个一" (rule 53: no public source for the bundle; each element has one).
    "six": (
        _("六个一"),
        (
            C("research", "参加一次调研视察", (K.RESEARCH,)),
            C("proposal", "提交一件提案", (K.PROPOSAL_SUBMITTED,)),
            C("opinion", "反映一条社情民意", (K.OPINION_SUBMITTED,)),
            C("household", "联系一户群众", (K.CONTACT_MASSES,)),
            C("deed", "为群众办一件实事", (K.PRACTICAL_DEED,)),
            C("group_report", "向活动组述职一次", (K.GROUP_REPORT,)),
        ),
    ),
    # 济南 "三个一" (S57).
    "three": (
        _("三个一（济南）"),
        (
            C("plenary", "参加一次全体会议", (K.MEETING_ATTENDED,), {"meeting_kind": "plenary"}),
            C(
                "proposal_or_opinion",
                "提交一件提案或反映一条社情民意",
                (K.PROPOSAL_SUBMITTED, K.OPINION_SUBMITTED),
            ),
            C("research", "参加一次视察、调研等活动", (K.RESEARCH,)),
        ),
    ),
    # 通山 / 宁陕 "五个一" (S66a, S66b).
    "five": (
        _("五个一（通山）"),
        (
            C("proposal", "提一件高质量的提案", (K.PROPOSAL_SUBMITTED,)),
            C("opinion", "反映一条有价值的社情民意", (K.OPINION_SUBMITTED,)),
            C("research", "参加一次调研视察活动", (K.RESEARCH,)),
            C("research_report", "撰写一篇调研报告", (K.RESEARCH_REPORT,)),
            C("deed", "为群众办一件实事好事", (K.PRACTICAL_DEED,)),
        ),
    ),
}
DEFAULT_CHECKLIST = "six"


def decimal_or_none(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
