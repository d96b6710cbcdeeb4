"""The demo extension: proposals in every state through the real services, so every demo login sees
real work; and the bulk path `tongxin seed` uses for the rest of a session's size."""

from __future__ import annotations

import random
from types import SimpleNamespace

from tongxin.members.models import Membership
from tongxin.opinions.models import OpinionReport
from tongxin.proposals import demo, queries
from tongxin.proposals.models import ExcellentNomination, KeyProposal, Proposal, Rating, Reply
from tongxin.proposals.workflow import State

from .factories import make_cast


def _context(world, units, demo_flag=True):
    return SimpleNamespace(
        committee=world.committee,
        term=world.term,
        memberships=list(Membership.objects.filter(term=world.term).select_related("person")),
        units=units,
        users={
            "tian": world.zhang_min,
            "weiyuan": world.wang_wei,
            "zhuxi": world.sun_li,
            "chengban": world.zhou_qiang,
        },
        rng=random.Random(11),
        demo=demo_flag,
        scale=SimpleNamespace(name="county"),
    )


def test_demo_proposals_in_every_state_and_work_for_every_login(world):
    cast = make_cast(world)
    counts = demo.build(_context(world, [world.unit, cast.co_unit, cast.other_unit]))
    proposals = Proposal.objects.filter(committee=world.committee)
    assert counts["proposals"] == proposals.count() > 35
    states = set(proposals.values_list("state", flat=True))
    assert states == set(State.values), set(State.values) - states
    # Texts from the real corpus when ../shared is there (else the generated ones), read at run time.
    assert set(proposals.values_list("title", flat=True)) <= {t.title for t in demo.texts()}
    assert proposals.filter(entered_on_behalf_by=world.zhang_min).count() == proposals.count() - 7
    assert set(
        proposals.filter(state__in=[State.CLOSED, State.EVALUATED]).values_list("result_class", flat=True)
    ) >= {"A", "C"}
    assert KeyProposal.objects.filter(status=KeyProposal.Status.DESIGNATED).count() == 2
    assert ExcellentNomination.objects.filter(status=ExcellentNomination.Status.SELECTED).count() == 2
    converted = proposals.get(converted_to=Proposal.ConvertedTo.OPINION_REPORT)
    assert OpinionReport.objects.filter(source=f"proposals.proposal:{converted.pk}").exists()
    assert Rating.objects.filter(entered_by_staff=True).exists()  # paper forms entered by the office
    # Every demo login has something to do or to read.
    todos = {
        name: " ".join(str(t.title) for t in queries.todos_for(user))
        for name, user in {
            "weiyuan": world.wang_wei,
            "zhuxi": world.sun_li,
            "tian": world.zhang_min,
            "chengban": world.zhou_qiang,
        }.items()
    }
    assert "联名" in todos["weiyuan"]
    assert "评价" in todos["weiyuan"]
    assert "联名" in todos["zhuxi"]
    assert "待审查" in todos["tian"]
    assert "调整承办单位" in todos["tian"]
    assert "签收" in todos["chengban"]
    mine = queries.proposal_filter(world.wang_wei, {}).values_list("state", flat=True)
    assert {State.DRAFT, State.SUBMITTED, State.RETURNED, State.REPLIED, State.CLOSED} <= set(mine)


def test_bulk_rows_for_seeds_and_benchmarks(world, api_for):
    cast = make_cast(world)
    from tongxin.proposals.services import settings_for

    settings_for(world.committee.pk)
    n = demo.proposals_bulk_create(
        session=world.session,
        memberships=list(Membership.objects.filter(term=world.term)),
        units=[world.unit, cast.co_unit, cast.other_unit],
        office=world.zhang_min,
        count=120,
        rng=random.Random(3),
        pool=demo.texts(),
    )
    proposals = Proposal.objects.filter(session=world.session)
    assert n == proposals.count() == 120
    assert len(set(proposals.values_list("state", flat=True))) >= 8
    numbers = [x for x in proposals.values_list("number", flat=True) if x is not None]
    assert len(numbers) == len(set(numbers))
    replied = proposals.filter(replied_at__isnull=False)
    assert Reply.objects.filter(proposal__in=replied).count() == replied.count()
    # A bulk row reads like any other: the office's detail answers.
    p = replied.first()
    assert api_for(world.zhang_min).get(f"/api/v1/proposals/{p.pk}").status_code == 200
    stats = queries.statistics(committee_id=world.committee.pk, session_id=world.session.pk)["totals"]
    assert stats["received"] == 120
