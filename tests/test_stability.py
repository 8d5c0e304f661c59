"""Clustering stability across UMAP seeds: the adjusted Rand index of real reruns, each through the stage cache."""

import numpy as np
import pytest

from embdash.pipeline import stability, stages
from embdash.pipeline.params import ClusterParams, MapParams, UmapParams
from tests.fakes import PlantedTopicsEmbedder, planted_texts

PARAMS = MapParams(umap=UmapParams(n_neighbors=8, seed=7), cluster=ClusterParams(min_cluster_size=8, min_samples=3))


@pytest.fixture(scope="module")
def corpus():
    texts, topics = planted_texts(per_topic=25)
    return texts, PlantedTopicsEmbedder().embed(texts), np.asarray(topics)


def test_the_index_is_one_for_identical_labels_and_symmetric_in_relabelling():
    labels = np.array([0, 0, 1, 1, 2, 2, -1])
    renamed = np.array([2, 2, 0, 0, 1, 1, -1])  # the same partition under other names
    result = stability.stability(lambda seed: labels if seed % 2 else renamed, (1, 2, 3))
    assert result.mean_ari == pytest.approx(1.0) and result.min_ari == pytest.approx(1.0)
    assert result.n_clusters == (3, 3, 3)


def test_disagreeing_seeds_score_below_one_and_the_worst_pair_is_reported():
    runs = {1: np.array([0, 0, 0, 1, 1, 1]), 2: np.array([0, 0, 0, 1, 1, 1]), 3: np.array([0, 1, 0, 1, 0, 1])}
    result = stability.stability(runs.__getitem__, (1, 2, 3))
    from sklearn.metrics import adjusted_rand_score

    pairs = [adjusted_rand_score(runs[a], runs[b]) for a, b in [(1, 2), (1, 3), (2, 3)]]
    assert result.mean_ari == pytest.approx(np.mean(pairs)) and result.min_ari == pytest.approx(min(pairs))
    assert result.min_ari < result.mean_ari < 1.0


def test_one_seed_cannot_be_compared():
    with pytest.raises(ValueError, match="two seeds"):
        stability.stability(lambda seed: np.zeros(3), (1,))


def test_planted_topics_come_back_under_every_seed_and_the_map_own_seed_is_a_cache_hit(corpus, stage_calls):
    texts, vectors, _ = corpus
    cache = stages.StageCache(None)
    stages.map_result(vectors, texts, PARAMS, vectors_key="v", corpus_key="c", cache=cache)
    projected, clustered = stage_calls["project"], stage_calls["cluster"]
    result = stability.map_stability(vectors, PARAMS, vectors_key="v", corpus_key="c", cache=cache)
    assert result.seeds == (7, 8, 9)
    # Two new seeds, each with its 2-D layout and clustering space; the map's own seed costs nothing.
    assert stage_calls["project"] - projected == 4 and stage_calls["cluster"] - clustered == 2
    assert result.mean_ari > 0.9  # planted topics are structure, not a seed's whim
    again = stability.map_stability(vectors, PARAMS, vectors_key="v", corpus_key="c", cache=cache)
    assert again == result and stage_calls["project"] - projected == 4
