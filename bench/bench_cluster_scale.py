"""Benchmark: HDBSCAN's sizes on a large map, scored against the documents' known groups.

Reads the 5-d clustering space a bench_million.py run stored (its --data-dir and results JSON), rebuilds the
documents' groups (source file and category: make_texts is seeded), and runs HDBSCAN with the auto sizes
and the alternatives below, printing clusters, the share clustered and the V-measure (over the clustered
documents and over all, noise as one more cluster). With --full-space, a .npy of the same space fitted on
every point is scored too, and its trustworthiness set against the stored one's.

    PYTHONPATH=. .venv/bin/python bench/bench_cluster_scale.py --from bench/results/million-100000-<date>.json \
        --data-dir /tmp/million/d100k [--full-space space_full.npy]

Results go to stdout (the figures are in docs/benchmarks.md, "What breaks at scale").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def alternatives(n: int) -> list[tuple[int, int, dict]]:
    from embdash.pipeline import cluster as clustering

    auto = (clustering.auto_min_cluster_size(n), clustering.auto_min_samples(n), {})
    return [auto, (158, 20, {}), (50, 10, {}), (158, 20, {"max_cluster_size": n // 10}),
            (158, 20, {"cluster_selection_method": "leaf"})]


def score(points: np.ndarray, groups: np.ndarray, size: int, samples: int, extra: dict) -> dict:
    import hdbscan
    from sklearn.metrics import v_measure_score

    from embdash.pipeline import cluster as clustering

    started = time.perf_counter()
    labels = clustering.renumber_by_size(
        hdbscan.HDBSCAN(min_cluster_size=size, min_samples=samples, **extra).fit_predict(points))
    clustered = labels >= 0
    return {"min_cluster_size": size, "min_samples": samples, **extra, "clusters": clustering.n_clusters(labels),
            "clustered": round(float(clustered.mean()), 3),
            "v_clustered": round(float(v_measure_score(groups[clustered], labels[clustered])), 3) if clustered.any() else None,
            "v_all": round(float(v_measure_score(groups, labels)), 3), "seconds": round(time.perf_counter() - started, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, required=True, help="a bench_million.py results JSON")
    parser.add_argument("--data-dir", type=Path, required=True, help="that run's data folder")
    parser.add_argument("--full-space", type=Path, help="the same space fitted on every point (.npy)")
    args = parser.parse_args(argv)

    import bench_million as million

    from embdash import api
    from embdash.dataio.store import Store
    from embdash.pipeline import reduce, stages
    from embdash.pipeline.params import MapParams

    run = json.loads(args.source.read_text(encoding="utf-8"))
    store = Store(args.data_dir)
    corpus = store.load_corpus(run["corpus_key"])
    stored = api._vectors(corpus, run["model"], store, None)
    space = store.load_array("cluster-space", stages.stage_keys(stored.key, corpus.key, MapParams()).space)
    if space is None:
        raise SystemExit("No clustering space under the current keys in that folder: run bench_million.py again.")
    texts, groups = million.make_texts(len(corpus), million.sentence_groups(million.SOURCE_DIR), with_groups=True)
    if list(texts) != corpus.texts:
        raise SystemExit("The rebuilt documents differ from the stored corpus (another source folder or seed).")
    groups = np.asarray(groups)
    print(f"{len(corpus):,} documents, {len(np.unique(groups))} known groups", flush=True)
    spaces = {"stored": space}
    if args.full_space:
        spaces["full fit"] = np.load(args.full_space)
        for name, points in spaces.items():
            print(f"trustworthiness, {name}: {reduce.trustworthiness(stored.vectors, points):.4f}", flush=True)
    for name, points in spaces.items():
        for size, samples, extra in alternatives(len(points)):
            print(f"{name}: {score(points, groups, size, samples, extra)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
