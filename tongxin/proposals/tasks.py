"""Background jobs: thin, idempotent, and given ids. Enqueued only after the transaction commits."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def proposal_event_notify(event_id: int) -> int:
    """Send the notices one proposal event calls for; a retry sends nothing twice."""
    from .notifications import notify_event

    return notify_event(event_id=event_id)


@task()
def proposal_ratings_close(proposal_id: int) -> bool:
    """Record silence as "no response" once a proposal's rating window has closed."""
    from .services import proposal_ratings_close as close

    return close(proposal_id=proposal_id)


@task()
def proposals_daily_sweep(day: str) -> int:
    """The daily run: close lapsed rating windows and remind units of due and overdue replies."""
    from .services import proposals_sweep

    return proposals_sweep(today=dt.date.fromisoformat(day))
