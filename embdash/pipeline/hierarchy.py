"""A hierarchy of topics: HDBSCAN's clusters merged step by step into broader topics, with terms for every node.

The leaves 0..k-1 are the clusters. Their centroids in the embedding space (`cluster.centroids`) are joined
by agglomerative clustering on cosine distance, scipy's linkage convention: merge i makes node k + i from
its two children, at a non-decreasing height. Showing n topics undoes the last k - n merges (`nodes_at`).

Every node gets c-TF-IDF terms over its documents with one global idf, computed at the leaf level (noise
included, as `topics.topic_terms` does), so a leaf's terms are its topic terms and a node's scores are
comparable with its children's (BERTopic's hierarchical_topics does the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from embdash.pipeline import topics
from embdash.pipeline.cluster import NOISE, centroids
from embdash.pipeline.params import TopicParams

#: scipy linkage method joining the clusters: "average" (UPGMA) on cosine distance. Measured on six labelled
#: corpora cut at their true number of classes (bench/bench_hierarchy.py, docs/benchmarks.md): average and
#: ward tie on the topical ones (R8 0.825, 20 Newsgroups 0.686), both beat c-TF-IDF vectors (BERTopic's
#: choice) by 0.02-0.05; average keeps merge heights in cosine distance, which the tree view shows.
LINKAGE_METHOD = "average"
#: "auto" merges the clusters whose centroids are closer than this share of the median cosine distance
#: between two centroids: near-duplicate topics, judged against how far apart this corpus's topics
#: usually are. Measured (bench_hierarchy.py): R8 0.624 -> 0.774 V-measure, no corpus or seed lower by
#: more than 0.007, where absolute thresholds merged a whole corpus and largest-jump rules collapsed others.
AUTO_CUT_SHARE = 0.4
#: Methods defined for euclidean distances only: they get the euclidean distance of the unit centroids,
#: sqrt(2 * cosine distance), which orders pairs as cosine does.
EUCLIDEAN_METHODS = frozenset({"ward", "centroid", "median"})
#: Candidate terms kept per node (labels use the first 3; the rest are there to be reranked).
N_CANDIDATE_TERMS = 30
#: Names what makes the tree, for cache keys: a change of method or term count never serves an old tree.
RECIPE = f"linkage:{LINKAGE_METHOD};cosine;terms:{N_CANDIDATE_TERMS};median-distance"


@dataclass(frozen=True, eq=False)  # arrays inside: compare fields yourself
class TopicTree:
    merges: np.ndarray  # (k-1, 2) int64: row i makes node k + i from these two nodes
    heights: np.ndarray  # (k-1,) float64, non-decreasing: the distance at which each merge happens
    sizes: np.ndarray  # (2k-1,) int64: core documents under each node
    terms: dict[int, list[tuple[str, float]]]  # node id -> its best (term, c-TF-IDF score) pairs
    # (2k-1,) float64: words (vocabulary terms) counted under each node; with one global idf, a union's
    # c-TF-IDF score is its members' scores weighted by these (see `merged_terms`)
    word_counts: np.ndarray = field(default_factory=lambda: np.zeros(0))
    median_distance: float = 0.0  # median cosine distance between two leaf centroids (0: fewer than 2 leaves)

    @property
    def n_leaves(self) -> int:
        return len(self.merges) + 1 if len(self.sizes) else 0

    @property
    def root(self) -> int:
        """The node holding every leaf (-1 for a tree without leaves)."""
        return len(self.sizes) - 1

    def children(self, node: int) -> tuple[int, ...]:
        """The two nodes merged into `node`; () for a leaf."""
        k = self.n_leaves
        self._check(node)
        return () if node < k else tuple(int(c) for c in self.merges[node - k])

    def leaves_of(self, node: int) -> list[int]:
        """The leaves (clusters) under `node`, ascending; [node] for a leaf."""
        self._check(node)
        found, stack = [], [node]
        while stack:
            current = stack.pop()
            below = self.children(current)
            if below:
                stack.extend(below)
            else:
                found.append(current)
        return sorted(found)

    def parents(self) -> np.ndarray:
        """(2k-1,) int64: each node's parent, -1 for the root."""
        parent = np.full(len(self.sizes), -1, dtype=np.int64)
        for i, pair in enumerate(self.merges):
            parent[pair] = self.n_leaves + i
        return parent

    def path_to(self, node: int) -> list[int]:
        """The nodes from the root down to `node` (both included)."""
        self._check(node)
        parent, path = self.parents(), [node]
        while parent[path[-1]] >= 0:
            path.append(int(parent[path[-1]]))
        return path[::-1]

    def _check(self, node: int) -> None:
        if not 0 <= node < len(self.sizes):
            raise ValueError(f"No node {node} in a tree of {len(self.sizes)} nodes.")


def build_tree(vectors: np.ndarray, labels: np.ndarray, texts, topic_params: TopicParams = TopicParams()) -> TopicTree:
    """The topic tree of a clustering: `labels` 0..k-1 (-1 noise) of the documents `texts` with unit `vectors`."""
    labels = np.asarray(labels, dtype=np.int64)
    texts = list(texts)
    if not len(vectors) == len(labels) == len(texts):
        raise ValueError(f"{len(vectors)} vectors, {len(labels)} labels and {len(texts)} texts: give one of each per document.")
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    centres = centroids(vectors, labels, k)
    merges, heights = linkage_of(centres)
    leaf_sizes = np.bincount(labels[labels != NOISE], minlength=k).astype(np.int64)
    sizes = np.concatenate([leaf_sizes, np.zeros(max(k - 1, 0), dtype=np.int64)])
    for i, (a, b) in enumerate(merges):
        sizes[k + i] = sizes[a] + sizes[b]
    terms, word_counts = node_terms(texts, labels, merges, topic_params)
    return TopicTree(merges=merges, heights=heights, sizes=sizes, terms=terms, word_counts=word_counts,
                     median_distance=median_distance(centres))


def median_distance(centres: np.ndarray) -> float:
    """The median cosine distance between two of the unit `centres` (0.0 for fewer than two)."""
    from scipy.spatial.distance import pdist

    return float(np.median(pdist(np.asarray(centres, dtype=np.float64), "cosine"))) if len(centres) >= 2 else 0.0


def linkage_of(centres: np.ndarray, method: str = LINKAGE_METHOD) -> tuple[np.ndarray, np.ndarray]:
    """(merges (k-1, 2) int64, heights (k-1,) float64) of agglomerative clustering of the unit `centres`."""
    k = len(centres)
    if k < 2:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.float64)
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    centres = np.asarray(centres, dtype=np.float64)
    # Computed here, not by pdist: a zero centroid (a cluster of empty vectors) is then at distance 1, not NaN.
    distances = np.clip(1.0 - centres @ centres.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    if method in EUCLIDEAN_METHODS:
        distances = np.sqrt(2.0 * distances)
    condensed = squareform((distances + distances.T) / 2, checks=False)
    result = linkage(condensed, method=method)
    heights = np.maximum.accumulate(result[:, 2])  # guards against rounding: cuts assume sorted heights
    return result[:, :2].astype(np.int64), heights.astype(np.float64)


def node_terms(texts: list[str], labels: np.ndarray, merges: np.ndarray, params: TopicParams):
    """(node id -> top N_CANDIDATE_TERMS (term, score), (2k-1,) words per node): c-TF-IDF of each node's
    documents, tf per node, idf from the leaves and noise (one vectorizer fit for the whole tree)."""
    k = len(merges) + 1 if (labels >= 0).any() else 0
    empty = {node: [] for node in range(max(2 * k - 1, 0))}
    fitted = topics.fitted_vectorizer(texts, params) if k else None
    if fitted is None:
        return empty, np.zeros(len(empty))
    vectorizer, document_counts = fitted
    classes = list(range(k)) + ([NOISE] if (labels == NOISE).any() else [])
    leaf_counts = topics.class_counts(texts, labels, classes, vectorizer, document_counts).astype(np.float64)
    idf = topics.class_idf(leaf_counts)  # sparse rows throughout: the vocabulary can run to millions
    vocabulary = vectorizer.get_feature_names_out()
    terms, word_counts = {}, np.zeros(2 * k - 1)
    live = {leaf: leaf_counts[leaf] for leaf in range(k)}  # counts of the nodes not yet merged
    for node in range(2 * k - 1):
        if node >= k:
            a, b = merges[node - k]
            live[node] = live.pop(int(a)) + live.pop(int(b))
        counts = live[node]
        word_counts[node] = counts.sum()
        scores = topics.class_tf(counts).multiply(idf[None, :]).tocsr()
        terms[node] = topics.top_terms(scores, vocabulary, N_CANDIDATE_TERMS)
    return terms, word_counts


def nodes_at(tree: TopicTree, n_topics: int) -> list[int]:
    """The n nodes shown as topics when the tree is cut to n topics (the last k - n merges undone), ascending.
    n is clipped to 1..k; [] for a tree without leaves."""
    k = tree.n_leaves
    if k == 0:
        return []
    n = min(max(int(n_topics), 1), k)
    shown = set(range(k))
    for i in range(k - n):
        shown -= {int(c) for c in tree.merges[i]}
        shown.add(k + i)
    return sorted(shown)


def cut(tree: TopicTree, n_topics: int) -> np.ndarray:
    """(k,) int64: each leaf's node among `nodes_at(tree, n_topics)`."""
    mapping = np.full(tree.n_leaves, NOISE, dtype=np.int64)
    for node in nodes_at(tree, n_topics):
        mapping[tree.leaves_of(node)] = node
    return mapping


def auto_n_topics(tree: TopicTree) -> int:
    """How many topics "auto" shows: the clusters, with those closer than AUTO_CUT_SHARE x the tree's median
    centroid distance merged (the merges at or below that height; heights never decrease)."""
    if tree.n_leaves < 3:
        return tree.n_leaves
    return tree.n_leaves - int(np.sum(tree.heights <= AUTO_CUT_SHARE * tree.median_distance))


def merged_terms(tree: TopicTree, nodes, n_terms: int = N_CANDIDATE_TERMS) -> list[tuple[str, float]]:
    """The terms of the union of `nodes` (disjoint): with one global idf, a union's c-TF-IDF score is its
    members' scores weighted by their word counts. Exact for a term among every member's candidates; a
    member that does not list a term counts 0 for it, so scores of rarer terms are a lower bound."""
    nodes = [int(node) for node in nodes]
    weights = tree.word_counts[nodes] if len(tree.word_counts) else tree.sizes[nodes].astype(np.float64)
    total = weights.sum()
    if total <= 0:
        return list(tree.terms.get(nodes[0], [])) if nodes else []
    scores: dict[str, float] = {}
    for node, weight in zip(nodes, weights):
        for term, score in tree.terms.get(node, []):
            scores[term] = scores.get(term, 0.0) + weight * score / total
    ranked = sorted(scores, key=lambda term: (-scores[term], term))
    return [(term, scores[term]) for term in topics.drop_repeated_words(ranked)[:n_terms]]


def tree_to_json(tree: TopicTree) -> dict:
    # Plain lists (json writes floats by repr, which reads back exactly); terms as pairs, not an object,
    # so node ids stay ints.
    return {
        "merges": tree.merges.tolist(),
        "heights": [float(h) for h in tree.heights],
        "sizes": tree.sizes.tolist(),
        "word_counts": [float(w) for w in tree.word_counts],
        "median_distance": float(tree.median_distance),
        "terms": [[int(node), [[str(t), float(s)] for t, s in ranked]] for node, ranked in tree.terms.items()],
    }


def tree_from_json(value: dict) -> TopicTree:
    return TopicTree(
        merges=np.asarray(value["merges"], dtype=np.int64).reshape(-1, 2),
        heights=np.asarray(value["heights"], dtype=np.float64),
        sizes=np.asarray(value["sizes"], dtype=np.int64),
        terms={int(node): [(str(t), float(s)) for t, s in ranked] for node, ranked in value["terms"]},
        word_counts=np.asarray(value.get("word_counts", []), dtype=np.float64),
        median_distance=float(value.get("median_distance", 0.0)),
    )


def node_centroids(tree: TopicTree, leaf_centres: np.ndarray) -> np.ndarray:
    """(2k-1, d) unit vectors: each node's direction, its leaves' unit centroids weighted by their sizes and
    re-normalised (a leaf: its own centroid)."""
    k = tree.n_leaves
    leaf_centres = np.asarray(leaf_centres, dtype=np.float64)
    sums = np.zeros((len(tree.sizes), leaf_centres.shape[1] if leaf_centres.ndim == 2 else 0))
    sums[:k] = leaf_centres[:k] * tree.sizes[:k, None]
    for i, (a, b) in enumerate(tree.merges):
        sums[k + i] = sums[a] + sums[b]
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
