"""Duty-record pages: the member's record, manual entries with evidence, the office overview, query bounds."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongxin.duties.kinds import DutyKind as K
from tongxin.duties.models import DutyClaim

from .conftest import membership_of

pytestmark = pytest.mark.django_db


def test_member_sees_record_score_and_checklist(world, client_for, record):
    m = membership_of(world.wang_wei)
    record(m, K.MEETING_ATTENDED, meeting_kind="plenary")
    body = client_for(world.wang_wei).get("/duties/?year=2026").content.decode()
    assert "我的履职档案" in body
    assert "50.00" in body
    assert "联系一户群众" in body


def test_claim_with_evidence_then_approval(world, client_for):
    member = client_for(world.wang_wei)
    pdf = SimpleUploadedFile("走访记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = member.post(
        "/duties/claims/new/",
        {"kind": "practical_deed", "occurred_on": "2026-10-08", "title": "帮助社区修缮路灯", "evidence": pdf},
    )
    assert r.status_code == 302
    claim = DutyClaim.objects.get()
    assert claim.evidence
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    r = member.post(
        "/duties/claims/new/",
        {"kind": "practical_deed", "occurred_on": "2026-10-08", "title": "x", "evidence": fake},
    )
    assert r.status_code == 422
    assert "PDF、JPG 或 PNG" in r.content.decode()
    staff = client_for(world.zhao_lei)
    assert "帮助社区修缮路灯" in staff.get("/duties/claims/?state=submitted").content.decode()
    staff.post(f"/duties/claims/{claim.pk}/approve/")
    claim.refresh_from_db()
    assert claim.state == "approved"


def test_rules_page_applies_a_preset(world, client_for):
    staff = client_for(world.zhao_lei)
    r = staff.post("/duties/rules/", {"which": "rules", "year": 2026, "preset": "minhang"}, follow=True)
    assert "上海闵行区政协积分管理细则" in r.content.decode()
    assert (
        "采用"
        not in client_for(world.zhang_min)
        .get("/duties/rules/?year=2026")
        .content.decode()
        .split("年度履职要求")[-1]
    )


def test_overview_and_record_query_bounds(world, client_for, record, django_assert_max_num_queries):
    from tongxin.members.models import Membership, Person

    for i in range(12):
        p = Person.objects.create(committee=world.committee, name=f"委员{i}", gender="male")
        m = Membership.objects.create(
            person=p, term=world.term, sector=world.sector, participating_unit=world.party
        )
        record(m, K.RESEARCH)
        record(m, K.MEETING_ATTENDED, meeting_kind="plenary")
    staff = client_for(world.zhao_lei)
    with django_assert_max_num_queries(30):
        assert staff.get("/duties/committee/?year=2026").status_code == 200
    with django_assert_max_num_queries(25):
        assert staff.get(f"/duties/members/{m.pk}/?year=2026").status_code == 200


def test_duty_report_prefilled_in_window(world, client_for, record, api_for):
    m = membership_of(world.wang_wei)
    record(m, K.RESEARCH)
    staff = api_for(world.zhao_lei)
    staff.post("/api/v1/assessments", {"year": 2026})
    for action in ("start", "lock", "open_review"):
        staff.post(f"/api/v1/assessments/2026/actions/{action}")
    page = client_for(world.wang_wei).get("/duties/report/?year=2026").content.decode()
    assert "参加调研视察：1 次" in page
    r = client_for(world.wang_wei).post("/duties/report/", {"year": 2026, "body": "我的述职", "submit": "on"})
    assert r.status_code == 302
