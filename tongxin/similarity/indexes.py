"""The per-committee similarity index: where it is stored, how it is built, and the process cache.

One `SimilarityIndex` per committee over every proposal of that committee (history included: imported
and past-session proposals are ordinary Proposal rows). It is persisted as one .npz file under
SIMILARITY_INDEX_DIR (default MEDIA_ROOT/var/similarity), loaded lazily once per process, and kept
current two ways:

- proposals enqueue tasks.similarity_index_proposal on commit whenever a proposal's text is created or
  edited (settings.PROPOSAL_TEXT_CHANGED_TASKS); the task updates the worker's copy and persists it,
  at most once every SIMILARITY_SAVE_SECONDS (a save compacts and writes the whole file);
- every process catches up before it answers (at most once every SIMILARITY_CATCH_UP_SECONDS): the
  rows whose updated_at is past its watermark are re-added. So a web process sees an edit made in
  another process without reloading the file, and a file saved a little late loses nothing.

The engine is not thread-safe for writes (textsim README §5), so every write happens under one lock.
Results are never filtered here: callers apply visibility.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tongxin.proposals.models import Proposal
from tongxin.textsim import SimilarityIndex

_LOCK = threading.RLock()
_CACHE: dict[int, SimilarityIndex] = {}

# Rows updated this long before a build began or a file was written are re-read on catch-up: a
# transaction that commits late carries an updated_at older than the moment its row became visible.
MARGIN = dt.timedelta(minutes=10)


@dataclass
class _Freshness:
    """How far one process's copy of a committee's index has caught up with the database."""

    watermark: dt.datetime
    checked: float = 0.0  # time.monotonic() of the last catch-up
    saved: float = 0.0  # time.monotonic() of the last save by this process
    seen: dict[int, dt.datetime] = field(default_factory=dict)  # rows re-added inside the margin


_FRESH: dict[int, _Freshness] = {}


def index_dir() -> Path:
    """Directory holding the committees' index files (setting SIMILARITY_INDEX_DIR)."""
    configured = getattr(settings, "SIMILARITY_INDEX_DIR", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "var" / "similarity"


def index_path(committee_id: int) -> Path:
    """The index file of one committee."""
    return index_dir() / f"committee-{int(committee_id)}.npz"


def proposal_body(proposal: Proposal) -> str:
    """The text the index reads besides the title: 调研情况, 问题分析 and 具体建议 in order."""
    return "\n".join(part for part in (proposal.background, proposal.analysis, proposal.suggestions) if part)


def _build(committee_id: int) -> SimilarityIndex:
    fresh = _Freshness(watermark=timezone.now() - MARGIN, saved=time.monotonic())
    _FRESH[committee_id] = fresh
    rows = (
        Proposal.objects.filter(committee_id=committee_id)
        .order_by("pk")
        .values_list("pk", "title", "background", "analysis", "suggestions", "updated_at")
    )

    def docs() -> Iterator[tuple[int, str, str]]:
        for pk, title, bg, an, sg, updated_at in rows.iterator():
            # Rows read inside the margin are not re-added by the next catch-up unless edited again
            # (re-adding a freshly built corpus would count as drift and trigger another rebuild).
            if updated_at > fresh.watermark:
                fresh.seen[pk] = updated_at
            yield pk, title, "\n".join(p for p in (bg, an, sg) if p)

    return SimilarityIndex().build(docs())


def _save(committee_id: int, index: SimilarityIndex) -> None:
    path = index_path(committee_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    index.save(path)


def rebuild(committee_id: int) -> SimilarityIndex:
    """Build the committee's index from the database, persist it and install it in the cache."""
    with _LOCK:
        index = _build(committee_id)
        _save(committee_id, index)
        _CACHE[committee_id] = index
        return index


def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _catch_up(committee_id: int, index: SimilarityIndex) -> None:
    """Re-add the committee's rows updated since the watermark (throttled; under the lock)."""
    fresh = _FRESH[committee_id]
    now = time.monotonic()
    if fresh.checked and now - fresh.checked < _seconds("SIMILARITY_CATCH_UP_SECONDS", 2.0):
        return
    fresh.checked = now
    changed = Proposal.objects.filter(committee_id=committee_id, updated_at__gt=fresh.watermark)
    stamps = {pk: at for pk, at in changed.values_list("pk", "updated_at") if fresh.seen.get(pk) != at}
    if not stamps:
        return
    rows = Proposal.objects.filter(pk__in=stamps).values_list(
        "pk", "title", "background", "analysis", "suggestions"
    )
    for pk, title, bg, an, sg in rows:
        index.add(pk, title, "\n".join(p for p in (bg, an, sg) if p))
    fresh.seen.update(stamps)
    # Keep re-reading only the margin: older rows are settled.
    newest = max(stamps.values())
    if newest - MARGIN > fresh.watermark:
        fresh.watermark = newest - MARGIN
        fresh.seen = {pk: at for pk, at in fresh.seen.items() if at > fresh.watermark}


def _cached_or_loaded(committee_id: int) -> SimilarityIndex:
    index = _CACHE.get(committee_id)
    if index is not None:
        return index
    path = index_path(committee_id)
    if path.exists():
        try:
            written = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
            index = SimilarityIndex.load(path)
        except (OSError, ValueError, KeyError):
            index = None  # an unreadable file is rebuilt rather than served
    if index is None:
        return rebuild(committee_id)
    _CACHE[committee_id] = index
    _FRESH[committee_id] = _Freshness(watermark=written - MARGIN, saved=time.monotonic())
    return index


def get(committee_id: int) -> SimilarityIndex:
    """The committee's index, caught up with the database: from the cache, else from its file, else
    built from the database."""
    with _LOCK:
        index = _cached_or_loaded(committee_id)
        _catch_up(committee_id, index)
        if index.needs_rebuild:
            return rebuild(committee_id)
        return index


def update(committee_id: int, proposal: Proposal | None, proposal_id: int) -> SimilarityIndex:
    """Add, replace or (proposal None) remove one proposal, rebuild when idf has drifted, and persist
    when the last save is older than SIMILARITY_SAVE_SECONDS (catch-up covers what is not yet saved)."""
    with _LOCK:
        index = get(committee_id)
        if proposal is None:
            index.remove(proposal_id)
        else:
            index.add(proposal.pk, proposal.title, proposal_body(proposal))
            fresh = _FRESH[committee_id]
            if proposal.updated_at > fresh.watermark:
                fresh.seen[proposal.pk] = proposal.updated_at
        if index.needs_rebuild:
            return rebuild(committee_id)
        fresh = _FRESH[committee_id]
        if time.monotonic() - fresh.saved >= _seconds("SIMILARITY_SAVE_SECONDS", 60.0):
            _save(committee_id, index)
            fresh.saved = time.monotonic()
        return index


def flush(committee_id: int) -> None:
    """Persist the committee's index now (the demo build, tests, a worker shutting down)."""
    with _LOCK:
        index = _CACHE.get(committee_id)
        if index is not None:
            _save(committee_id, index)
            _FRESH[committee_id].saved = time.monotonic()


def forget() -> None:
    """Drop every cached index (tests, and a process that must re-read the files)."""
    with _LOCK:
        _CACHE.clear()
        _FRESH.clear()
