"""Numbers within a session, and which session's numbering scope a submission belongs to (rule 7)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from tongxin.org.models import PlenarySession

from .models import Proposal, ProposalSettings


def session_for_submission(*, committee_id: int, at: dt.datetime) -> tuple[PlenarySession | None, str]:
    """The session whose numbering scope a proposal submitted at `at` joins, and its channel.

    Inside a session's window (window start to deadline) it is a 大会提案 of that session. Otherwise
    it is a 平时提案 in the scope of the latest session whose window has opened (national practice
    counts "会议以来" proposals towards the session just held, rule 7; from the next window's opening
    the next session's scope begins). Before any window of the current term opened, the next session.
    """
    sessions = PlenarySession.objects.filter(
        term__committee_id=committee_id, term__is_current=True, is_active=True
    ).order_by("proposal_window_starts_at")
    opened = sessions.filter(proposal_window_starts_at__lte=at).last()
    if opened is not None:
        channel = Proposal.Channel.SESSION if at <= opened.proposal_deadline else Proposal.Channel.INTERIM
        return opened, channel
    upcoming = sessions.first()
    return upcoming, Proposal.Channel.INTERIM


def next_number(*, conf: ProposalSettings, session_id: int) -> int:
    """The next free number in the session. Call inside the filing transaction, after locking the
    committee's settings row (services lock it), so two filings never draw the same number; the
    unique constraint proposals_proposal_unique_number is the backstop."""
    ProposalSettings.objects.select_for_update().filter(pk=conf.pk).first()
    current = Proposal.objects.filter(session_id=session_id).aggregate(m=Max("number"))["m"]
    return (current or 0) + 1


def display_number(number: int | None, number_format: str) -> str:
    """The number as the committee writes it, e.g. 第0012号; empty before filing."""
    if number is None:
        return ""
    try:
        return number_format.format(number=number)
    except (KeyError, IndexError, ValueError):
        # A malformed format in the settings must not break every page that shows a number.
        return str(number)
