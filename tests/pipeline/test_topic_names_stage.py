"""Topic names by meaning as a map stage: every node of the tree re-ranked with the real model's term vectors,
kept in the store, so the next run loads no model; without a model nothing partial is kept."""

import dataclasses

import numpy as np
import pytest

from embdash.dataio.store import Store
from embdash.pipeline import hierarchy, representation, stages, topic_view, topics
from embdash.pipeline.cluster import centroids
from embdash.pipeline.params import MapParams, TopicParams

PARAMS = MapParams()


@pytest.fixture(scope="module")
def mapped(clustered, minilm):
    texts, _, labels = clustered
    vectors = minilm.embed(texts)
    tree = hierarchy.build_tree(vectors, labels, texts, PARAMS.topics)
    return texts, vectors, labels, tree


def names(mapped, cache, load, params=PARAMS):
    texts, vectors, labels, tree = mapped
    return stages.map_names(tree, vectors, labels, params, vectors_key="v", corpus_key="c",
                            model_key=load_key(), cache=cache, load=load)


def load_key():
    from embdash.models.catalogue import DEFAULT_MODEL_ID, expected_cache_key

    return expected_cache_key(DEFAULT_MODEL_ID, "torch", "fp32")  # the minilm fixture's: PyTorch, float32


def never_load():
    raise AssertionError("the model was loaded on a warm path")


def test_every_node_is_named_as_a_direct_rerank_would_and_a_warm_run_loads_no_model(mapped, minilm, tmp_path):
    if minilm.cache_key != load_key():
        pytest.skip("the loaded model's key differs from the predicted one (an ONNX export in this session)")
    texts, vectors, labels, tree = mapped
    named = names(mapped, stages.StageCache(Store(tmp_path)), lambda: minilm)

    candidates = {node: terms[:representation.N_CANDIDATES] for node, terms in tree.terms.items()}
    wanted = sorted({term for terms in candidates.values() for term, _ in terms})
    term_vectors = dict(zip(wanted, minilm.embed(wanted)))
    centres = hierarchy.node_centroids(tree, centroids(vectors, labels, tree.n_leaves))
    expected = representation.name_topics(candidates, dict(enumerate(centres)), term_vectors,
                                          n_terms=representation.N_CANDIDATES)
    assert set(named.terms) == set(tree.terms)
    for node, terms in named.terms.items():
        assert [t for t, _ in terms] == [t for t, _ in expected[node]]
        assert {t for t, _ in terms} <= {t for t, _ in candidates[node]}
    assert any([t for t, _ in named.terms[n]] != [t for t, _ in candidates[n]] for n in named.terms)  # reordered

    again = names(mapped, stages.StageCache(Store(tmp_path)), never_load)  # a new process on the same store
    assert again.terms == named.terms
    assert np.array_equal(again.merges, tree.merges) and np.array_equal(again.sizes, tree.sizes)


def test_without_a_model_the_terms_keep_their_order_and_nothing_partial_is_kept(mapped, minilm, tmp_path):
    texts, vectors, labels, tree = mapped
    cache = stages.StageCache(Store(tmp_path))
    plain = names(mapped, cache, None)
    assert all([t for t, _ in plain.terms[n]] == [t for t, _ in tree.terms[n][:representation.N_CANDIDATES]]
               for n in tree.terms)
    if minilm.cache_key == load_key():
        assert names(mapped, cache, lambda: minilm).terms != plain.terms  # the partial result was not kept


def test_switched_off_the_tree_is_left_as_it_is(mapped, tmp_path):
    off = dataclasses.replace(PARAMS, topics=dataclasses.replace(PARAMS.topics, by_meaning=False))
    assert names(mapped, stages.StageCache(Store(tmp_path)), never_load, off) is mapped[3]


def test_the_halves_of_a_split_topic_get_their_own_terms(clustered):
    texts, vectors, labels = clustered
    tree = hierarchy.build_tree(vectors, labels, texts, TopicParams())
    cluster_points = vectors[:, :5]
    view = topic_view.topic_view(labels, tree, vectors, edits=topic_view.TopicEdits(splits=(0,)),
                                 cluster_points=cluster_points, texts=texts, topic_params=TopicParams())
    halves = [t for t, nodes in view.nodes.items() if nodes[0] >= 2 * tree.n_leaves - 1]
    assert len(halves) == 2
    rows = np.flatnonzero(np.isin(view.labels, halves))
    expected = topics.topic_terms([texts[i] for i in rows], view.labels[rows],
                                  TopicParams(n_terms=hierarchy.N_CANDIDATE_TERMS))
    assert [view.terms[t] for t in halves] == [expected[t] for t in halves]
