"""The services: drafting, the length limit, editing beside the original, adoption into issues,
four-level forwarding with outcomes flowing back, duty events, conversion from proposals, files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import _staff
from tongxin.core.errors import Conflict, Forbidden, Invalid, NotFound
from tongxin.core.roles import Role
from tongxin.duties.models import DutyEvent
from tongxin.members.models import Membership
from tongxin.opinions import access, queries, services
from tongxin.opinions.models import Adoption, BulletinIssue, OpinionEvent, OpinionReport
from tongxin.opinions.workflow import State

from .factories import (
    INSTRUCTION,
    TEXT,
    draft,
    four_levels,
    in_state,
    sent,
    sibling_office,
    submitted,
    today,
)


def test_member_draft_names_the_member_and_workplace(world):
    report = draft(world.wang_wei)
    assert report.state == State.DRAFT
    assert report.reporter_kind == "member"
    assert report.reporter_name == "王伟"
    assert report.reporter_unit == "某单位"
    assert report.root_id == report.pk
    assert [a.membership.person.name for a in report.authors.all()] == ["王伟"]
    assert OpinionEvent.objects.filter(report=report, name="created").count() == 1


def test_creation_is_idempotent_by_key(world):
    first = draft(world.wang_wei, idempotency_key="k-1")
    again = draft(world.wang_wei, idempotency_key="k-1", title="另一个标题")
    assert again.pk == first.pk
    assert OpinionReport.objects.count() == 1


def test_member_reports_for_own_party_but_not_another(world):
    report = draft(world.wang_wei, reporter_kind="participating_unit", body_id=world.party.pk)
    assert report.participating_unit_id == world.party.pk
    assert report.reporter_name == "九三学社"
    with pytest.raises(Invalid) as exc:
        draft(world.li_na, reporter_kind="participating_unit", body_id=world.party.pk)
    assert "body_id" in exc.value.fields


def test_invited_informant_reports_as_themselves(world):
    informant = _staff(world.committee, "xinxiyuan", "马丽", "office", [Role.INVITED_INFORMANT])
    report = draft(informant)
    assert (report.reporter_kind, report.reporter_name) == ("informant", "马丽")
    assert list(report.authors.all()) == []


def test_office_enters_a_report_for_a_member(world):
    report = draft(world.liu_yang, author_person_ids=[world.li_na.person_id])
    assert [a.membership.person_id for a in report.authors.all()] == [world.li_na.person_id]
    assert access.can_submit(world.li_na, report)


@pytest.mark.parametrize("persona", ["zhou_qiang", "zhang_min", "sysadmin", "secadmin", "auditadmin"])
def test_who_may_not_write_reports(world, persona):
    with pytest.raises(Forbidden):
        draft(getattr(world, persona))


def test_bad_input_is_refused_with_field_messages(world):
    with pytest.raises(Invalid) as exc:
        draft(world.wang_wei, title="标" * 121, category="nonsense", reporter_kind="lower_committee")
    assert set(exc.value.fields) >= {"title", "category", "reporter_kind"}
    assert OpinionReport.objects.count() == 0


def test_length_limit_on_submission_with_a_clear_message(world):
    report = draft(world.wang_wei, situation="情" * 1480)
    with pytest.raises(Invalid) as exc:
        services.opinion_transition(report=report, name="submit", actor=world.wang_wei)
    assert exc.value.code == "too_long"
    assert "超过本会 1500 字的限制" in exc.value.message
    assert f"共 {report.body_length} 字" in exc.value.message
    report.refresh_from_db()
    assert report.state == State.DRAFT
    services.opinion_settings_update(
        actor=world.liu_yang, committee_id=world.committee.pk, changes={"max_chars": 2000}
    )
    assert (
        services.opinion_transition(report=report, name="submit", actor=world.wang_wei).state
        == State.RECEIVED
    )


def test_whitespace_does_not_count_towards_the_limit(world):
    report = draft(world.wang_wei, situation="情" * 1300 + " \n" * 400)
    assert (
        services.opinion_transition(report=report, name="submit", actor=world.wang_wei).state
        == State.RECEIVED
    )


def test_submission_needs_situation_analysis_and_suggestions(world):
    report = draft(world.wang_wei, analysis="", suggestions="  ")
    with pytest.raises(Invalid) as exc:
        services.opinion_transition(report=report, name="submit", actor=world.wang_wei)
    assert set(exc.value.fields) == {"analysis", "suggestions"}


def test_settings_are_bounded_and_only_for_the_office(world):
    with pytest.raises(Invalid):
        services.opinion_settings_update(
            actor=world.liu_yang, committee_id=world.committee.pk, changes={"max_chars": 10}
        )
    with pytest.raises(Forbidden):
        services.opinion_settings_update(
            actor=world.wang_wei, committee_id=world.committee.pk, changes={"max_chars": 2000}
        )


def test_draft_autosave_then_locked_after_submission(world):
    report = draft(world.wang_wei)
    services.opinion_update_draft(
        report=report, actor=world.wang_wei, changes={"title": "新标题", "is_urgent": True}
    )
    report.refresh_from_db()
    assert (report.title, report.is_urgent) == ("新标题", True)
    with pytest.raises(Invalid):
        services.opinion_update_draft(report=report, actor=world.wang_wei, changes={"state": "sent"})
    with pytest.raises(Forbidden):
        services.opinion_update_draft(report=report, actor=world.li_na, changes={"title": "x"})
    services.opinion_transition(report=report, name="submit", actor=world.wang_wei)
    with pytest.raises(Conflict):
        services.opinion_update_draft(report=report, actor=world.wang_wei, changes={"title": "改"})


def test_edit_keeps_the_original_beside_the_edited_text(world):
    report = submitted(world.wang_wei)
    edited = services.opinion_transition(
        report=report,
        name="edit",
        actor=world.liu_yang,
        payload={"edited_title": "编辑后标题", "edited_situation": "编辑后的情况"},
    )
    assert edited.state == State.EDITING
    assert (edited.title, edited.situation) == (TEXT["title"], TEXT["situation"])
    assert (edited.edited_title, edited.edited_situation) == ("编辑后标题", "编辑后的情况")
    assert edited.display_title == "编辑后标题"
    with pytest.raises(Invalid) as exc:
        services.opinion_transition(
            report=edited, name="edit", actor=world.liu_yang, payload={"edited_situation": "长" * 1600}
        )
    assert exc.value.code == "too_long"


def test_return_for_revision_needs_a_reason_and_the_author_resubmits(world):
    report = submitted(world.wang_wei)
    with pytest.raises(Invalid):
        services.opinion_transition(
            report=report, name="return_for_revision", actor=world.liu_yang, payload={}
        )
    report = services.opinion_transition(
        report=report, name="return_for_revision", actor=world.liu_yang, payload={"note": "请补充数据"}
    )
    services.opinion_update_draft(report=report, actor=world.wang_wei, changes={"analysis": "补充了数据"})
    assert (
        services.opinion_transition(report=report, name="submit", actor=world.wang_wei).state
        == State.RECEIVED
    )
    assert [i.title for i in queries.todos_for(world.wang_wei)] == []


def test_decline_records_the_reason_and_where_it_went(world):
    report = submitted(world.wang_wei)
    with pytest.raises(Invalid) as exc:
        services.opinion_transition(
            report=report,
            name="decline",
            actor=world.liu_yang,
            payload={"reason": "重复", "disposition": "refer"},
        )
    assert "referred_to" in exc.value.fields
    report = services.opinion_transition(
        report=report,
        name="decline",
        actor=world.liu_yang,
        payload={"reason": "重复", "disposition": "refer", "referred_to": "区住建局"},
    )
    assert (report.state, report.decline_reason, report.referred_to) == (
        State.NOT_ADOPTED,
        "重复",
        "区住建局",
    )


def test_adoption_numbers_issues_per_type_and_year_and_credits_the_author(world):
    first = in_state("adopted", world.wang_wei, world.liu_yang)
    second = in_state("adopted", world.li_na, world.liu_yang)
    issues = BulletinIssue.objects.order_by("number")
    assert [i.number for i in issues] == [1, 2]
    assert issues[0].label == f"《社情民意》{today().year}年第1期"
    adoption = Adoption.objects.get(report=first)
    assert (adoption.level, adoption.mode, adoption.automatic) == ("county", "standalone", True)
    membership = Membership.objects.get(person=world.wang_wei.person)
    duties = list(DutyEvent.objects.filter(membership=membership).values_list("kind", "attributes"))
    assert ("opinion_adopted", {"level": "county", "mode": "standalone"}) in duties
    assert ("opinion_submitted", {"category": "other"}) in duties
    assert second.issue_id != first.issue_id


def test_adopt_into_a_sent_or_foreign_issue_is_refused(world):
    report = sent(submitted(world.wang_wei), world.liu_yang)
    other = submitted(world.li_na)
    with pytest.raises(Invalid) as exc:
        services.opinion_transition(
            report=other,
            name="adopt",
            actor=world.liu_yang,
            payload={"issue_id": report.issue_id, "mode": "standalone"},
        )
    assert "issue_id" in exc.value.fields
    with pytest.raises(Invalid):
        services.opinion_transition(
            report=other, name="adopt", actor=world.liu_yang, payload={"mode": "standalone"}
        )


def test_outcome_dates_cannot_be_in_the_future_or_malformed(world):
    report = sent(submitted(world.wang_wei), world.liu_yang)
    tomorrow = today() + dt.timedelta(days=1)
    for bad in (tomorrow, "2026-13-40", None):
        with pytest.raises(Invalid) as exc:
            services.opinion_transition(
                report=report,
                name="record_instruction",
                actor=world.liu_yang,
                payload={**INSTRUCTION, "instructed_on": bad},
            )
        assert "instructed_on" in exc.value.fields


def _forward_and_adopt(report, office_below, office_above):
    """Forward `report` up and return the copy the parent adopted and sent."""
    report.refresh_from_db()  # outcomes flowing back from above may have moved it on
    services.opinion_transition(report=report, name="forward", actor=office_below)
    copy = OpinionReport.objects.get(origin=report)
    assert copy.state == State.RECEIVED
    return sent(copy, office_above)


def test_four_levels_national_adoption_and_provincial_instruction_reach_the_county_author(world):
    chain = four_levels(world)
    offices = chain["offices"]
    county = sent(submitted(world.wang_wei), offices["county"])
    city = _forward_and_adopt(county, offices["county"], offices["city"])
    province = _forward_and_adopt(city, offices["city"], offices["province"])
    province.refresh_from_db()
    services.opinion_transition(report=province, name="forward", actor=offices["province"])
    national = OpinionReport.objects.get(origin=province)
    assert (national.committee_id, national.hop, national.root_id) == (chain["national"].pk, 3, county.pk)
    assert national.reporter_kind == "lower_committee"
    services.opinion_transition(
        report=national,
        name="adopt",
        actor=offices["national"],
        payload={
            "bulletin_type_id": services.bulletin_types_for(chain["national"].pk)[0].pk,
            "mode": "combined",
        },
    )
    province.refresh_from_db()
    services.opinion_transition(
        report=province,
        name="record_instruction",
        actor=offices["province"],
        payload={**INSTRUCTION, "instructed_on": today()},
    )
    county.refresh_from_db()
    assert county.state == State.INSTRUCTED
    seen = queries.outcomes(county)
    assert {(a.level, a.mode) for a in seen["adoptions"]} == {
        ("county", "standalone"),
        ("city", "standalone"),
        ("province", "standalone"),
        ("national", "combined"),
    }
    assert [(i.leader_level, i.leader_role) for i in seen["instructions"]] == [("province", "principal")]
    # The province's copy sees only what happened at the province and above.
    assert {a.level for a in queries.outcomes(province)["adoptions"]} == {"province", "national"}
    # The author's duty record holds the national adoption and the provincial instruction.
    membership = Membership.objects.get(person=world.wang_wei.person)
    duties = list(DutyEvent.objects.filter(membership=membership).values_list("kind", "attributes"))
    assert ("opinion_adopted", {"level": "national", "mode": "combined"}) in duties
    assert ("opinion_instructed", {"level": "province", "role": "principal"}) in duties
    assert all(d.committee_id == world.committee.pk for d in DutyEvent.objects.filter(membership=membership))
    # The author's timeline shows each outcome as it flowed back.
    names = list(OpinionEvent.objects.filter(report=county).values_list("name", flat=True))
    assert names.count("upstream_adoption") == 3
    assert "upstream_instruction" in names
    # Every level counts the national adoption in its statistics.
    for key in ("county", "city", "province"):
        committee_id = chain[key].pk if key != "county" else world.committee.pk
        stats = queries.statistics(committee_id=committee_id, year=today().year)
        national_row = next(
            r for r in stats["totals"] and stats["adopted_by_level"] if r["level"] == "national"
        )
        assert national_row["count"] == 1, key
    # Nobody sees another committee's report: the city office not the county's, the author not the copies.
    with pytest.raises(NotFound):
        access.get_report_for_user(offices["city"], county.pk)
    with pytest.raises(NotFound):
        access.get_report_for_user(world.wang_wei, city.pk)
    assert access.get_report_for_user(offices["city"], city.pk).origin_id == county.pk


def test_unforwarded_reports_stay_invisible_to_parent_and_sibling(world):
    chain = four_levels(world)
    report = sent(submitted(world.wang_wei), world.liu_yang)
    for office in (chain["offices"]["city"], chain["offices"]["national"], sibling_office(world)):
        with pytest.raises(NotFound):
            access.get_report_for_user(office, report.pk)
        assert not access.opinions_visible_to(office).exists()


def test_forward_once_and_only_with_a_parent(world):
    chain = four_levels(world)
    report = sent(submitted(world.wang_wei), world.liu_yang)
    services.opinion_transition(report=report, name="forward", actor=world.liu_yang)
    with pytest.raises(Conflict) as exc:
        services.opinion_transition(
            report=OpinionReport.objects.get(pk=report.pk), name="forward", actor=world.liu_yang
        )
    assert exc.value.code == "blocked"
    national_member_report = OpinionReport.objects.get(origin=report)
    assert national_member_report.committee_id == chain["city"].pk


def test_national_committee_cannot_forward(world):
    chain = four_levels(world)
    office = chain["offices"]["national"]
    county = sent(submitted(world.wang_wei), world.liu_yang)
    city = _forward_and_adopt(county, world.liu_yang, chain["offices"]["city"])
    province = _forward_and_adopt(city, chain["offices"]["city"], chain["offices"]["province"])
    national = _forward_and_adopt(province, chain["offices"]["province"], office)
    with pytest.raises(Conflict) as exc:
        services.opinion_transition(report=national, name="forward", actor=office)
    assert exc.value.code == "blocked"


def test_forwarding_a_whole_issue(world):
    four_levels(world)
    first = in_state("adopted", world.wang_wei, world.liu_yang)
    second = submitted(world.li_na)
    services.opinion_transition(
        report=second,
        name="adopt",
        actor=world.liu_yang,
        payload={"issue_id": first.issue_id, "mode": "combined"},
    )
    issue = BulletinIssue.objects.get(pk=first.issue_id)
    with pytest.raises(Conflict):
        services.bulletin_forward(issue=issue, actor=world.liu_yang)
    services.bulletin_send(issue=issue, actor=world.liu_yang, recipients=["upper_committee"])
    services.bulletin_forward(issue=BulletinIssue.objects.get(pk=issue.pk), actor=world.liu_yang)
    copies = OpinionReport.objects.filter(committee=world.city).order_by("origin_id")
    assert [c.origin_id for c in copies] == [first.pk, second.pk]
    assert {c.arrived_with_issue_id for c in copies} == {issue.pk}
    with pytest.raises(Conflict):
        services.bulletin_forward(issue=BulletinIssue.objects.get(pk=issue.pk), actor=world.liu_yang)


def test_bulletin_send_needs_recipients_and_reports(world):
    issue = services.bulletin_issue_create(
        actor=world.liu_yang, bulletin_type_id=services.bulletin_types_for(world.committee.pk)[0].pk
    )
    with pytest.raises(Conflict):
        services.bulletin_send(issue=issue, actor=world.liu_yang, recipients=["government"])
    report = submitted(world.wang_wei)
    services.opinion_transition(
        report=report,
        name="adopt",
        actor=world.liu_yang,
        payload={"issue_id": issue.pk, "mode": "standalone"},
    )
    with pytest.raises(Invalid) as exc:
        services.bulletin_send(issue=issue, actor=world.liu_yang, recipients=["departments"])
    assert "recipient_note" in exc.value.fields
    with pytest.raises(Invalid):
        services.bulletin_send(issue=issue, actor=world.liu_yang, recipients=["nobody"])
    with pytest.raises(Forbidden):
        services.bulletin_send(issue=issue, actor=world.sun_li, recipients=["government"])


def test_convert_a_proposal_into_a_draft_for_its_authors(world):
    authors = list(
        Membership.objects.filter(person__in=[world.wang_wei.person, world.li_na.person]).order_by("id")
    )
    report = services.opinion_create_from_proposal(
        committee=world.committee,
        actor=world.zhang_min,
        proposal_title="关于加强校园周边交通安全的建议",
        body={"background": "情况" * 10, "analysis": "分析", "suggestions": "建议"},
        authors=authors,
        source="proposals.proposal:42",
    )
    assert (report.state, report.source, report.situation) == (
        State.DRAFT,
        "proposals.proposal:42",
        "情况" * 10,
    )
    assert report.reporter_name == "王伟、李娜"
    again = services.opinion_create_from_proposal(
        committee=world.committee,
        actor=world.zhang_min,
        proposal_title="x",
        body="y",
        authors=authors,
        source="proposals.proposal:42",
    )
    assert again.pk == report.pk
    assert any("由提案转来" in str(t.title) for t in queries.todos_for(world.li_na))
    assert (
        services.opinion_transition(report=report, name="submit", actor=world.li_na).state == State.RECEIVED
    )
    with pytest.raises(Forbidden):
        services.opinion_create_from_proposal(
            committee=world.committee,
            actor=world.outsider,
            proposal_title="x",
            body="y",
            authors=authors,
            source="p:1",
        )
    with pytest.raises(Invalid):
        services.opinion_create_from_proposal(
            committee=world.committee,
            actor=world.zhang_min,
            proposal_title="x",
            body="y",
            authors=[],
            source="p:2",
        )


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_attachments_by_content_and_size(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = draft(world.wang_wei)
    attachment = services.attachment_add(
        report=report, actor=world.wang_wei, upload=SimpleUploadedFile("说明.pdf", PDF)
    )
    assert (attachment.original_name, attachment.content_type) == ("说明.pdf", "application/pdf")
    with pytest.raises(Invalid):
        services.attachment_add(
            report=report, actor=world.wang_wei, upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00")
        )
    services.opinion_settings_update(
        actor=world.liu_yang, committee_id=world.committee.pk, changes={"attachment_max_mb": 1}
    )
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(Invalid):
        services.attachment_add(report=report, actor=world.wang_wei, upload=big)
    with pytest.raises(Forbidden):
        services.attachment_add(report=report, actor=world.li_na, upload=SimpleUploadedFile("a.pdf", PDF))


def test_urgent_reports_lead_the_office_queue_and_todos(world):
    submitted(world.li_na)
    urgent = submitted(world.wang_wei, is_urgent=True)
    assert [r.pk for r in queries.urgent_queue(world.liu_yang)] == [urgent.pk]
    todos = queries.todos_for(world.liu_yang)
    assert todos[0].urgent
    assert todos[0].count == 1
    assert todos[1].count == 1


def test_statistics_for_the_year(world):
    chain = four_levels(world)
    county = sent(submitted(world.wang_wei), world.liu_yang)
    services.opinion_transition(
        report=county,
        name="record_adoption",
        actor=world.liu_yang,
        payload={"level": "party_committee", "mode": "forwarded", "adopted_on": today()},
    )
    _forward_and_adopt(OpinionReport.objects.get(pk=county.pk), world.liu_yang, chain["offices"]["city"])
    declined = submitted(world.li_na, is_urgent=True)
    services.opinion_transition(
        report=declined, name="decline", actor=world.liu_yang, payload={"reason": "重复"}
    )
    stats = queries.statistics(committee_id=world.committee.pk, year=today().year)
    totals = stats["totals"]
    assert (totals["received"], totals["urgent"], totals["edited"], totals["not_adopted"]) == (2, 1, 1, 1)
    assert totals["adopted_upstream"] == 1  # one report, adopted by the party committee and the city
    by_level = {r["level"]: r["count"] for r in stats["adopted_by_level"]}
    assert (by_level["city"], by_level["party_committee"], by_level["county"]) == (1, 1, 0)
    authors = stats["rankings"]["author"]["rows"]
    assert [(r["name"], r["rank"], r["adopted"]) for r in authors] == [("王伟", 1, 1), ("李娜", 2, 0)]
    city_stats = queries.statistics(committee_id=chain["city"].pk, year=today().year)
    assert city_stats["totals"]["from_lower"] == 1
    assert city_stats["rankings"]["lower_committee"]["rows"][0]["name"] == "兰州市城关区"
    # The city does not count the county's party-committee adoption: it happened below it.
    assert {r["level"]: r["count"] for r in city_stats["adopted_by_level"]}["party_committee"] == 0
    lean = queries.statistics(committee_id=world.committee.pk, year=today().year, with_rankings=False)
    assert lean["rankings"] == {}
    assert lean["totals"] == totals
