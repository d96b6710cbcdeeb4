"""Opinion, duty and work-report documents: their figures are the owning apps' statistics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tongxin.documents import queries, services
from tongxin.documents.builders import duties as duty_builders
from tongxin.documents.builders import opinions as opinion_builders
from tongxin.documents.builders.wording import score
from tongxin.duties import queries as duty_queries
from tongxin.duties.kinds import DutyKind as K
from tongxin.duties.tests.conftest import membership_of
from tongxin.gongwen.spec import Heading, Table
from tongxin.opinions import queries as opinion_queries
from tongxin.opinions.models import BulletinIssue
from tongxin.opinions.tests.factories import sent, submitted, today

from .scenario import session_with_proposals
from .test_builders import DAY, text_of


def test_bulletin_issue_prints_the_edited_reports_and_recipients(world):
    report = sent(submitted(world.wang_wei), world.liu_yang)
    issue = BulletinIssue.objects.get(pk=report.issue_id)
    data = queries.bulletin_input(issue, editor="政协兰州市城关区委员会办公室", date=DAY)
    doc = opinion_builders.bulletin_issue(data)
    assert doc.issuer_mark == issue.bulletin_type.name.strip("《》")
    assert doc.doc_number == f"{issue.year}年第{issue.number}期"
    assert [b.text for b in doc.body if isinstance(b, Heading)] == [report.title]
    text = text_of(doc)
    assert "审批涉及规划、住建、市场监管等多个部门" in text
    assert "（反映人：王伟" in text
    assert doc.cc == ["党委", "上级政协"]
    assert doc.print_date == issue.sent_on


def test_opinion_circular_figures_are_the_statistics(world):
    sent(submitted(world.wang_wei), world.liu_yang)
    submitted(world.li_na)
    year = today().year
    data = queries.opinion_circular_input(
        world.committee.pk, year, doc_number="政协办发〔2026〕2号", date=DAY
    )
    doc = opinion_builders.opinion_circular(services.resolved(world.committee), data)
    t = opinion_queries.statistics(committee_id=world.committee.pk, year=year)["totals"]
    text = text_of(doc)
    assert doc.title == f"关于{year}年度社情民意信息采纳情况的通报"
    assert f"{year}年共收到社情民意信息{t['received']}篇" in text
    assert t["received"] == 2
    assert f"刊发信息{t['edited']}篇" in text
    assert t["edited"] == 1
    authors = next(a for a in doc.attachments if "委员个人" in a.title)
    [table] = authors.blocks
    assert isinstance(table, Table)
    assert [row[:2] for row in table.rows] == [["1", "王伟"], ["2", "李娜"]]


def test_duty_circular_and_report(world, record):
    wang, li = membership_of(world.wang_wei), membership_of(world.li_na)
    record(wang, K.RESEARCH, on=dt.date(2026, 4, 2))
    record(wang, K.MEETING_ATTENDED, meeting_kind="plenary", on=dt.date(2026, 1, 12))
    record(li, K.RESEARCH, on=dt.date(2026, 5, 6))
    texts = services.resolved(world.committee)
    data = queries.duty_circular_input(world.committee.pk, 2026, doc_number="政协办发〔2026〕9号", date=DAY)
    doc = duty_builders.duty_circular(texts, data)
    scores = list(duty_queries.scores_for(world.committee.pk, 2026))
    totals = [s.total for s in scores]
    text = text_of(doc)
    assert doc.title == "关于2026年度委员履职考核得分情况的通报"
    assert f"参加履职考核的委员共{len(scores)}名" in text
    assert f"平均得分{score(sum(totals, Decimal(0)) / len(totals))}分" in text
    [table] = doc.attachments[0].blocks
    assert isinstance(table, Table)
    assert [row[1] for row in table.rows] == [s.membership.person.name for s in scores]
    assert table.rows[0][4] == score(scores[0].total)

    report = duty_builders.duty_report(queries.duty_report_input(wang, 2026, date=DAY))
    text = text_of(report)
    assert report.title == "王伟委员2026年度履职报告"
    assert "参加调研视察1次" in text
    assert "出席会议活动1次" in text
    explanation = duty_queries.explanation(wang, 2026)
    assert f"履职考核得分{score(explanation['total'])}分" in text
    assert report.signature is not None
    assert report.signature.issuer == "王伟"
    assert not report.signature.sealed
    [events] = report.attachments[0].blocks
    assert isinstance(events, Table)
    assert [row[0] for row in events.rows] == ["1月12日", "4月2日"]


def test_work_report_figures_are_written_as_the_seeds_write_them(world):
    session_with_proposals(world)
    sections = dict(queries.work_report_figures(world.committee.pk, 2026))
    [line] = sections["提案工作"]
    assert line == "十届五次会议共收到提案5件，审查立案3件，答复率50%，办结率50%。"
