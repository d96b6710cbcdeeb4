"""并案 (merge) suggestions: groups of proposals on the same topic, built from top-k neighbour lists.

Plain connected components over "score ≥ threshold" edges chain: A~B and B~C pull in C even when A and C
have nothing in common, and one generic proposal can glue a dozen topics together.  Groups are therefore
grown by greedy average-link agglomeration: edges are taken best first, and two groups merge only if
the *average* similarity over all cross pairs is still ≥ the threshold and the merged group is at most
``max_size`` (default 9, the largest real merge clusters, performance.md P1).  Pairs missing from the
neighbour lists count as 0 unless an exact ``pair_score`` function is given (the index provides one).

The default threshold 0.15 is the cosine of the index's title + 600-character 2-gram vectors.  On the
436 Jiangsu proposals every pair at or above it is the same topic (青少年近视防控, 航空货运枢纽, 大运河国家
文化公园, 苏南自创区, 新乡贤, 农村/社区养老, … and the near-copies); between 0.11 and 0.15 pairs are only
related areas (养老 in general, 科技成果转化 from different angles).  README.md lists the groups.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .index import DocId, SimilarityIndex

__all__ = ["CLUSTER_THRESHOLD", "Cluster", "build_clusters", "clusters_from_index"]

CLUSTER_THRESHOLD = 0.15
MAX_CLUSTER_SIZE = 9

PairScore = Callable[[DocId, DocId], float]
CentroidScores = Callable[[Sequence[DocId]], dict[DocId, float]]


def _key(a: DocId, b: DocId) -> tuple[DocId, DocId]:
    """Order-independent pair key (ids of mixed types are ordered by their string form)."""
    return (a, b) if (str(a), str(type(a))) <= (str(b), str(type(b))) else (b, a)


@dataclass
class Cluster:
    """One merge suggestion: its members, all pairwise scores and each member's score to the centroid."""

    members: list[DocId]
    pair_scores: dict[tuple[DocId, DocId], float] = field(default_factory=dict)
    centroid_scores: dict[DocId, float] = field(default_factory=dict)

    @property
    def mean_pair_score(self) -> float:
        """Average pairwise similarity (the average-link score of the group)."""
        return float(np.mean(list(self.pair_scores.values()))) if self.pair_scores else 0.0

    @property
    def min_centroid_score(self) -> float:
        """Weakest member's similarity to the group centroid."""
        return min(self.centroid_scores.values()) if self.centroid_scores else 0.0


def build_clusters(
    neighbors: Mapping[DocId, Iterable[tuple[DocId, float]]],
    threshold: float = CLUSTER_THRESHOLD,
    *,
    max_size: int = MAX_CLUSTER_SIZE,
    pair_score: PairScore | None = None,
    centroid_scores: CentroidScores | None = None,
) -> list[Cluster]:
    """Average-link groups (size 2..max_size) from neighbour lists; largest and tightest first."""
    known: dict[tuple[DocId, DocId], float] = {}
    for a, lst in neighbors.items():
        for b, s in lst:
            if a != b:
                key = _key(a, b)
                known[key] = max(known.get(key, 0.0), float(s))

    def sim(a: DocId, b: DocId) -> float:
        key = _key(a, b)
        if key not in known:
            known[key] = float(pair_score(a, b)) if pair_score is not None else 0.0
        return known[key]

    edges = sorted(
        ((s, a, b) for (a, b), s in known.items() if s >= threshold),
        key=lambda e: (-e[0], str(e[1]), str(e[2])),
    )
    group_of: dict[DocId, int] = {}
    groups: dict[int, list[DocId]] = {}
    new_ids = itertools.count()

    def group(x: DocId) -> int:
        g = group_of.get(x)
        if g is None:
            g = group_of[x] = next(new_ids)
            groups[g] = [x]
        return g

    for _s, a, b in edges:
        ga, gb = group(a), group(b)
        if ga == gb:
            continue
        ma, mb = groups[ga], groups[gb]
        if len(ma) + len(mb) > max_size:
            continue
        # Average link over every cross pair is what stops chaining: a newcomer must resemble the
        # whole group on average, not just its nearest member.
        avg = sum(sim(x, y) for x in ma for y in mb) / (len(ma) * len(mb))
        if avg < threshold:
            continue
        keep, drop = (ga, gb) if len(ma) >= len(mb) else (gb, ga)
        groups[keep].extend(groups.pop(drop))
        for m in groups[keep]:
            group_of[m] = keep

    clusters: list[Cluster] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        pairs = {_key(x, y): round(sim(x, y), 4) for i, x in enumerate(members) for y in members[i + 1 :]}
        if centroid_scores is not None:
            cents = {m: round(s, 4) for m, s in centroid_scores(members).items()}
        else:
            # Without vectors, a member's mean similarity to the others stands in for the centroid score.
            cents = {m: round(float(np.mean([sim(m, o) for o in members if o != m])), 4) for m in members}
        clusters.append(Cluster(sorted(members, key=str), pairs, cents))
    clusters.sort(key=lambda c: (-len(c.members), -c.mean_pair_score, str(c.members[0])))
    return clusters


def clusters_from_index(
    index: SimilarityIndex,
    ids: Iterable[DocId] | None = None,
    *,
    k: int = 10,
    threshold: float = CLUSTER_THRESHOLD,
    max_size: int = MAX_CLUSTER_SIZE,
    workers: int = 1,
) -> list[Cluster]:
    """Merge suggestions among `ids` (default: every indexed document), scored by the index's cosines."""
    id_list = list(ids) if ids is not None else None
    neighbors = index.top_k_all(id_list, k=k, against=id_list, workers=workers)

    def centroid(members: Sequence[DocId]) -> dict[DocId, float]:
        m = sp.vstack([index.row_vector(d) for d in members], format="csr")
        mean = np.asarray(m.mean(axis=0)).ravel()
        norm = float(np.linalg.norm(mean))
        scores = m @ mean / norm if norm > 0 else np.zeros(len(members))
        return {d: float(s) for d, s in zip(members, scores, strict=True)}

    return build_clusters(
        neighbors, threshold, max_size=max_size, pair_score=index.pair_score, centroid_scores=centroid
    )
