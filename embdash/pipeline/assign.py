"""Give unclustered (noise) documents the cluster they are nearest, where they are near enough.

HDBSCAN leaves out documents it cannot place with confidence; many of them still sit plainly nearer one
topic than any other. A noise document takes the cluster whose centroid (the re-normalised mean of the
cluster's core documents in the embedding space, `cluster.centroids`) is most cosine-similar, if that
similarity reaches a threshold; core documents never change.
"""

from __future__ import annotations

import numpy as np

from embdash.pipeline.cluster import NOISE, centroids

#: The cosine a noise document must reach with its nearest centroid to join it. A starting value for
#: sentence-transformer embeddings, where unrelated texts sit near 0.0-0.2 and texts on one subject near
#: 0.4 and above; it is to be replaced by one measured on labelled corpora (share assigned against the
#: agreement of the assigned documents with their known labels).
DEFAULT_THRESHOLD = 0.3


def assign_unclustered(
    vectors: np.ndarray, labels: np.ndarray, threshold: float = DEFAULT_THRESHOLD
) -> tuple[np.ndarray, np.ndarray]:
    """(new labels, assigned mask): each noise document labelled with its most similar cluster centroid's id
    when the cosine is at least `threshold` (ties: the lower id); the mask marks the documents so labelled.

    `vectors` are the documents' unit vectors; labels the clusters 0..k-1 and -1 for noise.
    """
    vectors, labels = np.asarray(vectors), np.asarray(labels, dtype=np.int64)
    if len(vectors) != len(labels):
        raise ValueError(f"{len(vectors)} vectors but {len(labels)} labels.")
    new_labels, assigned = labels.copy(), np.zeros(len(labels), dtype=bool)
    noise = np.flatnonzero(labels == NOISE)
    if len(noise) == 0 or len(noise) == len(labels):
        return new_labels, assigned
    centres = centroids(vectors, labels)
    best, best_similarity = nearest_centroids(vectors[noise], centres)
    chosen = best_similarity >= threshold
    new_labels[noise[chosen]] = best[chosen]
    assigned[noise[chosen]] = True
    return new_labels, assigned


def nearest_centroids(vectors: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of the most cosine-similar centre, that cosine) per vector; ties go to the lower index."""
    rows = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)  # float16 storage leaves them a hair off unit length
    rows = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    similarity = rows @ np.asarray(centres, dtype=np.float32).T
    best = similarity.argmax(axis=1)
    return best.astype(np.int64), similarity[np.arange(len(rows)), best].astype(np.float64)
