"""Cluster projected points with HDBSCAN, and measure the result.

Labels are an (n,) int array: 0 is the largest cluster, 1 the next, ...; -1 is noise ("unclustered").
"""

from __future__ import annotations

import numpy as np

from embdash.pipeline.params import AUTO, ClusterParams

NOISE = -1

#: silhouette() is O(n²): larger inputs are scored on a seeded sample of this many clustered points.
SILHOUETTE_SAMPLE = 2_000
SAMPLE_SEED = 0


def cluster(points: np.ndarray, params: ClusterParams = ClusterParams()) -> np.ndarray:
    """HDBSCAN labels for `points` (euclidean; meant for the k-d UMAP projection), renumbered by size."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2:
        raise ValueError(f"Expected a 2-D array of points (n, k), got shape {points.shape}.")
    n = len(points)
    if n < 3:  # no two groups of two can be told apart: everything is unclustered
        return np.full(n, NOISE, dtype=np.int64)

    import hdbscan

    clusterer = hdbscan.HDBSCAN(
        min_cluster_size=effective_min_cluster_size(n, params),
        min_samples=effective_min_samples(n, params),
        metric="euclidean",
    )
    return renumber_by_size(clusterer.fit_predict(points))


# The auto rule, chosen by measurement (bench/bench_topics.py on labelled news corpora; docs/benchmarks.md):
#     min_cluster_size = clamp(round(AUTO_SCALE * n ** AUTO_POWER), AUTO_MIN_SIZE, AUTO_MAX_SIZE)
#     min_samples      = clamp(round(AUTO_SAMPLES_SHARE * min_cluster_size), 1, AUTO_MAX_SAMPLES)
AUTO_SCALE = 0.5
AUTO_POWER = 0.5
AUTO_MIN_SIZE = 10
# Reached from 40,000 documents. Measured on 100,000 short documents of 84 known groups (bench/bench_million.py's
# corpus): with a cap of 500 (158 and 20 there) excess-of-mass kept only the tree's two biggest branches
# (2 clusters, V-measure 0.20); with 100 and 12, 55 clusters, V-measure 0.66 on the 49% clustered.
AUTO_MAX_SIZE = 100
AUTO_SAMPLES_SHARE = 0.125
AUTO_MAX_SAMPLES = 25
#: Names the rule in cache keys, so results cached under one rule are never read back under another.
AUTO_RULE = f"auto:{AUTO_SCALE}*n^{AUTO_POWER}[{AUTO_MIN_SIZE},{AUTO_MAX_SIZE}];{AUTO_SAMPLES_SHARE}[1,{AUTO_MAX_SAMPLES}]"


def auto_min_cluster_size(n: int) -> int:
    """min_cluster_size for a corpus of n documents: grows like the square root of n, so the number of
    topics grows slowly with the corpus (a fixed size splits a large corpus into hundreds of topics),
    within [AUTO_MIN_SIZE, AUTO_MAX_SIZE]."""
    return int(min(max(round(AUTO_SCALE * max(n, 0) ** AUTO_POWER), AUTO_MIN_SIZE), AUTO_MAX_SIZE))


def auto_min_samples(n: int) -> int:
    """min_samples for a corpus of n documents: a fixed share of the auto min_cluster_size, capped. Kept
    well below min_cluster_size, since min_samples = min_cluster_size (HDBSCAN's own default) leaves
    a large share of documents unclustered."""
    return int(min(max(round(AUTO_SAMPLES_SHARE * auto_min_cluster_size(n)), 1), AUTO_MAX_SAMPLES))


def is_auto(params: ClusterParams) -> bool:
    """Whether either size parameter is left to the auto rule."""
    return AUTO in (params.min_cluster_size, params.min_samples)


def effective_min_cluster_size(n: int, params: ClusterParams) -> int:
    """min_cluster_size (the auto rule's for AUTO) clipped to [2, n // 2]: a larger value could never give
    two clusters (HDBSCAN never calls the whole corpus one cluster), so small corpora would be all noise."""
    wanted = auto_min_cluster_size(n) if params.min_cluster_size == AUTO else params.min_cluster_size
    return int(min(max(2, wanted), max(2, n // 2)))


def effective_min_samples(n: int, params: ClusterParams) -> int:
    """min_samples (the auto rule's for AUTO) clipped to [1, n - 1]: HDBSCAN needs that many neighbours per point."""
    wanted = auto_min_samples(n) if params.min_samples == AUTO else params.min_samples
    return int(min(max(1, wanted), max(1, n - 1)))


def auto_note(n: int, params: ClusterParams) -> str | None:
    """What the auto rule chose for n documents, in words ("auto: minimum cluster size 23 and minimum
    samples 5 for 2,189 documents"); None when both sizes are set explicitly."""
    chosen = []
    if params.min_cluster_size == AUTO:
        chosen.append(f"minimum cluster size {effective_min_cluster_size(n, params)}")
    if params.min_samples == AUTO:
        chosen.append(f"minimum samples {effective_min_samples(n, params)}")
    if not chosen:
        return None
    return f"auto: {' and '.join(chosen)} for {n:,} documents"


def renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Relabel clusters so the largest is 0, the next 1, ... (ties: lower old label first); noise stays -1."""
    labels = np.asarray(labels, dtype=np.int64)
    ids, sizes = np.unique(labels[labels != NOISE], return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-sizes[i], ids[i]))
    mapping = {int(ids[old]): new for new, old in enumerate(order)}
    return np.array([mapping.get(int(label), NOISE) for label in labels], dtype=np.int64)


def silhouette(points: np.ndarray, labels: np.ndarray) -> float | None:
    """Mean silhouette of the clustered (non-noise) points, in [-1, 1]; None with fewer than 2 clusters.

    Over SILHOUETTE_SAMPLE clustered points it is computed on a seeded sample of that size.
    """
    points, labels = np.asarray(points), np.asarray(labels)
    clustered = labels != NOISE
    points, labels = points[clustered], labels[clustered]
    n_found = len(np.unique(labels))
    if n_found < 2 or n_found >= len(labels):  # sklearn needs 2 <= clusters <= n - 1
        return None
    from sklearn.metrics import silhouette_score

    if len(labels) > SILHOUETTE_SAMPLE:
        rows = np.random.default_rng(SAMPLE_SEED).choice(len(labels), SILHOUETTE_SAMPLE, replace=False)
        points, labels = points[rows], labels[rows]
        if len(np.unique(labels)) < 2:  # one huge cluster and a few tiny ones: the sample saw only one
            return None
    return float(silhouette_score(points, labels))


def noise_share(labels: np.ndarray) -> float:
    """Share of points left unclustered (0.0 for no points)."""
    labels = np.asarray(labels)
    return float(np.mean(labels == NOISE)) if len(labels) else 0.0


def n_clusters(labels: np.ndarray) -> int:
    """How many clusters, not counting noise."""
    labels = np.asarray(labels)
    return int(len(np.unique(labels[labels != NOISE])))


def centroids(vectors: np.ndarray, labels: np.ndarray, n_clusters: int | None = None) -> np.ndarray:
    """(k, d) float32 unit vectors: row c is the mean of cluster c's vectors (noise left out), re-normalised,
    for c in 0..k-1 (k: `n_clusters`, else the largest label + 1). An empty cluster gets a row of zeros.

    The direction of a cluster in the embedding space, so its cosine with a unit vector says how close a
    document is to the cluster as a whole (the hierarchy and the assignment of unclustered documents use it).
    """
    from scipy import sparse

    vectors, labels = np.asarray(vectors, dtype=np.float32), np.asarray(labels, dtype=np.int64)
    if len(vectors) != len(labels):
        raise ValueError(f"{len(vectors)} vectors but {len(labels)} labels.")
    k = int(labels.max()) + 1 if n_clusters is None and len(labels) else int(n_clusters or 0)
    core = np.flatnonzero((labels != NOISE) & (labels < k))
    membership = sparse.csr_matrix(
        (np.ones(len(core), dtype=np.float32), (labels[core], core)), shape=(k, len(labels))
    )
    sums = np.asarray(membership @ vectors, dtype=np.float32).reshape(k, vectors.shape[1] if vectors.ndim == 2 else 0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
