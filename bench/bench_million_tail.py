"""Benchmark: the map's stages after the projections (HDBSCAN, topic terms, topic tree, topic quality) at
N documents, without embedding them, to see which of them survive 1,000,000.

Inputs, from a bench_million.py run at a smaller size (its data folder and results JSON):
  texts         bench_million.make_texts(N): the real recombined documents at the full size
  vectors       the run's real vectors tiled to N rows, each copy with Gaussian noise (sigma 0.02 per
                dimension, then unit length): the real topic structure, N distinct points
  space         the run's 5-d clustering space tiled the same way (noise 1% of its spread)
  labels        HDBSCAN's on that space (the auto rule at N), and for the topic stages a stand-in with
                more classes: each document's (source, category) group, as a real map of N documents
                would have tens to hundreds of topics
Per stage: seconds and peak RSS (bench_million.MemorySampler). Single process, one core.

    PYTHONPATH=. nice -n 10 .venv/bin/python bench/bench_million_tail.py --from bench/results/million-100000-<date>.json --n 1000000

Writes bench/results/million-tail-<n>-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def tiled(array: np.ndarray, n: int, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = np.arange(n) % len(array)
    out = array[rows].astype(np.float32)
    out += rng.standard_normal(out.shape, dtype=np.float32) * np.float32(sigma)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", type=Path, required=True, help="a bench_million.py results JSON")
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()

    import bench_million as bm

    from embdash import api
    from embdash.dataio.store import Store
    from embdash.pipeline import cluster as clustering
    from embdash.pipeline import hierarchy, stages, topic_quality, topics
    from embdash.pipeline.params import MapParams

    before = json.loads(args.source.read_text())
    store = Store(before["data_dir"])
    corpus = store.load_corpus(before["corpus_key"])
    stored = api._vectors(corpus, before["model"], store, None)
    params = MapParams()
    keys = stages.stage_keys(stored.key, corpus.key, params)
    space_small = store.load_array("cluster-space", keys.space)

    run = bm.Stages()
    groups = bm.sentence_groups(bm.SOURCE_DIR)
    texts = run.run("texts", lambda: bm.make_texts(args.n, groups))
    vectors = run.run("vectors", lambda small=stored.vectors: tiled(small, args.n, 0.02))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    space = run.run("space", lambda small=space_small: tiled(small, args.n, 0.01 * float(small.std()), seed=1))
    del stored, space_small

    labels = run.run("clusters", lambda points=space: clustering.cluster(points, params.cluster),
                     min_cluster_size=clustering.effective_min_cluster_size(args.n, params.cluster),
                     min_samples=clustering.effective_min_samples(args.n, params.cluster))
    run.results["clusters"].update(clusters=clustering.n_clusters(labels), noise_share=round(clustering.noise_share(labels), 3))
    del space  # the topic stages do not need it
    # More classes for the topic stages (see the docstring): each document's group.
    many = bm.make_texts(args.n, groups, with_groups=True)[1]
    run.results["stand-in labels"] = {"classes": int(len(np.unique(many)))}

    fitted = run.run("vocabulary", lambda: topics.fitted_vectorizer(texts, params.topics))
    run.results["vocabulary"].update(terms=int(len(fitted[0].vocabulary_)), dense_class_counts_mb_per_copy=round(
        len(np.unique(many)) * len(fitted[0].vocabulary_) * 8 / 1e6, 1))
    del fitted
    terms = run.run("topics", lambda: topics.topic_terms(texts, many, params.topics))
    run.run("tree", lambda: hierarchy.build_tree(vectors, many, texts, params.topics))
    shown = {c: ranked[:params.topics.n_terms] for c, ranked in terms.items()}
    run.run("quality", lambda: topic_quality.topic_quality(texts, shown))
    run.sampler.stop()

    result = {
        "benchmark": "bench_million_tail.py", "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load": os.getloadavg(), "note": "shared; nice -n 10"},
        "n": args.n, "from": str(args.source.name), "stages": run.results,
    }
    print(json.dumps(result, indent=1))
    out = REPO / "bench" / "results" / f"million-tail-{args.n}-{result['date'][:10]}.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
