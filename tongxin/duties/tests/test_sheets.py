"""The assessment export: every member's score as the ranking shows it, and the per-capita tables."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import load_workbook

from tongxin.audit.models import SecurityEvent
from tongxin.duties import queries
from tongxin.duties.services import score_recompute_committee


def test_scores_export_has_every_member_and_the_averages(world, client_for):
    year = timezone.localdate().year
    members = score_recompute_committee(committee_id=world.committee.pk, year=year)
    response = client_for(world.zhao_lei).get("/duties/committee/export/", {"year": year})
    assert response.status_code == 200
    assert response.streaming
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    scores = list(book.worksheets[0].iter_rows(values_only=True))
    assert scores[0][0] == f"{year} 年度委员履职考核得分"
    assert scores[1][:3] == ("名次", "姓名", "界别")
    expected = [s.membership.person.name for s in queries.scores_for(world.committee.pk, year)]
    assert [r[1] for r in scores[2:]] == expected
    assert len(expected) == members
    by_sector = list(book.worksheets[2].iter_rows(values_only=True))
    assert by_sector[1] == ("界别", "人数", "人均得分")
    assert by_sector[2][0] == world.sector.name
    assert book.worksheets[2].title == "人均得分（按界别）"
    assert SecurityEvent.objects.filter(target="duties.scores", details__rows=members).count() == 1


def test_scores_export_access(world, client_for):
    for name in ("wang_wei", "zhou_qiang", "sysadmin", "auditadmin"):
        assert client_for(world.people[name]).get("/duties/committee/export/").status_code == 403, name
    for name in ("sun_li", "zhang_min", "zhao_lei", "chen_jing", "liu_yang"):
        assert client_for(world.people[name]).get("/duties/committee/export/").status_code == 200, name
