"""The proposal pages: every persona × every page (404 for another committee, 403 when visible but
not permitted), the draft form and its idempotency, actions through the pages with the API's payload
rules, the batch assignment and its audited export, and bounded queries."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from conftest import PERSONAS
from tongxin.audit.models import SecurityEvent
from tongxin.proposals.models import Assignment, Proposal
from tongxin.proposals.workflow import State

from .factories import act, draft, joint_proposal, make_cast

pytestmark = pytest.mark.django_db


# Committee pages: who may open them (everyone else 403; administrators do no business work).
PAGES = {
    "proposals:list": {
        "wang_wei",
        "li_na",
        "sun_li",
        "zhang_min",
        "liu_yang",
        "chen_jing",
        "zhao_lei",
        "zhou_qiang",
        "outsider",
    },
    "proposals:new": {"wang_wei", "li_na", "sun_li", "zhang_min", "outsider"},
    "proposals:review": {"zhang_min"},
    "proposals:batch": {"zhang_min"},
    "proposals:due": {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei", "zhou_qiang"},
    "proposals:key": {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"},
    "proposals:excellent": {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"},
    "proposals:statistics": {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"},
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_access_matrix(world, client_for, persona, page):
    from django.urls import reverse

    response = client_for(getattr(world, persona)).get(reverse(page))
    assert response.status_code == (200 if persona in PAGES[page] else 403), response.status_code


# The assigned proposal's page: proposers, office, leaders and the units see it; everyone else gets 404.
DETAIL = {
    "wang_wei": 200,
    "li_na": 200,
    "sun_li": 200,
    "zhang_min": 200,
    "liu_yang": 200,
    "chen_jing": 200,
    "zhao_lei": 200,
    "zhou_qiang": 200,
    "sysadmin": 404,
    "secadmin": 404,
    "auditadmin": 404,
    "outsider": 404,
    "co_staff": 200,
    "other_staff": 404,
}


@pytest.mark.parametrize(("persona", "status"), sorted(DETAIL.items()))
def test_detail_access_matrix(world, client_for, persona, status):
    cast = make_cast(world)
    p = joint_proposal(cast, State.IN_HANDLING)
    user = getattr(cast, persona) if persona in ("co_staff", "other_staff") else getattr(world, persona)
    assert client_for(user).get(f"/proposals/{p.pk}/").status_code == status


ACTION = {  # add_progress on an in-handling proposal: staff of its lead or co-unit only
    "wang_wei": 403,
    "zhang_min": 403,
    "sun_li": 403,
    "zhou_qiang": 302,
    "co_staff": 302,
    "other_staff": 404,
    "outsider": 404,
    "sysadmin": 404,
}


@pytest.mark.parametrize(("persona", "status"), sorted(ACTION.items()))
def test_action_access_matrix(world, client_for, persona, status):
    cast = make_cast(world)
    p = joint_proposal(cast, State.IN_HANDLING)
    user = getattr(cast, persona) if persona in ("co_staff", "other_staff") else getattr(world, persona)
    response = client_for(user).post(
        f"/proposals/{p.pk}/actions/add_progress/",
        {"add_progress-kind": "progress", "add_progress-text": "已召开协调会"},
    )
    assert response.status_code == status


def test_new_proposal_is_idempotent_and_submits(world, client_for):
    client = client_for(world.wang_wei)
    page = client.get("/proposals/new/")
    key = page.context["form"].initial["idempotency_key"]
    data = {
        "idempotency_key": key,
        "title": "关于加强老旧小区加装电梯的建议",
        "analysis": "老旧小区居民老龄化严重。",
        "suggestions": "一、简化审批；二、财政补贴。",
        "cosigner_person_ids": [world.li_na.person_id],
        "submit": "1",
    }
    first = client.post("/proposals/new/", data)
    second = client.post("/proposals/new/", data)  # a doubled tap on 提交
    assert first.status_code == second.status_code == 302
    proposals = Proposal.objects.filter(created_by=world.wang_wei)
    assert proposals.count() == 1
    p = proposals.get()
    assert p.state == State.SUBMITTED
    assert p.kind == Proposal.Kind.JOINT
    assert first["Location"] == second["Location"] == f"/proposals/{p.pk}/"


def test_autosave_creates_then_updates_the_same_draft(world, client_for):
    client = client_for(world.wang_wei)
    data = {"idempotency_key": "k-autosave-1", "title": "关于…", "analysis": "一"}
    assert client.post("/proposals/autosave/", data).status_code == 200
    data["analysis"] = "一二"
    response = client.post("/proposals/autosave/", data)
    assert "已自动保存" in response.content.decode()
    p = Proposal.objects.get(created_by=world.wang_wei)
    assert p.analysis == "一二"
    assert p.state == State.DRAFT
    response = client.post(f"/proposals/{p.pk}/autosave/", {"title": "关于改善公交的建议"})
    p.refresh_from_db()
    assert response.status_code == 200
    assert p.title == "关于改善公交的建议"


def test_bad_draft_input_never_crashes(world, client_for):
    client = client_for(world.wang_wei)
    response = client.post(
        "/proposals/new/", {"title": "x" * 500, "category_id": "abc", "cosigner_person_ids": ["zz"]}
    )
    assert response.status_code == 422
    assert not Proposal.objects.filter(created_by=world.wang_wei).exists()
    response = client.post(
        "/proposals/new/", {"title": "关于…的建议", "cosigner_person_ids": [world.outsider.person_id or 0]}
    )
    assert response.status_code == 422


def test_action_payload_errors_show_on_the_form(world, client_for):
    cast = make_cast(world)
    p = joint_proposal(cast, State.SUBMITTED)
    client = client_for(world.zhang_min)
    response = client.post(f"/proposals/{p.pk}/actions/return_for_revision/", {})
    assert response.status_code == 422
    assert "此项必填" in response.content.decode()  # the API schema's message, shown on the field
    assert client.post(f"/proposals/{p.pk}/actions/no_such_action/", {}).status_code == 404
    p.refresh_from_db()
    assert p.state == State.SUBMITTED


def test_invalid_transition_is_a_conflict_on_the_page(world, client_for):
    cast = make_cast(world)
    p = joint_proposal(cast, State.SUBMITTED)
    response = client_for(world.zhang_min).post(f"/proposals/{p.pk}/actions/close/", {})
    assert response.status_code == 409
    assert "不能执行" in response.content.decode()


def test_whole_handling_through_the_pages(world, client_for):
    cast = make_cast(world)
    p = joint_proposal(cast, State.SUBMITTED)
    office = client_for(world.zhang_min)
    assert office.post(f"/proposals/{p.pk}/actions/cosign/", {}).status_code == 403
    act(p, "cosign", world.li_na)
    assert office.post(f"/proposals/{p.pk}/actions/file/", {}).status_code == 302
    r = office.post(
        f"/proposals/{p.pk}/actions/assign/",
        {
            "assign-mode": "lead",
            "assign-lead_unit_id": world.unit.pk,
            "assign-co_unit_ids": [cast.co_unit.pk],
        },
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == State.ASSIGNED
    assert Assignment.objects.filter(proposal=p, is_active=True).count() == 2
    page = client_for(world.zhou_qiang).get(f"/proposals/{p.pk}/")
    assert "签收" in page.content.decode()


def test_htmx_action_redirects_the_whole_page(world, client_for):
    cast = make_cast(world)
    p = joint_proposal(cast, State.SUBMITTED)
    act(p, "cosign", world.li_na)
    r = client_for(world.zhang_min).post(f"/proposals/{p.pk}/actions/file/", {}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204
    assert r["HX-Redirect"] == f"/proposals/{p.pk}/"


def test_batch_assignment_and_audited_export(world, client_for):
    cast = make_cast(world)
    a = joint_proposal(cast, State.FILED)
    b = joint_proposal(cast, State.FILED)
    client = client_for(world.zhang_min)
    page = client.get("/proposals/batch/")
    assert a.title in page.content.decode()
    session = a.session_id
    r = client.post(
        "/proposals/batch/",
        {
            "session": session,
            f"lead_{a.pk}": world.unit.pk,
            f"co_{a.pk}": [cast.co_unit.pk],
            f"lead_{b.pk}": cast.other_unit.pk,
        },
    )
    assert r.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == b.state == State.ASSIGNED
    r = client.get(f"/proposals/batch/export/?session={session}")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号"
    assert len(rows) == 3
    assert {rows[1][3], rows[2][3]} == {world.unit.name, cast.other_unit.name}
    assert (
        SecurityEvent.objects.filter(
            kind=SecurityEvent.Kind.EXPORT, target="proposals.assignment_list"
        ).count()
        == 1
    )


def test_batch_row_errors_are_shown_not_half_written(world, client_for):
    cast = make_cast(world)
    a = joint_proposal(cast, State.FILED)
    client = client_for(world.zhang_min)
    r = client.post("/proposals/batch/", {"session": a.session_id, f"lead_{a.pk}": "abc"})
    assert r.status_code == 422
    a.refresh_from_db()
    assert a.state == State.FILED
    assert client.get(f"/proposals/batch/?session={a.session_id + 999}").status_code == 404


def test_list_filters_and_bad_filters(world, client_for):
    draft(world)
    client = client_for(world.wang_wei)
    assert client.get("/proposals/?state=draft").status_code == 200
    assert client.get("/proposals/?state=nope").status_code == 302
    r = client.get("/proposals/?text=公厕", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "公厕" in r.content.decode()
    assert "<html" not in r.content.decode()


def test_list_and_detail_query_bounds(world, client_for, django_assert_max_num_queries):
    cast = make_cast(world)
    for _ in range(4):
        joint_proposal(cast, State.IN_HANDLING)
    p = joint_proposal(cast, State.REPLY_DRAFTED)
    office = client_for(world.zhang_min)
    with django_assert_max_num_queries(15):
        assert office.get("/proposals/").status_code == 200
    with django_assert_max_num_queries(15):
        assert office.get(f"/proposals/{p.pk}/").status_code == 200
    with django_assert_max_num_queries(15):
        assert office.get("/proposals/review/").status_code == 200


def test_todo_links_open_pages(world, client_for):
    from tongxin.proposals import queries

    cast = make_cast(world)
    joint_proposal(cast, State.SUBMITTED)
    todos = queries.todos_for(world.zhang_min)
    assert todos
    for todo in todos:
        assert client_for(world.zhang_min).get(todo.url).status_code == 200
