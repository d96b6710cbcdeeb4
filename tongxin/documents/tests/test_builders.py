"""Each builder's content: figures equal to the owning app's statistics, headings, recipients, the
发文字号 with 〔〕, the date form, the letter form and its corner mark."""

from __future__ import annotations

import datetime as dt

from tongxin.documents import queries, services
from tongxin.documents.builders import proposals as builders
from tongxin.documents.builders.wording import percent
from tongxin.gongwen.spec import Attachment, Form, Heading, OfficialDocument, Paragraph, Table
from tongxin.proposals import queries as proposal_queries
from tongxin.proposals.models import Assignment

from .scenario import session_with_proposals

DAY = dt.date(2026, 3, 5)


def text_of(doc: OfficialDocument) -> str:
    parts = [doc.title, doc.recipients, doc.doc_number, doc.note]
    blocks = list(doc.body) + [b for a in doc.attachments for b in a.blocks]
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(block.lead + block.text)
        elif isinstance(block, Heading):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts += ["|".join(row) for row in block.header + block.rows]
    return "\n".join(parts)


def test_percent_is_written_as_the_reports_write_it():
    assert percent(100.0) == "100%"
    assert percent(99.5) == "99.5%"
    assert percent(50) == "50%"
    assert percent(None) == "—"


def test_assignment_notice_numbers_equal_statistics(world):
    s = session_with_proposals(world)
    texts = services.resolved(world.committee)
    data = queries.notice_input(world.zhang_min, world.session, doc_number="政协办发〔2026〕3号", date=DAY)
    doc = builders.assignment_notice(texts, data)
    totals = proposal_queries.statistics(committee_id=world.committee.pk, session_id=world.session.pk)[
        "totals"
    ]
    text = text_of(doc)
    assert doc.title == "关于交办政协第十届兰州市城关区委员会第五次会议提案的通知"
    assert doc.issuer_mark == "政协兰州市城关区委员会办公室文件"
    assert doc.recipients == "各提案承办单位"
    assert doc.doc_number == "政协办发〔2026〕3号"
    assert f"共收到提案{totals['received']}件，经审查，立案{totals['filed_after_merge']}件" in text
    assert totals["received"] == 5
    assert totals["filed_after_merge"] == 3
    assert f"已交办{totals['assigned']}件" in text
    assert totals["assigned"] == 2
    assert f"其中由主办单位牵头、会办单位配合办理的{totals['with_co_units']}件" in text
    assert f"共涉及承办单位{totals['units']}个" in text
    assert totals["units"] == 2
    assert "交办之日起3个月内" in text
    assert doc.signature is not None
    assert doc.signature.date == DAY
    assert doc.cc == [
        "中共兰州市城关区委员会办公室",
        "兰州市城关区人民政府办公室",
        "兰州市城关区人民政府督查室",
    ]
    [attachment] = doc.attachments
    assert isinstance(attachment, Attachment)
    assert attachment.title == "政协第十届兰州市城关区委员会第五次会议提案交办清单"
    [table] = attachment.blocks
    assert isinstance(table, Table)
    assert table.header == [["提案号", "案由", "提案者", "主办单位", "会办单位", "办理时限"]]
    assert len(table.rows) == 2
    numbers = {row[0] for row in table.rows}
    assert numbers == {"第0001号", "第0002号"}
    assert all(row[3] == world.unit.name and row[4] == s.cast.co_unit.name for row in table.rows)
    # Requirements: numbered lead sentences, the classes written out.
    leads = [b.lead for b in doc.body if isinstance(b, Paragraph) and b.lead]
    assert leads[0] == "一、高度重视，加强领导。"
    assert "A类为已解决或采纳的" in text


def test_reply_letter_is_a_prefilled_letter_with_the_class_as_corner_mark(world):
    s = session_with_proposals(world)
    texts = services.resolved(world.committee)
    lead = s.assignment(s.handling, world.unit)
    data = queries.reply_input(
        lead, agency_code=texts.agency_code("reply_letter", unit_short="区交通局"), date=DAY
    )
    doc = builders.reply_letter(texts, data)
    assert doc.form == Form.LETTER
    assert doc.corner_mark == "□"  # not chosen yet
    assert doc.issuer_mark == world.unit.name
    assert doc.doc_number == "区交通局函〔2026〕　号"
    assert doc.recipients == "王伟、李娜委员"
    number = s.handling.number
    assert doc.title == f"关于政协第十届兰州市城关区委员会第五次会议第{number}号提案的答复"
    opening = doc.body[0]
    assert isinstance(opening, Paragraph)
    assert opening.text == f"您提出的《{s.handling.title}》（第{number}号）收悉。经认真研究，现答复如下："
    assert [b.level for b in doc.body if isinstance(b, Heading)] == [1, 1]
    assert isinstance(doc.body[-2], Paragraph)
    assert doc.body[-2].text.startswith("感谢您")
    assert isinstance(doc.body[-1], Paragraph)
    assert doc.body[-1].text == "公开属性：主动公开□　依申请公开□　不予公开□"
    assert doc.signature is not None
    assert doc.signature.issuer == world.unit.name
    assert doc.cc == ["政协兰州市城关区委员会提案委员会", "兰州市城关区人民政府督查室"]
    assert doc.note.startswith("联系人：")

    # Once replied, the class chosen is the corner mark and the reply text is in the body.
    replied = s.assignment(s.closed, world.unit)
    data = queries.reply_input(replied, agency_code="区交通局函", date=DAY)
    doc = builders.reply_letter(texts, data)
    assert doc.corner_mark == "A"
    assert "经研究，已安排在主要街道统一设置指示牌。" in text_of(doc)
    assert "联系人：李科长" in doc.note
    assert "公开属性：公开" in text_of(doc)


def test_co_unit_gets_the_co_opinion_form_addressed_to_the_lead(world):
    s = session_with_proposals(world)
    texts = services.resolved(world.committee)
    co = Assignment.objects.get(proposal=s.handling, role="co", is_active=True)
    doc = builders.reply_letter(texts, queries.reply_input(co, agency_code="住建函", date=DAY))
    assert doc.title.endswith("号提案的会办意见")
    assert doc.recipients == world.unit.name
    assert doc.cc == []
    assert "现提出会办意见如下" in text_of(doc)


def test_proposal_circular_figures_are_the_statistics(world):
    session_with_proposals(world)
    texts = services.resolved(world.committee)
    data = queries.circular_input(
        world.committee.pk, {"session": world.session.pk}, doc_number="政协提发〔2026〕1号", date=DAY
    )
    doc = builders.proposal_circular(texts, data)
    stats = proposal_queries.statistics(committee_id=world.committee.pk, session_id=world.session.pk)
    t = stats["totals"]
    text = text_of(doc)
    assert doc.title == "关于十届五次会议提案办理情况的通报"
    assert [b.text for b in doc.body if isinstance(b, Heading)] == [
        "提案提交和立案情况",
        "提案交办和答复情况",
        "办理结果分类情况",
        "委员评价情况",
    ]
    assert f"十届五次会议共收到提案{t['received']}件，经审查立案{t['filed']}件" in text
    assert f"已答复{t['replied']}件，答复率{percent(t['reply_rate'])}" in text
    assert f"办结{t['closed']}件，办结率{percent(t['close_rate'])}" in text
    assert "A类（已解决或采纳的）1件，占100%" in text
    assert f"对办理结果满意和基本满意的占{percent(t['result_satisfaction_rate'])}" in text
    [table] = doc.attachments[0].blocks
    assert isinstance(table, Table)
    assert [r[0] for r in table.rows] == [u["group_name"] for u in stats["by_unit"]]
    assert [r[1] for r in table.rows] == [str(u["assigned"]) for u in stats["by_unit"]]


def test_compilation_has_every_filed_proposal_and_reports_progress(world):
    session_with_proposals(world)
    items = queries.compilation_items(world.committee.pk, world.session.pk)
    seen: list[tuple[int, int]] = []
    doc = builders.compilation(
        session_full=world.session.full_name,
        editor="政协兰州市城关区委员会提案委员会",
        items=items,
        date=DAY,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(items) == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]
    text = text_of(doc)
    assert "第0001号" in text
    assert "经研究，已安排在主要街道统一设置指示牌。" in text
    assert doc.title == "政协第十届兰州市城关区委员会第五次会议提案汇编"
