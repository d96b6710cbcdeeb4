"""Official names (domain.md rule 81): full and short forms of committees, terms and sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tongxin.org.models import Committee, PlenarySession, Term


def _session(term: Term, number: int) -> PlenarySession:
    tz = timezone.get_current_timezone()
    return PlenarySession(
        term=term,
        number=number,
        opens_on=dt.date(2026, 3, 4),
        closes_on=dt.date(2026, 3, 10),
        proposal_window_starts_at=dt.datetime(2025, 12, 1, tzinfo=tz),
        proposal_deadline=dt.datetime(2026, 3, 8, 12, tzinfo=tz),
    )


def test_district_committee_session_names(world):
    session = _session(world.term, 1)
    assert world.committee.full_name == "中国人民政治协商会议兰州市城关区委员会"
    assert world.term.full_name == "政协第十届兰州市城关区委员会"
    assert world.term.short_name == "区政协十届"
    assert session.full_name == "政协第十届兰州市城关区委员会第一次会议"
    assert session.short_name == "区政协十届一次会议"


def test_national_committee_session_names(db):
    national = Committee.objects.create(name="全国", level="national", short_name="全国政协")
    term = Term.objects.create(committee=national, number=14, starts_on=dt.date(2023, 3, 4), is_current=True)
    session = _session(term, 4)
    assert national.full_name == "中国人民政治协商会议全国委员会"
    assert session.full_name == "政协第十四届全国委员会第四次会议"
    assert session.short_name == "全国政协十四届四次会议"


@pytest.mark.parametrize(
    ("term_no", "session_no", "full", "short"),
    [
        (21, 1, "政协第二十一届兰州市城关区委员会第一次会议", "区政协二十一届一次会议"),
        (13, 11, "政协第十三届兰州市城关区委员会第十一次会议", "区政协十三届十一次会议"),
        (20, 5, "政协第二十届兰州市城关区委员会第五次会议", "区政协二十届五次会议"),
    ],
)
def test_numbers_are_written_in_chinese(world, term_no, session_no, full, short):
    term = Term(committee=world.committee, number=term_no, starts_on=dt.date(2030, 1, 1))
    session = _session(term, session_no)
    assert (session.full_name, session.short_name) == (full, short)
