"""Benchmark: the topic view on a 20,000-document corpus (target: assignment + view < 0.2 s, so neither is cached).

Times, on synthetic unit vectors with planted clusters (384-d, 60 clusters, 30% noise) and short texts:
  build_tree            the cached stage (centroids, linkage, c-TF-IDF of every node)
  assign_unclustered    noise documents to their nearest cluster centroid
  topic_view            a cut to 10 topics with assignment, and with hand edits (a merge and a split)

    .venv/bin/python bench/bench_topic_view.py [--n 20000] [--repeats 5]

Prints the best time of each, in seconds, as JSON.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from embdash.pipeline import assign, hierarchy
from embdash.pipeline.topic_view import TopicEdits, ViewOptions, topic_view

WORDS = "river boat water tax bank loan song drum band goal match coach star orbit comet nurse clinic fever".split()


def best_of(repeats: int, run) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--clusters", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    centres = rng.standard_normal((args.clusters, 384))
    labels = rng.integers(0, args.clusters, args.n)
    vectors = (centres[labels] + 2 * rng.standard_normal((args.n, 384))).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels[rng.random(args.n) < 0.3] = -1
    texts = [" ".join(rng.choice(WORDS, 8)) for _ in range(args.n)]
    points = rng.standard_normal((args.n, 5)).astype(np.float32)

    tree = hierarchy.build_tree(vectors, labels, texts)
    edits = TopicEdits(merges=((0, 1),), splits=(2,))
    results = {
        "n": args.n,
        "clusters": args.clusters,
        "build_tree_s": best_of(1, lambda: hierarchy.build_tree(vectors, labels, texts)),
        "assign_unclustered_s": best_of(args.repeats, lambda: assign.assign_unclustered(vectors, labels)),
        "view_10_topics_assigned_s": best_of(args.repeats, lambda: topic_view(
            labels, tree, vectors, ViewOptions(n_topics=10, assign_unclustered=True))),
        "view_with_edits_s": best_of(args.repeats, lambda: topic_view(
            labels, tree, vectors, ViewOptions(assign_unclustered=True), edits, cluster_points=points)),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
