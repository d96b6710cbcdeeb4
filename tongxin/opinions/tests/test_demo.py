"""The demo extension builds reports through the whole cycle, through the real services."""

from __future__ import annotations

import random
from types import SimpleNamespace

from tongxin.members.models import Membership
from tongxin.opinions import demo, queries
from tongxin.opinions.models import BulletinIssue, OpinionReport

from .factories import today


def test_demo_builds_a_year_of_reports(world):
    context = SimpleNamespace(
        committee=world.committee,
        memberships=list(Membership.objects.filter(term=world.term)),
        users={"xinxi": world.liu_yang, "weiyuan": world.wang_wei},
        rng=random.Random(7),
        demo=True,
    )
    counts = demo.build(context)
    assert counts["opinion_reports"] == OpinionReport.objects.filter(committee=world.committee).count() == 43
    assert counts["opinion_issues"] == BulletinIssue.objects.filter(sent_on__isnull=False).count() > 3
    stats = queries.statistics(committee_id=world.committee.pk, year=today().year)
    assert stats["totals"]["edited"] > 20
    assert stats["totals"]["adopted_upstream"] == counts["opinion_adoptions"] + 1
    own = OpinionReport.objects.filter(created_by=world.wang_wei)
    assert sorted(own.values_list("state", flat=True)) == ["draft", "instructed", "received"]
    assert own.filter(is_urgent=True, state="received").exists()
