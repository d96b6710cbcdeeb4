"""Near-copy detection: the same text submitted twice (possibly edited, shortened or extended).

Topic similarity (index.py) answers "about the same thing"; this answers "substantially the same
text".  It compares the *whole* normalised bodies as sets of character 3-gram shingles and scores a pair
by containment, |A ∩ B| / min(|A|, |B|): the share of the shorter text's shingles that also occur in the
longer one.  Containment (rather than Jaccard) keeps a resubmission that was shortened or extended (a
member's text re-filed by their party group with a new introduction) as a copy.  Jaccard is reported as
well: ≥ 0.8 means the two are the same text outright ("duplicate").

Threshold 0.6, measured on the 436 real Jiangsu proposals (README.md): the four pairs above it are
genuine copies (0.97, 0.77, 0.68, 0.67); the next pair is one author's template reused for a different
venue (0.56), and everything else is ≤ 0.30, including same-topic proposals written independently.

Candidate generation scales past a full n² comparison: only shingles that occur in few documents (a copy
shares its rare shingles too) are multiplied, chunk by chunk, and only pairs with enough shared rare
shingles are verified exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .features import count_ngrams
from .index import DocId
from .normalize import normalize

__all__ = [
    "COPY_THRESHOLD",
    "DUPLICATE_JACCARD",
    "CopyPair",
    "copy_score",
    "find_copies",
    "is_copy",
    "shingles",
]

COPY_THRESHOLD = 0.6
DUPLICATE_JACCARD = 0.8
MIN_SHINGLES = 50  # bodies shorter than ~50 characters carry too little text to call a copy
SHINGLE = 3


@dataclass(frozen=True)
class CopyPair:
    """Two documents whose bodies are substantially the same text."""

    a: DocId
    b: DocId
    containment: float  # |A ∩ B| / min(|A|, |B|) over 3-gram shingle sets
    jaccard: float  # |A ∩ B| / |A ∪ B|

    @property
    def kind(self) -> str:
        """'duplicate' when the texts are the same outright, else 'near-copy'."""
        return "duplicate" if self.jaccard >= DUPLICATE_JACCARD else "near-copy"


def shingles(body: str, n: int = SHINGLE) -> npt.NDArray[np.uint64]:
    """Sorted distinct character n-gram keys (n = 3 by default) of the normalised body."""
    _doc, keys, _cnt = count_ngrams([normalize(body)], (n,))
    return keys


def _scores(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> tuple[float, float]:
    """(containment, jaccard) of two sorted shingle arrays."""
    if a.shape[0] == 0 or b.shape[0] == 0:
        return 0.0, 0.0
    inter = int(np.intersect1d(a, b, assume_unique=True).shape[0])
    return inter / min(a.shape[0], b.shape[0]), inter / (a.shape[0] + b.shape[0] - inter)


def copy_score(a: str, b: str) -> tuple[float, float]:
    """(containment, jaccard) of two bodies' 3-gram shingle sets."""
    return _scores(shingles(a), shingles(b))


def is_copy(a: str, b: str, threshold: float = COPY_THRESHOLD) -> bool:
    """True when two bodies are substantially the same text (containment ≥ threshold)."""
    sa, sb = shingles(a), shingles(b)
    if min(sa.shape[0], sb.shape[0]) < MIN_SHINGLES:
        return False
    return _scores(sa, sb)[0] >= threshold


def _binary_matrix(bodies: Sequence[str], n: int) -> sp.csr_matrix:
    """Documents × distinct shingles, 1 where the shingle occurs."""
    docs: list[npt.NDArray[np.int64]] = []
    keys: list[npt.NDArray[np.uint64]] = []
    for start in range(0, len(bodies), 500):
        d, k, _c = count_ngrams([normalize(b) for b in bodies[start : start + 500]], (n,))
        docs.append(d + start)
        keys.append(k)
    doc = np.concatenate(docs) if docs else np.zeros(0, np.int64)
    key = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
    uniq, col = np.unique(key, return_inverse=True)
    m = sp.csr_matrix(
        (np.ones(doc.shape[0], np.float32), (doc, col.ravel())), shape=(len(bodies), uniq.shape[0])
    )
    m.sum_duplicates()
    return m


def find_copies(
    docs: Iterable[tuple[DocId, str, str]],
    threshold: float = COPY_THRESHOLD,
    *,
    rare_df: int | None = None,
    chunk: int = 500,
) -> list[CopyPair]:
    """All pairs of (doc_id, title, body) documents whose bodies are copies, best first."""
    ids: list[DocId] = []
    bodies: list[str] = []
    for doc_id, _title, body in docs:
        ids.append(doc_id)
        bodies.append(body or "")
    n = len(ids)
    if n < 2:
        return []
    B = _binary_matrix(bodies, SHINGLE)
    sizes = np.diff(B.indptr)
    df = np.bincount(B.indices, minlength=B.shape[1])
    # Shingles in many documents ("的发展", "进一步") cannot single out a copy and make the product
    # quadratic; a pair of copies still shares hundreds of rare shingles.
    cap = rare_df if rare_df is not None else max(20, math.ceil(0.01 * n))
    R = B[:, np.flatnonzero(df <= cap)].tocsr()
    rare_sizes = np.maximum(np.diff(R.indptr), 1)
    Rt = R.T.tocsr()
    found: list[CopyPair] = []
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        shared = (R[start:stop] @ Rt).tocoo()
        a = shared.row.astype(np.int64) + start
        b = shared.col.astype(np.int64)
        ok = a < b  # each unordered pair once, never a document with itself
        a, b, s = a[ok], b[ok], shared.data[ok]
        # Loose screen on rare shingles (half the threshold), exact check below on all shingles.
        ok = (s >= 5) & (s / np.minimum(rare_sizes[a], rare_sizes[b]) >= 0.5 * threshold)
        for i, j in zip(a[ok].tolist(), b[ok].tolist(), strict=True):
            if min(sizes[i], sizes[j]) < MIN_SHINGLES:
                continue
            ri = B.indices[B.indptr[i] : B.indptr[i + 1]]
            rj = B.indices[B.indptr[j] : B.indptr[j + 1]]
            inter = int(np.intersect1d(ri, rj, assume_unique=True).shape[0])
            containment = inter / min(sizes[i], sizes[j])
            if containment >= threshold:
                jaccard = inter / (sizes[i] + sizes[j] - inter)
                found.append(CopyPair(ids[i], ids[j], round(containment, 4), round(jaccard, 4)))
    found.sort(key=lambda p: (-p.containment, str(p.a), str(p.b)))
    return found
