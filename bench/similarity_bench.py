"""Benchmark of the similarity app's uses at real sizes (prints numbers; never asserts timings).

    .venv/bin/python bench/similarity_bench.py [--n 100000] [--units 60] [--queries 500] [--skip-engine]

1. Runs bench/textsim_bench.py first (same --n): build time, top-10 p95 over 100,000, the 6,000-proposal
   session batch, recall against the brute-force baseline, and precision/recall of 并案 clusters
   against the generator's ground truth (sizes 2..9).
2. Handling-unit suggestions: a history in which each real topic has its usual unit (15 % noise), ranked
   exactly as tongxin.similarity.queries.unit_suggestions does (similarity × role weight over the top-20
   neighbours); prints top-1 / top-3 accuracy and the "most frequent units" baseline.
3. Full-text search: the app's strategy (every term a substring, LIKE '%term%' over title and body,
   id order, first page of 20) on SQLite over N documents; prints p50/p95 for common and rare terms.
Reads the real Jiangsu sentences from ../shared at run time; skips when they are absent.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import textsim_bench  # noqa: E402

from tongxin.proposals.models import Assignment  # noqa: E402
from tongxin.similarity.queries import ROLE_WEIGHT, search_terms  # noqa: E402
from tongxin.textsim.corpus import JIANGSU_CSV, load_jiangsu  # noqa: E402
from tongxin.textsim.index import SimilarityIndex  # noqa: E402


def units_bench(
    gen: textsim_bench.Generator, n: int, n_units: int, n_queries: int, rng: random.Random
) -> None:
    topic_unit = {i: rng.randrange(n_units) for i in range(len(gen.by_source))}
    docs: list[tuple[str, str, str]] = []
    unit_of: dict[str, int] = {}
    topical = int(n * 0.4)
    i = 0
    while i < topical:
        src = rng.randrange(len(gen.by_source))
        for d in gen.cluster(f"t{i}", rng.randint(1, 5), gen.by_source[src]):
            docs.append((d.id, d.title, d.body))
            # 15 % of past assignments went elsewhere (reassignment, shared duties).
            unit_of[d.id] = topic_unit[src] if rng.random() > 0.15 else rng.randrange(n_units)
            i += 1
    for j in range(n - len(docs)):
        d = gen.random_doc(f"r{j}")
        docs.append((d.id, d.title, d.body))
        unit_of[d.id] = rng.randrange(n_units)
    t = time.perf_counter()
    index = SimilarityIndex().build(docs)
    print(
        f"units: history {len(docs)} docs ({topical} on {len(gen.by_source)} real topics), {n_units} units; "
        f"index built in {time.perf_counter() - t:.1f} s"
    )
    frequent = [u for u, _c in Counter(unit_of.values()).most_common(3)]
    top1 = top3 = base3 = 0
    weight = ROLE_WEIGHT[Assignment.Role.LEAD]
    for q in range(n_queries):
        src = rng.randrange(len(gen.by_source))
        d = gen.cluster(f"q{q}", 1, gen.by_source[src])[0]
        scores: dict[int, float] = defaultdict(float)
        for doc_id, s in index.query(d.title, d.body, k=20):
            scores[unit_of[str(doc_id)]] += s * weight
        ranked = sorted(scores, key=lambda u: (-scores[u], u))[:3]
        top1 += bool(ranked) and ranked[0] == topic_unit[src]
        top3 += topic_unit[src] in ranked
        base3 += topic_unit[src] in frequent
    print(
        f"  unit suggestions over {n_queries} new proposals: top-1 {top1 / n_queries:.3f}, "
        f"top-3 {top3 / n_queries:.3f} (baseline: 3 most frequent units {base3 / n_queries:.3f})"
    )


def search_bench(gen: textsim_bench.Generator, n: int, rng: random.Random, n_queries: int) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body TEXT)")
    rows = []
    for i in range(n):
        d = gen.random_doc(f"x{i}")
        rows.append((i + 1, d.title, d.body))
    db.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
    db.commit()

    def run(q: str) -> float:
        terms = search_terms(q)
        where = " AND ".join("(title LIKE ? OR body LIKE ?)" for _ in terms)
        args = [f"%{t}%" for t in terms for _ in (0, 1)]
        t = time.perf_counter()
        db.execute(f"SELECT id, title FROM docs WHERE {where} ORDER BY id LIMIT 21", args).fetchall()  # noqa: S608
        return (time.perf_counter() - t) * 1000

    def sample_term(length: int) -> str:
        body = rng.choice(rows)[2]
        start = rng.randrange(max(1, len(body) - length))
        return body[start : start + length]

    common = [run(f"{sample_term(2)}") for _ in range(n_queries)]
    rare = [run(f"{sample_term(4)} {sample_term(3)}") for _ in range(n_queries)]
    for label, xs in (("one 2-character term", common), ("two rarer terms", rare)):
        print(
            f"search over {n} docs, {label}: p50 {statistics.median(xs):.1f} ms, "
            f"p95 {textsim_bench.pct(xs, 95):.1f} ms, max {max(xs):.1f} ms"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--search-queries", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2019)
    ap.add_argument("--skip-engine", action="store_true", help="skip the textsim_bench part")
    args, rest = ap.parse_known_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    proposals = load_jiangsu()
    if proposals is None:
        print(f"SKIP: {JIANGSU_CSV} not found; the benchmark needs the real Jiangsu sentences.")
        return 0
    if not args.skip_engine:
        sys.argv = [sys.argv[0], "--n", str(args.n), *rest]
        textsim_bench.main()
    rng = random.Random(args.seed)
    gen = textsim_bench.Generator([p.body for p in proposals], args.seed)
    units_bench(gen, args.n, args.units, args.queries, rng)
    search_bench(gen, args.n, rng, args.search_queries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
