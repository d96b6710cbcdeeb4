"""The services' rules: drafting, idempotency, versions, the concurrency conflict, merging, separate
handling, re-handling, silence recorded as no response, key and excellent proposals, attachments and
notices."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.proposals import services
from tongxin.proposals.models import (
    Assignment,
    ExcellentNomination,
    FollowUp,
    KeyProposal,
    Notification,
    Proposal,
    ProposalEvent,
    ProposalVersion,
    Proposer,
    Rating,
)
from tongxin.proposals.workflow import State

from .factories import REPLY, TEXT, act, draft, in_state, joint_proposal, make_cast

# --- Drafting --------------------------------------------------------------------------------------


def test_create_is_idempotent_by_key(world):
    first = draft(world, idempotency_key="phone-retry-1")
    again = draft(world, idempotency_key="phone-retry-1")
    assert again.pk == first.pk
    assert Proposal.objects.filter(created_by=world.wang_wei).count() == 1
    # The key is the author's: another member's identical key makes their own proposal.
    other = draft(world, world.li_na, idempotency_key="phone-retry-1")
    assert other.pk != first.pk


def test_create_validates_every_field(world):
    with pytest.raises(Invalid) as caught:
        services.proposal_create(
            actor=world.wang_wei,
            kind="joint",
            title="关" * 121,
            category_id=999999,
            suggested_unit_ids=[999999],
            cosigner_person_ids=[world.wang_wei.person_id],
        )
    assert set(caught.value.fields) == {"title", "category_id", "suggested_unit_ids", "cosigner_person_ids"}
    assert Proposal.objects.count() == 0


def test_cosigners_must_be_serving_members_of_this_committee(world):
    with pytest.raises(Invalid) as caught:
        draft(world, cosigners=[world.outsider])
    assert "cosigner_person_ids" in caught.value.fields


def test_staff_enter_for_a_member_and_it_is_recorded(world):
    p = services.proposal_create(
        actor=world.zhang_min, first_proposer_person_id=world.li_na.person_id, **TEXT
    )
    assert p.entered_on_behalf_by_id == world.zhang_min.pk
    assert p.proposers.get(role=Proposer.Role.FIRST).person_id == world.li_na.person_id
    # Only the proposal office may enter for someone else.
    with pytest.raises(Forbidden):
        services.proposal_create(actor=world.liu_yang, first_proposer_person_id=world.li_na.person_id, **TEXT)
    # The staff member submits it; the member sees it as theirs.
    p = act(p, "submit", world.zhang_min)
    assert p.state == State.SUBMITTED


def test_administrators_and_unit_staff_cannot_draft(world):
    for user in (world.sysadmin, world.zhou_qiang):
        with pytest.raises(Forbidden):
            draft(world, user)


def test_autosave_keeps_every_text_change_and_the_original_stays(world):
    p = draft(world)
    p = services.proposal_update_draft(proposal=p, actor=world.wang_wei, changes={"analysis": "补充的分析"})
    p = services.proposal_update_draft(proposal=p, actor=world.wang_wei, changes={"analysis": "补充的分析"})
    assert p.versions.count() == 2  # the unchanged second save wrote no version
    p = act(p, "submit", world.wang_wei)
    p = services.proposal_review_edit(
        proposal=p,
        actor=world.zhang_min,
        changes={"title": "关于规范公厕指示牌的建议", "note": "改为标题型案由"},
    )
    assert p.title == "关于规范公厕指示牌的建议"
    original = p.versions.filter(reason=ProposalVersion.Reason.ORIGINAL).get()
    assert original.title == TEXT["title"]
    assert original.analysis == "补充的分析"
    assert p.versions.filter(reason=ProposalVersion.Reason.REVIEW_EDIT).get().note == "改为标题型案由"
    # The author can no longer edit once submitted; another member never could.
    with pytest.raises(Conflict):
        services.proposal_update_draft(proposal=p, actor=world.wang_wei, changes={"title": "关于x的建议"})
    with pytest.raises(Forbidden):
        services.proposal_edit(proposal=p, actor=world.li_na, changes={"title": "关于x的建议"})


def test_a_draft_becomes_joint_when_cosigners_are_invited_and_individual_when_removed(world):
    # Autosave can create the draft before the author picks co-signers (seen in the browser test).
    p = draft(world)
    assert p.kind == Proposal.Kind.INDIVIDUAL
    p = services.proposal_update_draft(
        proposal=p, actor=world.wang_wei, changes={"cosigner_person_ids": [world.li_na.person_id]}
    )
    assert p.kind == Proposal.Kind.JOINT
    assert [(r.person_id, r.role) for r in p.proposers.order_by("position")] == [
        (world.wang_wei.person_id, "first"),
        (world.li_na.person_id, "cosigner"),
    ]
    p = services.proposal_update_draft(proposal=p, actor=world.wang_wei, changes={"cosigner_person_ids": []})
    assert p.kind == Proposal.Kind.INDIVIDUAL
    assert p.proposers.count() == 1


def test_submit_refuses_an_incomplete_proposal(world):
    p = services.proposal_create(actor=world.wang_wei, title="关于某事的建议")
    with pytest.raises(Invalid) as caught:
        act(p, "submit", world.wang_wei)
    assert {"suggestions", "background"} <= set(caught.value.fields)
    assert Proposal.objects.get(pk=p.pk).state == State.DRAFT


def test_session_window_decides_session_or_interim(world):
    with time_machine.travel(dt.datetime(2026, 1, 12, 10, 0, tzinfo=dt.UTC)):
        inside = act(draft(world), "submit", world.wang_wei)
    with time_machine.travel(dt.datetime(2026, 1, 14, 10, 0, tzinfo=dt.UTC)):
        after = act(draft(world, world.li_na), "submit", world.li_na)
    assert (inside.channel, inside.session_id) == (Proposal.Channel.SESSION, world.session.pk)
    # After the deadline it is a 平时提案, still numbered in the session just held (rule 7).
    assert (after.channel, after.session_id) == (Proposal.Channel.INTERIM, world.session.pk)


# --- Concurrency -------------------------------------------------------------------------------------


def test_two_actors_on_a_stale_proposal_exactly_one_wins(world):
    cast = make_cast(world)
    p = act(joint_proposal(cast, State.SUBMITTED), "cosign", world.li_na)
    seen_by_a = Proposal.objects.get(pk=p.pk)
    seen_by_b = Proposal.objects.get(pk=p.pk)
    act(seen_by_a, "file", world.zhang_min)
    with pytest.raises(Conflict) as caught:
        act(seen_by_b, "reject", world.zhang_min, reason_code="R10")
    assert caught.value.code == "conflict"
    assert "刷新" in caught.value.message
    fresh = Proposal.objects.get(pk=p.pk)
    assert fresh.state == State.FILED
    assert fresh.rejection_reason is None
    assert ProposalEvent.objects.filter(proposal=p, name__in=["file", "reject"]).count() == 1


def test_numbers_are_sequential_within_the_session(world):
    cast = make_cast(world)
    numbers = [joint_proposal(cast, State.FILED).number for _ in range(3)]
    assert numbers == [1, 2, 3]


# --- Co-signers --------------------------------------------------------------------------------------


def test_cosign_answers_once_and_before_the_deadline(world):
    cast = make_cast(world)
    with time_machine.travel(dt.datetime(2026, 9, 25, 9, 0, tzinfo=dt.UTC)):
        p = joint_proposal(cast, State.SUBMITTED)
    # Five working days after Friday 25 September 2026, across 国庆 (1–7 October; Sunday 20
    # September and Saturday 10 October are 调休 working days): 28, 29, 30 Sept, 8, 9 Oct.
    assert p.cosign_due_on == dt.date(2026, 10, 9)
    with time_machine.travel(dt.datetime(2026, 10, 12, 9, 0, tzinfo=dt.UTC)):
        with pytest.raises(Conflict) as caught:
            act(p, "cosign", world.li_na)
        assert caught.value.code == "blocked"
        # The office may file after the deadline; the silent invitation lapses.
        p = act(p, "file", world.zhang_min)
    assert p.proposers.get(person_id=world.li_na.person_id).status == Proposer.Status.EXPIRED


def test_file_waits_for_cosigners_before_their_deadline(world):
    p = joint_proposal(make_cast(world), State.SUBMITTED)
    with pytest.raises(Conflict) as caught:
        act(p, "file", world.zhang_min)
    assert caught.value.code == "blocked"
    p = act(p, "decline_cosign", world.li_na, note="不熟悉该领域")
    with pytest.raises(Conflict):
        act(p, "cosign", world.li_na)
    assert act(p, "file", world.zhang_min).state == State.FILED


# --- Merging ---------------------------------------------------------------------------------------------


def test_merge_keeps_every_proposer_and_every_proposer_rates_and_receives_the_reply(
    world, django_capture_on_commit_callbacks
):
    cast = make_cast(world)
    lead = joint_proposal(cast, State.FILED)  # wang_wei + li_na
    member = act(draft(world, world.sun_li), "submit", world.sun_li)
    member = act(member, "merge", world.zhang_min, into=lead.pk)
    assert member.state == State.MERGED
    assert member.merged_into_id == lead.pk
    lead.refresh_from_db()  # the merge took the lead too (its version moved on)
    # Credit: the member keeps its proposer, who now also sees the lead.
    assert member.proposers.get().person_id == world.sun_li.person_id
    assert services.group_raters(lead).count() == 3
    office = world.zhang_min
    lead = act(lead, "assign", office, mode="lead", lead_unit_id=cast.lead_unit.pk)
    lead = act(lead, "sign_for", cast.lead_staff)
    lead = act(lead, "draft_reply", cast.lead_staff, **REPLY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lead = act(lead, "approve_reply", office)
    notified = set(
        Notification.objects.filter(proposal=lead, key__startswith="event:").values_list(
            "recipient_id", flat=True
        )
    )
    assert {world.wang_wei.pk, world.li_na.pk, world.sun_li.pk} <= notified
    for user in (world.wang_wei, world.li_na):
        lead = act(lead, "rate", user, attitude="satisfied", result="satisfied")
        assert lead.state == State.REPLIED
    lead = act(lead, "rate", world.sun_li, attitude="basically", result="satisfied")
    assert lead.state == State.EVALUATED
    assert Rating.objects.filter(proposal=lead).count() == 3


def test_merge_refuses_a_lead_that_is_not_filed(world):
    cast = make_cast(world)
    lead = joint_proposal(cast, State.SUBMITTED)
    member = act(draft(world, world.sun_li), "submit", world.sun_li)
    with pytest.raises(Invalid) as caught:
        act(member, "merge", world.zhang_min, into=lead.pk)
    assert "into" in caught.value.fields


# --- Handling ----------------------------------------------------------------------------------------


def test_separate_units_each_reply_and_are_approved_one_by_one(world):
    cast = make_cast(world)
    office = world.zhang_min
    p = joint_proposal(cast, State.FILED)
    p = act(p, "assign", office, mode="separate", unit_ids=[cast.lead_unit.pk, cast.other_unit.pk])
    p = act(p, "sign_for", cast.lead_staff)
    assert p.state == State.ASSIGNED
    p = act(p, "sign_for", cast.other_staff)
    assert p.state == State.IN_HANDLING
    p = act(p, "draft_reply", cast.lead_staff, **REPLY)
    assert p.state == State.IN_HANDLING  # the other unit has not replied yet
    p = act(p, "draft_reply", cast.other_staff, **{**REPLY, "result_class": "C", "publicity": "not_public"})
    assert p.state == State.REPLY_DRAFTED
    with pytest.raises(Invalid) as caught:
        act(p, "approve_reply", office)
    assert "unit_id" in caught.value.fields
    p = act(p, "approve_reply", office, unit_id=cast.other_unit.pk)
    assert p.state == State.REPLY_DRAFTED
    p = act(p, "approve_reply", office, unit_id=cast.lead_unit.pk)
    assert (p.state, p.result_class, p.is_public) == (State.REPLIED, "A", False)


def test_co_unit_opinion_and_countersignature_are_required(world):
    cast = make_cast(world)
    p = joint_proposal(cast, State.IN_HANDLING)
    with pytest.raises(Conflict) as caught:
        act(p, "draft_reply", cast.lead_staff, **REPLY)
    assert "会办单位意见" in caught.value.message
    p = act(p, "submit_co_opinion", cast.co_staff, text="同意")
    p = act(p, "draft_reply", cast.lead_staff, **REPLY)
    with pytest.raises(Conflict):
        act(p, "approve_reply", world.zhang_min)
    p = act(p, "countersign", cast.co_staff)
    assert p.state == State.REPLY_COUNTERSIGNED
    p = act(p, "approve_reply", world.zhang_min, result_class="b")
    assert p.result_class == "B"
    assert FollowUp.objects.filter(proposal=p).count() == 1  # an in-plan reply gets a 回头看


def test_only_the_assigned_units_act_in_their_role(world):
    cast = make_cast(world)
    p = joint_proposal(cast, State.IN_HANDLING)
    with pytest.raises(Forbidden):
        act(p, "submit_co_opinion", cast.lead_staff, text="x")
    with pytest.raises(Forbidden):
        act(p, "draft_reply", cast.co_staff, **REPLY)
    with pytest.raises(Forbidden):
        act(p, "add_progress", cast.other_staff, kind="progress", text="x")


def test_reassignment_replaces_the_unit_and_refusal_locks_it(world):
    cast = make_cast(world)
    p = in_state(cast, State.REASSIGNMENT_REQUESTED)
    p = act(p, "decide_reassignment", world.zhang_min, approve=True, new_unit_id=cast.other_unit.pk)
    units = set(Assignment.objects.filter(proposal=p, is_active=True).values_list("unit_id", flat=True))
    assert units == {cast.lead_unit.pk, cast.other_unit.pk}
    old = Assignment.objects.get(proposal=p, unit=cast.co_unit)
    assert not old.is_active
    assert old.replaced_by.unit_id == cast.other_unit.pk
    # The new unit asks too, and is refused: its assignment is then locked.
    p = act(p, "request_reassignment", cast.other_staff, reason="也不属于本单位")
    p = act(p, "decide_reassignment", world.zhang_min, approve=False, note="请按职责办理")
    with pytest.raises(Conflict) as caught:
        act(p, "request_reassignment", cast.other_staff, reason="再次申请")
    assert caught.value.code == "blocked"


def test_extension_once_and_within_limits(world):
    cast = make_cast(world)
    p = joint_proposal(cast, State.IN_HANDLING)
    lead = Assignment.objects.get(proposal=p, unit=cast.lead_unit)
    too_far = lead.reply_due_on + dt.timedelta(days=60)
    with pytest.raises(Invalid) as caught:
        act(p, "request_extension", cast.lead_staff, until=too_far.isoformat(), reason="复杂")
    assert "until" in caught.value.fields
    until = lead.reply_due_on + dt.timedelta(days=20)
    p = act(p, "request_extension", cast.lead_staff, until=until.isoformat(), reason="需协调")
    p = act(p, "decide_extension", world.zhang_min, unit_id=cast.lead_unit.pk, approve=True)
    lead.refresh_from_db()
    assert (lead.reply_due_on, lead.extension_count) == (until, 1)
    with pytest.raises(Conflict) as caught:
        act(
            p,
            "request_extension",
            cast.lead_staff,
            until=(until + dt.timedelta(days=5)).isoformat(),
            reason="再延",
        )
    assert "次数" in caught.value.message


def test_rehandling_opens_a_new_round_once(world):
    cast = make_cast(world)
    office = world.zhang_min
    p = joint_proposal(cast, State.REPLIED)
    p = act(p, "rate", world.wang_wei, attitude="satisfied", result="unsatisfied", comment="未落实")
    p = act(p, "rate", world.li_na, attitude="satisfied", result="satisfied")
    p = act(p, "order_rehandling", office, note="请重新办理")
    assert (p.state, p.round) == (State.IN_HANDLING, 2)
    p = act(p, "draft_reply", cast.lead_staff, **{**REPLY, "text": "第二次答复"})
    p = act(p, "countersign", cast.co_staff)
    p = act(p, "approve_reply", office)
    p = act(p, "rate", world.wang_wei, attitude="satisfied", result="unsatisfied")
    p = act(p, "rate", world.li_na, attitude="satisfied", result="satisfied")
    with pytest.raises(Conflict) as caught:
        act(p, "order_rehandling", office, note="再次")
    assert "上限" in caught.value.message
    assert act(p, "close", office).state == State.CLOSED


def test_rehandling_needs_an_unsatisfied_rating(world):
    p = joint_proposal(make_cast(world), State.EVALUATED)
    with pytest.raises(Conflict):
        act(p, "order_rehandling", world.zhang_min, note="x")


def test_staff_enter_a_paper_rating(world):
    p = joint_proposal(make_cast(world), State.REPLIED)
    li_na_row = p.proposers.get(person_id=world.li_na.person_id)
    p = act(p, "rate", world.zhang_min, proposer_id=li_na_row.pk, attitude="satisfied", result="basically")
    rating = Rating.objects.get(proposal=p, proposer=li_na_row)
    assert rating.entered_by_staff
    assert rating.entered_by_id == world.zhang_min.pk


def test_silence_is_recorded_as_no_response_after_the_window(world):
    cast = make_cast(world)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)):
        p = joint_proposal(cast, State.REPLIED)
        p = act(p, "rate", world.wang_wei, attitude="satisfied", result="satisfied")
        assert services.proposal_ratings_close(proposal_id=p.pk) is False  # the window is open
    # 15 working days from Monday 2 March 2026 end on Monday 23 March.
    assert p.rating_due_on == dt.date(2026, 3, 23)
    with time_machine.travel(dt.datetime(2026, 3, 24, 9, 0, tzinfo=dt.UTC)):
        assert services.proposals_sweep(today=dt.date(2026, 3, 24)) >= 1
    p.refresh_from_db()
    assert p.state == State.EVALUATED
    silent = Rating.objects.get(proposal=p, proposer__person_id=world.li_na.person_id)
    assert silent.no_response
    assert not silent.attitude
    event = ProposalEvent.objects.filter(proposal=p, name="rate").latest("id")
    assert event.actor_id is None
    assert event.to_state == State.EVALUATED
    with pytest.raises(Invalid):
        act(joint_proposal(cast, State.REPLIED), "rate", world.wang_wei, no_response=True)


# --- Key and excellent ---------------------------------------------------------------------------------


def test_key_proposal_nomination_decision_and_supervision(world):
    cast = make_cast(world)
    p = joint_proposal(cast, State.IN_HANDLING)
    office = world.zhang_min
    p = act(p, "designate_key", office, step="nominate", reason="群众关注度高")
    with pytest.raises(Invalid) as caught:
        act(p, "designate_key", office, step="decide", approve=True)
    assert {"supervising_leader", "mode"} <= set(caught.value.fields)
    p = act(
        p,
        "designate_key",
        office,
        step="decide",
        approve=True,
        supervising_leader="孙立副主席",
        mode="supervise",
    )
    assert p.is_key
    assert p.state == State.IN_HANDLING
    services.key_supervision_add(
        proposal=p, actor=office, kind="visit", held_on=dt.date(2026, 11, 20), note="走访"
    )
    key = services.key_proposal_close(proposal=p, actor=office, summary="督办成效明显")
    assert key.status == KeyProposal.Status.CLOSED
    assert key.supervision_events.count() == 1


def test_excellent_nomination_and_selection(world):
    p = in_state(make_cast(world), State.CLOSED)
    p = act(p, "nominate_excellent", world.zhang_min, step="nominate", year=2026, reason="成效显著")
    p = act(p, "nominate_excellent", world.zhang_min, step="select", year=2026, approve=True)
    assert p.is_excellent
    assert ExcellentNomination.objects.get(proposal=p).status == ExcellentNomination.Status.SELECTED


# --- Attachments -------------------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("调研报告.pdf", b"%PDF-1.7\n...", True),
        ("附表.docx", _docx(), True),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, True),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20, True),
        ("伪装.pdf", b"MZ\x90\x00 not a pdf", False),
        ("archive.docx", b"PK\x03\x04 broken zip", False),
    ],
)
def test_attachments_are_accepted_by_content(world, settings, tmp_path, name, content, accepted):
    settings.MEDIA_ROOT = tmp_path
    p = draft(world)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    if not accepted:
        with pytest.raises(Invalid):
            services.attachment_add(proposal=p, actor=world.wang_wei, upload=upload)
        assert p.attachments.count() == 0
        return
    attachment = services.attachment_add(proposal=p, actor=world.wang_wei, upload=upload)
    assert attachment.original_name == name
    assert name not in attachment.file.name  # stored under a server-generated name


# --- Notices -----------------------------------------------------------------------------------------


def test_notices_are_sent_once_per_event(world, django_capture_on_commit_callbacks):
    from tongxin.proposals.notifications import notify_event

    cast = make_cast(world)
    p = draft(world, cosigners=[world.li_na])
    with django_capture_on_commit_callbacks(execute=True):
        p = act(p, "submit", world.wang_wei)
    invite = Notification.objects.get(recipient=world.li_na, proposal=p)
    assert "联名" in invite.title
    assert Notification.objects.filter(recipient=world.zhang_min, proposal=p).exists()
    event = ProposalEvent.objects.get(proposal=p, name="submit")
    assert notify_event(event_id=event.pk) == 0  # a retried task sends nothing twice
    assert cast  # units are not told about a submission
    assert not Notification.objects.filter(recipient=cast.lead_staff).exists()
