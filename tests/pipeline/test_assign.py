"""Assignment of unclustered documents, checked against a brute-force loop."""

import numpy as np
import pytest

from embdash.pipeline import assign
from embdash.pipeline.cluster import centroids


def unit_rows(rng, n, d):
    rows = rng.standard_normal((n, d)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def brute_force(vectors, labels, threshold):
    vectors = vectors.astype(np.float64)
    k = labels.max() + 1
    centres = []
    for c in range(k):
        mean = vectors[labels == c].mean(axis=0)
        centres.append(mean / np.linalg.norm(mean))
    new, assigned = labels.copy(), np.zeros(len(labels), dtype=bool)
    for i in range(len(labels)):
        if labels[i] != -1:
            continue
        best, best_cos = None, -np.inf
        for c in range(k):
            cos = float(vectors[i] @ centres[c])
            if cos > best_cos:
                best, best_cos = c, cos
        if best_cos >= threshold:
            new[i], assigned[i] = best, True
    return new, assigned


@pytest.mark.parametrize("threshold", [-1.0, 0.0, 0.05, 0.3, 0.99])
def test_assignment_agrees_with_a_brute_force_loop(threshold):
    rng = np.random.default_rng(3)
    vectors = unit_rows(rng, 300, 16)
    labels = rng.integers(-1, 5, size=300)
    new, assigned = assign.assign_unclustered(vectors, labels, threshold)
    expected_new, expected_assigned = brute_force(vectors, labels, threshold)
    assert np.array_equal(assigned, expected_assigned)
    assert np.array_equal(new, expected_new)
    assert np.array_equal(new[labels != -1], labels[labels != -1])  # core documents never change
    if threshold == -1.0:
        assert assigned.sum() == (labels == -1).sum()


def test_planted_noise_goes_back_to_its_own_topic(clustered):
    texts, vectors, labels = clustered
    from tests.fakes import topic_of

    new, assigned = assign.assign_unclustered(vectors, labels, assign.DEFAULT_THRESHOLD)
    assert assigned.sum() == (labels == -1).sum()  # the planted topics are tight: every noise document is near one
    planted = np.array([topic_of(t) for t in texts])
    core = labels != -1
    cluster_topic = {c: np.bincount(planted[core & (labels == c)]).argmax() for c in range(labels.max() + 1)}
    assert all(cluster_topic[new[i]] == planted[i] for i in np.flatnonzero(assigned))


def test_nothing_to_assign_without_noise_or_without_clusters():
    rng = np.random.default_rng(0)
    vectors = unit_rows(rng, 20, 8)
    for labels in (np.zeros(20, dtype=np.int64), np.full(20, -1)):
        new, assigned = assign.assign_unclustered(vectors, labels, 0.0)
        assert np.array_equal(new, labels) and not assigned.any()
    new, assigned = assign.assign_unclustered(np.zeros((0, 8), np.float32), np.zeros(0, np.int64))
    assert new.shape == (0,) and assigned.shape == (0,)


def test_centroids_are_the_normalised_means_of_core_members():
    rng = np.random.default_rng(1)
    vectors = unit_rows(rng, 50, 6)
    labels = rng.integers(-1, 4, size=50)
    got = centroids(vectors, labels)
    for c in range(4):
        mean = vectors[labels == c].astype(np.float64).mean(axis=0)
        assert np.allclose(got[c], mean / np.linalg.norm(mean), atol=1e-6)
    assert np.array_equal(centroids(vectors, labels, 6)[4:], np.zeros((2, 6)))  # clusters without members
