"""Chinese text similarity for proposals: topic search, near-copy detection and 并案 groups (no Django).

* ``SimilarityIndex`` (index.py): character 2-gram TF-IDF over title + first 600 body characters, pruned
  frequent n-grams, exact top-k by cosine; incremental add/remove, save/load, batch top-k.
* ``find_copies`` / ``is_copy`` (copies.py): the same text submitted twice, from whole-body 3-gram shingles.
* ``build_clusters`` / ``clusters_from_index`` (clusters.py): average-link merge suggestions.
* ``load_backend`` (embedding.py): optional offline embedding model, None when not installed.
"""

from __future__ import annotations

from .clusters import Cluster, build_clusters, clusters_from_index
from .copies import CopyPair, find_copies, is_copy
from .embedding import load_backend
from .index import DocId, Neighbors, SimilarityIndex
from .normalize import doc_text, normalize, normalize_title

__all__ = [
    "Cluster",
    "CopyPair",
    "DocId",
    "Neighbors",
    "SimilarityIndex",
    "build_clusters",
    "clusters_from_index",
    "doc_text",
    "find_copies",
    "is_copy",
    "load_backend",
    "normalize",
    "normalize_title",
]
