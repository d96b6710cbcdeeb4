from __future__ import annotations

from tongxin.textsim.clusters import build_clusters, clusters_from_index
from tongxin.textsim.index import SimilarityIndex


def _sym(pairs: dict[tuple[str, str], float]):
    def score(a: str, b: str) -> float:
        return pairs.get((a, b), pairs.get((b, a), 0.0))

    return score


def test_chain_is_not_merged_into_one_group():
    # a-b-c-d-e is a chain: neighbours are similar, ends are not.
    pairs = {("a", "b"): 0.6, ("b", "c"): 0.5, ("c", "d"): 0.5, ("d", "e"): 0.6}
    neighbors = {
        x: [(y, s) for (p, q), s in pairs.items() for y in (p, q) if x in (p, q) and y != x] for x in "abcde"
    }
    clusters = build_clusters(neighbors, 0.3)
    groups = [set(c.members) for c in clusters]
    assert {"a", "b", "c", "d", "e"} not in groups
    assert {"a", "b"} in groups
    assert {"d", "e"} in groups
    # plain connected components would have produced one group of 5
    assert all(len(g) <= 3 for g in groups)


def test_tight_group_is_merged_with_scores():
    pairs = {("a", "b"): 0.8, ("a", "c"): 0.7, ("b", "c"): 0.75, ("c", "z"): 0.35, ("a", "z"): 0.0}
    neighbors = {"a": [("b", 0.8), ("c", 0.7)], "b": [("c", 0.75)], "c": [("z", 0.35)]}
    clusters = build_clusters(neighbors, 0.3, pair_score=_sym(pairs))
    assert len(clusters) == 1
    c = clusters[0]
    assert c.members == ["a", "b", "c"]  # z: average link to {a,b,c} is (0+0+0.35)/3 < 0.3
    assert c.pair_scores == {("a", "b"): 0.8, ("a", "c"): 0.7, ("b", "c"): 0.75}
    assert abs(c.mean_pair_score - 0.75) < 1e-9
    assert set(c.centroid_scores) == {"a", "b", "c"}


def test_max_size_caps_groups():
    ids = [f"d{i}" for i in range(12)]
    neighbors = {a: [(b, 0.9) for b in ids if b != a] for a in ids}
    clusters = build_clusters(neighbors, 0.3, max_size=5)
    assert max(len(c.members) for c in clusters) <= 5
    assert sum(len(c.members) for c in clusters) >= 10


def test_below_threshold_gives_nothing():
    assert build_clusters({"a": [("b", 0.1)]}, 0.3) == []
    assert build_clusters({}, 0.3) == []


def test_clusters_from_index():
    docs = [
        (1, "关于加强青少年近视防控的建议", "青少年近视率上升，户外活动不足，课业负担重，应增加户外活动。"),
        (2, "关于推进青少年近视防控的建议", "青少年近视问题突出，应增加户外活动时间，减轻课业负担。"),
        (3, "关于儿童青少年近视防控的建议", "儿童青少年近视防控要增加户外活动，减轻课业负担，改善照明。"),
        (4, "关于航空货运枢纽建设的建议", "加快建设航空货运枢纽，引进货运航空公司，完善物流园区。"),
        (5, "关于加快航空货运枢纽建设的建议", "建设航空货运枢纽，发展货运航空公司和航空物流园区。"),
        (6, "关于餐厨垃圾治理的建议", "推进餐厨废弃物资源化利用和无害化处理。"),
    ]
    idx = SimilarityIndex().build(docs)
    clusters = clusters_from_index(idx, threshold=0.2)
    groups = [set(c.members) for c in clusters]
    assert {1, 2, 3} in groups
    assert {4, 5} in groups
    for c in clusters:
        assert all(0 < s <= 1.0001 for s in c.centroid_scores.values())
        assert c.min_centroid_score >= c.mean_pair_score - 1e-6  # the centroid is closer than a typical pair
    sub = clusters_from_index(idx, [1, 2, 4, 6], threshold=0.2)
    assert [set(c.members) for c in sub] == [{1, 2}]
