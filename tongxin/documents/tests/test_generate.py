"""End to end through tongxin.files (ImmediateBackend): the API asks, the task makes a .docx that
python-docx opens, the download has the figures; and the numbers in the generated 通报 are the
proposals API's and the dashboard's for the same data."""

from __future__ import annotations

import io
from typing import Any

import docx
from django.utils import timezone

from tongxin.dashboards import queries as dashboard_queries
from tongxin.documents.builders.wording import percent
from tongxin.documents.models import DocumentSerial, IssuedDocument
from tongxin.files.models import GeneratedFile

from .scenario import session_with_proposals


def generate(api: Any, run_tasks: Any, kind: str, **params: Any) -> GeneratedFile:
    with run_tasks():
        response = api.post("/api/v1/files", {"kind": kind, "params": params})
    assert response.status_code == 202, response.content
    file = GeneratedFile.objects.get(pk=response.json()["id"])
    assert file.status == "done", file.message
    return file


def docx_text(api: Any, file: GeneratedFile) -> str:
    response = api.get(f"/api/v1/files/{file.pk}/download")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += ["|".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(parts)


def test_office_generates_the_assignment_notice_as_a_docx(world, api_for, run_tasks):
    session_with_proposals(world)
    api = api_for(world.zhang_min)
    file = generate(api, run_tasks, "documents.assignment_notice", session=world.session.pk)
    assert file.filename == "关于交办政协第十届兰州市城关区委员会第五次会议提案的通知.docx"
    text = docx_text(api, file)
    assert "共收到提案5件，经审查，立案3件" in text
    assert "已交办2件" in text
    assert "城关区交通运输局" in text  # the 交办清单 table
    assert f"政协办发〔{timezone.localdate().year}〕" in text  # a draft: the serial left blank
    assert not IssuedDocument.objects.exists()


def test_issuing_takes_the_next_number_once(world, api_for, run_tasks):
    session_with_proposals(world)
    api = api_for(world.zhang_min)
    year = timezone.localdate().year
    first = generate(api, run_tasks, "documents.assignment_notice", session=world.session.pk, number=True)
    assert f"政协办发〔{year}〕1号" in docx_text(api, first)
    second = generate(api, run_tasks, "documents.proposal_circular", session=world.session.pk, number=True)
    third = generate(api, run_tasks, "documents.assignment_notice", session=world.session.pk, number=True)
    assert f"政协提发〔{year}〕1号" in docx_text(api, second)  # its own family, its own serial
    assert f"政协办发〔{year}〕2号" in docx_text(api, third)
    assert list(IssuedDocument.objects.order_by("pk").values_list("doc_number", flat=True)) == [
        f"政协办发〔{year}〕1号",
        f"政协提发〔{year}〕1号",
        f"政协办发〔{year}〕2号",
    ]
    assert DocumentSerial.objects.get(family="assignment_notice", year=year).last == 2


def test_circular_numbers_equal_the_api_and_the_dashboard(world, api_for, run_tasks):
    session_with_proposals(world)
    api = api_for(world.zhang_min)
    file = generate(api, run_tasks, "documents.proposal_circular", session=world.session.pk)
    text = docx_text(api, file)
    stats = api.get("/api/v1/proposals/statistics", session=world.session.pk).json()["totals"]
    board = dashboard_queries.proposals_dashboard(world.committee.pk, session_id=world.session.pk)["totals"]
    for key in ("received", "filed", "replied", "closed"):
        assert stats[key] == board[key]
    assert f"共收到提案{stats['received']}件，经审查立案{stats['filed']}件" in text
    assert f"已交办{stats['assigned']}件" in text
    assert f"已答复{stats['replied']}件，答复率{percent(stats['reply_rate'])}" in text
    assert percent(stats["reply_rate"]) == percent(board["reply_rate"])
    assert f"办结{stats['closed']}件" in text
    # The by-unit table: one row per unit, the API's counts.
    for unit in api.get("/api/v1/proposals/statistics", session=world.session.pk).json()["by_unit"]:
        assert f"{unit['group_name']}|{unit['assigned']}|{unit['replied']}|" in text


def test_unit_downloads_its_reply_skeleton(world, api_for, run_tasks):
    s = session_with_proposals(world)
    api = api_for(world.zhou_qiang)
    assignment = s.assignment(s.handling, world.unit)
    file = generate(api, run_tasks, "documents.reply_letter", assignment=assignment.pk)
    text = docx_text(api, file)
    assert "王伟、李娜委员" in text
    assert f"您提出的《{s.handling.title}》（第{s.handling.number}号）收悉" in text
    assert "感谢您对我们工作的关心和支持" in text


def test_compilation_reports_progress_and_lists_every_filed_proposal(world, api_for, run_tasks):
    s = session_with_proposals(world)
    api = api_for(world.zhang_min)
    file = generate(api, run_tasks, "documents.proposal_compilation", session=world.session.pk)
    text = docx_text(api, file)
    for p in (s.closed, s.handling, s.filed):
        assert p.title in text
    assert list(file.events.values_list("name", flat=True))[-1] == "finish"


def test_member_downloads_own_duty_report_and_staff_the_figures(world, api_for, run_tasks, record):
    from tongxin.duties.kinds import DutyKind
    from tongxin.duties.tests.conftest import membership_of

    membership = membership_of(world.wang_wei)
    record(membership, DutyKind.RESEARCH)
    api = api_for(world.wang_wei)
    file = generate(api, run_tasks, "documents.duty_report", membership=membership.pk, year=2026)
    assert "王伟委员2026年度履职报告" in docx_text(api, file)
    session_with_proposals(world)
    office = api_for(world.chen_jing)
    figures = generate(office, run_tasks, "documents.work_report_figures", year=2026)
    api_text = office.get("/api/v1/documents/work-report-figures", year=2026).json()["text"]
    assert api_text.splitlines()[0] in docx_text(office, figures)


def test_the_files_bar_moves_while_the_renderer_lays_out_the_document(world):
    from tongxin.documents import generators
    from tongxin.gongwen.spec import OfficialDocument, Paragraph, Table

    doc = OfficialDocument(
        title="交办清单",
        body=[Table(header=[["序号", "案由"]], rows=[[str(i), f"关于第{i}件事的提案"] for i in range(400)])],
    )
    seen: list[tuple[int, str]] = []
    produced = generators.render(doc, lambda percent, message: seen.append((percent, message)), start=60)
    assert produced.filename == "交办清单.docx"
    percents = [percent for percent, _message in seen]
    assert {message for _percent, message in seen} == {"正在排版"}
    assert percents == sorted(percents)
    assert percents[0] == 60
    assert percents[-1] == generators.LAID_OUT == 95
    assert len(set(percents)) == 36  # every step from 60 to 95, not a jump
    assert generators.render(OfficialDocument(title="无", body=[Paragraph("正文。")])).content


def test_compilation_progress_runs_through_building_and_laying_out(world):
    from tongxin.documents import generators

    session_with_proposals(world)
    seen: list[tuple[int, str]] = []
    generators.proposal_compilation.run(
        world.zhang_min,
        {"session": world.session.pk},
        lambda percent, message: seen.append((percent, message)),
    )
    percents = [percent for percent, _message in seen]
    assert percents == sorted(percents)
    laying = [percent for percent, message in seen if message == "正在排版"]
    assert laying[0] == 40
    assert laying[-1] == 95
    assert len(laying) > 3  # the bar moves during rendering, not 40 → done
