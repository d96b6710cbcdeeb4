"""Character n-gram extraction and TF-IDF weighting with numpy and scipy.sparse only.

An n-gram is encoded as an integer key built from its code points (21 bits each: every Unicode code
point fits), so a whole batch of documents is turned into n-gram keys with a few vectorised numpy
operations instead of a Python loop over substrings:

* unigram key = c0                              (< 2**21)
* bigram key  = c0 << 21 | c1                   (≥ 2**21 because c0 ≥ 1, < 2**42)
* trigram key = hash(c0, c1, c2) folded to 42 bits, with bit 42 set so it never equals a 1/2-gram key

Unigram and bigram keys are exact and reversible (the vocabulary is saved as readable strings);
trigram keys are a 42-bit hash (collision odds ~n²/2**43, negligible for shingle sets of a few
thousand) used only by the copy detector, which never needs to print them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .normalize import SEGMENT_SEP

__all__ = [
    "KEY_BITS",
    "Vectorizer",
    "count_ngrams",
    "key_to_str",
    "ngram_occurrences",
    "sorted_unique_counts",
    "str_to_key",
]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
F32 = npt.NDArray[np.float32]

KEY_BITS = 42  # keys fit in 42 bits (plus the trigram flag bit), leaving 21 bits for a chunk-local doc number
_CP_BITS = 21
_CP_MASK = np.uint64((1 << _CP_BITS) - 1)
_TRI_FLAG = np.uint64(1 << KEY_BITS)
_KEY_MASK = np.uint64((1 << (KEY_BITS + 1)) - 1)
_DOC_SHIFT = np.uint64(KEY_BITS + 1)
_MAX_CHUNK_DOCS = 1 << (64 - KEY_BITS - 1)  # 2**21 docs per counting call
_SEP_CODE = ord(SEGMENT_SEP)


def _codes(texts: Sequence[str]) -> tuple[npt.NDArray[np.uint64], I64]:
    """Concatenate texts (separated by SEGMENT_SEP) into one code-point array; return it and doc lengths."""
    joined = SEGMENT_SEP.join(texts) + SEGMENT_SEP
    a = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    return a, lens


def ngram_occurrences(texts: Sequence[str], orders: Sequence[int] = (2,)) -> tuple[I64, U64]:
    """Every n-gram occurrence of the given orders (1, 2, 3) in texts: (doc index, key) arrays."""
    if not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    a, lens = _codes(texts)
    doc_of = np.repeat(np.arange(len(texts), dtype=np.int64), lens + 1)
    ok = a != _SEP_CODE  # SEGMENT_SEP (between docs and between title/body segments) breaks n-grams
    docs: list[I64] = []
    keys: list[U64] = []
    for n in orders:
        if n == 1:
            valid = ok
            k = a
        elif n == 2:
            valid = ok[:-1] & ok[1:]
            k = (a[:-1] << np.uint64(_CP_BITS)) | a[1:]
        elif n == 3:
            valid = ok[:-2] & ok[1:-1] & ok[2:]
            # 63 bits of exact key, mixed by a multiplicative hash and folded to 42 bits + flag.
            exact = (a[:-2] << np.uint64(2 * _CP_BITS)) | (a[1:-1] << np.uint64(_CP_BITS)) | a[2:]
            with np.errstate(over="ignore"):
                mixed = exact * np.uint64(0x9E3779B97F4A7C15)
            k = (mixed >> np.uint64(64 - KEY_BITS)) | _TRI_FLAG
        else:
            raise ValueError(f"unsupported n-gram order {n}")
        docs.append(doc_of[: len(valid)][valid])
        keys.append(k[valid])
    return np.concatenate(docs), np.concatenate(keys)


def sorted_unique_counts(x: U64) -> tuple[U64, I64]:
    """Sorted distinct values of x and their multiplicities (np.unique is ~5x slower on uint64 here)."""
    if x.shape[0] == 0:
        return x, np.zeros(0, np.int64)
    s = np.sort(x)
    first = np.empty(s.shape[0], dtype=np.bool_)
    first[0] = True
    np.not_equal(s[1:], s[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, s.shape[0]))
    return s[starts], counts


def count_ngrams(texts: Sequence[str], orders: Sequence[int] = (2,)) -> tuple[I64, U64, I32]:
    """Per-document n-gram counts: (doc, key, count) triples sorted by doc then key, one per distinct pair."""
    if len(texts) > _MAX_CHUNK_DOCS:
        raise ValueError("count_ngrams: too many documents in one call; chunk the input")
    doc, key = ngram_occurrences(texts, orders)
    # One sort of a packed (doc, key) word groups equal pairs and orders them by doc, then key.
    packed, counts = sorted_unique_counts((doc.astype(np.uint64) << _DOC_SHIFT) | key)
    return (
        (packed >> _DOC_SHIFT).astype(np.int64),
        packed & _KEY_MASK,
        counts.astype(np.int32),
    )


def key_to_str(key: int) -> str:
    """Text of a unigram or bigram key (trigram keys are hashes and cannot be decoded)."""
    if key >= 1 << KEY_BITS:
        raise ValueError("trigram keys are hashed and have no text")
    if key < 1 << _CP_BITS:
        return chr(key)
    return chr(key >> _CP_BITS) + chr(key & ((1 << _CP_BITS) - 1))


def str_to_key(gram: str) -> int:
    """Key of a 1- or 2-character n-gram."""
    if len(gram) == 1:
        return ord(gram)
    if len(gram) == 2:
        return (ord(gram[0]) << _CP_BITS) | ord(gram[1])
    raise ValueError("only 1- and 2-grams have reversible keys")


@dataclass
class Vectorizer:
    """Fitted vocabulary (sorted n-gram keys) and idf; texts → L2-normalised sublinear TF-IDF rows."""

    keys: U64  # sorted; column j of the matrix is n-gram keys[j]
    idf: F32
    orders: tuple[int, ...] = (2,)

    @property
    def n_features(self) -> int:
        """Number of columns."""
        return int(self.keys.shape[0])

    @classmethod
    def fit_df(
        cls,
        df_keys: U64,
        df: I64,
        n_docs: int,
        *,
        min_df: int,
        max_df_count: int,
        orders: tuple[int, ...],
    ) -> Vectorizer:
        """Keep n-grams with min_df ≤ df ≤ max_df_count and compute smooth idf = ln((1+n)/(1+df)) + 1."""
        keep = (df >= min_df) & (df <= max_df_count)
        keys = df_keys[keep]
        kept_df = df[keep].astype(np.float64)
        idf = (np.log((1.0 + n_docs) / (1.0 + kept_df)) + 1.0).astype(np.float32)
        return cls(keys=keys, idf=idf, orders=orders)

    def columns(self, keys: U64) -> tuple[I64, npt.NDArray[np.bool_]]:
        """Column of each key and whether the key is in the vocabulary (unknown n-grams are ignored)."""
        if self.keys.shape[0] == 0:
            return np.zeros(keys.shape[0], np.int64), np.zeros(keys.shape[0], np.bool_)
        col = np.searchsorted(self.keys, keys)
        col = np.minimum(col, self.keys.shape[0] - 1)
        return col, self.keys[col] == keys

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """CSR matrix (len(texts) × n_features) of L2-normalised rows with weight (1 + ln tf) · idf."""
        n = len(texts)
        doc, key, count = count_ngrams(texts, self.orders)
        col, found = self.columns(key)
        doc, col, count = doc[found], col[found], count[found]
        data = ((1.0 + np.log(count.astype(np.float32))) * self.idf[col]).astype(np.float32)
        # L2 normalisation so that a dot product is a cosine; an all-pruned row stays all-zero.
        norms = np.sqrt(np.bincount(doc, weights=data.astype(np.float64) ** 2, minlength=n))
        norms[norms == 0] = 1.0
        data /= norms[doc].astype(np.float32)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc, minlength=n), out=indptr[1:])
        # count_ngrams returns pairs sorted by (doc, key) and the vocabulary is sorted by key, so the
        # column indices within each row are already sorted: the CSR is canonical without a sort.
        m = sp.csr_matrix((data, col.astype(np.int32), indptr), shape=(n, self.n_features))
        m.has_sorted_indices = True
        return m
