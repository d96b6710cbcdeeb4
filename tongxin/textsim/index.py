"""SimilarityIndex: character 2-gram TF-IDF over title + first 600 body characters, queried exactly.

Method (see README.md and docs performance.md F10/F12 for the measurements behind it):

* text = normalised title twice + first ``body_chars`` (600) normalised body characters (normalize.py);
* features = character 2-grams (``ngram=(1, 2)`` adds unigrams), weight (1 + ln tf) · idf with smooth
  idf = ln((1+n)/(1+df)) + 1, rows L2-normalised, so a dot product is a cosine in [0, 1];
* vocabulary pruned by document frequency: n-grams in more than ``max_df`` of the documents are dropped
  (they say "this is a proposal", not what it is about, and they make every posting list long), and with
  ``min_df=2`` n-grams seen in only one document are dropped from large corpora;
* queries are exact: the query's ~300 n-grams select their posting lists from the transposed matrix and
  the sparse product sums them, so there is no approximate-recall trade-off, only the pruning.

Adaptive ``max_df``: 5 % of 100,000 documents is a df cap of 5,000, but 5 % of 436 is 21, which would
throw away topic words such as 养老 or 教育 that 30-80 proposals of a small corpus share.  The cap is
therefore ``max(ceil(max_df · n), max_df_floor)`` with ``max_df_floor = 100`` documents: exactly 5 % from
2,000 documents up, 23 % at 436 documents, and no pruning at all below 100 documents (tests, county
instances in their first year).  ``min_df`` defaults to 1 below 2,000 documents and 2 from there on.

Incremental updates: ``add`` vectorises a new document with the existing vocabulary and idf (unknown
n-grams are ignored) and keeps it in a small pending block that queries scan directly; the pending block
is merged into the main matrix when it grows past ``pending_limit``.  ``remove`` only masks the row until
the next merge.  A full ``build`` is advisable (``needs_rebuild``) once the documents added since the last
build exceed 20 % of the corpus (at least 200): by then idf has drifted and new topics' n-grams, unknown
to the old vocabulary, are being ignored.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .features import Vectorizer, count_ngrams, key_to_str, sorted_unique_counts, str_to_key
from .normalize import doc_text

__all__ = ["DocId", "Neighbors", "SimilarityIndex", "df_bounds"]

DocId = str | int
Neighbors = list[tuple[DocId, float]]

_FORMAT = "tongxin.textsim.index/1"
# Docs per n-gram counting call: the arrays stay cache-sized (measured 2.7x faster than 10,000).
_COUNT_CHUNK = 1000
_MERGE_AT = 8_000_000  # buffered (key, df) pairs before they are merged


def _merge_df(
    keys: list[npt.NDArray[np.uint64]], dfs: list[npt.NDArray[np.int64]]
) -> tuple[list[npt.NDArray[np.uint64]], list[npt.NDArray[np.int64]]]:
    """Merge per-chunk (distinct keys, df) arrays into one sorted (keys, summed df) pair."""
    if not keys:
        return [np.zeros(0, np.uint64)], [np.zeros(0, np.int64)]
    k = np.concatenate(keys)
    d = np.concatenate(dfs)
    order = np.argsort(k)
    k, d = k[order], d[order]
    if k.shape[0] == 0:
        return [k], [d]
    first = np.empty(k.shape[0], dtype=np.bool_)
    first[0] = True
    np.not_equal(k[1:], k[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return [k[starts]], [np.add.reduceat(d, starts).astype(np.int64)]


def df_bounds(n_docs: int, max_df: float, max_df_floor: int, min_df: int | None) -> tuple[int, int]:
    """(min_df, max_df_count) actually applied to a corpus of n_docs documents (see module docstring)."""
    max_count = max(math.ceil(max_df * n_docs), max_df_floor)
    lo = min_df if min_df is not None else (2 if n_docs >= 2000 else 1)
    return lo, max_count


class SimilarityIndex:
    """Exact top-k cosine search over pruned char-n-gram TF-IDF vectors of (title, body) documents."""

    def __init__(
        self,
        *,
        ngram: Sequence[int] = (2,),
        body_chars: int = 600,
        max_df: float = 0.05,
        max_df_floor: int = 100,
        min_df: int | None = None,
        pending_limit: int = 2000,
    ) -> None:
        self.ngram: tuple[int, ...] = tuple(sorted(set(ngram)))
        if not set(self.ngram) <= {1, 2}:
            raise ValueError("ngram orders must be 1 and/or 2")
        self.body_chars = body_chars
        self.max_df = max_df
        self.max_df_floor = max_df_floor
        self.min_df = min_df
        self.pending_limit = pending_limit
        self._vec = Vectorizer(np.zeros(0, np.uint64), np.zeros(0, np.float32), self.ngram)
        self._empty_main()
        self.n_at_build = 0
        self.added_since_build = 0

    # ------------------------------------------------------------------ state

    def _empty_main(self) -> None:
        """Reset all rows (keeps the vocabulary)."""
        v = self._vec.n_features
        self._X: sp.csr_matrix = sp.csr_matrix((0, v), dtype=np.float32)
        self._Xt: sp.csr_matrix = sp.csr_matrix((v, 0), dtype=np.float32)
        self._pending: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]] = []
        self._P: sp.csr_matrix | None = None
        self._ids: list[DocId | None] = []
        self._row: dict[DocId, int] = {}
        self._alive = np.zeros(0, dtype=np.bool_)

    def _set_main(self, X: sp.csr_matrix, ids: list[DocId]) -> None:
        """Install a compacted main matrix and its ids; the transpose serves the posting lists."""
        self._X = X
        self._Xt = X.T.tocsr()
        self._pending = []
        self._P = None
        self._ids = list(ids)
        self._row = {d: i for i, d in enumerate(ids)}
        if len(self._row) != len(ids):
            raise ValueError("duplicate document ids")
        self._alive = np.ones(len(ids), dtype=np.bool_)

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._row

    @property
    def ids(self) -> list[DocId]:
        """Ids of the live documents in row order."""
        return [d for d in self._ids if d is not None]

    @property
    def n_features(self) -> int:
        """Vocabulary size."""
        return self._vec.n_features

    @property
    def needs_rebuild(self) -> bool:
        """True once the documents added since build() exceed 20 % of the corpus (at least 200)."""
        return self.added_since_build > max(200, 0.2 * self.n_at_build)

    def stats(self) -> dict[str, Any]:
        """Sizes for logs and benchmarks."""
        nnz = int(self._X.nnz) + sum(len(c) for c, _ in self._pending)
        n = len(self._ids)
        lo, hi = df_bounds(self.n_at_build, self.max_df, self.max_df_floor, self.min_df)
        return {
            "docs": len(self),
            "features": self.n_features,
            "nnz_per_doc": nnz / n if n else 0.0,
            "pending": len(self._pending),
            "min_df": lo,
            "max_df_count": hi,
            "added_since_build": self.added_since_build,
            "needs_rebuild": self.needs_rebuild,
        }

    # ------------------------------------------------------------------ building

    def text(self, title: str, body: str) -> str:
        """The normalised text this index vectorises for (title, body)."""
        return doc_text(title, body, self.body_chars)

    def build(self, docs: Iterable[tuple[DocId, str, str]]) -> SimilarityIndex:
        """(Re)build vocabulary, idf and matrix from (doc_id, title, body) triples; returns self."""
        ids: list[DocId] = []
        texts: list[str] = []
        for doc_id, title, body in docs:
            ids.append(doc_id)
            texts.append(self.text(title, body))
        return self.build_texts(ids, texts)

    def build_texts(self, ids: Sequence[DocId], texts: Sequence[str]) -> SimilarityIndex:
        """Build from already normalised texts (doc_text output); used by build() and benchmarks."""
        if len(ids) != len(texts):
            raise ValueError("ids and texts differ in length")
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate document ids")
        n = len(texts)
        # Pass 1: document frequencies.  Each chunk contributes its distinct keys with their chunk df;
        # the buffers are merged (one sort) whenever they grow large, so memory stays bounded.
        buf_keys: list[npt.NDArray[np.uint64]] = []
        buf_df: list[npt.NDArray[np.int64]] = []
        buffered = 0
        for start in range(0, n, _COUNT_CHUNK):
            _doc, key, _cnt = count_ngrams(texts[start : start + _COUNT_CHUNK], self.ngram)
            k, c = sorted_unique_counts(key)
            buf_keys.append(k)
            buf_df.append(c)
            buffered += k.shape[0]
            if buffered > _MERGE_AT:
                buf_keys, buf_df = _merge_df(buf_keys, buf_df)
                buffered = buf_keys[0].shape[0]
        merged_keys, merged_df = _merge_df(buf_keys, buf_df)
        df_keys, df = merged_keys[0], merged_df[0]
        lo, hi = df_bounds(n, self.max_df, self.max_df_floor, self.min_df)
        self._vec = Vectorizer.fit_df(df_keys, df, n, min_df=lo, max_df_count=hi, orders=self.ngram)
        # Pass 2: vectorise with the pruned vocabulary.
        blocks = [self._vec.transform(texts[s : s + _COUNT_CHUNK]) for s in range(0, n, _COUNT_CHUNK)]
        X = (
            sp.vstack(blocks, format="csr")
            if blocks
            else sp.csr_matrix((0, self.n_features), dtype=np.float32)
        )
        self._set_main(X, list(ids))
        self.n_at_build = n
        self.added_since_build = 0
        return self

    def add(self, doc_id: DocId, title: str, body: str) -> None:
        """Add or replace one document, using the existing vocabulary and idf."""
        self.add_text(doc_id, self.text(title, body))

    def add_text(self, doc_id: DocId, text: str) -> None:
        """Add or replace one document given its normalised text."""
        if doc_id in self._row:
            self.remove(doc_id)
        row = self._vec.transform([text])
        self._pending.append((row.indices.astype(np.int32), row.data.astype(np.float32)))
        self._P = None
        self._row[doc_id] = len(self._ids)
        self._ids.append(doc_id)
        self._alive = np.append(self._alive, True)
        self.added_since_build += 1
        if len(self._pending) >= self.pending_limit:
            self.compact()

    def remove(self, doc_id: DocId) -> bool:
        """Remove a document; returns False if it was not indexed."""
        row = self._row.pop(doc_id, None)
        if row is None:
            return False
        self._ids[row] = None
        self._alive[row] = False
        n_dead = len(self._ids) - len(self._row)
        if n_dead > max(1000, 0.1 * len(self._ids)):
            self.compact()
        return True

    def _pending_matrix(self) -> sp.csr_matrix:
        """The pending rows as one CSR block (cached until the next add)."""
        if self._P is None:
            indptr = np.zeros(len(self._pending) + 1, dtype=np.int64)
            np.cumsum([len(c) for c, _ in self._pending], out=indptr[1:])
            cols = np.concatenate([c for c, _ in self._pending]) if self._pending else np.zeros(0, np.int32)
            vals = np.concatenate([v for _, v in self._pending]) if self._pending else np.zeros(0, np.float32)
            self._P = sp.csr_matrix((vals, cols, indptr), shape=(len(self._pending), self.n_features))
        return self._P

    def compact(self) -> None:
        """Merge pending rows into the main matrix and drop removed rows (rebuilds the posting lists)."""
        if not self._pending and bool(self._alive.all()):
            return
        X = sp.vstack([self._X, self._pending_matrix()], format="csr")
        keep = np.flatnonzero(self._alive)
        ids = [self._ids[i] for i in keep]
        self._set_main(X[keep], [d for d in ids if d is not None])

    # ------------------------------------------------------------------ querying

    def _vector(self, text: str) -> sp.csr_matrix:
        """1 × V query row for a normalised text."""
        return self._vec.transform([text])

    def row_vector(self, doc_id: DocId) -> sp.csr_matrix:
        """The stored 1 × V row of an indexed document."""
        row = self._row[doc_id]
        n_main = self._X.shape[0]
        if row < n_main:
            return self._X[row]
        return self._pending_matrix()[row - n_main]

    def _scores(self, q: sp.csr_matrix) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """(row, cosine) of every document sharing at least one n-gram with q."""
        rows: list[npt.NDArray[np.int64]] = []
        vals: list[npt.NDArray[np.float32]] = []
        if self._X.shape[0] and q.nnz:
            # 1 × V times V × N: the product walks only the posting lists of q's ~300 n-grams.
            r = (q @ self._Xt).tocsr()
            rows.append(r.indices.astype(np.int64))
            vals.append(r.data.astype(np.float32))
        if self._pending and q.nnz:
            s = self._pending_matrix() @ q.T
            s = np.asarray(s.todense()).ravel()
            nz = np.flatnonzero(s)
            rows.append(nz + self._X.shape[0])
            vals.append(s[nz].astype(np.float32))
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return np.concatenate(rows), np.concatenate(vals)

    def _top(
        self, rows: npt.NDArray[np.int64], scores: npt.NDArray[np.float32], k: int, exclude_rows: set[int]
    ) -> Neighbors:
        """Top-k live rows by score (ties broken by row order), as (doc_id, score)."""
        ok = self._alive[rows] & (scores > 1e-9)
        if exclude_rows:
            ok &= ~np.isin(rows, np.fromiter(exclude_rows, dtype=np.int64))
        rows, scores = rows[ok], scores[ok]
        if k <= 0 or rows.shape[0] == 0:
            return []
        if rows.shape[0] > k:
            part = np.argpartition(-scores, k - 1)[:k]
            rows, scores = rows[part], scores[part]
        order = np.lexsort((rows, -scores))
        out: Neighbors = []
        for i in order:
            doc_id = self._ids[int(rows[i])]
            if doc_id is not None:
                out.append((doc_id, float(min(scores[i], 1.0))))
        return out

    def _exclude_rows(self, exclude: DocId | Iterable[DocId] | None) -> set[int]:
        """Rows of the ids to exclude (a single id or an iterable of ids)."""
        if exclude is None:
            return set()
        if isinstance(exclude, str | int):
            exclude = [exclude]
        return {self._row[d] for d in exclude if d in self._row}

    def query(
        self, title: str, body: str, k: int = 10, exclude: DocId | Iterable[DocId] | None = None
    ) -> Neighbors:
        """Top-k indexed documents most similar to (title, body), best first, as (doc_id, cosine)."""
        return self.query_text(self.text(title, body), k, exclude)

    def query_text(self, text: str, k: int = 10, exclude: DocId | Iterable[DocId] | None = None) -> Neighbors:
        """Like query() for an already normalised text."""
        rows, scores = self._scores(self._vector(text))
        return self._top(rows, scores, k, self._exclude_rows(exclude))

    def similar_to(self, doc_id: DocId, k: int = 10) -> Neighbors:
        """Top-k documents most similar to an indexed document (itself excluded)."""
        rows, scores = self._scores(self.row_vector(doc_id))
        return self._top(rows, scores, k, {self._row[doc_id]})

    def pair_score(self, a: DocId, b: DocId) -> float:
        """Cosine between two indexed documents."""
        return float(self.row_vector(a).multiply(self.row_vector(b)).sum())

    def top_k_all(
        self,
        ids: Iterable[DocId] | None = None,
        k: int = 10,
        chunk: int = 256,
        *,
        against: Iterable[DocId] | None = None,
        workers: int = 1,
    ) -> dict[DocId, Neighbors]:
        """Top-k neighbours (self excluded) of each id (default: all) among `against` (default: all).

        Works chunk by chunk: a chunk of query rows times the transposed matrix gives a sparse block of
        scores (chunk × N) that is densified and arg-partitioned, so peak memory is about
        chunk × N × 12 bytes per worker whatever the number of queries.
        """
        self.compact()
        q_rows = np.arange(self._X.shape[0]) if ids is None else np.array([self._row[d] for d in ids])
        if against is None:
            target_t = self._Xt
            target_rows = np.arange(self._X.shape[0])
        else:
            target_rows = np.array(sorted({self._row[d] for d in against}), dtype=np.int64)
            target_t = self._X[target_rows].T.tocsr()
        n_t = int(target_rows.shape[0])
        # Map a query row to its column in the target block so that it can be excluded from its own list.
        pos_in_target = np.full(self._X.shape[0], -1, dtype=np.int64)
        pos_in_target[target_rows] = np.arange(n_t)
        kk = min(k, n_t)

        row_ids: list[DocId] = self.ids  # after compact() every row is live, so this is row-aligned

        def run(start: int) -> dict[DocId, Neighbors]:
            rows = q_rows[start : start + chunk]
            dense = (self._X[rows] @ target_t).toarray()
            self_cols = pos_in_target[rows]
            has_self = self_cols >= 0
            dense[np.flatnonzero(has_self), self_cols[has_self]] = -1.0
            if kk < n_t:
                top = np.argpartition(-dense, kk - 1, axis=1)[:, :kk]
            else:
                top = np.tile(np.arange(n_t), (len(rows), 1))
            top_scores = np.take_along_axis(dense, top, axis=1)
            out: dict[DocId, Neighbors] = {}
            for i, r in enumerate(rows):
                order = np.lexsort((top[i], -top_scores[i]))
                out[row_ids[int(r)]] = [
                    (row_ids[int(target_rows[top[i, j]])], float(min(top_scores[i, j], 1.0)))
                    for j in order
                    if top_scores[i, j] > 1e-9
                ]
            return out

        if kk <= 0 or q_rows.shape[0] == 0:
            return {row_ids[int(r)]: [] for r in q_rows}
        result: dict[DocId, Neighbors] = {}
        starts = range(0, int(q_rows.shape[0]), chunk)
        if workers > 1:
            # scipy's sparse product and numpy's partition release the GIL, so threads use both cores.
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for part in pool.map(run, starts):
                    result.update(part)
        else:
            for s in starts:
                result.update(run(s))
        return result

    # ------------------------------------------------------------------ persistence

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to one .npz file atomically (temp file in the same directory, then rename)."""
        self.compact()
        X = self._X
        meta = {
            "format": _FORMAT,
            "params": {
                "ngram": list(self.ngram),
                "body_chars": self.body_chars,
                "max_df": self.max_df,
                "max_df_floor": self.max_df_floor,
                "min_df": self.min_df,
                "pending_limit": self.pending_limit,
            },
            "n_at_build": self.n_at_build,
            "added_since_build": self.added_since_build,
            "ids": self.ids,
            # Readable vocabulary (column order); keys are rebuilt from it on load.
            "vocabulary": [key_to_str(int(k)) for k in self._vec.keys],
        }
        meta_bytes = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        target = Path(path)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(
                    f,
                    meta=np.frombuffer(meta_bytes, dtype=np.uint8),
                    idf=self._vec.idf,
                    data=X.data.astype(np.float32),
                    indices=X.indices.astype(np.int32),
                    indptr=X.indptr.astype(np.int64),
                    shape=np.array(X.shape, dtype=np.int64),
                )
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SimilarityIndex:
        """Read an index written by save() (no pickle: only plain arrays and JSON are accepted)."""
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != _FORMAT:
                raise ValueError(f"not a textsim index: {meta.get('format')!r}")
            shape = tuple(int(x) for x in z["shape"])
            X = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=shape)
            idf = z["idf"].astype(np.float32)
        p = meta["params"]
        index = cls(
            ngram=p["ngram"],
            body_chars=p["body_chars"],
            max_df=p["max_df"],
            max_df_floor=p["max_df_floor"],
            min_df=p["min_df"],
            pending_limit=p["pending_limit"],
        )
        keys = np.array([str_to_key(g) for g in meta["vocabulary"]], dtype=np.uint64)
        if keys.shape[0] > 1 and not bool(np.all(keys[1:] > keys[:-1])):
            raise ValueError("corrupt index: vocabulary not sorted")
        index._vec = Vectorizer(keys, idf, index.ngram)
        index._set_main(X, meta["ids"])
        index.n_at_build = int(meta["n_at_build"])
        index.added_since_build = int(meta["added_since_build"])
        return index
