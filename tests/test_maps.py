"""The map pipeline end to end on the planted-topics corpus, and its tables."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from embdash.pipeline import maps, topics
from embdash.pipeline.params import ClusterParams, MapParams, TopicParams, UmapParams
from tests.fakes import TOPIC_WORDS, PlantedTopicsEmbedder, planted_texts


@pytest.fixture(scope="module")
def corpus():
    texts, planted = planted_texts()
    return texts, planted, PlantedTopicsEmbedder().embed(texts)


@pytest.fixture(scope="module")
def built(corpus):
    texts, _, vectors = corpus
    stages = []
    return maps.build_map(vectors, texts, MapParams(), on_stage=stages.append), stages


def test_stages_are_announced_in_order(built):
    _, stages = built
    assert stages == list(maps.STAGES) == [
        "Projecting (2-D map and clustering space)", "Clustering", "Labelling topics", "Measuring quality",
    ]


def test_result_shapes(built, corpus):
    result, _ = built
    n = len(corpus[0])
    assert result.coords.shape == (n, 2) and result.coords.dtype == np.float32
    assert result.cluster_points.shape == (n, ClusterParams().cluster_dims)
    assert result.labels.shape == (n,)


def test_map_recovers_planted_topics(built, corpus):
    result, _ = built
    _, planted, _ = corpus
    assert adjusted_rand_score(planted, result.labels) >= 0.8
    metrics = result.metrics
    assert metrics.n_points == len(planted)
    assert metrics.n_clusters == 6
    assert metrics.noise_share < 0.2
    assert metrics.trustworthiness >= 0.9
    assert metrics.silhouette is not None and metrics.silhouette > 0.5


def test_topic_terms_match_the_planted_topic_of_each_cluster(built, corpus):
    result, _ = built
    _, planted, _ = corpus
    for cluster_id, terms in result.topics.items():
        members = planted[result.labels == cluster_id]
        topic = int(np.bincount(members).argmax())
        top_words = {word for term, _ in terms[:5] for word in term.split()}
        assert len(top_words & set(TOPIC_WORDS[topic])) >= 4, (cluster_id, terms)


def test_clustering_projection_ignores_min_dist():
    # So changing the 2-D map's min_dist never recomputes (or changes) the clusters.
    assert maps.clustering_umap_params(UmapParams(min_dist=0.5)) == maps.clustering_umap_params(UmapParams(min_dist=0.1))
    assert maps.clustering_umap_params(UmapParams(seed=1)) != maps.clustering_umap_params(UmapParams(seed=2))


def test_stages_are_separate_functions_of_their_own_parameters(built, corpus):
    texts, _, vectors = corpus
    result, _ = built
    params = MapParams()
    assert np.array_equal(maps.layout_2d(vectors, params.umap), result.coords)
    assert np.array_equal(maps.cluster_space(vectors, params.umap, params.cluster), result.cluster_points)
    # A topic-only change needs nothing but the labels.
    fewer = MapParams(topics=TopicParams(n_terms=2))
    assert all(len(terms) == 2 for terms in topics.topic_terms(texts, result.labels, fewer.topics).values())


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_tiny_corpora_build_a_map(corpus, n):
    texts, _, vectors = corpus
    result = maps.build_map(vectors[:n], texts[:n], MapParams())
    assert result.coords.shape == (n, 2)
    assert result.labels.shape == (n,)
    assert result.metrics.n_points == n
    assert 0.0 <= result.metrics.noise_share <= 1.0
    frame = maps.map_frame(pd.DataFrame({"text": texts[:n]}), "text", result)
    assert len(frame) == n


def test_mismatched_inputs_raise(corpus):
    texts, _, vectors = corpus
    with pytest.raises(ValueError, match="texts"):
        maps.build_map(vectors[:5], texts[:4])


def test_map_frame_keeps_every_row_in_order(built, corpus):
    texts, planted, _ = corpus
    result, _ = built
    frame = pd.DataFrame(
        {"text": texts, "topic": planted, "n": np.arange(len(texts))},
        index=pd.Index(np.arange(len(texts))[::-1] * 10, name="doc"),
    )
    mapped = maps.map_frame(frame, "text", result)
    assert mapped.index.equals(frame.index)
    assert mapped["text"].tolist() == texts
    assert mapped["topic (data)"].tolist() == planted.tolist()  # the corpus's own column survives
    assert list(mapped.columns[-6:]) == ["x", "y", "cluster", "topic", "assigned", "topic_path"]
    assert not mapped["assigned"].any() and set(mapped["topic_path"]) == {""}  # no view: the clusters as found
    assert np.array_equal(mapped[["x", "y"]].to_numpy(), result.coords)
    assert mapped["cluster"].tolist() == result.labels.tolist()
    assert frame.columns.tolist() == ["text", "topic", "n"]  # input untouched


def test_map_frame_names_noise_unclustered():
    result = maps.MapResult(
        coords=np.zeros((3, 2), dtype=np.float32),
        cluster_points=np.zeros((3, 5), dtype=np.float32),
        labels=np.array([0, -1, 0]),
        topics={0: [("river", 1.0), ("boat", 0.5)]},
        metrics=maps.MapMetrics(float("nan"), None, 1 / 3, 1, 3),
    )
    frame = maps.map_frame(pd.DataFrame({"body": ["a", "b", "c"]}), "body", result)
    assert frame["topic"].tolist() == ["0: river · boat", "unclustered", "0: river · boat"]
    with pytest.raises(ValueError, match="column"):
        maps.map_frame(pd.DataFrame({"body": ["a", "b", "c"]}), "text", result)
    with pytest.raises(ValueError, match="rows"):
        maps.map_frame(pd.DataFrame({"body": ["a", "b"]}), "body", result)


def test_map_frame_with_a_view_shows_its_topics_assignment_and_paths(built, corpus):
    from embdash.pipeline import hierarchy
    from embdash.pipeline.topic_view import ViewOptions, topic_view

    texts, _, vectors = corpus
    result, _ = built
    tree = hierarchy.build_tree(vectors, result.labels, texts)
    view = topic_view(result.labels, tree, vectors, ViewOptions(n_topics=2, assign_unclustered=True))
    frame = pd.DataFrame({"text": texts, "assigned": 1, "topic_path": "x"})
    mapped = maps.map_frame(frame, "text", result, view)
    assert mapped["cluster"].tolist() == view.labels.tolist() and mapped["cluster"].nunique() <= 3
    assert mapped["topic"].tolist() == [view.names[c] for c in view.labels]
    assert mapped["assigned"].dtype == bool and mapped["assigned"].tolist() == view.assigned.tolist()
    assert mapped["topic_path"].tolist() == view.paths.tolist()
    assert mapped["assigned (data)"].eq(1).all() and mapped["topic_path (data)"].eq("x").all()


def test_cluster_table(built, corpus):
    texts, _, _ = corpus
    result, _ = built
    table = maps.cluster_table(texts, result.labels, result.topics, points=result.cluster_points)
    assert list(table.columns) == ["cluster", "topic", "size", "share", "top terms", "examples"]
    assert table["size"].sum() == len(texts)
    assert table["share"].sum() == pytest.approx(1.0)
    clustered = table[table["cluster"] >= 0]
    assert clustered["cluster"].tolist() == list(range(6))
    assert clustered["size"].tolist() == sorted(clustered["size"], reverse=True)
    for _, row in clustered.iterrows():
        assert len(row["examples"]) == 3
        members = {texts[i] for i in np.flatnonzero(result.labels == row["cluster"])}
        assert set(row["examples"]) <= members
        assert row["topic"].startswith(f"{row['cluster']}: ")
        assert len(row["top terms"].split(" · ")) == TopicParams().n_terms


def test_cluster_table_examples_are_nearest_the_centre():
    texts = ["far", "centre", "near", "other"]
    points = np.array([[10.0, 0.0], [0.1, 0.0], [1.0, 0.0], [-9.0, 0.0]])
    labels = np.array([0, 0, 0, 0])
    table = maps.cluster_table(texts, labels, {0: []}, n_examples=2, points=points)
    assert table["examples"][0] == ["centre", "near"]
    without_points = maps.cluster_table(texts, labels, {0: []}, n_examples=2)
    assert without_points["examples"][0] == ["far", "centre"]


def test_cluster_table_takes_texts_by_position():
    texts = pd.Series(["a", "b", "c"], index=[30, 20, 10])
    table = maps.cluster_table(texts, np.array([0, 0, -1]), {0: []})
    assert table["examples"].tolist() == [["a", "b"], ["c"]]


def test_cluster_table_puts_unclustered_last():
    table = maps.cluster_table(["a", "b", "c", "d"], np.array([-1, 1, 0, 0]), {0: [("x", 1.0)], 1: []})
    assert table["cluster"].tolist() == [0, 1, -1]
    assert table["topic"].tolist()[-1] == "unclustered"
    assert table["examples"].tolist()[-1] == ["a"]
    all_noise = maps.cluster_table(["a", "b"], np.array([-1, -1]), {})
    assert all_noise["cluster"].tolist() == [-1] and all_noise["size"].tolist() == [2]


def test_results_are_frozen(built):
    result, _ = built
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.labels = None
