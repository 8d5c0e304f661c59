"""The map's two projections computed together: the same as alone, faithful, and clusters recovered."""

import threading

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from embdash.errors import StageStopped
from embdash.pipeline import cluster as clustering
from embdash.pipeline import maps, reduce
from embdash.pipeline.params import ClusterParams, UmapParams
from tests.fakes import PlantedTopicsEmbedder, planted_texts

PER_TOPIC = 710  # 6 topics: 4,260 points, past reduce.APPROXIMATE_FROM, where the neighbours are shared


@pytest.fixture(scope="module")
def planted():
    texts, labels = planted_texts(per_topic=PER_TOPIC)
    vectors = PlantedTopicsEmbedder().embed(texts)
    assert len(vectors) >= reduce.APPROXIMATE_FROM
    return vectors, np.asarray(labels)


@pytest.fixture(scope="module")
def together(planted):
    vectors, _ = planted
    return maps.projections(vectors, UmapParams(), ClusterParams())


def test_together_equals_each_projection_alone(planted, together):
    vectors, _ = planted
    coords, points = together
    assert np.array_equal(coords, reduce.project(vectors, 2, UmapParams()))
    assert np.array_equal(points, reduce.project(vectors, 5, maps.clustering_umap_params(UmapParams())))


def test_released_gil_computes_what_umaps_own_epoch_code_computes(planted, together, monkeypatch):
    # The layouts ran with our nogil compilation of umap's epoch function; umap's own compilation
    # (nogil off) must give the same coordinates, bit for bit.
    import numba
    import umap.layouts as layouts

    vectors, _ = planted
    umaps_own = numba.njit(layouts._optimize_layout_euclidean_single_epoch, fastmath=True, parallel=False)
    monkeypatch.setattr(layouts, "_nb_optimize_layout_euclidean_single_epoch", umaps_own)
    assert np.array_equal(together[0], reduce.project(vectors, 2, UmapParams()))


def test_shared_neighbours_are_the_true_neighbours(planted):
    vectors, _ = planted
    neighbours = reduce.nearest_neighbours(vectors, UmapParams())
    rows = np.arange(0, len(vectors), 97)
    exact = np.argsort(-(vectors[rows] @ vectors.T), axis=1)[:, :UmapParams().n_neighbors]
    found = neighbours.indices[rows]
    recall = np.mean([len(set(a) & set(b)) / len(a) for a, b in zip(exact, found)])
    assert recall >= 0.9  # NN-descent is approximate; planted topics are easy


def test_map_is_faithful_and_clusters_find_the_topics(planted, together):
    vectors, labels = planted
    coords, points = together
    assert reduce.trustworthiness(vectors, coords) >= 0.9
    found = clustering.cluster(points, ClusterParams(min_cluster_size=50))
    clustered = found >= 0
    assert clustered.mean() >= 0.8
    assert adjusted_rand_score(labels[clustered], found[clustered]) >= 0.9


def test_small_corpora_keep_umaps_exact_search(planted):
    vectors, _ = planted
    assert reduce.nearest_neighbours(vectors[:500], UmapParams()) is None


def test_layouts_stop_between_epochs_when_asked_in_each_thread(planted):
    vectors, _ = planted
    asked_from = []

    def should_stop() -> bool:
        asked_from.append(threading.current_thread().name)
        return len(asked_from) > 20

    with pytest.raises(StageStopped), reduce.stop_between_epochs(should_stop):
        reduce.project_together(vectors, [(2, UmapParams()), (5, UmapParams(seed=7))])
    # Asked before every epoch from both layouts' threads; each stopped at its first "yes", not after its
    # 200 epochs: 21 answers, then one more from the other layout.
    assert len(asked_from) == 22
    assert {name.split("_")[0] for name in asked_from} == {"umap"} and len(set(asked_from)) == 2


def test_a_layout_outside_the_block_is_never_asked(planted):
    vectors, _ = planted
    with reduce.stop_between_epochs(lambda: True):
        pass
    small = vectors[:300]
    assert reduce.project(small, 2, UmapParams()).shape == (300, 2)
