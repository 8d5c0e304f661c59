"""What the user sees of a map's topics: the tree cut to a number of topics, hand edits, and optionally the
unclustered documents assigned to their nearest cluster.

    labels (HDBSCAN) + TopicTree --cut at n topics--> shown nodes --splits, merges--> topics
                                 --assignment--> documents follow their (assigned) leaf into its topic

Nothing here projects or clusters again: a view is computed from the cached labels and tree in
milliseconds, so changing the number of topics, an edit or the assignment costs no pipeline stage.

A topic's *key* names the tree nodes it is made of ("12", or "3+7" for two nodes merged by hand): unlike
its display id (topics are numbered by size) it does not change when other topics do, so a rename keyed
on it survives a change of the number of topics for as long as the same nodes are shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from embdash.pipeline import assign, topics
from embdash.pipeline.cluster import NOISE, centroids
from embdash.pipeline.hierarchy import (
    LINKAGE_METHOD,
    TopicTree,
    auto_n_topics,
    merged_terms,
    nodes_at,
)

PATH_SEPARATOR = " > "
KEY_SEPARATOR = "+"
#: k-means splitting a leaf topic in two: seeded, so the same split gives the same parts.
SPLIT_SEED = 0


@dataclass(frozen=True)
class ViewOptions:
    n_topics: int = 0  # how many topics to show (the tree is cut there); 0 = auto (`hierarchy.auto_n_topics`)
    assign_unclustered: bool = False  # give unclustered documents their nearest cluster, where near enough
    assign_threshold: float = assign.DEFAULT_THRESHOLD  # the cosine they must reach


@dataclass(frozen=True)
class TopicEdits:
    """Hand edits of the topics, as data (so they can be stored, put in a link and replayed).

    renames: (topic key, name) pairs. merges: groups of node ids shown as one topic (every shown node
    under one of them joins). splits: node ids shown as their children, in order; a split leaf cluster
    is cut in two by k-means on its documents' clustering-space points, and the parts get the node ids
    2k-1 and 2k for the first leaf in `splits`, 2k+1 and 2k+2 for the second leaf, and so on.
    """

    renames: tuple[tuple[str, str], ...] = ()
    merges: tuple[tuple[int, ...], ...] = ()
    splits: tuple[int, ...] = ()

    def is_empty(self) -> bool:
        return not (self.renames or self.merges or self.splits)


def edits_to_json(edits: TopicEdits) -> dict:
    return {
        "renames": [[str(key), str(name)] for key, name in edits.renames],
        "merges": [[int(node) for node in group] for group in edits.merges],
        "splits": [int(node) for node in edits.splits],
    }


def edits_from_json(value: dict) -> TopicEdits:
    return TopicEdits(
        renames=tuple((str(key), str(name)) for key, name in value.get("renames", [])),
        merges=tuple(tuple(int(node) for node in group) for group in value.get("merges", [])),
        splits=tuple(int(node) for node in value.get("splits", [])),
    )


def topic_key(nodes) -> str:
    """"12" for node 12, "3+7" for nodes 3 and 7 shown as one topic (ascending, whatever the order given)."""
    return KEY_SEPARATOR.join(str(node) for node in sorted(int(node) for node in nodes))


@dataclass(frozen=True, eq=False)  # arrays inside: compare fields yourself
class TopicView:
    labels: np.ndarray  # (n,) int64: topic per document, 0 the largest topic, -1 unclustered
    assigned: np.ndarray  # (n,) bool: unclustered by HDBSCAN, given a topic by the assignment
    names: dict[int, str]  # topic id -> display name (a rename, else "3: river · boat · water"); -1 -> "unclustered"
    terms: dict[int, list[tuple[str, float]]]  # topic id -> best (term, score) pairs
    keys: dict[int, str]  # topic id -> topic key ("12", "3+7")
    nodes: dict[int, tuple[int, ...]]  # topic id -> the nodes it is made of (tree nodes, or parts of a split leaf)
    paths: np.ndarray  # (n,) object, str: the document's leaf's path from the root, "10 > 8 > 0"; "" unclustered
    leaves: np.ndarray  # (n,) int64: the document's cluster (tree leaf), assigned ones included; -1 none
    share_clustered_before: float  # share of documents in a cluster before the assignment
    share_clustered_after: float  # ... and after it


def topic_view(
    labels: np.ndarray,
    tree: TopicTree,
    vectors: np.ndarray,
    options: ViewOptions = ViewOptions(),
    edits: TopicEdits = TopicEdits(),
    cluster_points: np.ndarray | None = None,
    texts=None,
    topic_params=None,
) -> TopicView:
    """The topics shown for HDBSCAN's `labels` (0..k-1, -1 noise) and their `tree`, with `options` and `edits`.

    `vectors`: the documents' unit vectors (the assignment measures cosines to cluster centroids). A split
    of a leaf cluster needs `cluster_points`, the clustering space (MapResult.cluster_points).
    Topic terms: a tree node's own; nodes merged by hand, `hierarchy.merged_terms` (their candidates' scores
    weighted by their word counts); the part of a split leaf, c-TF-IDF of its core documents against the other
    half's when `texts` (and `topic_params`, default TopicParams()) are given, else its leaf's.
    """
    labels = np.asarray(labels, dtype=np.int64)
    n, k = len(labels), tree.n_leaves
    if len(vectors) != n:
        raise ValueError(f"{len(vectors)} vectors but {n} labels.")
    if n and labels.max() >= k:
        raise ValueError(f"The labels name cluster {int(labels.max())} but the tree has {k} leaves: not the same map.")

    if options.assign_unclustered and k:
        leaf_of_doc, assigned = assign.assign_unclustered(vectors, labels, options.assign_threshold)
    else:
        leaf_of_doc, assigned = labels.copy(), np.zeros(n, dtype=bool)

    units = nodes_at(tree, options.n_topics if options.n_topics > 0 else auto_n_topics(tree))
    units, part_of_doc, leaf_of_part = _apply_splits(units, edits.splits, tree, labels, leaf_of_doc, assigned,
                                                     vectors, cluster_points)
    groups = _apply_merges(units, edits.merges, tree, leaf_of_part)

    # Each document's unit: its leaf's shown node, or its part of a split leaf.
    unit_of_leaf = np.full(k, NOISE, dtype=np.int64)
    for unit in units:
        if unit < 2 * k - 1:
            unit_of_leaf[tree.leaves_of(unit)] = unit
    clustered = leaf_of_doc != NOISE
    unit_of_doc = np.full(n, NOISE, dtype=np.int64)
    unit_of_doc[clustered] = unit_of_leaf[leaf_of_doc[clustered]]
    unit_of_doc[part_of_doc != NOISE] = part_of_doc[part_of_doc != NOISE]

    # Topics numbered by size (documents shown in them), ties by their smallest node.
    group_of_unit = {unit: i for i, group in enumerate(groups) for unit in group}
    group_of_doc = np.array([group_of_unit.get(int(u), NOISE) for u in unit_of_doc], dtype=np.int64)
    counts = np.bincount(group_of_doc[group_of_doc != NOISE], minlength=len(groups))
    order = sorted(range(len(groups)), key=lambda g: (-counts[g], groups[g][0]))
    topic_of_group = np.empty(len(groups), dtype=np.int64)
    topic_of_group[order] = np.arange(len(groups))
    view_labels = np.full(n, NOISE, dtype=np.int64)
    view_labels[group_of_doc != NOISE] = topic_of_group[group_of_doc[group_of_doc != NOISE]]

    nodes = {int(topic_of_group[g]): groups[g] for g in range(len(groups))}
    keys = {topic: topic_key(group) for topic, group in nodes.items()}
    part_terms = _part_terms(texts, topic_params, part_of_doc, assigned, leaf_of_part) if texts is not None else {}
    terms = {topic: part_terms.get(group[0]) if len(group) == 1 and group[0] in part_terms
             else _group_terms(tree, group, leaf_of_part) for topic, group in nodes.items()}
    renames = dict(edits.renames)
    names = topics.topic_names([NOISE, *nodes], terms)
    names.update({topic: renames[key] for topic, key in keys.items() if renames.get(key)})
    return TopicView(
        labels=view_labels,
        assigned=assigned & (view_labels != NOISE),
        names=dict(sorted(names.items())),
        terms=dict(sorted(terms.items())),
        keys=dict(sorted(keys.items())),
        nodes=dict(sorted(nodes.items())),
        paths=_paths(tree, leaf_of_doc, part_of_doc, view_labels),
        leaves=leaf_of_doc,
        share_clustered_before=float(np.mean(labels != NOISE)) if n else 0.0,
        share_clustered_after=float(np.mean(view_labels != NOISE)) if n else 0.0,
    )


def _apply_splits(units, splits, tree: TopicTree, labels, leaf_of_doc, assigned, vectors, cluster_points):
    """(shown units after the splits, (n,) part id per document of a split leaf else -1, part id -> its leaf)."""
    k = tree.n_leaves
    units = list(units)
    part_of_doc = np.full(len(labels), NOISE, dtype=np.int64)
    leaf_of_part: dict[int, int] = {}
    leaf_splits = 0
    for node in splits:
        node = int(node)
        if node < k:  # a leaf: its parts' ids are fixed by its place among the leaves in `splits`
            first_part = 2 * k - 1 + 2 * leaf_splits
            leaf_splits += 1
            if node not in units:
                continue
            parts = _split_leaf(node, labels, leaf_of_doc, assigned, vectors, cluster_points)
            if parts is None:  # too few documents, or all alike: nothing to split
                continue
            for j, members in enumerate(parts):
                part_of_doc[members] = first_part + j
                leaf_of_part[first_part + j] = node
            at = units.index(node)
            units[at:at + 1] = [first_part, first_part + 1]
        elif node < 2 * k - 1 and node in units:
            at = units.index(node)
            units[at:at + 1] = list(tree.children(node))
    return sorted(units), part_of_doc, leaf_of_part


def _split_leaf(leaf, labels, leaf_of_doc, assigned, vectors, cluster_points):
    """The documents of each half of a leaf cluster (larger half first), or None when it cannot be split.

    Its core documents are split by k-means (2, seeded) in the clustering space; documents assigned to it
    follow the half whose centroid (embedding space) is nearer."""
    if cluster_points is None:
        raise ValueError("Splitting a leaf topic needs the clustering-space points (cluster_points).")
    core = np.flatnonzero(labels == leaf)
    if len(core) < 2:
        return None
    from sklearn.cluster import KMeans

    points = np.asarray(cluster_points, dtype=np.float64)[core]
    halves = KMeans(n_clusters=2, random_state=SPLIT_SEED, n_init=10).fit_predict(points)
    sizes = np.bincount(halves, minlength=2)
    if sizes.min() == 0:
        return None
    if sizes[1] > sizes[0]:  # larger half first, so part ids do not hang on k-means' arbitrary order
        halves = 1 - halves
    followers = np.flatnonzero(assigned & (leaf_of_doc == leaf))
    nearer = np.zeros(0, dtype=np.int64)
    if len(followers):
        nearer, _ = assign.nearest_centroids(np.asarray(vectors)[followers], centroids(np.asarray(vectors)[core], halves, 2))
    return [np.concatenate([core[halves == j], followers[nearer == j]]) for j in (0, 1)]


def _apply_merges(units, merges, tree: TopicTree, leaf_of_part) -> list[tuple[int, ...]]:
    """The topics as groups of units: each hand-merged group (two or more shown units under its nodes; a unit
    joins the first group that covers it), then every other unit alone. Ordered by their smallest unit."""
    if not merges:
        return [(unit,) for unit in units]
    ancestors = {unit: _ancestors(tree, unit, leaf_of_part) for unit in units}
    taken, groups = set(), []
    for group in merges:
        wanted = {int(node) for node in group}
        members = tuple(u for u in units if u not in taken and ancestors[u] & wanted)
        if len(members) >= 2:
            groups.append(members)
            taken.update(members)
    groups.extend((unit,) for unit in units if unit not in taken)
    return sorted(groups)


def _ancestors(tree: TopicTree, unit: int, leaf_of_part) -> set[int]:
    # The unit and every node above it (a part's leaf and that leaf's ancestors).
    if unit in leaf_of_part:
        return {unit, *tree.path_to(leaf_of_part[unit])}
    return set(tree.path_to(unit))


def shown_terms(view: TopicView, n_terms: int) -> dict[int, list[tuple[str, float]]]:
    """Each topic's best `n_terms` terms, as tables list them (what coherence and diversity are measured on)."""
    return {topic: terms[:n_terms] for topic, terms in view.terms.items()}


def _part_terms(texts, topic_params, part_of_doc, assigned, leaf_of_part) -> dict[int, list[tuple[str, float]]]:
    """Each part of a split leaf: c-TF-IDF over its core documents, the two halves of a leaf as the classes."""
    from embdash.pipeline.hierarchy import N_CANDIDATE_TERMS
    from embdash.pipeline.params import TopicParams

    params = dataclasses.replace(topic_params or TopicParams(), n_terms=N_CANDIDATE_TERMS)
    found = {}
    for leaf in sorted(set(leaf_of_part.values())):
        parts = sorted(part for part, of in leaf_of_part.items() if of == leaf)
        rows = np.flatnonzero(np.isin(part_of_doc, parts) & ~assigned)
        found.update(topics.topic_terms([texts[i] for i in rows], part_of_doc[rows], params))
    return found


def _group_terms(tree: TopicTree, group: tuple[int, ...], leaf_of_part) -> list[tuple[str, float]]:
    tree_nodes = list(dict.fromkeys(leaf_of_part.get(unit, unit) for unit in group))  # a part stands for its leaf
    if len(tree_nodes) == 1:
        return list(tree.terms.get(tree_nodes[0], []))
    return merged_terms(tree, tree_nodes)


def _paths(tree: TopicTree, leaf_of_doc, part_of_doc, view_labels) -> np.ndarray:
    path_of_leaf = {leaf: PATH_SEPARATOR.join(map(str, tree.path_to(leaf))) for leaf in range(tree.n_leaves)}
    paths = np.full(len(view_labels), "", dtype=object)
    for i in np.flatnonzero(view_labels != NOISE):
        path = path_of_leaf[int(leaf_of_doc[i])]
        paths[i] = path + (f"{PATH_SEPARATOR}{int(part_of_doc[i])}" if part_of_doc[i] != NOISE else "")
    return paths


def tree_summary(tree: TopicTree, view: TopicView) -> dict:
    """The tree and the view as JSON-ready data: every node (id, parent, children, size in core documents,
    height of its merge, terms, label) and the topics shown (id, key, name, nodes, documents, terms)."""
    parents, k = tree.parents(), tree.n_leaves
    counts = np.bincount(view.labels[view.labels != NOISE], minlength=len(view.keys))
    return {
        "n_clusters": k,
        "n_topics": len(view.keys),
        "root": tree.root,
        "linkage": {"method": LINKAGE_METHOD, "metric": "cosine"},
        "nodes": [
            {
                "id": node,
                "parent": None if parents[node] < 0 else int(parents[node]),
                "children": list(tree.children(node)),
                "size": int(tree.sizes[node]),
                "height": None if node < k else float(tree.heights[node - k]),
                "terms": [[term, score] for term, score in tree.terms.get(node, [])],
                "label": topics.topic_label(tree.terms.get(node, [])),
            }
            for node in range(len(tree.sizes))
        ],
        "topics": [
            {"id": topic, "key": view.keys[topic], "name": view.names[topic], "nodes": list(view.nodes[topic]),
             "documents": int(counts[topic]), "terms": [[term, score] for term, score in view.terms[topic]]}
            for topic in view.keys
        ],
        "unclustered": int(np.sum(view.labels == NOISE)),
        "assigned": int(view.assigned.sum()),
        "share_clustered_before": view.share_clustered_before,
        "share_clustered_after": view.share_clustered_after,
    }


def view_note(view: TopicView, n_clusters: int, threshold: float | None = None) -> list[str]:
    """What a view chose, in words: "12 clusters cut to 8 topics"; with `threshold` (the assignment was
    asked for) "assigned 1,203 of 1,540 unclustered documents (threshold 0.30): 92% clustered, was 71%"."""
    n_topics = len(view.keys)
    cluster_words = f"{n_clusters} cluster{'s' * (n_clusters != 1)}"
    lines = [f"{cluster_words} cut to {n_topics} topic{'s' * (n_topics != 1)}" if n_topics != n_clusters
             else f"{cluster_words} shown as {n_topics} topic{'s' * (n_topics != 1)}"]
    if threshold is not None:
        unclustered_before = int(np.sum(view.labels == NOISE) + view.assigned.sum())
        lines.append(
            f"assigned {int(view.assigned.sum()):,} of {unclustered_before:,} unclustered documents "
            f"(threshold {threshold:.2f}): {view.share_clustered_after:.0%} clustered, was {view.share_clustered_before:.0%}"
        )
    return lines
