"""Benchmark of tongxin.textsim on synthetic proposals composed from the real Jiangsu sentences.

    .venv/bin/python bench/textsim_bench.py [--n 100000] [--session 6000]

Reads ../shared/data/jszx2019/proposals.csv at run time (skips with a message when it is absent) and
builds documents of 8-20 real sentences (mean ~800 characters).  History = N random documents; session =
S documents of which ~10 % form ground-truth merge clusters (sizes 2-9): rephrasings of one topic (a
sentence set from one real proposal, each member using a different subset with clauses dropped or
swapped, a varied title, and unrelated filler sentences).  Sentences of unrelated documents are mixed
from clauses of different real sentences, so that unrelated documents do not share whole sentences.

Reports (performance.md P5/P6): index build time for N docs; p50/p95 top-10 query latency over N; the
session batch S × (N + S) time and peak RSS; within-session S × S time; recall@10 of the index against
the unpruned brute-force baseline and the time ratio; precision/recall of the merge suggestions against
the ground truth.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tongxin.textsim.brute import BruteForceIndex, recall_at_k
from tongxin.textsim.clusters import build_clusters
from tongxin.textsim.corpus import JIANGSU_CSV, load_jiangsu
from tongxin.textsim.index import SimilarityIndex

TARGET_QUERY_P95_MS = 200.0
TARGET_BATCH_S = 60.0
TARGET_BATCH_RSS_GB = 4.0
TARGET_BUILD_S = 120.0
TARGET_SESSION_SELF_S = 10.0

_SENT_SPLIT = re.compile(r"(?<=[。！？；!?;])|\n+")
_CLAUSE_SPLIT = re.compile(r"(?<=[，,、])")
_TITLE_CHARS = re.compile(r"[^\u4e00-\u9fff]")


@dataclass
class Doc:
    """A synthetic proposal."""

    id: str
    title: str
    body: str


def peak_rss_gb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def current_rss_gb() -> float:
    """Current resident set size."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 1024**3


class Generator:
    """Synthetic documents from the real sentences."""

    def __init__(self, bodies: list[str], seed: int) -> None:
        self.rng = random.Random(seed)
        self.by_source: list[list[str]] = []
        for body in bodies:
            sents = [s.strip() for s in _SENT_SPLIT.split(body) if len(s.strip()) >= 8]
            if sents:
                self.by_source.append(sents)
        self.pool = [s for src in self.by_source for s in src]
        self.clauses = [c for s in self.pool for c in _CLAUSE_SPLIT.split(s) if len(c) >= 4]

    def _mixed_sentence(self) -> str:
        """A sentence as long as a random real one, made of clauses of different real sentences.

        Unrelated documents built from whole sentences of a 14,000-sentence pool share a verbatim
        sentence every few dozen pairs, which no real corpus does; mixing clauses keeps the real
        vocabulary and sentence lengths without that artefact.
        """
        target = len(self.rng.choice(self.pool))
        parts: list[str] = []
        length = 0
        while length < target:
            clause = self.rng.choice(self.clauses)
            parts.append(clause)
            length += len(clause)
        return "".join(parts).rstrip("，,、。；;！!？?") + "。"

    def _title(self, sentence: str, prefix: str = "", suffix: str = "的建议") -> str:
        core = _TITLE_CHARS.sub("", sentence)
        n = self.rng.randint(6, 16)
        start = self.rng.randint(0, max(0, len(core) - n))
        return "关于" + prefix + core[start : start + n] + suffix

    def random_doc(self, doc_id: str) -> Doc:
        sents = [self._mixed_sentence() for _ in range(self.rng.randint(8, 20))]
        return Doc(doc_id, self._title(sents[0]), "".join(sents))

    def _rephrase(self, sentence: str) -> str:
        clauses = [c for c in _CLAUSE_SPLIT.split(sentence) if c]
        r = self.rng.random()
        if len(clauses) > 2 and r < 0.3:
            del clauses[self.rng.randrange(len(clauses))]
        elif len(clauses) > 2 and r < 0.6:
            i = self.rng.randrange(len(clauses) - 1)
            clauses[i], clauses[i + 1] = clauses[i + 1], clauses[i]
        return "".join(clauses)

    def cluster(self, prefix: str, size: int, source: list[str]) -> list[Doc]:
        topic = self.rng.sample(source, min(12, len(source)))
        title_sentence = topic[0]
        core_title = self._title(title_sentence, suffix="")
        docs = []
        for m in range(size):
            own = self.rng.sample(topic, self.rng.randint(min(4, len(topic)), min(8, len(topic))))
            own = [self._rephrase(s) for s in own]
            filler = [self._mixed_sentence() for _ in range(self.rng.randint(3, 10))]
            sents = own + filler
            self.rng.shuffle(sents)
            lead = self.rng.choice(["", "进一步", "加快", "切实", "大力"])
            tail = self.rng.choice(["的建议", "的提案", "的几点建议", "的对策建议"])
            title = core_title.replace("关于", "关于" + lead, 1) + tail
            docs.append(Doc(f"{prefix}-{m}", title, "".join(sents)))
        return docs


def cluster_sizes(rng: random.Random, n_docs: int) -> list[int]:
    """Cluster sizes 2..9 (small ones more common, P(s) ∝ s^-1.5) adding up to about n_docs."""
    sizes = list(range(2, 10))
    weights = [s**-1.5 for s in sizes]
    out: list[int] = []
    while sum(out) < n_docs:
        out.append(rng.choices(sizes, weights)[0])
    return out


def pct(xs: list[float], p: float) -> float:
    """Percentile p (0-100) by nearest rank."""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def pair_set(groups: list[list[str]]) -> set[tuple[str, str]]:
    """All unordered pairs inside groups."""
    return {(a, b) if a < b else (b, a) for g in groups for i, a in enumerate(g) for b in g[i + 1 :]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="history documents (default 100000)")
    ap.add_argument("--session", type=int, default=6000, help="session documents (default 6000)")
    ap.add_argument("--queries", type=int, default=300, help="single queries timed")
    ap.add_argument("--recall-sample", type=int, default=200, help="queries compared with brute force")
    ap.add_argument("--cluster-share", type=float, default=0.10, help="share of session docs in clusters")
    ap.add_argument("--chunk", type=int, default=256, help="rows per batch product")
    ap.add_argument("--workers", type=int, default=2, help="threads for the batch")
    ap.add_argument("--seed", type=int, default=2019)
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress shows when piped

    proposals = load_jiangsu()
    if proposals is None:
        print(f"SKIP: {JIANGSU_CSV} not found; the benchmark needs the real Jiangsu sentences.")
        return 0

    t0 = time.perf_counter()
    gen = Generator([p.body for p in proposals], args.seed)
    history = [gen.random_doc(f"h{i}") for i in range(args.n)]
    sizes = cluster_sizes(gen.rng, int(args.session * args.cluster_share))
    sources = gen.rng.sample(gen.by_source, len(gen.by_source))
    truth: list[list[str]] = []
    session: list[Doc] = []
    for c, size in enumerate(sizes):
        members = gen.cluster(f"c{c}", size, sources[c % len(sources)])
        truth.append([d.id for d in members])
        session.extend(members)
    session.extend(gen.random_doc(f"s{i}") for i in range(args.session - len(session)))
    gen.rng.shuffle(session)
    session = session[: args.session]
    kept = {d.id for d in session}
    truth = [[m for m in g if m in kept] for g in truth]
    truth = [g for g in truth if len(g) >= 2]
    mean_chars = statistics.mean(len(d.body) for d in history[:5000] + session)
    print(
        f"corpus: {args.n} history + {len(session)} session docs, mean body {mean_chars:.0f} chars, "
        f"{len(truth)} true clusters ({sum(map(len, truth))} docs, sizes {min(map(len, truth))}-"
        f"{max(map(len, truth))}); generated in {time.perf_counter() - t0:.1f} s"
    )
    print(f"  rss after generation: {current_rss_gb():.2f} GB")

    # 1. Build over the history (normalisation included).
    t = time.perf_counter()
    index = SimilarityIndex().build((d.id, d.title, d.body) for d in history)
    build_s = time.perf_counter() - t
    st = index.stats()
    print(
        f"build {args.n} docs: {build_s:.1f} s (target ≤ {TARGET_BUILD_S:.0f} s) "
        f"features={st['features']} nnz/doc={st['nnz_per_doc']:.0f} df=[{st['min_df']}, {st['max_df_count']}]"
        f"  peak rss {peak_rss_gb():.2f} GB"
    )

    # 2. Single top-10 queries over the history (normalisation included).
    qdocs = gen.rng.sample(session, min(args.queries, len(session)))
    lat = []
    for d in qdocs:
        t = time.perf_counter()
        index.query(d.title, d.body, k=10)
        lat.append((time.perf_counter() - t) * 1000)
    print(
        f"query top-10 over {args.n}: p50 {pct(lat, 50):.2f} ms  p95 {pct(lat, 95):.2f} ms  "
        f"max {max(lat):.2f} ms (target p95 ≤ {TARGET_QUERY_P95_MS:.0f} ms)"
    )

    # 3. Session documents arrive one by one.
    t = time.perf_counter()
    for d in session:
        index.add(d.id, d.title, d.body)
    add_s = time.perf_counter() - t
    print(
        f"add {len(session)} session docs incrementally: {add_s:.1f} s "
        f"({add_s / len(session) * 1000:.2f} ms/doc incl. merges); needs_rebuild={index.needs_rebuild}"
    )
    t = time.perf_counter()
    index.compact()
    print(f"  final merge into the main matrix: {time.perf_counter() - t:.2f} s")

    # 4. Session batch: S × (N + S) top-10.
    sids = [d.id for d in session]
    rss_before = current_rss_gb()
    t = time.perf_counter()
    batch = index.top_k_all(sids, k=10, chunk=args.chunk, workers=args.workers)
    batch_s = time.perf_counter() - t
    print(
        f"batch {len(sids)} × {len(index)} top-10: {batch_s:.1f} s (target ≤ {TARGET_BATCH_S:.0f} s), "
        f"chunk {args.chunk}, {args.workers} thread(s); rss before {rss_before:.2f} GB, "
        f"process peak so far {peak_rss_gb():.2f} GB (target ≤ {TARGET_BATCH_RSS_GB:.0f} GB)"
    )
    assert len(batch) == len(sids)

    # 5. Within-session S × S.
    t = time.perf_counter()
    within = index.top_k_all(sids, k=10, chunk=args.chunk, against=sids, workers=args.workers)
    within_s = time.perf_counter() - t
    print(
        f"within-session {len(sids)} × {len(sids)} top-10: {within_s:.1f} s "
        f"(target ≤ {TARGET_SESSION_SELF_S:.0f} s)"
    )

    # 6. Merge suggestions against the ground truth (pairwise precision / recall).
    true_pairs = pair_set(truth)
    print(f"merge clusters vs ground truth ({len(true_pairs)} true pairs):")
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3):
        t = time.perf_counter()
        clusters = build_clusters(within, threshold, pair_score=index.pair_score)
        pred = pair_set([[str(m) for m in c.members] for c in clusters])
        tp = len(pred & true_pairs)
        prec = tp / len(pred) if pred else 1.0
        rec = tp / len(true_pairs) if true_pairs else 1.0
        exact = sum(1 for g in truth if any(set(g) == {str(m) for m in c.members} for c in clusters))
        print(
            f"  threshold {threshold:.2f}: {len(clusters)} clusters, pair precision {prec:.3f} "
            f"recall {rec:.3f}, exact groups {exact}/{len(truth)} ({time.perf_counter() - t:.1f} s)"
        )

    # 7. Recall@10 against the unpruned brute-force baseline (same text, same n-grams).
    t = time.perf_counter()
    all_docs = history + session
    texts = [index.text(d.title, d.body) for d in all_docs]
    brute = BruteForceIndex().build_texts([d.id for d in all_docs], texts)
    text_of = dict(zip((d.id for d in all_docs), texts, strict=True))
    del texts
    print(f"brute-force baseline built in {time.perf_counter() - t:.1f} s, features={brute.n_features}")
    sample = gen.rng.sample(sids, min(args.recall_sample, len(sids)))
    recalls, strong, t_idx, t_brute = [], [], [], []
    for d in sample:
        t = time.perf_counter()
        got = index.query_text(text_of[d], 10, exclude=d)
        t_idx.append(time.perf_counter() - t)
        t = time.perf_counter()
        exact = brute.query_text(text_of[d], 10, exclude=d)
        t_brute.append(time.perf_counter() - t)
        recalls.append(recall_at_k(got, exact))
        strong_exact = [(x, s) for x, s in exact if s >= 0.15]
        if strong_exact:
            strong.append(recall_at_k(got, strong_exact))
    print(
        f"recall@10 vs brute force: {statistics.mean(recalls):.3f} over {len(sample)} queries; "
        f"for exact neighbours with cosine ≥ 0.15: {statistics.mean(strong) if strong else float('nan'):.3f} "
        f"({len(strong)} queries)"
    )
    idx_ms, brute_ms = statistics.mean(t_idx) * 1000, statistics.mean(t_brute) * 1000
    print(
        f"time per query: index {idx_ms:.2f} ms, brute force {brute_ms:.2f} ms "
        f"(brute force / index = {brute_ms / idx_ms:.0f}×)"
    )
    print(f"process peak rss at the end: {peak_rss_gb():.2f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
