"""The buttons where staff work: shown to those who may generate, posting to the files app."""

from __future__ import annotations

from tongxin.duties.tests.conftest import membership_of
from tongxin.opinions.models import BulletinIssue
from tongxin.opinions.tests.factories import sent, submitted

from .scenario import session_with_proposals

GENERATE = 'action="/files/generate/documents.'


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_proposal_pages(world, client_for):
    s = session_with_proposals(world)
    office = client_for(world.zhang_min)
    batch = page(office, f"/proposals/batch/?session={world.session.pk}")
    assert GENERATE + 'assignment_notice/"' in batch
    assert "生成交办通知" in batch
    stats = page(office, f"/proposals/statistics/?session={world.session.pk}")
    assert GENERATE + 'proposal_circular/"' in stats
    # A leader reads the statistics but does not issue the 通报.
    assert GENERATE not in page(
        client_for(world.sun_li), f"/proposals/statistics/?session={world.session.pk}"
    )
    unit = page(client_for(world.zhou_qiang), f"/proposals/{s.handling.pk}/")
    assert "下载答复函模板" in unit
    co = page(client_for(s.cast.co_staff), f"/proposals/{s.handling.pk}/")
    assert "下载会办意见模板" in co
    assert "答复函模板" not in page(client_for(world.wang_wei), f"/proposals/{s.handling.pk}/")


def test_opinion_and_duty_pages(world, client_for):
    report = sent(submitted(world.wang_wei), world.liu_yang)
    issue = BulletinIssue.objects.get(pk=report.issue_id)
    info = client_for(world.liu_yang)
    assert "生成本期（.docx）" in page(info, f"/opinions/bulletins/{issue.pk}/")
    assert GENERATE + 'opinion_circular/"' in page(info, "/opinions/statistics/?year=2026")
    assert GENERATE + 'duty_circular/"' in page(client_for(world.zhao_lei), "/duties/committee/?year=2026")
    own = page(client_for(world.wang_wei), "/duties/?year=2026")
    assert "下载履职报告" in own
    assert f'name="membership" value="{membership_of(world.wang_wei).pk}"' in own
    # A leader reading a member's record does not get the member's report button.
    other = page(client_for(world.sun_li), f"/duties/members/{membership_of(world.wang_wei).pk}/?year=2026")
    assert "下载履职报告" not in other


def test_index_lists_what_each_role_may_make(world, client_for):
    session_with_proposals(world)
    office = page(client_for(world.zhang_min), "/documents/?year=2026")
    assert "十届五次会议" in office
    assert GENERATE + 'proposal_compilation/"' in office
    assert GENERATE + 'opinion_circular/"' not in office
    info = page(client_for(world.liu_yang), "/documents/?year=2026")
    assert GENERATE + 'opinion_circular/"' in info
    assert GENERATE + 'assignment_notice/"' not in info
