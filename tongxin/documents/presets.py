"""The document families the office issues and the common wording of each (ecosystem.md §a.4).

Every value here is a default: a committee overrides it in its `DocumentSettings`. Placeholders are
Python format fields, filled by the builders from the records ({session}, {deadline}, {unit_short}…).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Family(models.TextChoices):
    """A kind of document with its own 机关代字 and running serial per year."""

    ASSIGNMENT_NOTICE = "assignment_notice", _("提案交办通知")
    REPLY_LETTER = "reply_letter", _("提案答复函")
    PROPOSAL_CIRCULAR = "proposal_circular", _("提案办理情况通报")
    OPINION_CIRCULAR = "opinion_circular", _("社情民意信息采纳情况通报")
    DUTY_CIRCULAR = "duty_circular", _("委员履职考核得分通报")


# Families whose number the office allocates when a document is issued. The reply letter is
# numbered by the handling unit in its own register; its pattern only pre-fills the skeleton.
NUMBERED_FAMILIES = (
    Family.ASSIGNMENT_NOTICE,
    Family.PROPOSAL_CIRCULAR,
    Family.OPINION_CIRCULAR,
    Family.DUTY_CIRCULAR,
)

# 机关代字 per family. {unit_short} is the handling unit's short name (答复函 are the unit's own).
AGENCY_CODES: dict[str, str] = {
    Family.ASSIGNMENT_NOTICE: "政协办发",
    Family.REPLY_LETTER: "{unit_short}函",
    Family.PROPOSAL_CIRCULAR: "政协提发",
    Family.OPINION_CIRCULAR: "政协办发",
    Family.DUTY_CIRCULAR: "政协办发",
}

# 发文机关标志, 署名, 主送 and 抄送 texts. {office} is the committee's office (政协××委员会办公室),
# {committee} its name as in the full forms (政协××委员会), {area} the area (兰州市城关区),
# {proposal_committee} its 提案委员会.
ISSUERS: dict[str, str] = {
    "office_mark": "{committee}办公室文件",
    "proposal_committee_mark": "{committee}提案委员会文件",
    "office_signature": "{committee}办公室",
    "proposal_committee_signature": "{committee}提案委员会",
    "government_office": "{area}人民政府办公室",
    "government_supervision": "{area}人民政府督查室",
    "printer": "{committee}办公室",
}

RECIPIENTS: dict[str, str] = {
    Family.ASSIGNMENT_NOTICE: "各提案承办单位",
    Family.PROPOSAL_CIRCULAR: "各提案承办单位，各参加单位，各位委员",
    Family.OPINION_CIRCULAR: "各参加单位，各专门委员会，各委员活动组，各位委员",
    Family.DUTY_CIRCULAR: "各参加单位，各专门委员会，各委员活动组，各位委员",
}

CC: dict[str, list[str]] = {
    Family.ASSIGNMENT_NOTICE: ["中共{area}委员会办公室", "{area}人民政府办公室", "{area}人民政府督查室"],
    Family.REPLY_LETTER: ["{committee}提案委员会", "{area}人民政府督查室"],
    Family.PROPOSAL_CIRCULAR: ["中共{area}委员会办公室", "{area}人民政府办公室"],
    Family.OPINION_CIRCULAR: ["中共{area}委员会办公室", "{area}人民政府办公室"],
    Family.DUTY_CIRCULAR: ["中共{area}委员会办公室", "中共{area}委员会统战部"],
}

# Wording templates: requirement paragraphs of the 交办通知, the reply letter's opening and thanks,
# the circulars' opening and closing.
WORDING: dict[str, str] = {
    "notice_opening": (
        "{session}共收到提案{received}件，经审查，立案{filed}件。现将立案提案交由你们办理，"
        "请按照提案办理工作的有关规定认真办理。"
    ),
    "notice_requirements": "\n".join(
        [
            "高度重视，加强领导。各承办单位要把提案办理工作列入重要议事日程，主要负责同志亲自抓，"
            "分管负责同志具体抓，明确专人负责，确保件件有着落、事事有回音。",
            "主动沟通，注重实效。办理前、办理中、办理后要主动与提案者联系沟通，"
            "对所提问题能够解决的要抓紧解决，一时难以解决的要列入计划逐步解决，"
            "确因条件限制不能解决的要实事求是说明原因。",
            "按时答复，规范办理。请在{deadline}办复完毕。答复函须由单位负责同志审签，加盖公章，"
            "在右上角标注办理结果分类（{classes}），注明联系人及联系电话；会办单位应在规定时限内"
            "将会办意见函告主办单位。",
            "答复件报送。答复函在寄送提案者的同时，抄送{proposal_committee}和{area}人民政府督查室。",
        ]
    ),
    "reply_opening": "您提出的《{title}》（第{number}号）收悉。经认真研究，现答复如下：",
    "co_opinion_opening": "{session}第{number}号提案《{title}》已收悉。经认真研究，现提出会办意见如下：",
    "reply_thanks": "感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见和建议。",
    "circular_opening": ("为总结提案办理工作经验，进一步提高提案办理质量，现将{scope}提案办理情况通报如下。"),
    "circular_closing": (
        "希望各承办单位认真总结经验，针对存在的问题改进工作，进一步提高提案办理质量，推动提案工作高质量发展。"
    ),
    "opinion_circular_opening": "现将{year}年度社情民意信息报送和采纳情况通报如下。",
    "opinion_circular_closing": (
        "希望各参加单位和广大政协委员坚持一事一报，围绕中心、服务大局，积极反映社情民意，"
        "不断提高社情民意信息的质量和时效。"
    ),
    "duty_circular_opening": ("根据委员履职考核办法，现将{year}年度委员履职考核得分情况通报如下。"),
    "duty_circular_closing": "希望广大委员认真履职尽责，积极参加政协各项活动，不断提高履职能力和水平。",
}
