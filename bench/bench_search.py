"""Benchmark: exact search against the approximate (usearch HNSW) index on a large corpus.

100,000 random-but-clustered unit vectors (d=384, 200 Gaussian clusters) and 1,000 queries drawn the
same way. Measures, for exact search and the index:
  recall@10 of the index against exact search            target >= 0.95
  latency of one query at a time, p50 / p95              target p95 < 50 ms (both)
  index build time, file size and load time from disk

    .venv/bin/python bench/bench_search.py [--n 100000] [--queries 1000] [--no-write]

Writes bench/results/search-<date>.json and appends its section to docs/benchmarks.md (replacing an
earlier search section, between its markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from embdash.tasks import (
    ann,  # noqa: E402
    search,  # noqa: E402
)

RESULTS_DIR = REPO / "bench" / "results"
DOC = REPO / "docs" / "benchmarks.md"
DOC_START, DOC_END = "<!-- bench_search:start -->", "<!-- bench_search:end -->"
K = 10


def clustered_unit_vectors(n: int, d: int, clusters: int, noise: float, rng: np.random.Generator, centres=None):
    centres = rng.standard_normal((clusters, d)) if centres is None else centres
    vectors = centres[rng.integers(0, len(centres), n)] + noise * rng.standard_normal((n, d))
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), centres


def latencies_ms(run_one, queries: np.ndarray) -> np.ndarray:
    times = []
    for query in queries:
        started = time.perf_counter()
        run_one(query)
        times.append((time.perf_counter() - started) * 1000)
    return np.asarray(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--clusters", type=int, default=200)
    parser.add_argument("--noise", type=float, default=0.6, help="per-coordinate noise around unit-variance centres")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    vectors, centres = clustered_unit_vectors(args.n, args.dim, args.clusters, args.noise, rng)
    queries, _ = clustered_unit_vectors(args.queries, args.dim, args.clusters, args.noise, rng, centres)
    load_before = os.getloadavg()[0]

    with tempfile.TemporaryDirectory() as data_dir:
        started = time.perf_counter()
        index = ann.cached_index(vectors, "bench", data_dir)
        build_s = time.perf_counter() - started
        path = ann.index_path(data_dir, "bench")
        size_mb = path.stat().st_size / 1e6
        started = time.perf_counter()
        index = ann.load_index(path, *vectors.shape)
        load_s = time.perf_counter() - started

    exact_rows, _ = search.nearest(vectors, queries, K)
    ann_rows, _ = ann.search_index(index, queries, K)
    recall = float(np.mean([len(set(a) & set(e)) / K for a, e in zip(ann_rows, exact_rows)]))

    exact_ms = latencies_ms(lambda q: search.nearest(vectors, q, K), queries)
    ann_ms = latencies_ms(lambda q: ann.search_index(index, q, K), queries)
    load_after = os.getloadavg()[0]

    result = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "n": args.n, "dim": args.dim, "clusters": args.clusters, "noise": args.noise, "queries": args.queries, "k": K,
        "index": {"library": "usearch", "version": metadata.version("usearch"), "metric": "cos",
                  "connectivity": ann.CONNECTIVITY, "expansion_add": ann.EXPANSION_ADD,
                  "expansion_search": ann.EXPANSION_SEARCH},
        "recall_at_10": round(recall, 4),
        "build_s": round(build_s, 2), "load_s": round(load_s, 3), "index_mb": round(size_mb, 1),
        "exact_ms": {"p50": round(float(np.percentile(exact_ms, 50)), 2), "p95": round(float(np.percentile(exact_ms, 95)), 2)},
        "ann_ms": {"p50": round(float(np.percentile(ann_ms, 50)), 2), "p95": round(float(np.percentile(ann_ms, 95)), 2)},
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "load_average_1min": [round(load_before, 1), round(load_after, 1)]},
    }
    print(json.dumps(result, indent=2))
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / f"search-{result['date']}.json").write_text(json.dumps(result, indent=2) + "\n")
        write_doc_section(result)


def write_doc_section(r: dict) -> None:
    tick = lambda ok: "✅" if ok else "❌"  # noqa: E731
    busy = max(r["machine"]["load_average_1min"])
    lines = [
        DOC_START,
        f"## Search: exact and approximate ({r['date']})",
        "",
        f"`bench/bench_search.py`: {r['n']:,} random unit vectors in {r['clusters']} Gaussian clusters "
        f"(d={r['dim']}, noise {r['noise']} per coordinate), {r['queries']:,} queries drawn the same way, k={r['k']}. "
        f"Index: usearch {r['index']['version']} HNSW, cosine, connectivity {r['index']['connectivity']}, "
        f"expansion {r['index']['expansion_add']} (add) / {r['index']['expansion_search']} (search). "
        f"Machine: {r['machine']['cpus']} CPUs, 1-minute load average {busy} during the run"
        + (" (busy: other jobs were running, so latencies are higher than on a quiet machine)" if busy > r["machine"]["cpus"] else "")
        + ". One query at a time.",
        "",
        "| | p50 ms | p95 ms | Note |",
        "|---|---:|---:|---|",
        f"| exact (`search.nearest`) | {r['exact_ms']['p50']} | {r['exact_ms']['p95']} | one matrix-vector product + argpartition |",
        f"| approximate (`ann.search_index`) | {r['ann_ms']['p50']} | {r['ann_ms']['p95']} | |",
        "",
        f"- recall@10 of the index against exact search: **{r['recall_at_10']:.3f}**; target ≥ 0.95 {tick(r['recall_at_10'] >= 0.95)}",
        f"- p95 latency, index: **{r['ann_ms']['p95']} ms**; target < 50 ms {tick(r['ann_ms']['p95'] < 50)} "
        f"(exact: {r['exact_ms']['p95']} ms {tick(r['exact_ms']['p95'] < 50)})",
        f"- index build {r['build_s']} s (once per corpus and model, then loaded from disk in {r['load_s']} s; file {r['index_mb']} MB)",
        "",
        "Exact search is what embdash uses below 50,000 documents, where it takes under half these times. "
        "The search beam (expansion 512) is set by a harder case, tests/test_ann.py's 20,000 vectors in 64-d "
        "with the same noise: there recall@10 was 0.88 at 128, 0.95 at 256 and 0.98 at 512.",
        "",
        DOC_END,
    ]
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if DOC_START in text and DOC_END in text:
        before, rest = text.split(DOC_START, 1)
        text = before + "\n".join(lines) + rest.split(DOC_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    DOC.write_text(text)


if __name__ == "__main__":
    main()
