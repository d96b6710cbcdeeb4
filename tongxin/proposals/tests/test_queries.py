"""Reads: statistics from aggregates, due lists, the review desk and "我的待办"."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings

from tongxin.proposals import queries
from tongxin.proposals.workflow import State

from .factories import act, draft, in_state, joint_proposal, make_cast


def test_session_statistics(world, django_assert_max_num_queries):
    cast = make_cast(world)
    office = world.zhang_min
    evaluated = joint_proposal(cast, State.EVALUATED)  # class A, both rated satisfied/basically
    act(evaluated, "close", office)
    in_state(cast, State.NOT_FILED)
    in_state(cast, State.WITHDRAWN)
    in_state(cast, State.CONVERTED)
    in_state(cast, State.MERGED)  # a filed lead (wang_wei) and a merged member (sun_li)
    joint_proposal(cast, State.IN_HANDLING)
    draft(world)  # drafts are not received
    with django_assert_max_num_queries(15):
        stats = queries.statistics(committee_id=world.committee.pk, session_id=world.session.pk)
    t = stats["totals"]
    assert t["received"] == 7
    assert (t["filed"], t["filed_after_merge"]) == (3, 3)
    assert (t["merged_groups"], t["merged_members"]) == (1, 1)
    assert (t["not_filed"], t["withdrawn"], t["converted"], t["closed"]) == (1, 1, 1, 1)
    assert (t["assigned"], t["replied"], t["reply_rate"]) == (2, 1, 50.0)
    assert t["classes"] == {"A": 1}
    assert t["on_time_rate"] == 100.0
    assert (t["attitude_satisfaction_rate"], t["result_satisfaction_rate"]) == (100.0, 100.0)
    assert t["overdue"] == 0
    by_unit = {row["group_name"]: row for row in stats["by_unit"]}
    assert by_unit[cast.lead_unit.name]["assigned"] == 2
    assert by_unit[cast.lead_unit.name]["replied"] == 1
    by_sector = {row["group_name"]: row for row in stats["by_sector"]}
    assert by_sector["经济界"]["received"] == 7
    parties = {row["group_name"]: row["received"] for row in stats["by_participating_unit"]}
    assert parties["九三学社"] == 6  # wang_wei's proposals; sun_li belongs to no party
    year = queries.statistics(committee_id=world.committee.pk, year=2026)["totals"]
    assert year["received"] == 7


def test_overdue_and_due_soon_lists(world):
    cast = make_cast(world)
    with time_machine.travel(dt.datetime(2026, 2, 12, 9, 0, tzinfo=dt.UTC)):
        p = joint_proposal(cast, State.IN_HANDLING)  # reply due 12 May 2026
    lists = queries.due_lists(cast.lead_staff, today=dt.date(2026, 5, 1))
    assert [a.proposal_id for a in lists["due_soon"]] == [p.pk]
    lists = queries.due_lists(world.zhang_min, today=dt.date(2026, 5, 13))
    assert [a.proposal_id for a in lists["overdue"]] == [p.pk]
    assert queries.due_lists(cast.other_staff, today=dt.date(2026, 5, 13))["overdue"] == []
    assert queries.due_lists(world.sysadmin, today=dt.date(2026, 5, 13))["overdue"] == []
    assert queries.statistics(committee_id=world.committee.pk)["totals"]["overdue"] in (0, 1)


def test_review_desk_shows_similar_proposals(world):
    toilets = act(draft(world), "submit", world.wang_wei)
    also_toilets = act(draft(world, world.li_na, title="关于增设公厕指引标识的建议"), "submit", world.li_na)
    unrelated = act(draft(world, world.sun_li, title="关于改善校园周边交通的建议"), "submit", world.sun_li)
    rows = {row["id"]: row for row in queries.review_desk(world.zhang_min, session_id=world.session.pk)}
    assert set(rows) == {toilets.pk, also_toilets.pk, unrelated.pk}
    assert also_toilets.pk in {s["id"] for s in rows[toilets.pk]["similar"]}
    assert toilets.pk not in {s["id"] for s in rows[unrelated.pk]["similar"]}


def test_key_terms_drop_the_common_frame():
    terms = queries.key_terms("关于进一步完善城市公厕指引系统的建议")
    assert terms
    assert all("关于" not in t and "建议" not in t for t in terms)


def test_todos_for_each_role(world):
    assert "tongxin.proposals.queries.todos_for" in settings.TODO_PROVIDERS
    cast = make_cast(world)
    submitted = joint_proposal(cast, State.SUBMITTED)
    titles = [str(t.title) for t in queries.todos_for(world.li_na)]
    assert any("联名" in t for t in titles)
    assert any("待审查" in str(t.title) for t in queries.todos_for(world.zhang_min))
    act(submitted, "cosign", world.li_na)
    assigned = joint_proposal(cast, State.ASSIGNED)
    assert any("签收" in str(t.title) for t in queries.todos_for(cast.lead_staff))
    replied = joint_proposal(cast, State.REPLIED)
    assert any("评价" in str(t.title) for t in queries.todos_for(world.wang_wei))
    assert queries.todos_for(world.sysadmin) == []
    assert queries.todos_for(cast.other_staff) == []
    assert assigned.pk
    assert replied.pk
    # Each item points somewhere real: the proposals API until the pages land.
    assert all(t.url.startswith("/proposals/") for t in queries.todos_for(world.zhang_min))


def test_daily_sweep_reminds_units_once(world):
    from io import StringIO

    from django.core.management import call_command

    from tongxin.proposals.models import Notification

    cast = make_cast(world)
    with time_machine.travel(dt.datetime(2026, 2, 12, 9, 0, tzinfo=dt.UTC)):
        p = joint_proposal(cast, State.IN_HANDLING)  # reply due 12 May 2026
    out = StringIO()
    call_command("proposals_sweep", date="2026-05-13", stdout=out)
    assert out.getvalue().strip() == "2026-05-13: 2"  # the lead unit's staff and the proposal office
    overdue = Notification.objects.filter(proposal=p, key__startswith="overdue:")
    assert set(overdue.values_list("recipient_id", flat=True)) == {cast.lead_staff.pk, world.zhang_min.pk}
    call_command("proposals_sweep", date="2026-05-13", stdout=StringIO())
    assert overdue.count() == 2
    call_command("proposals_sweep", date="2026-05-01", stdout=StringIO())
    assert Notification.objects.filter(
        proposal=p, key__startswith="due_soon:", recipient=cast.lead_staff
    ).exists()


def test_statistics_by_unit_carry_on_time_class_mix_and_satisfaction(world):
    cast = make_cast(world)
    joint_proposal(cast, State.EVALUATED)  # class A; rated satisfied/satisfied and satisfied/basically
    unhappy = joint_proposal(cast, State.REPLIED)
    act(unhappy, "rate", world.wang_wei, attitude="basically", result="unsatisfied")
    act(unhappy, "rate", world.li_na, attitude="satisfied", result="satisfied")
    joint_proposal(cast, State.IN_HANDLING)
    stats = queries.statistics(committee_id=world.committee.pk, session_id=world.session.pk)
    by_unit = {row["group_name"]: row for row in stats["by_unit"]}
    lead = by_unit[cast.lead_unit.name]
    assert (lead["assigned"], lead["replied"], lead["on_time"], lead["on_time_rate"]) == (3, 2, 2, 100.0)
    assert lead["classes"] == {"A": 2}
    assert lead["ratings"] == 4
    assert (lead["attitude_satisfaction_rate"], lead["result_satisfaction_rate"]) == (100.0, 75.0)
    co = by_unit[cast.co_unit.name]  # a co-unit countersigns; the reply and its ratings are the lead's
    assert (co["on_time_rate"], co["classes"], co["ratings"], co["result_satisfaction_rate"]) == (
        None,
        {},
        0,
        None,
    )
    assert stats["key"]["received"] == 0
    totals_only = queries.statistics(
        committee_id=world.committee.pk, session_id=world.session.pk, breakdowns=False
    )
    assert totals_only == {"session_id": world.session.pk, "year": None, "totals": stats["totals"]}


def test_office_pages_with_many_sessions_stay_bounded(world, client_for, django_assert_max_num_queries):
    """The session picker names each session by its term and committee: one query for all."""
    from tongxin.org import services as org

    tz = dt.timezone(dt.timedelta(hours=8))
    for number in range(6, 12):
        year = 2021 + number
        org.session_create(
            actor=world.sysadmin,
            term=world.term,
            number=number,
            opens_on=dt.date(year, 1, 12),
            closes_on=dt.date(year, 1, 15),
            proposal_window_starts_at=dt.datetime(year - 1, 10, 12, tzinfo=tz),
            proposal_deadline=dt.datetime(year, 1, 13, 20, tzinfo=tz),
        )
    for i in range(3):
        act(draft(world, title=f"关于完善第{i}片区公厕指引系统的建议"), "submit", world.wang_wei)
    office = client_for(world.zhang_min)
    for url in (
        f"/proposals/review/?session={world.session.pk}",
        "/proposals/batch/",
        "/proposals/key/",
    ):
        with django_assert_max_num_queries(15):
            assert office.get(url).status_code == 200
