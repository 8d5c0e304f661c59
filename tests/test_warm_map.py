"""The map's labels, topic terms and metrics are kept in the store, so a restarted server shows the map again
without re-running HDBSCAN, c-TF-IDF or the quality metrics."""

import math

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import embdash.pipeline.cluster
import embdash.pipeline.maps
import embdash.pipeline.reduce
import embdash.pipeline.topics
from embdash.dataio.store import Store
from embdash.pipeline import maps
from embdash.pipeline.params import ClusterParams, MapParams, UmapParams

TIMEOUT = 300
PARAMS = MapParams(umap=UmapParams(n_neighbors=8), cluster=ClusterParams(min_cluster_size=8, min_samples=3))


def map_script(params):
    """A page that builds the map of a planted-topics corpus through embdash.ui.cache, as the Map page does."""
    import pandas as pd
    import streamlit as st

    from embdash.dataio.corpus import make_corpus
    from embdash.ui import cache
    from tests.fakes import PlantedTopicsEmbedder, planted_texts

    texts, _ = planted_texts(per_topic=25)
    corpus = make_corpus(pd.DataFrame({"text": texts}), "text", "planted.csv")
    vectors = PlantedTopicsEmbedder().embed(texts)
    st.session_state["result"] = cache.map_result(corpus, "planted-fake-vectors", vectors, params)
    st.session_state["texts"] = texts
    st.session_state["vectors"] = vectors


def restart() -> None:
    """What a server restart forgets: every in-memory cache (the store object with it)."""
    st.cache_data.clear()
    st.cache_resource.clear()




def run_map() -> AppTest:
    at = AppTest.from_function(map_script, kwargs={"params": PARAMS}, default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


def same_metrics(a: maps.MapMetrics, b: maps.MapMetrics) -> bool:
    def same(x, y):
        return (x is None and y is None) or (x is not None and y is not None and (x == y or math.isnan(x) and math.isnan(y)))

    return all(same(getattr(a, f), getattr(b, f)) for f in ("trustworthiness", "silhouette", "noise_share", "n_clusters", "n_points"))


def test_artefacts_round_trip_exactly_and_a_restart_recomputes_nothing(own_data_folder, stage_calls):
    first = run_map()
    assert stage_calls == {"project": 2, "cluster": 1, "topic_terms": 1, "measure": 1}
    texts, vectors = first.session_state["texts"], first.session_state["vectors"]
    computed = first.session_state["result"]
    assert computed.metrics.n_clusters >= 2  # something worth naming

    # Computed from scratch, without any cache: what the stored artefacts must equal exactly.
    labels = embdash.pipeline.cluster.cluster(computed.cluster_points, PARAMS.cluster)
    terms = embdash.pipeline.topics.topic_terms(texts, labels, PARAMS.topics)
    metrics = embdash.pipeline.maps.measure(vectors, computed.coords, computed.cluster_points, labels)
    for name in stage_calls:
        stage_calls[name] = 0

    restart()
    again = run_map().session_state["result"]
    assert stage_calls == {"project": 0, "cluster": 0, "topic_terms": 0, "measure": 0}
    assert np.array_equal(again.labels, labels) and again.labels.dtype == labels.dtype
    assert again.topics == terms  # same clusters, same terms in the same order, scores bit for bit
    assert all(type(score) is float for ranked in again.topics.values() for _, score in ranked)
    assert same_metrics(again.metrics, metrics)
    assert np.array_equal(again.coords, computed.coords)
    stored = {path.parent.name for path in (own_data_folder / "artefacts").rglob("*.*")}
    assert {"layout-2d", "cluster-space", "labels", "topics", "metrics"} <= stored


def test_other_parameters_are_other_artefacts(own_data_folder, stage_calls):
    run_map()
    restart()
    params = MapParams(umap=PARAMS.umap, cluster=PARAMS.cluster, topics=type(PARAMS.topics)(n_terms=2))
    at = AppTest.from_function(map_script, kwargs={"params": params}, default_timeout=TIMEOUT).run()
    assert not at.exception
    # New topic parameters: topic terms again, nothing upstream of them.
    assert stage_calls == {"project": 2, "cluster": 1, "topic_terms": 2, "measure": 1}
    assert all(len(ranked) <= 2 for ranked in at.session_state["result"].topics.values())


@pytest.mark.parametrize("kind", ["labels", "topics", "metrics"])
def test_a_damaged_artefact_is_reported_and_recomputed(own_data_folder, stage_calls, kind):
    before = run_map().session_state["result"]
    (path,) = [p for p in (own_data_folder / "artefacts" / kind).iterdir() if not p.name.startswith(".")]
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # truncated, as by a crash
    for name in stage_calls:
        stage_calls[name] = 0

    restart()
    at = run_map()
    assert any(f"damaged {kind} file was set aside" in w.value for w in at.warning)
    assert path.with_name(path.name + ".corrupt").is_file()
    recomputed = {"labels": "cluster", "topics": "topic_terms", "metrics": "measure"}[kind]
    assert stage_calls[recomputed] == 1 and stage_calls["project"] == 0
    after = at.session_state["result"]
    assert np.array_equal(after.labels, before.labels)
    assert after.topics == before.topics
    assert same_metrics(after.metrics, before.metrics)
    assert path.is_file()  # written again, whole
    restart()
    assert not run_map().warning  # and read back without complaint


def test_json_artefacts_in_the_store(tmp_path):
    store = Store(tmp_path)
    value = {"a": [0.1 + 0.2, float("nan"), 1e-300], "b": None}
    store.save_json("metrics", "k1", value, {"p": 1})
    loaded = store.load_json("metrics", "k1")
    assert loaded["a"][0] == 0.1 + 0.2 and math.isnan(loaded["a"][1]) and loaded["a"][2] == 1e-300
    assert store.load_json("metrics", "absent") is None
    # A file whose content names another artefact (copied over, say) is damaged, not trusted.
    store.json_artefact_path("metrics", "k1").replace(store.json_artefact_path("metrics", "k2"))
    assert store.load_json("metrics", "k2") is None
    assert "damaged metrics file" in store.problems[-1]
    with pytest.raises(ValueError):
        store.save_json("../up", "k", {}, {})  # kinds and keys are checked as for arrays


@pytest.mark.parametrize("ngram_max", [1, 2, 3])
def test_class_counts_equal_counting_the_joined_class_documents(ngram_max):
    """topics.class_counts sums per-document counts and adds the n-grams across joins; it must equal
    vectorizer.transform of each class's texts joined (c-TF-IDF's definition), including texts with
    no words, only stop words, or fewer words than an n-gram, which let n-grams reach across them."""
    from embdash.pipeline import topics
    from embdash.pipeline.params import TopicParams
    from tests.fakes import planted_texts

    texts, _ = planted_texts(per_topic=30)
    odd = ["", "the and of", "river", "boat river", "a", "12 34", "río Boat", "the river"]
    texts = [text for pair in zip(texts, odd * (len(texts) // len(odd) + 1)) for text in pair]
    labels = np.random.default_rng(ngram_max).integers(-1, 5, size=len(texts))
    classes = sorted(int(c) for c in np.unique(labels))
    vectorizer, document_counts = topics.fitted_vectorizer(texts, TopicParams(ngram_max=ngram_max))
    joined = vectorizer.transform(topics._join_by_class(texts, labels, classes)).toarray()
    assert np.array_equal(topics.class_counts(texts, labels, classes, vectorizer, document_counts).toarray(), joined)
    if ngram_max > 1:
        assert joined.sum() > document_counts.sum()  # n-grams across joins were there to count
