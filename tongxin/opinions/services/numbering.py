"""Numbering bulletin issues: 第N期 counts from 1 each year for each bulletin type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from ..models import BulletinEvent, BulletinIssue, BulletinType


def issue_create_numbered(
    *,
    actor: Any,
    bulletin_type: BulletinType,
    year: int,
    title: str = "",
    recipients: Sequence[str] = (),
    recipient_note: str = "",
) -> BulletinIssue:
    """Create the next issue of `bulletin_type` for `year`, with its event; the caller has checked
    access and input. Two offices numbering at once: the unique constraint decides, the loser retries."""
    for _attempt in range(3):
        last = BulletinIssue.objects.filter(bulletin_type=bulletin_type, year=year).aggregate(n=Max("number"))
        number = (last["n"] or 0) + 1
        try:
            with transaction.atomic():
                issue = BulletinIssue.objects.create(
                    committee_id=bulletin_type.committee_id,
                    bulletin_type=bulletin_type,
                    year=year,
                    number=number,
                    title=title,
                    recipients=list(recipients),
                    recipient_note=recipient_note,
                    created_by=actor,
                )
                BulletinEvent.objects.create(
                    issue=issue, actor=actor, name="created", data={"number": number, "year": year}
                )
                return issue
        except IntegrityError:
            continue
    raise IntegrityError("could not number the bulletin issue")
