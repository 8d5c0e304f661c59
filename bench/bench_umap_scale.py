"""Benchmark: UMAP fitted on an even sample and transforming the rest, against UMAP on every point.

Vectors: N unit vectors in 384-d with topic structure (60 topics, each with 5 sub-topics, Gaussian
noise), so neighbourhoods exist at two scales, as in text embeddings; or real vectors with --vectors
file.npy. For the full fit and each sample size: seconds and trustworthiness (k=10, embdash's
2,000-point sampled measure, same sample for all). Run one after the other in one process; umap's
numba code is compiled first.

    .venv/bin/python bench/bench_umap_scale.py [--n 40000] [--samples 5000 10000 20000]

Writes bench/results/umap-scale-<date>.json.
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


def topic_vectors(n: int, dim: int = 384, topics: int = 60, subtopics: int = 5, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((topics, dim))
    sub = centres[:, None, :] + 0.6 * rng.standard_normal((topics, subtopics, dim))
    which = rng.integers(0, topics * subtopics, n)
    vectors = sub.reshape(-1, dim)[which] + 0.9 * rng.standard_normal((n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40_000)
    parser.add_argument("--samples", type=int, nargs="+", default=[5_000, 10_000, 20_000])
    parser.add_argument("--vectors", type=Path, default=None)
    args = parser.parse_args()

    from embdash.pipeline.params import UmapParams
    from embdash.pipeline.reduce import project, trustworthiness, warm_up

    vectors = np.load(args.vectors) if args.vectors else topic_vectors(args.n)
    source = str(args.vectors) if args.vectors else "synthetic: 60 topics x 5 sub-topics, 384-d, Gaussian noise"
    warm_up(approximate=True)
    runs = []
    for size in [None] + sorted(args.samples):
        t = time.perf_counter()
        coords = project(vectors, 2, UmapParams(), max_fit_points=size)
        seconds = time.perf_counter() - t
        run = {"fit_points": size or len(vectors), "seconds": seconds, "trustworthiness": trustworthiness(vectors, coords)}
        print(run, flush=True)
        runs.append(run)
    full = runs[0]
    for run in runs[1:]:
        run["trustworthiness_cost"] = full["trustworthiness"] - run["trustworthiness"]
        run["speedup"] = full["seconds"] / run["seconds"]
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, shared with other jobs (timings noisy)",
        "n": len(vectors), "dim": int(vectors.shape[1]), "vectors": source, "runs": runs,
    }
    print(json.dumps(result, indent=2))
    out = REPO / "bench" / "results" / f"umap-scale-{result['date'][:10]}.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
