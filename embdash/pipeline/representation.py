"""Better topic names: c-TF-IDF's candidate terms re-ranked by meaning, and the documents that show a topic.

c-TF-IDF ranks a cluster's terms by how distinctive their counts are, so a frequent but generic word can
lead ("people", "time"). As BERTopic's KeyBERTInspired does, the candidates are embedded with the corpus's
model and re-ranked by their cosine to the topic's centroid (relevance); Maximal Marginal Relevance (MMR,
as BERTopic's `mmr`) then picks the names one by one, trading relevance against similarity to the terms
already picked, so near-synonyms do not fill the label.

Everything here is plain numpy over vectors the caller hands in; the term vectors' cache is
embdash.pipeline.stages.term_vectors.
"""

from __future__ import annotations

import numpy as np

from embdash.pipeline.topics import NOISE

#: MMR's weight on "unlike the terms already picked" (0: pure relevance, 1: pure novelty). On 3,800 news
#: articles (docs/benchmarks.md) 0.2 beat plain c-TF-IDF names on coherence (NPMI), diversity across topics
#: and relevance alike, with fewer near-synonyms in a label than pure relevance (0) gives; from 0.3 on,
#: coherence fell below c-TF-IDF's.
DIVERSITY = 0.2
#: c-TF-IDF terms per topic worth re-ranking: 20 gave the most coherent names there (10 leaves relevance
#: little to choose from; 30 was as good on diversity, a little less coherent).
N_CANDIDATES = 20

Terms = list[tuple[str, float]]


def rerank(candidates: Terms, term_vectors: np.ndarray, centroid: np.ndarray, n_terms: int,
           diversity: float = DIVERSITY) -> Terms:
    """The best `n_terms` of c-TF-IDF's `candidates` ((term, score), best first) by MMR over their relevance.

    term_vectors: (len(candidates), d), the terms embedded with the corpus's model; centroid: (d,), the topic's
    centroid in the same space (neither needs unit length: cosines are taken). Returns (term, relevance) in
    the order MMR picks them; relevance is the term's cosine to the centroid.
    """
    if not 0.0 <= diversity <= 1.0:
        raise ValueError(f"diversity must be between 0 and 1, got {diversity}.")
    if n_terms < 0:
        raise ValueError(f"n_terms must be at least 0, got {n_terms}.")
    term_vectors = np.asarray(term_vectors, dtype=np.float64)
    if term_vectors.ndim != 2 or len(term_vectors) != len(candidates):
        raise ValueError(f"{len(candidates)} candidates but term vectors of shape {term_vectors.shape}.")
    if not candidates or n_terms == 0:
        return []
    units = unit_rows(term_vectors)
    relevance = units @ _unit(centroid)
    picked = mmr(relevance, units @ units.T, n_terms, diversity)
    return [(candidates[i][0], float(relevance[i])) for i in picked]


def mmr(relevance: np.ndarray, similarity: np.ndarray, n_picks: int, diversity: float) -> list[int]:
    """Maximal Marginal Relevance: indices picked one at a time, first the most relevant, then each time the
    one maximising (1 - diversity) * relevance - diversity * (its highest similarity to those picked).
    Ties go to the lower index (the better c-TF-IDF rank)."""
    n = len(relevance)
    picked = [int(np.argmax(relevance))] if n else []
    left = np.ones(n, dtype=bool)
    if picked:
        left[picked[0]] = False
    closest = similarity[:, picked[0]].copy() if picked else np.zeros(n)
    while len(picked) < min(n_picks, n):
        score = np.where(left, (1 - diversity) * relevance - diversity * closest, -np.inf)
        best = int(np.argmax(score))
        picked.append(best)
        left[best] = False
        closest = np.maximum(closest, similarity[:, best])
    return picked


def topic_centroids(vectors: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Cluster id (noise left out) -> the unit-length mean of its documents' vectors."""
    vectors, labels = _checked(vectors, labels)
    return {c: _unit(vectors[labels == c].mean(axis=0, dtype=np.float64)) for c in _cluster_ids(labels)}


def representative_documents(vectors: np.ndarray, labels: np.ndarray, k: int = 3) -> dict[int, list[int]]:
    """Cluster id (noise left out) -> the rows of its `k` documents closest (cosine) to its centroid, closest
    first; ties by row. A cluster with fewer than k documents gives them all."""
    if k < 0:
        raise ValueError(f"k must be at least 0, got {k}.")
    vectors, labels = _checked(vectors, labels)
    found = {}
    for cluster, centroid in topic_centroids(vectors, labels).items():
        rows = np.flatnonzero(labels == cluster)
        similarity = unit_rows(vectors[rows]) @ centroid
        order = np.lexsort((rows, -similarity))  # last key first: by similarity, then by row
        found[cluster] = [int(rows[i]) for i in order[:k]]
    return found


def name_topics(candidates_by_topic: dict[int, Terms], centroids_by_topic: dict[int, np.ndarray],
                term_vectors_by_term: dict[str, np.ndarray], n_terms: int,
                diversity: float = DIVERSITY) -> dict[int, Terms]:
    """`rerank` for every topic. A topic without a centroid, or with a candidate that has no vector (the
    model was not at hand to embed it), keeps c-TF-IDF's order and scores: its best `n_terms` candidates."""
    named = {}
    for topic, candidates in candidates_by_topic.items():
        centroid = centroids_by_topic.get(topic)
        if centroid is None or any(term not in term_vectors_by_term for term, _ in candidates):
            named[topic] = list(candidates[:n_terms])
            continue
        vectors = np.array([term_vectors_by_term[term] for term, _ in candidates], dtype=np.float64)
        named[topic] = rerank(candidates, vectors.reshape(len(candidates), -1), centroid, n_terms, diversity)
    return named


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _unit(vector) -> np.ndarray:
    return unit_rows(np.asarray(vector, dtype=np.float64)[None, :])[0]


def _checked(vectors, labels) -> tuple[np.ndarray, np.ndarray]:
    # No float64 copy of a large corpus: rows are converted cluster by cluster.
    vectors, labels = np.asarray(vectors), np.asarray(labels)
    if vectors.ndim != 2 or len(vectors) != len(labels):
        raise ValueError(f"{len(labels)} labels but vectors of shape {vectors.shape}.")
    return vectors, labels


def _cluster_ids(labels: np.ndarray) -> list[int]:
    return sorted(int(c) for c in np.unique(labels) if c != NOISE)
