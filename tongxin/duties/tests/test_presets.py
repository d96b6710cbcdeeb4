"""Every preset reproduces a worked example computed by hand from domain.md §4.2."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tongxin.duties.kinds import DutyKind as K
from tongxin.duties.models import MemberScore
from tongxin.duties.services import score_rules_apply_preset

from .conftest import membership_of

pytestmark = pytest.mark.django_db
YEAR = 2026


def total(m) -> Decimal:
    return MemberScore.objects.get(membership=m, year=YEAR).total


def use(world, preset: str) -> None:
    score_rules_apply_preset(actor=world.zhao_lei, year=YEAR, preset=preset)


def test_tongcheng_table_a(world, record):
    """Table A: plenary 50 (cap 50); joint proposal as first proposer of 2: submitted 10×½ = 5, filed
    15×½ = 7.5; co-signer of 3: 10×½÷2 = 2.5 → proposals 15 (cap 25); 3 research × 2 = 6 + written
    plenary speech 5 = 11 → cap 10; report 10 + adopted 5 = 15, a second report 10 → cap 15.
    50 + 15 + 10 + 15 = 90."""
    use(world, "tongcheng")
    m = membership_of(world.wang_wei)
    record(m, K.MEETING_ATTENDED, meeting_kind="plenary")
    record(m, K.PROPOSAL_SUBMITTED, role="first_proposer", signers=2)
    record(m, K.PROPOSAL_FILED, role="first_proposer", signers=2)
    record(m, K.PROPOSAL_SUBMITTED, role="co_signer", signers=3)
    for _ in range(3):
        record(m, K.RESEARCH)
    record(m, K.SPEECH, mode="written", meeting_kind="plenary")
    record(m, K.OPINION_SUBMITTED)
    record(m, K.OPINION_ADOPTED, level="committee")
    record(m, K.OPINION_SUBMITTED)
    assert total(m) == Decimal("90.00")
    score = MemberScore.objects.get(membership=m, year=YEAR)
    assert score.group_totals == {
        "plenary": "50.00",
        "proposals": "15.00",
        "activities": "10.00",
        "opinions": "15.00",
    }
    assert score.grade == "称职"


def test_tongcheng_leave_and_standing_deductions(world, record):
    """Table A: leave approved at the plenary 30; a standing member's leave −2 and unexcused −5."""
    use(world, "tongcheng")
    m = membership_of(world.li_na)
    record(m, K.MEETING_LEAVE, meeting_kind="plenary")
    assert total(m) == Decimal("30.00")
    standing = membership_of(world.sun_li)
    standing.is_standing = True
    standing.save()
    record(standing, K.MEETING_ATTENDED, meeting_kind="plenary")
    record(standing, K.MEETING_LEAVE, meeting_kind="standing")
    record(standing, K.MEETING_ABSENT, meeting_kind="standing")
    assert total(standing) == Decimal("43.00")
    # The same deductions do not touch an ordinary member.
    record(m, K.MEETING_ABSENT, meeting_kind="standing")
    assert total(m) == Decimal("30.00")


def test_jinan_table_c(world, record):
    """Table C: base 70; 3 filed as first proposer → +5 +5 (the first earns nothing); one key +5;
    one excellent +10; 6 public-welfare deeds 12 → cap 10. 70 + 10 + 5 + 10 + 10 = 105, 优秀."""
    use(world, "jinan")
    m = membership_of(world.wang_wei)
    for _ in range(3):
        record(m, K.PROPOSAL_FILED, role="first_proposer", signers=1)
    record(m, K.PROPOSAL_KEY, role="first_proposer")
    record(m, K.PROPOSAL_EXCELLENT, role="first_proposer")
    for _ in range(6):
        record(m, K.PRACTICAL_DEED)
    assert total(m) == Decimal("105.00")
    assert MemberScore.objects.get(membership=m, year=YEAR).grade == "优秀"


def test_jinan_absences_grades_and_ceiling(world, record):
    """Table C: absent without leave 70 − 30 = 40 → 不称职 and 约谈 by the sector convener; with leave
    70 − 10 = 60 → 称职; the total never passes 120."""
    use(world, "jinan")
    absent, on_leave, star = (
        membership_of(world.wang_wei),
        membership_of(world.li_na),
        membership_of(world.sun_li),
    )
    record(absent, K.MEETING_ABSENT, meeting_kind="plenary")
    record(on_leave, K.MEETING_LEAVE, meeting_kind="plenary")
    for _ in range(6):
        record(star, K.PROPOSAL_EXCELLENT, role="first_proposer")
    s = MemberScore.objects.get(membership=absent, year=YEAR)
    assert (s.total, s.grade, s.consequence) == (Decimal("40.00"), "不称职", "talk_sector")
    assert total(on_leave) == Decimal("60.00")
    assert total(star) == Decimal("120.00")


def test_jinan_two_years_running_escalates_to_committee(world, record):
    """Rule 54 (济南): under 60 two years running → 约谈 by the committee itself."""
    score_rules_apply_preset(actor=world.zhao_lei, year=2025, preset="jinan")
    use(world, "jinan")
    m = membership_of(world.wang_wei)
    import datetime as dt

    record(m, K.MEETING_ABSENT, meeting_kind="plenary", on=dt.date(2025, 1, 12))
    record(m, K.MEETING_ABSENT, meeting_kind="plenary", on=dt.date(2026, 1, 12))
    assert MemberScore.objects.get(membership=m, year=2025).consequence == "talk_sector"
    assert MemberScore.objects.get(membership=m, year=2026).consequence == "talk_committee"


def test_minhang_table_d(world, record):
    """Table D: plenary 4 half-days × 5 = 20; a standing meeting and a research trip 5 + 5; off-site
    training in full 10; 2 filed as lead author → 15 once; one key as lead +15; participant in an
    excellent proposal +2. 20 + 10 + 10 + 15 + 15 + 2 = 72."""
    use(world, "minhang")
    m = membership_of(world.wang_wei)
    record(m, K.MEETING_ATTENDED, meeting_kind="plenary", sittings=4, full=True)
    record(m, K.MEETING_ATTENDED, meeting_kind="standing")
    record(m, K.RESEARCH)
    record(m, K.MEETING_ATTENDED, meeting_kind="training", offsite=True, full=True)
    record(m, K.PROPOSAL_FILED, role="first_proposer", signers=1)
    record(m, K.PROPOSAL_FILED, role="first_proposer", signers=1)
    record(m, K.PROPOSAL_KEY, role="first_proposer")
    record(m, K.PROPOSAL_EXCELLENT, role="co_signer")
    assert total(m) == Decimal("72.00")


def test_minhang_partial_training(world, record):
    use(world, "minhang")
    m = membership_of(world.li_na)
    record(m, K.MEETING_ATTENDED, meeting_kind="training", offsite=True, full=False)
    assert total(m) == Decimal("5.00")


def test_hefei_table_e(world, record):
    """Table E: base 85; plenary 30; 3 activities at 15 → cap 30; 3 individual filed proposals: first
    15, then +5 +5; excellent +8; two reports adopted by the committee's bulletin 10 + 3; one adopted
    by the province +6. 85 + 30 + 30 + 15 + 10 + 8 + 13 + 6 = 197."""
    use(world, "hefei")
    m = membership_of(world.wang_wei)
    record(m, K.MEETING_ATTENDED, meeting_kind="plenary")
    for _ in range(3):
        record(m, K.RESEARCH)
    for _ in range(3):
        record(m, K.PROPOSAL_FILED, role="first_proposer", signers=1)
    record(m, K.PROPOSAL_EXCELLENT, role="first_proposer")
    record(m, K.OPINION_ADOPTED, level="committee")
    record(m, K.OPINION_ADOPTED, level="committee")
    record(m, K.OPINION_ADOPTED, level="provincial")
    assert total(m) == Decimal("197.00")


def test_hefei_joint_first_proposal_co_signer_excellent_and_absences(world, record):
    """Table E: joint first proposer 10, a co-signer 5 once and nothing for excellence; unexcused
    plenary absence −10 for members, −4 for standing members; approved leave earns nothing."""
    use(world, "hefei")
    lead, co, standing = (
        membership_of(world.wang_wei),
        membership_of(world.li_na),
        membership_of(world.sun_li),
    )
    standing.is_standing = True
    standing.save()
    record(lead, K.PROPOSAL_FILED, role="first_proposer", signers=3)
    record(co, K.PROPOSAL_FILED, role="co_signer", signers=3)
    record(co, K.PROPOSAL_FILED, role="co_signer", signers=2)
    record(co, K.PROPOSAL_EXCELLENT, role="co_signer")
    record(co, K.MEETING_LEAVE, meeting_kind="plenary")
    record(lead, K.MEETING_ABSENT, meeting_kind="plenary")
    record(standing, K.MEETING_ABSENT, meeting_kind="standing")
    assert total(lead) == Decimal("85.00")  # 85 + 10 − 10
    assert total(co) == Decimal("90.00")  # 85 + 5
    assert total(standing) == Decimal("81.00")  # 85 − 4


def test_default_preset_caps_bonus_and_bands(world, record):
    """Default: 桐城's table + manual duties + 广水's commendation bonus (cap 10), ceiling 100, 安庆 bands."""
    m = membership_of(world.wang_wei)
    record(m, K.MEETING_ATTENDED, meeting_kind="plenary")  # 50
    record(m, K.PROPOSAL_SUBMITTED, role="first_proposer", signers=1)  # 10
    record(m, K.PROPOSAL_FILED, role="first_proposer", signers=1)  # 15 → proposals 25
    record(m, K.CONTACT_MASSES)  # 2
    record(m, K.PRACTICAL_DEED)  # 2
    record(m, K.COMMENDATION, level="provincial")  # 8
    record(m, K.COMMENDATION, level="county")  # 4 → bonus 10 (cap)
    s = MemberScore.objects.get(membership=m, year=YEAR)
    assert s.total == Decimal("89.00")  # 50 + 25 + 4 + 10
    assert (s.grade, s.consequence) == ("良好", "")
    record(m, K.OPINION_SUBMITTED)  # +10 → 99
    s.refresh_from_db()
    assert (s.total, s.grade, s.consequence) == (Decimal("99.00"), "优秀", "commend")
