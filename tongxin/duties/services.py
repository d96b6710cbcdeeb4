"""Writes to the duty record. Other apps call these at the source of each duty."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from tongxin.members.models import Membership
from tongxin.org.models import Committee, ParticipatingUnit, SpecialCommittee

from .kinds import DutyKind
from .models import DutyEvent


def duty_event_record(
    *,
    committee: Committee,
    kind: str,
    occurred_on: dt.date,
    title: str,
    source: str,
    dedupe_key: str,
    membership: Membership | None = None,
    participating_unit: ParticipatingUnit | None = None,
    special_committee: SpecialCommittee | None = None,
    role: str = "",
    attributes: dict[str, Any] | None = None,
    source_url: str = "",
    actor: Any = None,
) -> DutyEvent:
    """Record one duty once: a second call with the same `dedupe_key` returns the first row.

    Call it inside the source's own transaction, so the duty and its cause commit together.
    """
    if kind not in DutyKind.values:
        raise ValueError(f"unknown duty kind {kind!r}")
    if membership is None and participating_unit is None and special_committee is None:
        raise ValueError("a duty event credits a member or a unit")
    existing = DutyEvent.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return DutyEvent.objects.create(
                committee=committee,
                membership=membership,
                participating_unit=participating_unit,
                special_committee=special_committee,
                kind=kind,
                role=role,
                attributes=attributes or {},
                year=occurred_on.year,
                occurred_on=occurred_on,
                title=title[:200],
                source=source[:80],
                source_url=source_url[:200],
                dedupe_key=dedupe_key[:160],
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        # Two requests recorded the same duty at once; the other one won.
        return DutyEvent.objects.get(dedupe_key=dedupe_key)


def duty_event_void(*, dedupe_key: str, reason: str) -> int:
    """Void a duty undone at its source; returns how many rows were voided (0 or 1)."""
    return DutyEvent.objects.filter(dedupe_key=dedupe_key, voided_at__isnull=True).update(
        voided_at=timezone.now(), void_reason=reason[:200]
    )
