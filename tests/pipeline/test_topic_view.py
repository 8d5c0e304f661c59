"""The topic view: cuts, hand edits and assignment over the cached labels and tree."""

import json

import numpy as np
import pytest

from embdash.pipeline import assign, hierarchy, topics
from embdash.pipeline.topic_view import (
    TopicEdits,
    ViewOptions,
    edits_from_json,
    edits_to_json,
    topic_view,
)


@pytest.fixture(scope="module")
def tree(clustered):
    texts, vectors, labels = clustered
    return hierarchy.build_tree(vectors, labels, texts)


def view_of(clustered, tree, options=ViewOptions(), edits=TopicEdits(), points=True):
    _, vectors, labels = clustered
    return topic_view(labels, tree, vectors, options, edits, cluster_points=vectors if points else None)


def members(view, topic):
    return set(np.flatnonzero(view.labels == topic).tolist())


def test_auto_view_is_the_clustering_itself(clustered, tree):
    _, _, labels = clustered
    view = view_of(clustered, tree)
    assert np.array_equal(view.labels, labels) and view.labels.dtype == np.int64
    assert not view.assigned.any()
    assert view.names == topics.topic_names(np.unique(labels), tree.terms)
    assert view.keys == {c: str(c) for c in range(tree.n_leaves)}
    assert view.share_clustered_before == view.share_clustered_after == np.mean(labels != -1)


def test_each_number_of_topics_shows_the_cut_numbered_by_size(clustered, tree):
    _, _, labels = clustered
    for n in range(1, tree.n_leaves + 1):
        view = view_of(clustered, tree, ViewOptions(n_topics=n))
        assert sorted(set(view.labels.tolist()) - {-1}) == list(range(n))
        assert sorted(int(key) for key in view.keys.values()) == hierarchy.nodes_at(tree, n)
        sizes = [len(members(view, t)) for t in range(n)]
        assert sizes == sorted(sizes, reverse=True)
        for topic, key in view.keys.items():
            assert members(view, topic) == set(np.flatnonzero(np.isin(labels, tree.leaves_of(int(key)))).tolist())
            assert view.terms[topic] == tree.terms[int(key)]
            assert view.names[topic].startswith(f"{topic}: ")
        assert np.array_equal(view.labels == -1, labels == -1)


def test_a_rename_survives_a_change_of_the_number_of_topics_while_its_node_is_shown(clustered, tree):
    k = tree.n_leaves
    kept = next(node for node in hierarchy.nodes_at(tree, k - 1) if node < k)  # a leaf shown at k and at k - 1
    edits = TopicEdits(renames=((str(kept), "Rivers & boats"),))
    for n in (k, k - 1):
        view = view_of(clustered, tree, ViewOptions(n_topics=n), edits)
        topic = next(t for t, key in view.keys.items() if key == str(kept))
        assert view.names[topic] == "Rivers & boats"
        assert sum(name == "Rivers & boats" for name in view.names.values()) == 1
    coarse = view_of(clustered, tree, ViewOptions(n_topics=1), edits)
    assert "Rivers & boats" not in coarse.names.values()  # its node is not shown: no topic takes the name


def test_assigned_documents_follow_their_leaf_into_its_topic(clustered, tree):
    _, vectors, labels = clustered
    options = ViewOptions(n_topics=3, assign_unclustered=True, assign_threshold=0.3)
    view = view_of(clustered, tree, options)
    new, assigned = assign.assign_unclustered(vectors, labels, 0.3)
    assert np.array_equal(view.assigned, assigned) and assigned.any()
    leaf_topic = {int(labels[i]): int(view.labels[i]) for i in np.flatnonzero(labels != -1)}
    assert all(view.labels[i] == leaf_topic[new[i]] for i in np.flatnonzero(assigned))
    assert view.share_clustered_after == np.mean(new != -1) > view.share_clustered_before
    unassigned = view_of(clustered, tree, ViewOptions(n_topics=3, assign_unclustered=True, assign_threshold=1.1))
    assert not unassigned.assigned.any() and np.array_equal(unassigned.labels == -1, labels == -1)


def test_merging_two_shown_nodes_shows_one_topic_keyed_by_both(clustered, tree):
    a, b = 1, 4
    view = view_of(clustered, tree, edits=TopicEdits(merges=((b, a),), renames=(("1+4", "Merged"),)))
    plain = view_of(clustered, tree)
    topic = next(t for t, key in view.keys.items() if key == "1+4")
    assert members(view, topic) == members(plain, a) | members(plain, b)
    assert view.nodes[topic] == (1, 4) and view.names[topic] == "Merged"
    assert view.terms[topic] == hierarchy.merged_terms(tree, [1, 4])
    assert len(view.keys) == tree.n_leaves - 1


def test_a_merge_naming_an_inner_node_joins_every_shown_node_under_it(clustered, tree):
    inner = tree.n_leaves  # the first merge
    view = view_of(clustered, tree, edits=TopicEdits(merges=((inner,),)))
    children = sorted(tree.children(inner))
    assert "+".join(map(str, children)) in view.keys.values()


def test_splits_of_an_inner_node_and_of_a_leaf(clustered, tree):
    k = tree.n_leaves
    _, _, labels = clustered
    view = view_of(clustered, tree, ViewOptions(n_topics=1), TopicEdits(splits=(tree.root,)))
    assert sorted(view.keys.values()) == sorted(map(str, tree.children(tree.root)))

    leaf = 0
    view = view_of(clustered, tree, edits=TopicEdits(splits=(leaf,)))
    parts = [t for t, key in view.keys.items() if key in (str(2 * k - 1), str(2 * k))]
    assert len(parts) == 2 and len(view.keys) == k + 1
    halves = [members(view, t) for t in parts]
    assert halves[0] | halves[1] == set(np.flatnonzero(labels == leaf).tolist()) and all(halves)
    for topic in parts:
        first = next(iter(members(view, topic)))
        assert view.paths[first].endswith(f"{leaf} > {view.keys[topic]}")
    again = view_of(clustered, tree, edits=TopicEdits(splits=(leaf,)))
    assert np.array_equal(again.labels, view.labels)  # seeded
    with pytest.raises(ValueError, match="cluster_points"):
        view_of(clustered, tree, edits=TopicEdits(splits=(leaf,)), points=False)


def test_paths_run_from_the_root_to_the_documents_leaf(clustered, tree):
    _, _, labels = clustered
    view = view_of(clustered, tree, ViewOptions(n_topics=2))
    for i, leaf in enumerate(labels):
        expected = "" if leaf == -1 else " > ".join(map(str, tree.path_to(int(leaf))))
        assert view.paths[i] == expected


def test_edits_json_round_trip_and_emptiness():
    edits = TopicEdits(renames=(("3+7", "Ports"), ("12", "Cafés")), merges=((3, 7), (1, 2, 5)), splits=(9, 0))
    assert edits_from_json(json.loads(json.dumps(edits_to_json(edits)))) == edits
    assert TopicEdits().is_empty() and not edits.is_empty()


def test_labels_of_another_map_are_refused(clustered, tree):
    _, vectors, labels = clustered
    with pytest.raises(ValueError, match="not the same map"):
        topic_view(labels + 10, tree, vectors)


@pytest.mark.parametrize("labels", [np.full(5, -1), np.array([0, 0, -1, 0, 0]), np.zeros(0, dtype=np.int64)])
def test_views_of_zero_or_one_cluster(labels):
    vectors = (np.eye(5, 4, dtype=np.float32) + 0.1)[: len(labels)]
    tree = hierarchy.build_tree(vectors, labels, ["alpha beta"] * len(labels))
    view = topic_view(labels, tree, vectors, ViewOptions(n_topics=3, assign_unclustered=True, assign_threshold=0.0))
    clustered = bool((labels >= 0).any())
    assert view.labels.tolist() == [0 if clustered else -1] * len(labels)
    assert view.assigned.tolist() == [clustered and label == -1 for label in labels]
    assert view.keys == ({0: "0"} if clustered else {}) and view.names[-1] == "unclustered"
    assert view.paths.tolist() == ["0" if clustered else ""] * len(labels)
