"""The topic tree: cuts of every size, partitions, node terms against a direct c-TF-IDF, the structure it
finds, and an exact JSON round trip."""

import dataclasses
import json

import numpy as np
import pytest

from embdash.pipeline import hierarchy, topics
from embdash.pipeline.params import TopicParams


@pytest.fixture(scope="module")
def tree(clustered):
    texts, vectors, labels = clustered
    return hierarchy.build_tree(vectors, labels, texts)


def test_every_cut_has_exactly_n_topics_partitioning_the_leaves(tree):
    k = tree.n_leaves
    assert k == 6 and tree.root == 2 * k - 2
    for n in range(1, k + 1):
        shown = hierarchy.nodes_at(tree, n)
        assert len(shown) == n
        leaves = sorted(leaf for node in shown for leaf in tree.leaves_of(node))
        assert leaves == list(range(k))  # each leaf under exactly one shown node
        mapping = hierarchy.cut(tree, n)
        assert sorted(set(mapping.tolist())) == shown
        assert all(mapping[leaf] == node for node in shown for leaf in tree.leaves_of(node))
    assert hierarchy.nodes_at(tree, 0) == [tree.root] and hierarchy.nodes_at(tree, 99) == list(range(k))


def test_structure_sizes_heights_and_paths(tree, clustered):
    _, _, labels = clustered
    k = tree.n_leaves
    assert tree.merges.shape == (k - 1, 2) and tree.merges.dtype == np.int64
    assert np.all(np.diff(tree.heights) >= 0)
    for node in range(2 * k - 1):
        assert tree.sizes[node] == np.isin(labels, tree.leaves_of(node)).sum()
    assert tree.leaves_of(tree.root) == list(range(k))
    for leaf in range(k):
        path = tree.path_to(leaf)
        assert path[0] == tree.root and path[-1] == leaf
        assert all(child in tree.children(parent) for parent, child in zip(path, path[1:]))
    assert tree.children(0) == () and set(tree.children(tree.root)) == set(tree.merges[-1].tolist())
    with pytest.raises(ValueError):
        tree.children(2 * k - 1)


def brute_force_node_scores(texts, labels, leaves, params=TopicParams()):
    """c-TF-IDF of the union of `leaves` by the definition: counts of each class's joined texts, the union's
    counts summed, tf over the union, idf over the leaf classes and noise."""
    vectorizer, _ = topics.fitted_vectorizer(texts, params)
    classes = sorted(set(labels.tolist()))
    counts = vectorizer.transform(topics._join_by_class(texts, labels, classes)).toarray().astype(float)
    union = sum(counts[classes.index(leaf)] for leaf in leaves)
    average_words = counts.sum() / len(classes)
    scores = {}
    for column, term in enumerate(vectorizer.get_feature_names_out()):
        total = counts[:, column].sum()
        if union[column] > 0 and total > 0:
            scores[term] = union[column] / union.sum() * np.log(1 + average_words / total)
    return scores


def test_node_terms_equal_c_tf_idf_computed_directly_with_one_global_idf(tree, clustered):
    texts, _, labels = clustered
    for node in range(2 * tree.n_leaves - 1):
        expected = brute_force_node_scores(texts, labels, tree.leaves_of(node))
        ranked = topics.drop_repeated_words(sorted(expected, key=lambda t: (-expected[t], t)))
        got = tree.terms[node]
        assert [t for t, _ in got] == ranked[: hierarchy.N_CANDIDATE_TERMS]
        assert all(np.isclose(score, expected[term], rtol=1e-9) for term, score in got)


def test_leaf_terms_are_the_maps_topic_terms(tree, clustered):
    texts, _, labels = clustered
    direct = topics.topic_terms(texts, labels, TopicParams(n_terms=hierarchy.N_CANDIDATE_TERMS))
    assert {leaf: tree.terms[leaf] for leaf in range(tree.n_leaves)} == direct


def test_merged_terms_of_two_siblings_score_their_parents_terms(tree):
    for i, (a, b) in enumerate(tree.merges):
        parent = {term: score for term, score in tree.terms[tree.n_leaves + i]}
        in_both = {t for t, _ in tree.terms[a]} & {t for t, _ in tree.terms[b]}
        merged = dict(hierarchy.merged_terms(tree, [a, b], n_terms=200))
        for term in in_both & parent.keys():
            assert np.isclose(merged[term], parent[term], rtol=1e-9)


def test_two_families_of_two_groups_merge_siblings_first():
    rng = np.random.default_rng(7)
    d = 24
    families = rng.standard_normal((2, d))
    groups = np.stack([families[g // 2] + 0.6 * rng.standard_normal(d) for g in range(4)])
    group_of_label = [0, 2, 1, 3]  # cluster ids that do not follow the families
    labels = np.repeat(np.arange(4), 30)
    vectors = np.stack([groups[group_of_label[c]] + 0.15 * rng.standard_normal(d) for c in labels])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = ["apple", "pear", "plum", "kiwi"]
    texts = [f"{words[c]} common text" for c in labels]
    tree = hierarchy.build_tree(vectors.astype(np.float32), labels, texts)
    first_two = {frozenset(pair) for pair in tree.merges[:2].tolist()}
    assert first_two == {frozenset({0, 2}), frozenset({1, 3})}  # the families: groups 0,1 and 2,3
    assert set(tree.merges[2].tolist()) == {4, 5}
    assert tree.heights[1] < tree.heights[2]
    assert [t for t, _ in tree.terms[0]][:1] == ["apple"]


@pytest.mark.parametrize("labels", [np.full(5, -1), np.array([0, 0, -1, 0, 0]), np.zeros(0, dtype=np.int64)])
def test_trees_of_zero_or_one_cluster(labels):
    texts = ["alpha beta", "gamma delta", "alpha gamma", "beta delta", "alpha alpha"][: len(labels)]
    vectors = np.eye(5, 4, dtype=np.float32)[: len(labels)] + 0.1
    tree = hierarchy.build_tree(vectors, labels, texts)
    k = int((labels >= 0).any())
    assert tree.n_leaves == k and tree.merges.shape == (0, 2) and len(tree.heights) == 0
    assert hierarchy.nodes_at(tree, 3) == list(range(k)) and hierarchy.cut(tree, 1).shape == (k,)
    assert tree.root == k - 1
    if k:
        assert tree.path_to(0) == [0] and tree.leaves_of(0) == [0] and tree.sizes.tolist() == [4]
        assert tree.terms[0][0][0] == "alpha"
    assert_same_tree(hierarchy.tree_from_json(json.loads(json.dumps(hierarchy.tree_to_json(tree)))), tree)


def assert_same_tree(a, b):
    for name in ("merges", "heights", "sizes", "word_counts"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y), name
    assert a.terms == b.terms


def test_json_round_trip_is_exact(tree):
    text = json.dumps(hierarchy.tree_to_json(tree))
    again = hierarchy.tree_from_json(json.loads(text))
    assert_same_tree(again, tree)
    assert json.dumps(hierarchy.tree_to_json(again)) == text


def test_auto_merges_exactly_the_clusters_closer_than_a_share_of_the_median_distance(tree, clustered):
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    from embdash.pipeline.cluster import centroids

    texts, vectors, labels = clustered
    centres = centroids(vectors, labels)
    assert tree.median_distance == pytest.approx(float(np.median(pdist(centres, "cosine"))))
    # Brute force: scipy's own flat cut of the same linkage at the same distance.
    threshold = hierarchy.AUTO_CUT_SHARE * tree.median_distance
    expected = len(set(fcluster(linkage(pdist(centres, "cosine"), "average"), threshold, "distance")))
    assert hierarchy.auto_n_topics(tree) == expected
    near = dataclasses.replace(tree, heights=np.full_like(tree.heights, 0.01), median_distance=1.0)
    assert hierarchy.auto_n_topics(near) == 1  # all near-duplicates: one topic
    far = dataclasses.replace(tree, median_distance=0.0)
    assert hierarchy.auto_n_topics(far) == tree.n_leaves
