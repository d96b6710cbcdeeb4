"""Benchmark of the similarity app's uses at real sizes (prints numbers; never asserts timings).

    .venv/bin/python bench/similarity_bench.py [--n 100000] [--units 60] [--queries 500] [--skip-engine]

1. Runs bench/textsim_bench.py first (same --n): build time, top-10 p95 over 100,000, the 6,000-proposal
   session batch, recall against the brute-force baseline, and precision/recall of 并案 clusters
   against the generator's ground truth (sizes 2..9).
2. Handling-unit suggestions: a history in which each real topic has its usual unit (15 % noise), ranked
   exactly as tongxin.similarity.queries.unit_suggestions does (similarity × role weight over the top-20
   neighbours); prints top-1 / top-3 accuracy and the "most frequent units" baseline.
3. Full-text search: every term a substring over title and the three body fields, id order, first page
   of 20, over N documents; prints p50/p95 for one common 2-character term, two rarer terms and two
   2-character terms. On SQLite: the LIKE scan the app uses there. With --pg URL (a server where this
   user may create a scratch database): the LIKE scan and the app's PostgreSQL strategy (the character-
   bigram GIN index of similarity migration 0001, then the exact match), with the index's build time.
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
from tongxin.similarity.queries import (  # noqa: E402
    BIGRAM_TEXT,
    ROLE_WEIGHT,
    search_terms,
    uses_bigram_index,
)
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


FIELDS = ("title", "background", "analysis", "suggestions")


def _search_docs(gen: textsim_bench.Generator, n: int) -> list[tuple[int, str, str, str, str]]:
    rows = []
    for i in range(n):
        d = gen.random_doc(f"x{i}")
        third = len(d.body) // 3
        rows.append((i + 1, d.title, d.body[:third], d.body[third : 2 * third], d.body[2 * third :]))
    return rows


def _search_queries(
    rows: list[tuple[int, str, str, str, str]], rng: random.Random, n_queries: int
) -> dict[str, list[list[str]]]:
    def sample_term(length: int) -> str:
        while True:  # a run of Chinese characters, as people type them
            body = "".join(rng.choice(rows)[2:])
            start = rng.randrange(max(1, len(body) - length))
            term = body[start : start + length]
            if all("\u4e00" <= ch <= "\u9fa5" for ch in term):
                return term

    return {
        "one 2-character term": [search_terms(sample_term(2)) for _ in range(n_queries)],
        "two rarer terms (4 + 3 characters)": [
            search_terms(f"{sample_term(4)} {sample_term(3)}") for _ in range(n_queries)
        ],
        "two 2-character terms": [
            search_terms(f"{sample_term(2)} {sample_term(2)}") for _ in range(n_queries)
        ],
    }


def _report(engine: str, n: int, results: dict[str, list[float]]) -> None:
    for label, xs in results.items():
        print(
            f"search ({engine}) over {n} docs, {label}: p50 {statistics.median(xs):.1f} ms, "
            f"p95 {textsim_bench.pct(xs, 95):.1f} ms, max {max(xs):.1f} ms"
        )


def search_bench(gen: textsim_bench.Generator, n: int, rng: random.Random, n_queries: int) -> None:
    rows = _search_docs(gen, n)
    queries = _search_queries(rows, rng, n_queries)
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE docs (id INTEGER PRIMARY KEY, {', '.join(f + ' TEXT' for f in FIELDS)})")
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", rows)
    db.commit()

    def run(terms: list[str]) -> float:
        where = " AND ".join("(" + " OR ".join(f"{f} LIKE ?" for f in FIELDS) + ")" for _ in terms)
        args = [f"%{t}%" for t in terms for _ in FIELDS]
        t = time.perf_counter()
        db.execute(f"SELECT id, title FROM docs WHERE {where} ORDER BY id LIMIT 21", args).fetchall()  # noqa: S608
        return (time.perf_counter() - t) * 1000

    _report("SQLite LIKE scan", n, {label: [run(q) for q in qs] for label, qs in queries.items()})


def search_bench_pg(
    gen: textsim_bench.Generator, n: int, rng: random.Random, n_queries: int, url: str
) -> None:
    import importlib

    import psycopg

    migration = importlib.import_module("tongxin.similarity.migrations.0001_search_bigrams")
    rows = _search_docs(gen, n)
    queries = _search_queries(rows, rng, n_queries)
    scratch = "tongxin_similarity_bench"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {scratch}")
        admin.execute(f"CREATE DATABASE {scratch}")
    base, _slash, _name = url.rpartition("/")
    with psycopg.connect(f"{base}/{scratch}", autocommit=True) as db:
        db.execute(
            "CREATE TABLE proposals_proposal (id integer PRIMARY KEY, title text NOT NULL, "
            "background text NOT NULL, analysis text NOT NULL, suggestions text NOT NULL)"
        )
        with db.cursor() as cur, cur.copy("COPY proposals_proposal FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        db.execute("ANALYZE proposals_proposal")

        def like(terms: list[str]) -> tuple[str, list[str]]:
            where = " AND ".join("(" + " OR ".join(f"{f} ILIKE %s" for f in FIELDS) + ")" for _ in terms)
            return where, [f"%{t}%" for t in terms for _ in FIELDS]

        def bigram(terms: list[str]) -> tuple[str, list[str]]:
            where, args = like(terms)
            if not uses_bigram_index(terms):  # the app's choice: the scan for one 2-character term
                return where, args
            pre = [f"{BIGRAM_TEXT} @> tongxin_bigrams(%s)" for t in terms if len(t) >= 2]
            return " AND ".join([*pre, where]), [t for t in terms if len(t) >= 2] + args

        def run(strategy: object, terms: list[str]) -> float:
            where, args = strategy(terms)  # type: ignore[operator]
            t = time.perf_counter()
            sql = f"SELECT id, title FROM proposals_proposal WHERE {where} ORDER BY id LIMIT 21"  # noqa: S608
            db.execute(sql, args).fetchall()
            return (time.perf_counter() - t) * 1000

        _report(
            "PostgreSQL ILIKE scan", n, {label: [run(like, q) for q in qs] for label, qs in queries.items()}
        )
        t = time.perf_counter()
        db.execute("SET maintenance_work_mem = '256MB'")
        db.execute(migration.FUNCTION)
        db.execute(migration.INDEX)
        db.execute("ANALYZE proposals_proposal")
        size = db.execute("SELECT pg_size_pretty(pg_relation_size('similarity_proposal_bigrams'))").fetchone()
        print(
            f"search (PostgreSQL): bigram GIN index over {n} docs built in {time.perf_counter() - t:.0f} s, "
            f"size {size[0] if size else '?'}"
        )
        _report(
            "PostgreSQL bigram index",
            n,
            {label: [run(bigram, q) for q in qs] for label, qs in queries.items()},
        )
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {scratch}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--search-queries", type=int, default=50)
    ap.add_argument("--seed", type=int, default=2019)
    ap.add_argument("--skip-engine", action="store_true", help="skip the textsim_bench part")
    ap.add_argument("--skip-units", action="store_true", help="skip the unit-suggestion part")
    ap.add_argument(
        "--pg",
        default="",
        help="PostgreSQL URL for the search part (e.g. postgres://postgres@127.0.0.1/postgres)",
    )
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
    if not args.skip_units:
        units_bench(gen, args.n, args.units, args.queries, rng)
    search_bench(gen, args.n, random.Random(args.seed + 1), args.search_queries)
    if args.pg:
        search_bench_pg(gen, args.n, random.Random(args.seed + 1), args.search_queries, args.pg)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
