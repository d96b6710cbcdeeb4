"""The per-committee similarity index: where it is stored, how it is built, and the process cache.

One `SimilarityIndex` per committee over every proposal of that committee (history included: imported
and past-session proposals are ordinary Proposal rows). It is persisted as one .npz file under
SIMILARITY_INDEX_DIR (default MEDIA_ROOT/var/similarity), loaded lazily once per process, and updated
incrementally by services.index_proposal. The engine is not thread-safe for writes (textsim README §5),
so every write happens under one lock. Results are never filtered here: callers apply visibility.
"""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from tongxin.proposals.models import Proposal
from tongxin.textsim import SimilarityIndex

_LOCK = threading.RLock()
_CACHE: dict[int, SimilarityIndex] = {}


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
    rows = (
        Proposal.objects.filter(committee_id=committee_id)
        .order_by("pk")
        .values_list("pk", "title", "background", "analysis", "suggestions")
    )
    docs = ((pk, title, "\n".join(p for p in (bg, an, sg) if p)) for pk, title, bg, an, sg in rows.iterator())
    return SimilarityIndex().build(docs)


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


def get(committee_id: int) -> SimilarityIndex:
    """The committee's index: from the cache, else from its file, else built from the database."""
    index = _CACHE.get(committee_id)
    if index is not None:
        return index
    with _LOCK:
        index = _CACHE.get(committee_id)
        if index is not None:
            return index
        path = index_path(committee_id)
        if path.exists():
            try:
                index = SimilarityIndex.load(path)
            except (OSError, ValueError, KeyError):
                index = None  # an unreadable file is rebuilt rather than served
        if index is None:
            return rebuild(committee_id)
        _CACHE[committee_id] = index
        return index


def update(committee_id: int, proposal: Proposal | None, proposal_id: int) -> SimilarityIndex:
    """Add, replace or (proposal None) remove one proposal, rebuild when idf has drifted, persist."""
    with _LOCK:
        index = get(committee_id)
        if proposal is None:
            index.remove(proposal_id)
        else:
            index.add(proposal.pk, proposal.title, proposal_body(proposal))
        if index.needs_rebuild:
            return rebuild(committee_id)
        _save(committee_id, index)
        return index


def forget() -> None:
    """Drop every cached index (tests, and a process that must re-read the files)."""
    with _LOCK:
        _CACHE.clear()
