"""Clustering finds planted topics, numbers clusters by size, and survives tiny corpora."""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from embdash.pipeline import cluster as clustering
from embdash.pipeline import maps
from embdash.pipeline.params import ClusterParams, UmapParams
from tests.fakes import PlantedTopicsEmbedder, planted_texts


@pytest.fixture(scope="module")
def planted():
    texts, topics = planted_texts()
    vectors = PlantedTopicsEmbedder().embed(texts)
    points = maps.cluster_space(vectors, UmapParams(), ClusterParams())
    return topics, points, clustering.cluster(points, ClusterParams())


def blobs(sizes, dims=5, spread=0.05, seed=0):
    """Well-separated Gaussian blobs: points and their true group."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(sizes), dims)) * 10
    points = np.concatenate([centre + spread * rng.standard_normal((size, dims)) for centre, size in zip(centres, sizes)])
    truth = np.repeat(np.arange(len(sizes)), sizes)
    return points.astype(np.float32), truth


def test_clusters_recover_planted_topics(planted):
    topics, points, labels = planted
    assert labels.shape == topics.shape
    assert adjusted_rand_score(topics, labels) >= 0.8
    assert clustering.noise_share(labels) < 0.2
    assert clustering.n_clusters(labels) == 6


def test_planted_clusters_are_well_separated(planted):
    _, points, labels = planted
    assert clustering.silhouette(points, labels) > 0.5


def test_labels_are_numbered_by_size():
    points, truth = blobs([20, 50, 30])  # middle blob biggest
    labels = clustering.cluster(points, ClusterParams(min_cluster_size=5, min_samples=3))
    sizes = [int(np.sum(labels == c)) for c in range(clustering.n_clusters(labels))]
    assert sizes == sorted(sizes, reverse=True) == [50, 30, 20]
    assert adjusted_rand_score(truth, labels) == 1.0


def test_clustering_is_deterministic():
    points, _ = blobs([25, 25, 25], spread=0.8)
    params = ClusterParams(min_cluster_size=5, min_samples=3)
    assert np.array_equal(clustering.cluster(points, params), clustering.cluster(points, params))


def test_renumber_keeps_noise_and_breaks_ties_by_old_label():
    labels = np.array([7, 7, -1, 3, 3, 9, 9, 9, -1])
    assert clustering.renumber_by_size(labels).tolist() == [2, 2, -1, 1, 1, 0, 0, 0, -1]
    assert clustering.renumber_by_size(np.array([-1, -1])).tolist() == [-1, -1]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8])
def test_tiny_inputs_do_not_crash(n):
    points, _ = blobs([n], spread=1.0)
    labels = clustering.cluster(points, ClusterParams())
    assert labels.shape == (n,)
    assert labels.dtype.kind == "i"
    assert labels.min(initial=-1) >= -1


def test_small_corpus_can_still_form_clusters():
    # 12 documents in two groups: a min_cluster_size of 10 is clipped to 6.
    points, truth = blobs([6, 6])
    labels = clustering.cluster(points, ClusterParams(min_cluster_size=10, min_samples=5))
    assert clustering.n_clusters(labels) == 2
    assert adjusted_rand_score(truth, labels) == 1.0


def test_effective_parameters_are_clipped():
    params = ClusterParams(min_cluster_size=10, min_samples=50)
    assert clustering.effective_min_cluster_size(12, params) == 6
    assert clustering.effective_min_cluster_size(1000, params) == 10
    assert clustering.effective_min_cluster_size(3, params) == 2
    assert clustering.effective_min_samples(12, params) == 11
    assert clustering.effective_min_samples(1000, params) == 50


def test_rejects_non_matrix_points():
    with pytest.raises(ValueError, match="2-D"):
        clustering.cluster(np.zeros(4), ClusterParams())


def test_silhouette_ignores_noise_and_needs_two_clusters():
    points, truth = blobs([20, 20])
    clean = clustering.silhouette(points, truth)
    assert clean > 0.9
    with_noise = np.vstack([points, [[100.0] * 5, [-100.0] * 5]])
    assert clustering.silhouette(with_noise, np.concatenate([truth, [-1, -1]])) == pytest.approx(clean)
    assert clustering.silhouette(points, np.zeros(40, dtype=int)) is None
    assert clustering.silhouette(points, np.full(40, -1)) is None
    assert clustering.silhouette(points[:0], truth[:0]) is None


def test_silhouette_samples_big_inputs_reproducibly():
    points, truth = blobs([1500, 1500], spread=1.0)
    first = clustering.silhouette(points, truth)
    assert first == clustering.silhouette(points, truth)
    assert 0.5 < first <= 1.0


def test_noise_share_and_cluster_count():
    labels = np.array([0, 0, 1, -1])
    assert clustering.noise_share(labels) == 0.25
    assert clustering.n_clusters(labels) == 2
    assert clustering.noise_share(np.array([], dtype=int)) == 0.0
    assert clustering.n_clusters(np.array([-1, -1])) == 0
