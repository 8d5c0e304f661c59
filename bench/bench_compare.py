"""Benchmark: how long comparing two models takes as the corpus grows (embedding and maps excluded).

Two related "models" on synthetic corpora: model A's vectors are unit vectors in 20 Gaussian clusters
(d=384); model B's are A's plus noise, renormalised, so they agree partly. Clusters and labels are the
planted clusters. Times each measure of embdash.tasks.compare and the whole report, with labels.

    .venv/bin/python bench/bench_compare.py [--sizes 2000,5000,10000] [--no-write]

Writes bench/results/compare-<date>.json and puts its section in docs/benchmarks.md (replacing an
earlier compare section, between its markers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from embdash.tasks import compare  # noqa: E402

RESULTS_DIR = REPO / "bench" / "results"
DOC = REPO / "docs" / "benchmarks.md"
DOC_START, DOC_END = "<!-- bench_compare:start -->", "<!-- bench_compare:end -->"
DIM, TOPICS = 384, 20


def corpus(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, TOPICS, n)
    centres = rng.standard_normal((TOPICS, DIM))
    a = centres[labels] + 1.2 * rng.standard_normal((n, DIM))
    b = a + 1.0 * rng.standard_normal((n, DIM))
    unit = lambda v: (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)  # noqa: E731
    return unit(a), unit(b), labels


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def run(n: int) -> dict:
    a, b, labels = corpus(n)
    params = compare.CompareParams()
    neighbours_a, t_neighbours = timed(lambda: compare.nearest_neighbours(a, params.k))
    neighbours_b = compare.nearest_neighbours(b, params.k)
    jaccard, t_jaccard = timed(lambda: compare.jaccard_overlap(neighbours_a, neighbours_b))
    pairs = compare.sampled_pairs(n, params.n_pairs)
    spearman, t_spearman = timed(lambda: compare.similarity_correlation(a, b, pairs))
    _, t_agreement = timed(lambda: compare.clustering_agreement(labels, labels))
    _, t_labels = timed(lambda: compare.label_scores(a, labels, labels, params))
    cost = compare.Cost(DIM, 0.0, 0.0, "measured", 1.0, 1, n * DIM * 4)
    runs = [compare.ModelRun(name, name, v, v[:, :2], labels, cost) for name, v in (("A", a), ("B", b))]
    texts = [f"doc {i}" for i in range(n)]
    report, t_report = timed(lambda: compare.compare(runs, texts, labels, params=params))
    return {
        "n": n,
        "neighbours_one_model_s": round(t_neighbours, 2),
        "jaccard_s": round(t_jaccard, 3),
        "spearman_s": round(t_spearman, 3),
        "ari_nmi_s": round(t_agreement, 3),
        "label_scores_one_model_s": round(t_labels, 2),
        "whole_report_s": round(t_report, 2),
        "jaccard_mean": round(float(jaccard.mean()), 3),
        "spearman": round(spearman, 3),
        "knn_accuracy_a": round(report.models[0].labels.knn_accuracy, 3),
    }


def markdown(results: list[dict], meta: dict) -> str:
    lines = [
        DOC_START,
        f"## Compare models: the report's own cost ({meta['date']})",
        "",
        f"`bench/bench_compare.py`: two related synthetic models (d={DIM}, {TOPICS} planted clusters, model B = A plus noise), "
        f"k=10, 20,000 sampled pairs, k-means over 5 seeds, 5-fold kNN, with labels. Embedding and maps are not included "
        f"(they are the Map page's costs, cached and shared). Machine: {meta['cpus']} CPUs, 1-minute load average "
        f"{meta['load']:.1f} at the start (other jobs were running).",
        "",
        "| documents | neighbours (1 model) s | Jaccard s | Spearman s | ARI+NMI s | label scores (1 model) s | whole report (2 models) s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['neighbours_one_model_s']} | {r['jaccard_s']} | {r['spearman_s']} | {r['ari_nmi_s']} | "
            f"{r['label_scores_one_model_s']} | {r['whole_report_s']} |"
        )
    lines += [
        "",
        "The label scores (k-means over 5 seeds and cross-validated kNN, per model) take most of the time; exact "
        "neighbours grow as n²·d and catch up beyond ~10,000 documents. The page caches the report, so this is paid "
        "once per set of models, k and label column.",
        "",
        DOC_END,
    ]
    return "\n".join(lines)


def write_doc(section: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    if DOC_START in text and DOC_END in text:
        before, rest = text.split(DOC_START, 1)
        after = rest.split(DOC_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,5000,10000")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "cpus": os.cpu_count(),
        "load": os.getloadavg()[0],
        "python": platform.python_version(),
    }
    run(200)  # imports (scipy, sklearn) and first-call set-up, outside the timings
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        results.append(run(n))
        print(json.dumps(results[-1]), flush=True)
    if not args.no_write:
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / f"compare-{meta['date']}.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
        write_doc(markdown(results, meta))


if __name__ == "__main__":
    main()
