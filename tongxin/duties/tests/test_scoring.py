"""Points trace to events; recomputation is incremental, deterministic and matches a full rebuild."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tongxin.duties import scoring
from tongxin.duties.kinds import DutyKind as K
from tongxin.duties.models import MemberScore, ScoreEntry
from tongxin.duties.queries import explanation
from tongxin.duties.services import (
    duty_event_void,
    recompute_deferred,
    score_recompute_committee,
    score_recompute_member,
)

from .conftest import membership_of

pytestmark = pytest.mark.django_db


def test_every_point_links_to_its_event(world, record):
    m = membership_of(world.wang_wei)
    e1 = record(m, K.MEETING_ATTENDED, meeting_kind="plenary")
    e2 = record(m, K.RESEARCH)
    data = explanation(m, 2026)
    assert {line["event_id"] for line in data["lines"]} == {e1.pk, e2.pk}
    assert sum(line["counted"] for line in data["lines"]) + data["base"] == data["total"] == Decimal("52.00")
    assert all(line["rule"] for line in data["lines"])


def test_recording_updates_only_the_affected_member(world, record):
    a, b = membership_of(world.wang_wei), membership_of(world.li_na)
    record(b, K.RESEARCH)
    b_score = MemberScore.objects.get(membership=b, year=2026)
    record(a, K.RESEARCH)
    assert MemberScore.objects.get(membership=b, year=2026).computed_at == b_score.computed_at
    assert MemberScore.objects.get(membership=a, year=2026).total == Decimal("2.00")


def test_void_removes_the_points(world, record):
    m = membership_of(world.wang_wei)
    e = record(m, K.RESEARCH)
    assert duty_event_void(dedupe_key=e.dedupe_key, reason="更正") == 1
    assert duty_event_void(dedupe_key=e.dedupe_key, reason="更正") == 0
    assert MemberScore.objects.get(membership=m, year=2026).total == Decimal("0.00")
    assert not ScoreEntry.objects.filter(event=e).exists()


def test_recording_twice_is_a_no_op(world, record):
    from tongxin.duties.services import duty_event_record

    m = membership_of(world.wang_wei)
    e = record(m, K.RESEARCH)
    again = duty_event_record(
        committee=m.term.committee,
        membership=m,
        kind=K.RESEARCH,
        occurred_on=e.occurred_on,
        title="x",
        source="x",
        dedupe_key=e.dedupe_key,
    )
    assert again.pk == e.pk
    assert ScoreEntry.objects.filter(event=e).count() == 1


def test_deferred_block_rebuilds_each_member_once_at_the_end(world, record):
    m = membership_of(world.wang_wei)
    with recompute_deferred():
        record(m, K.RESEARCH)
        record(m, K.RESEARCH)
        assert not MemberScore.objects.filter(membership=m).exists()
    assert MemberScore.objects.get(membership=m, year=2026).total == Decimal("4.00")


def test_full_rebuild_equals_incremental_and_is_deterministic(world, record):
    a, b = membership_of(world.wang_wei), membership_of(world.li_na)
    record(a, K.MEETING_ATTENDED, meeting_kind="plenary")
    record(a, K.PROPOSAL_SUBMITTED, role="first_proposer", signers=3)
    record(b, K.OPINION_SUBMITTED)
    before = {s.membership_id: (s.total, s.group_totals) for s in MemberScore.objects.filter(year=2026)}
    lines_before = sorted(ScoreEntry.objects.values_list("event_id", "rule_id", "points", "counted"))
    assert score_recompute_committee(committee_id=world.committee.pk, year=2026) >= 3
    after = {s.membership_id: (s.total, s.group_totals) for s in MemberScore.objects.filter(year=2026)}
    assert {k: after[k] for k in before} == before
    assert sorted(ScoreEntry.objects.values_list("event_id", "rule_id", "points", "counted")) == lines_before
    score_recompute_member(membership_id=a.pk, year=2026)
    assert sorted(ScoreEntry.objects.values_list("event_id", "rule_id", "points", "counted")) == lines_before


def test_engine_cap_trims_later_lines_first():
    rules = [scoring.RuleSpec(id=1, group="g", kind="research", points=Decimal(4))]
    events = [scoring.EventSpec(id=i, kind="research", role="", attributes={}) for i in range(1, 4)]
    result = scoring.score(
        rules=rules,
        groups={"g": {"cap": 10}},
        base=Decimal(0),
        min_score=None,
        max_score=None,
        events=events,
        member={},
    )
    assert [line.counted for line in result.lines] == [4, 4, 2]
    assert result.total == Decimal("10.00")


def test_engine_floor_and_min_score():
    rules = [scoring.RuleSpec(id=1, group="g", kind="meeting_absent", points=Decimal(-5))]
    events = [scoring.EventSpec(id=i, kind="meeting_absent", role="", attributes={}) for i in range(1, 4)]
    result = scoring.score(
        rules=rules,
        groups={"g": {"floor": -8}},
        base=Decimal(5),
        min_score=Decimal(0),
        max_score=None,
        events=events,
        member={},
    )
    assert [line.counted for line in result.lines] == [-5, -3, 0]
    assert result.total == Decimal("0.00")


def test_band_for_picks_the_highest_band_reached():
    bands = [(Decimal(90), "优秀", "commend"), (Decimal(60), "称职", ""), (None, "不称职", "talk_sector")]
    assert scoring.band_for(Decimal(95), bands) == ("优秀", "commend")
    assert scoring.band_for(Decimal(60), bands) == ("称职", "")
    assert scoring.band_for(Decimal("59.99"), bands) == ("不称职", "talk_sector")


def test_score_distribution_bands_and_average(world, record):
    from tongxin.duties.queries import score_distribution

    wang, li, sun = (membership_of(u) for u in (world.wang_wei, world.li_na, world.sun_li))
    record(wang, K.MEETING_ATTENDED, meeting_kind="plenary")  # 50
    record(wang, K.RESEARCH)  # 52
    record(li, K.MEETING_ATTENDED, meeting_kind="plenary")  # 50
    for _ in range(4):
        record(sun, K.RESEARCH)  # 8
    data = score_distribution(world.committee.pk, 2026)
    assert data["members"] == 3
    assert data["bands"] == [{"low": 0, "high": 10, "members": 1}, {"low": 50, "high": 60, "members": 2}]
    assert (data["lowest"], data["highest"], data["average"]) == (
        Decimal("8"),
        Decimal("52"),
        Decimal("36.67"),
    )
    assert score_distribution(world.committee.pk, 2025)["bands"] == []


def test_checklist_summary_gives_the_share_of_members_who_met_each_line(world, record):
    from tongxin.duties.queries import checklist_summary

    record(membership_of(world.wang_wei), K.RESEARCH)
    rows = {row["code"]: row for row in checklist_summary(world.committee.pk, 2026)}
    research = rows["research"]
    assert (research["members_met"], research["members_total"], research["rate"]) == (1, 3, 33.3)
    assert all(row["rate"] == 0.0 for code, row in rows.items() if code != "research")
