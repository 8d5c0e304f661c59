"""Cluster projected points with HDBSCAN, and measure the result.

Labels are an (n,) int array: 0 is the largest cluster, 1 the next, ...; -1 is noise ("unclustered").
"""

from __future__ import annotations

import numpy as np

from embdash.pipeline.params import ClusterParams

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


def effective_min_cluster_size(n: int, params: ClusterParams) -> int:
    """min_cluster_size clipped to [2, n // 2]: a larger value could never give two clusters
    (HDBSCAN never calls the whole corpus one cluster), so small corpora would be all noise."""
    return int(min(max(2, params.min_cluster_size), max(2, n // 2)))


def effective_min_samples(n: int, params: ClusterParams) -> int:
    """min_samples clipped to [1, n - 1]: HDBSCAN needs that many neighbours per point."""
    return int(min(max(1, params.min_samples), max(1, n - 1)))


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
