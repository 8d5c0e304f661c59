"""The map pipeline: vectors -> 2-D layout, k-d projection -> clusters -> topic terms -> quality metrics.

Each stage is a plain function of arrays and parameters so a caller can cache it on its own key:
    layout_2d(vectors, umap)                        depends on UmapParams only
    cluster_space(vectors, umap, cluster)           UmapParams (min_dist excepted) + cluster_dims
    cluster(points, cluster)                        ClusterParams
    topic_terms(texts, labels, topics)              TopicParams
so changing topic parameters never recomputes a projection, and changing cluster parameters never
recomputes the 2-D layout. `projections` computes the first two together (the same results, sooner).
`build_map` chains them for the CLI and tests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np
import pandas as pd

from embdash.pipeline import cluster as clustering
from embdash.pipeline import reduce, topics
from embdash.pipeline.params import ClusterParams, MapParams, UmapParams

if TYPE_CHECKING:
    from embdash.pipeline.topic_view import TopicView

STAGES = ("Projecting (2-D map and clustering space)", "Clustering", "Labelling topics", "Measuring quality")
MAP_COLUMNS = ("x", "y", "cluster", "topic", "assigned", "topic_path")


@dataclass(frozen=True)
class MapMetrics:
    trustworthiness: float  # of the 2-D layout, 0.5 (random) .. 1.0; NaN for fewer than 4 points
    silhouette: float | None  # of the clusters in the clustering space; None with < 2 clusters
    noise_share: float
    n_clusters: int
    n_points: int


@dataclass(frozen=True, eq=False)  # arrays inside: compare fields yourself
class MapResult:
    coords: np.ndarray  # (n, 2) float32, the drawn layout
    cluster_points: np.ndarray  # (n, cluster_dims) float32, what clustering ran on
    labels: np.ndarray  # (n,) int, -1 = unclustered
    topics: topics.TopicTerms  # cluster id -> [(term, score)], best first
    metrics: MapMetrics


def layout_2d(vectors: np.ndarray, umap_params: UmapParams) -> np.ndarray:
    """The 2-D map layout."""
    return reduce.project(vectors, 2, umap_params)


def clustering_umap_params(umap_params: UmapParams) -> UmapParams:
    """The UMAP parameters of the clustering projection: min_dist 0, as BERTopic and umap's docs
    advise for clustering (dense clumps separate better). Cache the clustering projection on these."""
    return dataclasses.replace(umap_params, min_dist=0.0)


def cluster_space(vectors: np.ndarray, umap_params: UmapParams, cluster_params: ClusterParams) -> np.ndarray:
    """The k-d projection clustering runs on (k = cluster_params.cluster_dims), separate from the 2-D layout."""
    return reduce.project(vectors, cluster_params.cluster_dims, clustering_umap_params(umap_params))


def projections(vectors: np.ndarray, umap_params: UmapParams, cluster_params: ClusterParams) -> tuple[np.ndarray, np.ndarray]:
    """layout_2d and cluster_space at once: one neighbour search, the two layouts side by side (same results)."""
    coords, points = reduce.project_together(
        vectors, [(2, umap_params), (cluster_params.cluster_dims, clustering_umap_params(umap_params))]
    )
    return coords, points


def measure(vectors: np.ndarray, coords: np.ndarray, cluster_points: np.ndarray, labels: np.ndarray) -> MapMetrics:
    """Quality of a map: how faithful the layout is, how separated and complete the clustering is."""
    return MapMetrics(
        trustworthiness=reduce.trustworthiness(vectors, coords),
        silhouette=clustering.silhouette(cluster_points, labels),
        noise_share=clustering.noise_share(labels),
        n_clusters=clustering.n_clusters(labels),
        n_points=len(labels),
    )


def build_map(
    vectors: np.ndarray,
    texts: Sequence[str],
    params: MapParams = MapParams(),
    on_stage: Callable[[str], None] | None = None,
) -> MapResult:
    """Run every stage in order, calling on_stage(name) before each (names in STAGES)."""
    if len(vectors) != len(texts):
        raise ValueError(f"{len(vectors)} vectors but {len(texts)} texts.")
    announce = on_stage or (lambda name: None)
    announce(STAGES[0])
    coords, points = projections(vectors, params.umap, params.cluster)
    announce(STAGES[1])
    labels = clustering.cluster(points, params.cluster)
    announce(STAGES[2])
    terms = topics.topic_terms(list(texts), labels, params.topics)
    announce(STAGES[3])
    metrics = measure(vectors, coords, points, labels)
    return MapResult(coords=coords, cluster_points=points, labels=labels, topics=terms, metrics=metrics)


def map_frame(corpus_frame: pd.DataFrame, text_column: str, result: MapResult, view: TopicView | None = None) -> pd.DataFrame:
    """The corpus rows, in order, plus x, y, cluster (-1 = unclustered), topic (its name), assigned (an
    unclustered document given a topic) and topic_path (its place in the topic tree, "10 > 8 > 3").

    With a `view` (topic_view.topic_view), cluster, topic, assigned and topic_path are the view's; without
    one, the clusters as found, nothing assigned and no paths.
    Input columns that share a name with a map column are kept, renamed "<name> (data)".
    """
    if text_column not in corpus_frame.columns:
        raise ValueError(f"No column {text_column!r} in the corpus frame.")
    if len(corpus_frame) != len(result.labels):
        raise ValueError(f"The corpus has {len(corpus_frame)} rows but the map has {len(result.labels)} points.")
    if view is not None and len(view.labels) != len(result.labels):
        raise ValueError(f"The view has {len(view.labels)} documents but the map has {len(result.labels)} points.")
    frame = corpus_frame.rename(columns={c: data_column_name(c) for c in MAP_COLUMNS if c in corpus_frame.columns})
    if view is None:
        labels, names = np.asarray(result.labels, dtype=np.int64), topic_names(result.labels, result.topics)
        assigned, paths = np.zeros(len(labels), dtype=bool), np.full(len(labels), "", dtype=object)
    else:
        labels, names, assigned, paths = view.labels, view.names, view.assigned, view.paths
    return frame.assign(
        x=result.coords[:, 0],
        y=result.coords[:, 1],
        cluster=labels,
        topic=[names[int(label)] for label in labels],
        assigned=np.asarray(assigned, dtype=bool),
        topic_path=np.asarray(paths, dtype=object),
    )


def data_column_name(column: str) -> str:
    """The name a corpus column has in map_frame's output ("<name> (data)" where it clashes with a map column)."""
    return f"{column} (data)" if column in MAP_COLUMNS else column


def topic_names(labels: np.ndarray, topic_terms: topics.TopicTerms) -> dict[int, str]:
    """Cluster id -> topic name ("3: river · boat · water"), "unclustered" for -1; no two labels alike."""
    return topics.topic_names(np.unique(labels), topic_terms)


def cluster_table(
    texts: Sequence[str],
    labels: np.ndarray,
    topic_terms: topics.TopicTerms,
    n_examples: int = 3,
    points: np.ndarray | None = None,
    names: dict[int, str] | None = None,
    assigned: np.ndarray | None = None,
    n_terms: int | None = None,
) -> pd.DataFrame:
    """One row per cluster (largest first) and a last row for the unclustered, if any.

    Columns: cluster, topic, size, share, top terms (joined by " · "), examples (list of texts:
    those nearest the cluster's centroid in `points` when given, else the first ones). `names` overrides
    the topic names (a view's, renames included); with `assigned` (a bool per document), an "assigned"
    column counts the documents given the cluster by assignment, and examples come from its core documents.
    `n_terms` caps the top terms listed (a view keeps up to 30 candidates per topic).
    """
    texts, labels = list(texts), np.asarray(labels)  # positions, whatever the texts' index
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels.")
    present = [int(c) for c in np.unique(labels)]
    ordered = sorted(c for c in present if c != clustering.NOISE) + [c for c in present if c == clustering.NOISE]
    rows, names = [], names or topics.topic_names(present, topic_terms)
    core = np.ones(len(labels), dtype=bool) if assigned is None else ~np.asarray(assigned, dtype=bool)
    for c in ordered:
        members = np.flatnonzero(labels == c)
        terms = topic_terms.get(c, [])
        examples = _example_rows(members[core[members]], points, n_examples, noise=c == clustering.NOISE)
        rows.append({
            "cluster": c,
            "topic": names.get(c, topics.topic_name(c, terms)),
            "size": len(members),
            "share": len(members) / len(labels),
            **({} if assigned is None else {"assigned": int((~core[members]).sum())}),
            "top terms": topics.LABEL_SEPARATOR.join(term for term, _ in terms[:n_terms]),
            "examples": [texts[i] for i in examples],
        })
    columns = ["cluster", "topic", "size", "share", *([] if assigned is None else ["assigned"]), "top terms", "examples"]
    return pd.DataFrame(rows, columns=columns)



def _example_rows(members: np.ndarray, points: np.ndarray | None, n_examples: int, noise: bool) -> np.ndarray:
    # Noise has no centre worth the name: show its first members.
    if points is None or noise:
        return members[:n_examples]
    member_points = np.asarray(points)[members]
    distances = np.linalg.norm(member_points - member_points.mean(axis=0), axis=1)
    return members[np.argsort(distances, kind="stable")[:n_examples]]
