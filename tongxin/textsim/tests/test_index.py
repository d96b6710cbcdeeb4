from __future__ import annotations

import numpy as np
import pytest

from tongxin.textsim.brute import BruteForceIndex, recall_at_k
from tongxin.textsim.features import key_to_str
from tongxin.textsim.index import SimilarityIndex, df_bounds

DOCS = [
    (
        1,
        "关于加强青少年近视防控的建议",
        "青少年近视率逐年上升，学生用眼负担重，户外活动时间不足，应当减轻课业负担，增加户外活动。",
    ),
    (
        2,
        "关于推进中小学生近视防控工作的建议",
        "中小学生近视问题突出，建议学校保证户外活动时间，改善教室照明，定期开展视力筛查。",
    ),
    (
        3,
        "关于发展农村互助养老的建议",
        "农村老年人口多，空巢老人照料难，建议发展互助养老，建设农村幸福院，培育养老志愿者。",
    ),
    (
        4,
        "关于完善社区居家养老服务的建议",
        "社区居家养老服务供给不足，建议建设社区养老服务中心，发展助餐助浴服务。",
    ),
    (
        5,
        "关于加快航空货运枢纽建设的建议",
        "航空货运是现代物流的重要组成部分，建议加快建设航空货运枢纽，引进货运航空公司。",
    ),
    ("x6", "关于治理餐厨垃圾的建议", "餐厨垃圾产生量大，建议推进餐厨废弃物资源化利用和无害化处理。"),
]


def build() -> SimilarityIndex:
    return SimilarityIndex().build(DOCS)


def test_query_orders_by_topic():
    idx = build()
    res = idx.query("关于儿童青少年近视防控的提案", "学生近视率高，应增加户外活动，减轻课业负担。", k=3)
    assert [d for d, _ in res[:2]] == [1, 2]
    assert res[0][1] > res[1][1] > 0
    assert all(0 < s <= 1 for _, s in res)
    res = idx.query("关于农村养老的建议", "建设农村幸福院，发展互助养老，照料空巢老人。", k=2)
    assert res[0][0] == 3


def test_similar_to_excludes_itself_and_finds_partner():
    idx = build()
    res = idx.similar_to(1, k=5)
    assert res[0][0] == 2
    assert 1 not in [d for d, _ in res]


def test_identical_text_scores_one():
    idx = build()
    _, title, body = DOCS[4]
    assert idx.query(title, body, k=1) == [(5, pytest.approx(1.0, abs=1e-5))]
    assert idx.pair_score(1, 1) == pytest.approx(1.0, abs=1e-5)


def test_exclude_and_k():
    idx = build()
    _, title, body = DOCS[0]
    assert 1 not in [d for d, _ in idx.query(title, body, k=10, exclude=1)]
    assert {d for d, _ in idx.query(title, body, k=10, exclude=[1, 2])}.isdisjoint({1, 2})
    assert len(idx.query(title, body, k=1)) == 1
    assert idx.query(title, body, k=0) == []


def test_unrelated_query_returns_nothing():
    idx = build()
    assert idx.query("zzz", "qqq xyz", k=5) == []


def test_add_remove_and_update():
    idx = build()
    idx.add(7, "关于加强学生近视防控的建议", "学生近视防控要增加户外活动时间，减轻课业负担，改善照明。")
    assert 7 in idx
    assert len(idx) == 7
    assert idx.similar_to(7, k=2)[0][0] in {1, 2}
    assert 7 in [d for d, _ in idx.similar_to(1, k=3)]
    # update: same id, new text about another topic
    idx.add(7, "关于航空货运的建议", "加快建设航空货运枢纽，引进货运航空公司。")
    assert len(idx) == 7
    assert idx.similar_to(7, k=1)[0][0] == 5
    assert idx.remove(7) is True
    assert idx.remove(7) is False
    assert 7 not in idx
    _, title, body = DOCS[4]
    assert 7 not in [d for d, _ in idx.query(title, body, k=10)]
    assert idx.remove(1) is True
    assert 1 not in [d for d, _ in idx.query(*DOCS[1][1:], k=10)]


def test_pending_rows_answer_like_compacted_rows():
    idx = SimilarityIndex(pending_limit=1000).build(DOCS[:3])
    for d in DOCS[3:]:
        idx.add(*d)
    assert idx.stats()["pending"] == 3
    before = idx.query("关于养老服务的建议", "社区居家养老，农村互助养老", k=5)
    idx.compact()
    assert idx.stats()["pending"] == 0
    after = idx.query("关于养老服务的建议", "社区居家养老，农村互助养老", k=5)
    assert [d for d, _ in before] == [d for d, _ in after]
    assert np.allclose([s for _, s in before], [s for _, s in after], atol=1e-6)


def test_new_docs_use_existing_vocabulary():
    idx = build()
    n = idx.n_features
    idx.add(9, "全新的话题", "量子计算机芯片研发")  # n-grams unknown to the vocabulary are ignored
    assert idx.n_features == n
    assert idx.similar_to(9, k=3) == []


def test_needs_rebuild_after_many_adds():
    idx = build()
    assert not idx.needs_rebuild
    for i in range(201):
        idx.add(f"n{i}", "关于养老的建议", f"第{i}号")
    assert idx.needs_rebuild
    idx.build([(d, "关于养老的建议", "养老") for d in range(3)])
    assert not idx.needs_rebuild


def test_save_load_round_trip(tmp_path):
    idx = build()
    idx.add(8, "关于推进近视防控的建议", "视力筛查和户外活动")
    idx.remove(4)
    path = tmp_path / "index.npz"
    idx.save(path)
    assert path.exists()
    assert not list(tmp_path.glob("*.tmp"))
    loaded = SimilarityIndex.load(path)
    assert loaded.ids == idx.ids
    assert loaded.n_features == idx.n_features
    for q in [
        ("关于近视防控的建议", "户外活动"),
        ("关于养老的建议", "农村互助养老幸福院"),
        ("航空", "货运枢纽"),
    ]:
        assert loaded.query(*q, k=5) == idx.query(*q, k=5)
    for d in idx.ids:
        assert loaded.similar_to(d, k=5) == idx.similar_to(d, k=5)
    assert loaded.top_k_all(k=3) == idx.top_k_all(k=3)
    # ids keep their types (int and str)
    assert "x6" in loaded
    assert 1 in loaded
    assert "1" not in loaded
    # saving again over the same path replaces the file atomically
    loaded.add(10, "关于测试的建议", "测试内容")
    loaded.save(path)
    assert 10 in SimilarityIndex.load(path)


def test_load_rejects_other_files(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, meta=np.frombuffer(b'{"format": "something else"}', dtype=np.uint8))
    with pytest.raises(ValueError, match="not a textsim index"):
        SimilarityIndex.load(path)


def test_top_k_all_matches_single_queries():
    idx = build()
    allk = idx.top_k_all(k=3, chunk=2)
    assert set(allk) == {d for d, _, _ in DOCS}
    for d, res in allk.items():
        single = idx.similar_to(d, k=3)
        assert [x for x, _ in res] == [x for x, _ in single]
        assert np.allclose([s for _, s in res], [s for _, s in single], atol=1e-5)
    some = idx.top_k_all([1, 3], k=2, against=[1, 2, 3, 4])
    assert set(some) == {1, 3}
    assert some[1][0][0] == 2
    assert all(x in {1, 2, 3, 4} for res in some.values() for x, _ in res)
    assert idx.top_k_all(k=2, workers=2) == idx.top_k_all(k=2)


def test_duplicate_ids_rejected():
    with pytest.raises(ValueError, match="duplicate"):
        SimilarityIndex().build([(1, "a", "b"), (1, "c", "d")])


def test_empty_index():
    idx = SimilarityIndex().build([])
    assert len(idx) == 0
    assert idx.query("关于养老的建议", "养老") == []
    assert idx.top_k_all(k=3) == {}
    idx.add(1, "关于养老的建议", "养老")
    assert idx.similar_to(1) == []


def test_df_bounds_are_adaptive():
    assert df_bounds(436, 0.05, 100, None) == (1, 100)
    assert df_bounds(100_000, 0.05, 100, None) == (2, 5000)
    assert df_bounds(2000, 0.05, 100, None) == (2, 100)
    assert df_bounds(50, 0.05, 100, 1) == (1, 100)


def test_max_df_prunes_common_ngrams():
    docs = [(i, f"关于事项{i}的建议", f"加强管理，第{i}项内容") for i in range(300)]
    idx = SimilarityIndex().build(docs)
    vocab = {key_to_str(int(k)) for k in idx._vec.keys}
    assert "加强" not in vocab  # in all 300 documents: above the 100-document cap
    assert "事项" not in vocab


def test_unigram_option():
    idx = SimilarityIndex(ngram=(1, 2)).build(DOCS)
    assert idx.similar_to(1, k=1)[0][0] == 2
    with pytest.raises(ValueError, match="ngram"):
        SimilarityIndex(ngram=(3,))


def test_brute_force_agrees_on_small_corpus():
    idx = build()
    brute = BruteForceIndex().build(DOCS)
    for d, title, body in DOCS:
        exact = brute.query(title, body, k=3, exclude=d)
        assert recall_at_k(idx.query(title, body, k=3, exclude=d), exact) == 1.0
    assert recall_at_k([], []) == 1.0
