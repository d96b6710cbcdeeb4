"""Proposal spreadsheets: list exports equal the page's filtered queryset (streamed, escaped, audited,
flat in queries), and the history import (closed proposals with replies, all or nothing)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Forbidden
from tongxin.core.sheets import SheetRejected
from tongxin.proposals import access
from tongxin.proposals.models import Assignment, Proposal, ProposalEvent, Proposer, Rating, Reply
from tongxin.proposals.services.history import HEADERS, proposals_import_history
from tongxin.proposals.workflow import State

from .factories import draft, make_cast

JSZX = Path(__file__).resolve().parents[4] / "shared" / "data" / "jszx2019"


def _rows(world: Any, count: int, *, start: int = 1, **extra: Any) -> list[tuple[int, dict[str, Any]]]:
    return [
        (
            index + 2,
            {
                "会议": world.session.short_name,
                "编号": start + index,
                "案由": f"关于改进第{start + index}项工作的建议",
                "提案者": "王伟、李娜",
                "类别": "城乡建设",
                "具体建议": "建议加强统筹。",
                **extra,
            },
        )
        for index in range(count)
    ]


def _import(world: Any, count: int, **extra: Any) -> Any:
    return proposals_import_history(
        actor=world.zhang_min, committee=world.committee, rows=_rows(world, count, **extra)
    )


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response.streaming  # FileResponse: the body is produced by iterating over the file
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.worksheets[0].iter_rows(values_only=True))


# --- List exports ----------------------------------------------------------------------------------


def test_list_export_has_the_pages_rows_under_its_filters(world, client_for):
    _import(world, 3)
    mine = draft(world)  # wang_wei's draft: his own page lists it, the office never sees drafts
    client = client_for(world.zhang_min)
    rows = _sheet(client.get("/proposals/export/"))
    assert rows[0][:3] == ("编号", "案由", "状态")
    visible = access.proposals_visible_to(world.zhang_min)
    assert len(rows) - 1 == visible.count() == 3
    assert mine.title not in [r[1] for r in rows]
    # The text filter narrows the export exactly as it narrows the page.
    rows = _sheet(client.get("/proposals/export/", {"text": "第2项"}))
    assert [r[1] for r in rows[1:]] == ["关于改进第2项工作的建议"]
    rows = _sheet(client.get("/proposals/export/", {"state": "draft"}))
    assert len(rows) == 1  # only the header: the office sees no drafts
    own = _sheet(client_for(world.wang_wei).get("/proposals/export/"))
    assert mine.title in [r[1] for r in own[1:]]
    assert len(own) - 1 == access.proposals_visible_to(world.wang_wei).count() == 4  # first proposer of 3
    exports = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, target="proposals.list")
    assert exports.get(user_id=world.wang_wei.pk).details == {"filters": {}, "rows": 4}
    assert sorted(e.details["rows"] for e in exports.filter(user_id=world.zhang_min.pk)) == [0, 1, 3]
    assert exports.filter(details__filters={"text": "第2项"}).count() == 1


def test_list_export_escapes_formulas_and_writes_real_dates(world, client_for):
    _import(world, 1, 案由='=HYPERLINK("http://evil")', 提交日期="2026-01-12")
    rows = _sheet(client_for(world.zhang_min).get("/proposals/export/"))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    submitted = rows[1][7]
    assert submitted.year == 2026
    assert submitted.month == 1
    assert submitted.day == 12


def test_list_export_queries_do_not_grow_with_rows(world, client_for):
    client = client_for(world.zhang_min)
    _import(world, 10)
    with CaptureQueriesContext(connection) as ten:
        _sheet(client.get("/proposals/export/"))
    proposals_import_history(
        actor=world.zhang_min, committee=world.committee, rows=_rows(world, 20, start=11)
    )
    with CaptureQueriesContext(connection) as thirty:
        rows = _sheet(client.get("/proposals/export/"))
    assert len(rows) == 31
    assert len(thirty) == len(ten)


def test_list_export_access(world, client_for):
    for name in ("sysadmin", "secadmin", "auditadmin"):
        assert client_for(world.people[name]).get("/proposals/export/").status_code == 403
    for name in (
        "wang_wei",
        "li_na",
        "sun_li",
        "zhang_min",
        "liu_yang",
        "chen_jing",
        "zhao_lei",
        "zhou_qiang",
    ):
        assert client_for(world.people[name]).get("/proposals/export/").status_code == 200, name
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, target="proposals.list").count() == 8


def test_list_export_api_uses_the_same_filters(world, api_for):
    _import(world, 2)
    response = api_for(world.zhang_min).get("/api/v1/proposals/export", text="第1项")
    assert [r[1] for r in _sheet(response)[1:]] == ["关于改进第1项工作的建议"]
    assert api_for(world.sysadmin).get("/api/v1/proposals/export").status_code == 403


def test_review_desk_export_is_the_whole_queue(world, client_for):
    cast = make_cast(world)
    from .factories import joint_proposal

    queued = joint_proposal(cast, State.SUBMITTED)
    _import(world, 2)  # closed: not in the queue
    rows = _sheet(client_for(world.zhang_min).get(f"/proposals/review/export/?session={queued.session_id}"))
    assert [r[1] for r in rows[1:]] == [queued.title]
    for name in ("wang_wei", "sun_li", "liu_yang", "zhou_qiang", "sysadmin"):
        assert client_for(world.people[name]).get("/proposals/review/export/").status_code == 403, name


# --- History import --------------------------------------------------------------------------------


def test_history_import_lands_closed_with_units_reply_and_rating(world):
    cast = make_cast(world)
    result = _import(
        world,
        1,
        提案者="王伟",
        主办单位=world.unit.short_name,
        会办单位=cast.co_unit.name,
        办理结果="a",
        答复内容="经研究，已列入明年计划。",
        答复日期="2026年6月30日",
        满意度="基本满意",
    )
    assert (result.created, result.replies, result.matched_proposers) == (1, 1, 1)
    p = Proposal.objects.get()
    assert (p.state, p.origin, p.number, p.result_class) == (State.CLOSED, "imported", 1, "A")
    assert p.kind == Proposal.Kind.INDIVIDUAL
    assert p.category is not None
    assert p.category.name == "城乡建设"
    assert p.closed_at is not None
    assert p.closed_at.date().isoformat() == "2026-06-30"
    assert Proposer.objects.get(proposal=p).person_id == world.wang_wei.person_id
    roles = dict(Assignment.objects.filter(proposal=p).values_list("unit_id", "role"))
    assert roles == {world.unit.pk: "lead", cast.co_unit.pk: "co"}
    reply = Reply.objects.get(proposal=p)
    assert (reply.text, reply.result_class) == ("经研究，已列入明年计划。", "A")
    assert Rating.objects.get(proposal=p).result == "basically"
    event = ProposalEvent.objects.get(proposal=p)
    assert (event.name, event.to_state) == ("imported", State.CLOSED)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.IMPORT, outcome="success").count() == 1


def test_history_import_keeps_unmatched_names_and_collective_bodies(world):
    proposals_import_history(
        actor=world.zhang_min,
        committee=world.committee,
        rows=[
            (2, {"会议": world.session.short_name, "编号": 7, "案由": "甲", "提案者": "王伟、张三"}),
            (3, {"会议": world.session.short_name, "编号": 8, "案由": "乙", "提案者": "九三学社"}),
        ],
    )
    joint = Proposal.objects.get(number=7)
    assert joint.kind == Proposal.Kind.JOINT
    assert joint.proposer_text == "王伟、张三"
    assert list(joint.proposers.values_list("person_id", flat=True)) == [world.wang_wei.person_id]
    body = Proposal.objects.get(number=8)
    assert body.kind == Proposal.Kind.COLLECTIVE
    assert body.collective_participating_unit == world.party
    assert not body.proposers.exists()


def _errors(world: Any, rows: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, str]]:
    with pytest.raises(SheetRejected) as caught:
        proposals_import_history(actor=world.zhang_min, committee=world.committee, rows=rows)
    assert "未导入任何提案" in caught.value.message
    return [(e.row, e.column) for e in caught.value.errors]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"会议": "十九届九次会议"}, "会议"),
        ({"会议": ""}, "会议"),
        ({"编号": "abc"}, "编号"),
        ({"编号": ""}, "编号"),
        ({"案由": ""}, "案由"),
        ({"案由": "长" * 121}, "案由"),
        ({"提案者": ""}, "提案者"),
        ({"类别": "不存在的类别"}, "类别"),
        ({"主办单位": "不存在的局"}, "主办单位"),
        ({"会办单位": "不存在的局"}, "会办单位"),
        ({"办理结果": "E"}, "办理结果"),
        ({"答复内容": "已办理"}, "答复内容"),
        ({"满意度": "还行"}, "满意度"),
        ({"答复日期": "去年"}, "答复日期"),
    ],
)
def test_every_bad_cell_is_reported_and_nothing_is_written(world, cells, column):
    rows = _rows(world, 3)
    rows[1][1].update(cells)
    assert _errors(world, rows) == [(3, column)]
    assert not Proposal.objects.exists()
    failure = SecurityEvent.objects.get(kind=SecurityEvent.Kind.IMPORT)
    assert failure.outcome == "failure"


def test_the_same_session_and_number_is_refused_in_the_file_and_on_reimport(world):
    rows = _rows(world, 2)
    rows[1][1]["编号"] = 1
    assert _errors(world, rows) == [(3, "编号")]
    _import(world, 2)
    assert _errors(world, _rows(world, 3)) == [(2, "编号"), (3, "编号")]
    assert Proposal.objects.count() == 2


def test_history_import_is_for_the_proposal_office_only(world):
    for name in ("wang_wei", "sun_li", "liu_yang", "zhao_lei", "zhou_qiang", "sysadmin", "outsider"):
        with pytest.raises(Forbidden):
            proposals_import_history(
                actor=world.people[name], committee=world.committee, rows=_rows(world, 1)
            )
    assert not Proposal.objects.exists()


def _xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("history.xlsx", buffer.getvalue())


def test_history_page_template_and_api(world, client_for, api_for):
    client = client_for(world.zhang_min)
    assert client.get("/proposals/history/import/").status_code == 200
    template = _sheet(client.get("/proposals/history/template/"))
    assert list(template[0]) == HEADERS
    head = ["会议", "编号", "案由", "提案者", "主办单位", "答复内容"]
    good = _xlsx([head, [world.session.short_name, 3, "关于停车的建议", "王伟", world.unit.name, "已答复"]])
    response = client.post("/proposals/history/import/", {"file": good})
    assert response.status_code == 200
    assert "已导入 1 件历史提案" in response.content.decode()
    bad = _xlsx([head, [world.session.short_name, 3, "重复", "王伟", "", ""]])
    response = client.post("/proposals/history/import/", {"file": bad})
    assert response.status_code == 422
    assert "第 2 行「编号」" in response.content.decode()
    office = api_for(world.zhang_min)
    line = [world.session.short_name, 4, "乙", "李娜", "", ""]
    url = "/api/v1/proposals/history/import"
    response = office.client.post(url, {"file": _xlsx([head, line])}, **office.headers)
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    response = office.client.post(url, {"file": _xlsx([head, line])}, **office.headers)
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "编号")]
    member = api_for(world.wang_wei)
    assert member.client.post(url, {"file": _xlsx([head, line])}, **member.headers).status_code == 403
    for name in ("wang_wei", "zhou_qiang", "sysadmin"):
        assert client_for(world.people[name]).get("/proposals/history/import/").status_code == 403, name
    assert Proposal.objects.filter(origin="imported").count() == 2


def test_imported_history_is_found_by_search_and_indexed(world):
    _import(world, 1, 案由="关于完善城市环卫公厕指引系统的建议")
    from tongxin.similarity import indexes
    from tongxin.similarity.queries import SearchFilters, search

    p = Proposal.objects.get()
    index = indexes.rebuild(world.committee.pk)
    assert p.pk in [pk for pk, _score in index.query("城市环卫公厕指引系统", "", k=5)]
    assert list(search(user=world.zhang_min, filters=SearchFilters(q="公厕指引"))) == [p]


@pytest.mark.skipif(not (JSZX / "proposals.csv").exists(), reason="../shared/data/jszx2019 is absent")
def test_all_436_jszx2019_proposals_import(world):
    from tongxin.org.models import PlenarySession, Term

    term = Term.objects.create(committee=world.committee, number=12, starts_on="2018-01-25")
    PlenarySession.objects.create(
        term=term,
        number=2,
        opens_on="2019-01-13",
        closes_on="2019-01-17",
        proposal_window_starts_at="2018-12-01T00:00:00+08:00",
        proposal_deadline="2019-01-15T20:00:00+08:00",
    )
    out = io.StringIO()
    call_command("import_jszx2019", str(JSZX), "--username", world.zhang_min.username, stdout=out)
    assert "已导入 436 件历史提案" in out.getvalue()
    imported = Proposal.objects.filter(origin="imported", session__term=term)
    assert imported.count() == 436
    assert imported.filter(state=State.CLOSED, category__isnull=False).count() == 436
    assert imported.filter(kind=Proposal.Kind.COLLECTIVE).count() == 0  # no bodies in this committee
    assert not imported.filter(suggestions="").count() > 30  # the sections were split
    with pytest.raises(Exception, match="未导入任何提案"):
        call_command("import_jszx2019", str(JSZX), "--username", world.zhang_min.username, stdout=out)
    assert imported.count() == 436


def _book(response: Any) -> Any:
    assert response.status_code == 200
    assert response.streaming
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_key_excellent_and_due_exports_follow_their_pages(world, client_for):
    from django.utils import timezone

    from tongxin.proposals import queries

    from .factories import act, joint_proposal

    cast = make_cast(world)
    p = joint_proposal(cast, State.FILED)
    act(p, "designate_key", world.zhang_min, step="nominate", reason="群众关注")
    handled = joint_proposal(cast, State.IN_HANDLING)
    office = client_for(world.zhang_min)
    key = list(_book(office.get("/proposals/key/export/")).worksheets[0].iter_rows(values_only=True))
    assert key[0][:3] == ("编号", "案由", "状态")
    assert [r[1] for r in key[1:]] == [p.title]
    assert key[1][2] == "候选"
    year = timezone.localdate().year
    excellent = list(
        _book(office.get("/proposals/excellent/export/", {"year": year}))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    assert len(excellent) - 1 == len(queries.excellent_list(world.zhang_min, year=year)["items"])
    due = _book(office.get("/proposals/due/export/"))
    assert [ws.title for ws in due.worksheets] == ["已逾期", "即将到期"]
    lists = queries.due_lists(world.zhang_min, today=timezone.localdate())
    assert due.worksheets[0].max_row - 1 == len(lists["overdue"])
    assert due.worksheets[1].max_row - 1 == len(lists["due_soon"])
    unit = _book(client_for(world.zhou_qiang).get("/proposals/due/export/"))
    own = queries.due_lists(world.zhou_qiang, today=timezone.localdate())
    assert unit.worksheets[1].max_row - 1 == len(own["due_soon"])
    assert all(a.unit_id == world.unit.pk for a in own["overdue"] + own["due_soon"])
    assert handled.state == State.IN_HANDLING
    for name in ("wang_wei", "sysadmin"):
        assert client_for(world.people[name]).get("/proposals/key/export/").status_code == 403, name
        assert client_for(world.people[name]).get("/proposals/excellent/export/").status_code == 403, name
        assert client_for(world.people[name]).get("/proposals/due/export/").status_code == 403, name
    targets = set(
        SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).values_list("target", flat=True)
    )
    assert {"proposals.key", "proposals.excellent", "proposals.due"} <= targets
