"""Exact brute-force baseline: the same text and n-grams as the index, no pruning, every row scanned.

It answers "what would exact cosine search over the unpruned features return?", so the benchmark can
report the index's recall@k against it (the index itself is exact over its *pruned* features; the only
loss is what max_df/min_df pruning removes) and the speed ratio.  Not for production use: a query
touches every stored n-gram (performance.md F12: ~0.8 s at 100,000 documents for the full-body variant).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .index import DocId, Neighbors, SimilarityIndex

__all__ = ["BruteForceIndex", "recall_at_k"]


class BruteForceIndex:
    """Unpruned char-n-gram TF-IDF with a full scan per query."""

    def __init__(self, *, ngram: Sequence[int] = (2,), body_chars: int = 600) -> None:
        # max_df=1.0 with no floor and min_df=1 keeps every n-gram of the corpus.
        self._inner = SimilarityIndex(
            ngram=ngram, body_chars=body_chars, max_df=1.0, max_df_floor=0, min_df=1
        )

    def build(self, docs: Iterable[tuple[DocId, str, str]]) -> BruteForceIndex:
        """Index (doc_id, title, body) triples."""
        self._inner.build(docs)
        return self

    def build_texts(self, ids: Sequence[DocId], texts: Sequence[str]) -> BruteForceIndex:
        """Index already normalised texts."""
        self._inner.build_texts(ids, texts)
        return self

    @property
    def n_features(self) -> int:
        """Vocabulary size (unpruned)."""
        return self._inner.n_features

    def query(self, title: str, body: str, k: int = 10, exclude: DocId | None = None) -> Neighbors:
        """Exact top-k by cosine over all documents."""
        return self.query_text(self._inner.text(title, body), k, exclude)

    def query_text(self, text: str, k: int = 10, exclude: DocId | None = None) -> Neighbors:
        """Exact top-k for a normalised text: dense query vector times every stored row."""
        inner = self._inner
        q = inner._vector(text).toarray().ravel()
        scores = np.asarray(inner._X @ q, dtype=np.float32)
        rows = np.arange(scores.shape[0], dtype=np.int64)
        excl = inner._exclude_rows(exclude)
        return inner._top(rows, scores, k, excl)


def recall_at_k(found: Neighbors, exact: Neighbors) -> float:
    """Share of the exact top-k ids that `found` also returned (1.0 when exact is empty)."""
    truth = {d for d, _ in exact}
    if not truth:
        return 1.0
    return len(truth & {d for d, _ in found}) / len(truth)
