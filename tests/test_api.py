"""The public API (embdash.embed, map, search, compare) with the real default model, on a private store."""

import doctest
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import embdash
import embdash.api
import embdash.models.catalogue
import embdash.pipeline.cluster
import embdash.pipeline.maps
import embdash.pipeline.reduce
import embdash.pipeline.topics
from embdash.dataio.store import Store
from embdash.errors import EmbdashError
from embdash.tasks.compare_report import report_json
from tests.conftest import REPO

TOPICS = {
    "tides": "The {} tide left the fishing boats stranded on the mud below the harbour wall.",
    "chess": "The {} chess player sacrificed her queen and won the endgame with two pawns.",
    "bread": "The {} bakery let the sourdough rise overnight before baking it at dawn.",
}
WORDS = ("early", "quiet", "famous", "young", "small", "old", "new", "patient", "cold", "bold", "late", "shy")
SMALL_MAP = {"n_neighbors": 5, "min_cluster_size": 4}


@pytest.fixture()
def frame():
    rows = [(template.format(word), topic) for topic, template in TOPICS.items() for word in WORDS]
    return pd.DataFrame(rows, columns=["body", "section"])


@pytest.fixture()
def store(tmp_path):
    return Store(tmp_path / "data")


@pytest.fixture()
def model_loads(monkeypatch):
    """Every model the API loads, through the real loader."""
    loaded = []
    real = embdash.models.catalogue.load_embedder

    def counted(*args, **kwargs):
        loaded.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(embdash.models.catalogue, "load_embedder", counted)
    return loaded



def test_embed_gives_the_models_vectors_and_reuses_them_without_loading_it(frame, store, model_loads):
    from embdash.models.catalogue import load_embedder

    vectors = embdash.embed(frame, text="body", store=store)
    assert model_loads == ["all-MiniLM-L6-v2"]
    direct = load_embedder("all-MiniLM-L6-v2").embed(frame["body"].tolist())
    np.testing.assert_allclose(vectors, direct, atol=1e-5)  # row order kept, unit length
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)

    again = embdash.embed(frame["body"].tolist(), store=store)  # a list of the same texts: the same cache
    assert len(model_loads) == 2  # only the direct load above: the API did not load the model again
    assert np.array_equal(again, vectors)


def test_a_second_map_computes_nothing_and_returns_the_same_frame(frame, store, stage_calls):
    first = embdash.map(frame, text="body", store=store, **SMALL_MAP)
    assert set(first.columns) >= {"body", "section", "x", "y", "cluster", "topic"}
    assert len(first) == len(frame) and first["body"].tolist() == frame["body"].tolist()
    assert all(count >= 1 for count in stage_calls.values())
    # Three planted topics: the clusters follow them (each cluster holds one section only).
    clustered = first[first["cluster"] >= 0]
    assert clustered["cluster"].nunique() >= 2
    assert (clustered.groupby("cluster")["section"].nunique() == 1).all()
    assert 0.0 <= first.attrs["metrics"]["trustworthiness"] <= 1.0
    assert first.attrs["topic_quality"]["diversity"] > 0.5 and -1.0 <= first.attrs["topic_quality"]["coherence"] <= 1.0

    computed = dict(stage_calls)
    embdash.api._stage_caches.clear()  # a new process: only the store on disk remains
    second = embdash.map(frame, text="body", store=store, **SMALL_MAP)
    assert stage_calls == computed
    pd.testing.assert_frame_equal(first, second)
    assert second.attrs["metrics"] == first.attrs["metrics"]

    embdash.map(frame, text="body", store=store, n_terms=3, **SMALL_MAP)  # a topic setting: topics only
    assert stage_calls["project"] == computed["project"] and stage_calls["cluster"] == computed["cluster"]
    assert stage_calls["topic_terms"] == computed["topic_terms"] + 1


def test_topics_and_assignment_reuse_the_map_and_agree_with_the_tree(frame, store, stage_calls):
    base = embdash.map(frame, text="body", store=store, **SMALL_MAP)
    computed = dict(stage_calls)
    tree = embdash.topics(frame, text="body", store=store, topics=2, **SMALL_MAP)
    two = embdash.map(frame, text="body", store=store, topics=2, assign_unclustered=True, assign_threshold=0.0,
                      **SMALL_MAP)
    assert stage_calls == computed  # neither the tree, nor the cut, nor the assignment runs a map stage
    assert tree["n_topics"] == 2 and len(tree["nodes"]) == 2 * tree["n_clusters"] - 1
    assert sorted(set(two["cluster"])) == [0, 1]  # a threshold of 0: every unclustered document assigned
    assert two["assigned"].sum() == (base["cluster"] == -1).sum() == two.attrs["topics"]["assigned"]
    for topic in tree["topics"]:  # each topic holds the clustered documents of the leaves under its nodes
        leaves = [leaf for node in topic["nodes"] for leaf in leaf_ids(tree, node)]
        shown = two[~two["assigned"] & (two["cluster"] == topic["id"])].index
        assert set(shown) == set(base[base["cluster"].isin(leaves)].index)
    assert two.attrs["topics"]["share_clustered_after"] == 1.0
    vectors = embdash.embed(frame, text="body", store=store)
    for topic in tree["topics"]:  # brute force: the core documents most similar to the topic's centre
        members = base[base["cluster"].isin([leaf for node in topic["nodes"] for leaf in leaf_ids(tree, node)])].index
        centre = vectors[members].mean(axis=0)
        best = sorted(members, key=lambda row: -float(vectors[row] @ centre))[:3]
        assert [r["row"] for r in topic["representative"]] == best
        assert [r["text"] for r in topic["representative"]] == frame["body"][best].tolist()
    with pytest.raises(ValueError, match="topics"):
        embdash.map(frame, text="body", store=store, topics=-1, **SMALL_MAP)


def leaf_ids(tree, node):
    children = tree["nodes"][node]["children"]
    return [node] if not children else [leaf for child in children for leaf in leaf_ids(tree, child)]


def test_unknown_map_parameter_names_the_known_ones(frame, store):
    with pytest.raises(ValueError, match="n_neighbour.*known: .*n_neighbors"):
        embdash.map(frame, text="body", store=store, n_neighbour=5)


def test_search_agrees_with_brute_force(frame, store):
    from embdash.models.catalogue import load_embedder

    query = "a game of chess"
    hits = embdash.search(frame, query, text="body", k=5, store=store)
    vectors = embdash.embed(frame, text="body", store=store)
    query_vector = load_embedder("all-MiniLM-L6-v2").embed([query])[0]
    scores = vectors @ query_vector
    expected = np.argsort(-scores, kind="stable")[:5]
    assert hits["row"].tolist() == expected.tolist()
    np.testing.assert_allclose(hits["score"].to_numpy(), scores[expected], atol=6e-5)  # shown to 4 decimals
    assert (hits["section"] == "chess").all()
    assert hits["text"].tolist() == frame["body"].iloc[expected].tolist()


def test_search_rejects_an_empty_query_and_a_bad_k(frame, store):
    with pytest.raises(EmbdashError):
        embdash.search(frame, "   ", text="body", store=store)
    with pytest.raises(EmbdashError, match="k must be at least 1"):
        embdash.search(frame, "chess", text="body", k=0, store=store)


def test_compare_measures_two_models_with_labels_from_the_shared_cache(frame, store, model_loads):
    embdash.embed(frame, text="body", store=store)  # the first model's vectors are cached by embed
    assert model_loads == ["all-MiniLM-L6-v2"]
    report = embdash.compare(frame, text="body", models=["all-MiniLM-L6-v2", "paraphrase-MiniLM-L3-v2"],
                             labels="section", store=store, k=5, **SMALL_MAP)
    assert model_loads == ["all-MiniLM-L6-v2", "paraphrase-MiniLM-L3-v2"]  # the first came from the cache
    assert [m.model_id for m in report.models] == ["all-MiniLM-L6-v2", "paraphrase-MiniLM-L3-v2"]
    assert len(report.pairs) == 1 and 0.0 <= report.pairs[0].jaccard_mean <= 1.0
    assert report.recommendation
    # The planted sections are easy: every model's kNN recovers them far above the majority guess (1/3).
    for scores in report.models:
        assert scores.labels is not None and scores.labels.knn_accuracy > 0.9 > scores.labels.majority_accuracy
    assert [m["model_id"] for m in json.loads(report_json(report))["models"]] == [m.model_id for m in report.models]


def test_compare_checks_labels_and_models(frame, store):
    with pytest.raises(EmbdashError, match="No label column 'nope'"):
        embdash.compare(frame, text="body", labels="nope", store=store)
    with pytest.raises(EmbdashError, match="3 labels for 36 rows"):
        embdash.compare(frame, text="body", labels=["a", "b", "c"], store=store)
    with pytest.raises(EmbdashError):
        embdash.compare(frame, text="body", models=["all-MiniLM-L6-v2"], store=store)


def test_a_file_path_and_a_single_string(tmp_path, frame, store):
    path = tmp_path / "notes.csv"
    frame.to_csv(path, index=False)
    from_file = embdash.embed(path, text="body", store=store)
    assert from_file.shape == (len(frame), 384)
    with pytest.raises(TypeError, match="single string is ambiguous"):
        embdash.embed("notes.csv", store=store)


def test_the_docstring_examples_run(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    embdash.api._stores.clear()
    embdash.api._stage_caches.clear()
    try:
        results = doctest.testmod(embdash.api, optionflags=doctest.ELLIPSIS)
    finally:
        embdash.api._stores.clear()
        embdash.api._stage_caches.clear()
    assert results.attempted >= 12 and results.failed == 0


def test_importing_embdash_is_light_and_leaves_the_environment_alone():
    script = (
        "import json, os, sys; before = dict(os.environ); import embdash; "
        "assert callable(embdash.embed) and callable(embdash.map) and callable(embdash.search) "
        "and callable(embdash.compare); "
        "heavy = [m for m in ('torch', 'sentence_transformers', 'streamlit', 'pandas', 'umap', 'hdbscan') if m in sys.modules]; "
        "print(json.dumps({'changed': sorted(k for k in set(os.environ) | set(before) if os.environ.get(k) != before.get(k)), 'heavy': heavy}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"HF_HUB_OFFLINE", "OMP_WAIT_POLICY", "TOKENIZERS_PARALLELISM"}}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"changed": [], "heavy": []}
