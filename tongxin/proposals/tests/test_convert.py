"""社情民意: a proposal the office converts becomes a linked draft report for its proposers, and the
two pages link each other (issue 3, 审查: convert)."""

from __future__ import annotations

from tongxin.opinions.models import OpinionReport
from tongxin.proposals.models import ProposalEvent
from tongxin.proposals.workflow import State

from .factories import act, joint_proposal, make_cast


def test_convert_to_opinion_report_creates_a_linked_draft(world, api_for, client_for):
    cast = make_cast(world)
    p = act(joint_proposal(cast, State.SUBMITTED), "cosign", world.li_na)
    r = api_for(world.zhang_min).post(
        f"/api/v1/proposals/{p.pk}/actions/convert",
        {"target": "opinion_report", "note": "更适合作为社情民意"},
    )
    assert r.status_code == 200, r.content
    report = OpinionReport.objects.get(source=f"proposals.proposal:{p.pk}")
    assert r.json()["converted_report_id"] == report.pk
    assert report.committee_id == world.committee.pk
    assert report.title == p.title
    authors = list(report.authors.order_by("position").values_list("membership__person_id", flat=True))
    assert authors == [world.wang_wei.person_id, world.li_na.person_id]
    event = ProposalEvent.objects.get(proposal=p, name="convert")
    assert event.data == {"target": "opinion_report", "report_id": report.pk}
    # The proposal's page links the report; the report's page (its author's view) links back.
    page = client_for(world.wang_wei).get(f"/proposals/{p.pk}/").content.decode()
    assert f'href="/opinions/{report.pk}/"' in page
    report_page = client_for(world.wang_wei).get(f"/opinions/{report.pk}/")
    assert report_page.status_code == 200
    assert f'href="/proposals/{p.pk}/"' in report_page.content.decode()


def test_other_conversions_create_no_report(world, api_for):
    cast = make_cast(world)
    p = joint_proposal(cast, State.SUBMITTED)
    r = api_for(world.zhang_min).post(f"/api/v1/proposals/{p.pk}/actions/convert", {"target": "letter"})
    assert r.status_code == 200
    assert r.json()["converted_report_id"] is None
    assert not OpinionReport.objects.filter(source=f"proposals.proposal:{p.pk}").exists()
