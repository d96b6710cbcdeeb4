"""Documents the tests render: a long 文件格式 notice and a 信函格式 reply letter."""

from __future__ import annotations

import datetime as dt

from tongxin.gongwen.spec import (
    Attachment,
    Form,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
    doc_number,
)

# Plain hanzi without punctuation, so that every full line holds exactly the grid's 28 characters.
FILLER = (
    "各承办单位要把提案办理工作摆上重要议事日程主要负责同志亲自抓分管负责同志具体抓明确承办科室和具体"
    "承办人员建立健全责任明确运转顺畅的工作机制加强与提案者的沟通联系做到办理前主动联系办理中及时沟通"
    "答复前征求意见切实提高提案办理质量和实效推动一批事关全区经济社会发展和群众切身利益的问题得到解决"
)


def filler(chars: int, offset: int = 0) -> str:
    text = FILLER * (chars // len(FILLER) + 2)
    return text[offset : offset + chars]


def long_notice() -> OfficialDocument:
    """A 交办通知-like document: several pages of body text, headings, a table, two attachments."""
    body = [
        Paragraph("为做好政协第十五届委员会第四次会议提案办理工作，现将有关事项通知如下。"),
        Heading(1, "总体要求"),
        Paragraph(filler(300)),
        Heading(2, "提高思想认识"),
        Paragraph(filler(400, 5)),
        Heading(2, "落实办理责任"),
        Heading(3, "明确承办科室"),
        Heading(4, "主办单位"),
        Heading(4, "会办单位"),
        Heading(3, "规范办理程序"),
        Paragraph(filler(600, 11), lead="（一）加强沟通协商。"),
        Heading(1, "办理时限"),
        Heading(2, "按时答复"),
        Paragraph(filler(900, 17)),
        Table(
            header=[["序号", "承办单位", "主办件数", "会办件数"]],
            rows=[[str(i), f"区第{i}局", str(10 + i), str(3 * i)] for i in range(1, 9)],
            caption="各单位承办提案数",
            column_widths_mm=[20, 76, 30, 30],
        ),
        Heading(1, "工作要求"),
        Paragraph(filler(700, 23)),
    ]
    return OfficialDocument(
        title="政协兰州市城关区委员会办公室\n关于交办区政协十五届四次会议提案的通知",
        body=body,
        issuer_mark="政协兰州市城关区委员会办公室文件",
        doc_number=doc_number("城政协办发", 2026, 3),
        copy_number="000123",
        recipients="区政府各部门，各街道办事处",
        attachments=[
            Attachment("提案交办清单", [Paragraph(filler(200, 3))]),
            Attachment("承办单位联系人名单。", [Paragraph(filler(100, 7))]),
        ],
        signature=Signature("政协兰州市城关区委员会办公室", dt.date(2026, 1, 5)),
        note="此件公开发布",
        cc=["区委办公室", "区人大常委会办公室", "区政府办公室"],
        printer="政协兰州市城关区委员会办公室",
        print_date=dt.date(2026, 1, 5),
        subject="提案交办",
        author="政协兰州市城关区委员会办公室",
    )


def reply_letter() -> OfficialDocument:
    """A 提案答复函 in 信函格式 with the result class "A" at the top right of the first page."""
    body = [
        Paragraph("您提出的《关于加强农村互助养老服务的提案》（第12号）收悉。经认真研究，现答复如下："),
        Heading(1, "基本情况"),
        Paragraph(filler(500)),
        Heading(1, "下一步工作"),
        Heading(2, "加大投入"),
        Paragraph(filler(600, 9)),
        Paragraph("感谢您对民政工作的关心和支持。"),
    ]
    return OfficialDocument(
        title="关于区政协十五届四次会议第12号提案的答复",
        body=body,
        form=Form.LETTER,
        issuer_mark="兰州市城关区民政局",
        doc_number=doc_number("城民函", 2026, 12),
        recipients="王伟委员",
        signature=Signature("兰州市城关区民政局", dt.date(2026, 5, 20)),
        note="联系人：李娜，电话：0931-8888888",
        cc=["政协兰州市城关区委员会提案委员会", "区政府督查室"],
        corner_mark="A",
        subject="提案答复",
        author="兰州市城关区民政局",
    )
