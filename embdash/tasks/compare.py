"""Compare embedding models on one corpus: in the vector space, against labels, and by cost.

Callers hand in the expensive things (each model's vectors, 2-D map and HDBSCAN clusters, measured
costs) as `ModelRun`s; `compare` builds the whole `CompareReport`, a plain dataclass that serialises
to JSON (`embdash.tasks.compare_report.report_json`). The dashboard's Compare page and `python -m embdash compare` share it.

The measures, all over the same documents in the same order:
- neighbour overlap: per document, Jaccard of its k nearest neighbours (by cosine, itself excluded)
  under two models; a random pair of models scores about `chance_jaccard(n, k)`;
- rank correlation: Spearman correlation of the two models' cosine similarities over a seeded
  random sample of document pairs (i < j);
- clustering agreement: ARI and NMI of the two HDBSCAN clusterings over every document, the
  unclustered (noise) counted as one more cluster;
- against labels: V-measure of the HDBSCAN clusters (clustered documents only, with the share
  clustered), of k-means with k = number of labels (mean over seeds), and stratified
  cross-validated kNN accuracy.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from embdash.errors import EmbdashError
from embdash.pipeline.params import param

MIN_MODELS, MAX_MODELS = 2, 4
NOISE = -1
SPEED_SAMPLE = 200  # texts embedded (uncached) to measure a model's speed on this corpus
HISTOGRAM_BINS = 10
MAX_LABELS_SHARE = 0.5  # a label column has at most this many distinct values per document


class CompareError(EmbdashError):
    """The models or labels given cannot be compared (too few models, too few documents, no such column...)."""


@dataclass(frozen=True)
class CompareParams:
    k: int = param(
        10, "How many nearest neighbours of each document to compare between models (Jaccard@k) and to vote in kNN.",
        min=2, max=50, step=1, label="Neighbours (k)",
    )
    n_pairs: int = param(
        20_000, "How many random pairs of documents the rank correlation of similarities is measured on.",
        min=1_000, max=200_000, step=1_000, label="Pairs sampled",
    )
    kmeans_seeds: int = param(5, "k-means runs (seeds) averaged for its V-measure.", min=1, max=20, step=1, label="k-means seeds")
    folds: int = param(5, "Cross-validation folds for kNN accuracy.", min=2, max=10, step=1, label="Folds")
    n_disagreements: int = param(10, "How many of the most disagreeing documents to list per pair of models.",
                                 min=1, max=50, step=1, label="Disagreements listed")
    seed: int = param(0, "Random seed for the sampled pairs and k-means.", min=0, max=2**31 - 1, label="Seed")


# ---- inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    dim: int
    size_mb: float | None  # weights on disk; None when unknown
    load_seconds: float | None  # None when unknown
    load_source: str  # "measured" (loaded in this process) or "catalogue" (measured in a fresh process)
    docs_per_second: float  # measured on a sample of this corpus, uncached
    speed_sample: int  # texts timed
    vector_bytes: int  # n * d * bytes per value (4 for float32, 2 from a float16 store)


@dataclass(frozen=True, eq=False)  # arrays inside
class ModelRun:
    model_id: str
    name: str
    vectors: np.ndarray  # (n, d) unit float32
    coords: np.ndarray  # (n, 2) the model's map
    clusters: np.ndarray  # (n,) HDBSCAN labels, -1 = unclustered
    cost: Cost


# ---- outputs --------------------------------------------------------------------------------------


@dataclass
class LabelScores:
    n_labels: int
    n_labelled: int
    v_measure_hdbscan: float | None  # over labelled, clustered documents
    hdbscan_coverage: float  # share of labelled documents HDBSCAN clustered
    v_measure_kmeans: float  # k-means with k = n_labels, mean over seeds
    v_measure_kmeans_std: float
    kmeans_seeds: int
    knn_accuracy: float | None  # stratified cross-validated; None when no label has two examples
    knn_folds: int
    knn_k: int
    majority_accuracy: float  # always guessing the commonest label: the floor kNN must beat
    knn_accuracy_std: float | None = None  # the spread of the accuracy across the folds


@dataclass
class ModelScores:
    model_id: str
    name: str
    dim: int
    size_mb: float | None
    load_seconds: float | None
    load_source: str
    docs_per_second: float
    speed_sample: int
    vector_bytes: int
    n_clusters: int
    noise_share: float
    procrustes_disparity: float  # of its map aligned to the first model's (0 = same picture)
    labels: LabelScores | None


@dataclass
class Disagreement:
    row: int
    jaccard: float
    text: str
    neighbours_a: list[int]
    neighbours_b: list[int]
    neighbour_texts_a: list[str]
    neighbour_texts_b: list[str]


@dataclass
class PairAgreement:
    model_a: str
    model_b: str
    k: int
    jaccard_mean: float
    jaccard_median: float
    jaccard_chance: float  # expected for unrelated models
    jaccard_histogram: list[int]  # counts of documents per bin
    jaccard_bin_edges: list[float]
    spearman: float  # NaN when a model gives every pair the same similarity
    n_pairs: int
    ari: float
    nmi: float
    noise_share_a: float
    noise_share_b: float
    disagreements: list[Disagreement]
    jaccard: np.ndarray = field(repr=False, metadata={"json": False})  # (n,) per document


@dataclass
class CompareReport:
    n_docs: int
    k: int
    label_column: str | None
    models: list[ModelScores]
    pairs: list[PairAgreement]
    recommendation: list[str]
    params: dict
    notes: list[str]  # how to read the numbers
    context: dict  # what was compared: corpus key, text column, map parameters (given by the caller)
    aligned_coords: list[np.ndarray] = field(repr=False, metadata={"json": False})  # each map aligned to the first


# ---- vector-space agreement -----------------------------------------------------------------------


def nearest_neighbours(vectors: np.ndarray, k: int, block: int = 1024) -> np.ndarray:
    """(n, k) rows of each document's k nearest neighbours by cosine, best first, itself excluded.

    Exact, in blocks of rows so memory stays at block * n similarities. Ties go to the lower row.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    if not 1 <= k < n:
        raise CompareError(f"Neighbours (k) must be between 1 and {n - 1} for {n} documents; got {k}.")
    result = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, block):
        stop = min(start + block, n)
        scores = vectors[start:stop] @ vectors.T
        scores[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # never your own neighbour
        candidates = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        candidate_scores = np.take_along_axis(scores, candidates, axis=1)
        order = np.lexsort((candidates, -candidate_scores), axis=-1)
        result[start:stop] = np.take_along_axis(candidates, order, axis=1)
    return result


def jaccard_overlap(neighbours_a: np.ndarray, neighbours_b: np.ndarray, block: int = 4096) -> np.ndarray:
    """(n,) per-document Jaccard of two (n, k) neighbour lists: |A ∩ B| / |A ∪ B|."""
    if neighbours_a.shape != neighbours_b.shape:
        raise ValueError(f"Neighbour lists differ in shape: {neighbours_a.shape} and {neighbours_b.shape}.")
    n, k = neighbours_a.shape
    shared = np.empty(n, dtype=np.int64)
    for start in range(0, n, block):
        a, b = neighbours_a[start:start + block], neighbours_b[start:start + block]
        shared[start:start + block] = (a[:, :, None] == b[:, None, :]).any(axis=2).sum(axis=1)
    return shared / (2 * k - shared)


def chance_jaccard(n: int, k: int) -> float:
    """Expected Jaccard of two independent random k-neighbour lists among n - 1 documents.

    The overlap of two random k-subsets of n - 1 is hypergeometric; J = overlap / (2k - overlap).
    """
    from scipy.stats import hypergeom

    overlap = np.arange(0, k + 1)
    probability = hypergeom(n - 1, k, k).pmf(overlap)
    return float(np.sum(probability * overlap / (2 * k - overlap)))


def sampled_pairs(n: int, n_pairs: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) with i < j: every pair when there are at most n_pairs, else a seeded random sample (with replacement)."""
    if n * (n - 1) // 2 <= n_pairs:
        return np.triu_indices(n, k=1)
    rng = np.random.default_rng(seed)
    i, j = rng.integers(0, n, size=(2, n_pairs * 2))
    keep = i != j
    i, j = i[keep][:n_pairs], j[keep][:n_pairs]
    return np.minimum(i, j), np.maximum(i, j)


def similarity_correlation(vectors_a: np.ndarray, vectors_b: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> float:
    """Spearman correlation of the two models' cosine similarities over the given pairs (NaN if one is constant)."""
    from scipy.stats import spearmanr

    i, j = pairs
    # In float32 even for float16 vectors (a float16 store): float16 sums would round the similarities into ties.
    similarity_a = np.einsum("ij,ij->i", vectors_a[i], vectors_a[j], dtype=np.promote_types(vectors_a.dtype, np.float32))
    similarity_b = np.einsum("ij,ij->i", vectors_b[i], vectors_b[j], dtype=np.promote_types(vectors_b.dtype, np.float32))
    if np.ptp(similarity_a) == 0 or np.ptp(similarity_b) == 0:
        return float("nan")
    return float(spearmanr(similarity_a, similarity_b).statistic)


def clustering_agreement(labels_a: np.ndarray, labels_b: np.ndarray) -> tuple[float, float]:
    """(ARI, NMI) over every document; the unclustered (-1) count as one more cluster."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return float(adjusted_rand_score(labels_a, labels_b)), float(normalized_mutual_info_score(labels_a, labels_b))


def biggest_disagreements(jaccard: np.ndarray, count: int) -> np.ndarray:
    """Rows of the `count` documents whose neighbourhoods overlap least (lowest Jaccard; ties to the lower row)."""
    return np.lexsort((np.arange(len(jaccard)), jaccard))[:count]


# ---- maps -----------------------------------------------------------------------------------------


def align_maps(coords: Sequence[np.ndarray]) -> tuple[list[np.ndarray], list[float]]:
    """Every map Procrustes-aligned to the first (translated, scaled, rotated or reflected), and its disparity.

    Returns the maps in the first's standardised frame (centred, unit size) and each one's Procrustes
    disparity to the first: 0 for the same picture, up to 1.
    """
    from scipy.spatial import procrustes

    reference = np.asarray(coords[0], dtype=np.float64)
    aligned, disparities = [], []
    for other in coords:
        standard_reference, fitted, disparity = procrustes(reference, np.asarray(other, dtype=np.float64))
        aligned.append(fitted.astype(np.float32))
        disparities.append(float(disparity))
    aligned[0] = standard_reference.astype(np.float32)
    return aligned, disparities


# ---- against labels -------------------------------------------------------------------------------


def checked_labels(labels: Sequence) -> np.ndarray:
    """The labels as an object array; CompareError unless at least two different labels are filled in."""
    from embdash.tasks import classify

    labels = np.asarray(list(labels), dtype=object)
    if len(np.unique(labels[~classify.is_missing_label(labels)].astype(str))) < 2:
        raise CompareError("The label column needs at least two different labels to score the models against.")
    return labels


def label_scores(
    vectors: np.ndarray, clusters: np.ndarray, labels: Sequence, params: CompareParams = CompareParams()
) -> LabelScores:
    """How well a model's vectors separate the given labels (empty labels are left out)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import v_measure_score

    from embdash.tasks import classify

    labels = checked_labels(labels)
    labelled = np.flatnonzero(~classify.is_missing_label(labels))
    values = labels[labelled].astype(str)
    n_labels = len(np.unique(values))
    vectors, clusters = np.asarray(vectors)[labelled], np.asarray(clusters)[labelled]

    clustered = clusters != NOISE
    v_hdbscan = float(v_measure_score(values[clustered], clusters[clustered])) if clustered.any() else None

    runs = [
        v_measure_score(values, KMeans(n_clusters=n_labels, n_init=1, random_state=params.seed + s).fit_predict(vectors))
        for s in range(params.kmeans_seeds)
    ]

    # Cross-validation needs two examples of a label: labels seen once are left out of kNN only.
    names, counts = np.unique(values, return_counts=True)
    repeated = np.isin(values, names[counts >= 2])
    knn_accuracy, knn_std, folds = None, None, 0
    if len(np.unique(values[repeated])) >= 2:
        folds = classify.fold_count(values[repeated], params.folds)
        result = classify.evaluate(
            vectors[repeated], values[repeated], ("knn",), folds=params.folds, seed=params.seed,
            params=classify.ClassifyParams(k=params.k),
        )["knn"]
        knn_accuracy = result.accuracy
        truth = values[repeated]
        knn_std = float(np.std([np.mean(result.predicted[test] == truth[test])
                                for test in classify.fold_tests(truth, params.folds, params.seed)]))
    return LabelScores(
        n_labels=n_labels,
        n_labelled=len(labelled),
        v_measure_hdbscan=v_hdbscan,
        hdbscan_coverage=float(clustered.mean()),
        v_measure_kmeans=float(np.mean(runs)),
        v_measure_kmeans_std=float(np.std(runs)),
        kmeans_seeds=params.kmeans_seeds,
        knn_accuracy=knn_accuracy,
        knn_folds=folds,
        knn_accuracy_std=knn_std,
        knn_k=params.k,
        majority_accuracy=float(counts.max() / counts.sum()),
    )


def likely_label_column(frame: pd.DataFrame, text_column: str) -> str | None:
    """The column that looks most like a label: few distinct values (2 to half the rows, at most 50) and
    at least half the rows filled; text columns before numbers (a year is rarely the categories), then
    the fullest, then the first. None when nothing fits."""
    best, best_rank = None, None
    for column in frame.columns:
        if column == text_column or pd.api.types.is_float_dtype(frame[column].dtype):
            continue
        values = frame[column].dropna()
        distinct = values.astype(str).nunique()
        fill = len(values) / max(1, len(frame))
        rank = (not pd.api.types.is_numeric_dtype(frame[column].dtype), fill)
        if 2 <= distinct <= min(50, MAX_LABELS_SHARE * len(frame)) and fill >= 0.5 and (best_rank is None or rank > best_rank):
            best, best_rank = column, rank
    return best


# ---- cost -----------------------------------------------------------------------------------------


def timed_load(load):
    """(what load() returns, seconds it took)."""
    started = time.perf_counter()
    loaded = load()
    return loaded, time.perf_counter() - started


def measure_speed(embedder, texts: Sequence[str], sample: int = SPEED_SAMPLE, seed: int = 0) -> tuple[float, int]:
    """(texts per second, texts timed): embeds a seeded sample of the corpus directly, bypassing the cache,
    after a two-text warm-up (first calls pay one-off set-up costs)."""
    texts = list(texts)
    if not texts:
        raise CompareError("The corpus has no texts to time the models on.")
    rows = np.random.default_rng(seed).permutation(len(texts))[:sample]
    chosen = [texts[r] for r in sorted(rows)]
    embedder.embed(chosen[:2])
    started = time.perf_counter()
    embedder.embed(chosen)
    return len(chosen) / max(time.perf_counter() - started, 1e-9), len(chosen)


def cost_of(spec, vectors: np.ndarray, load_seconds: float | None, speed: tuple[float, int]) -> Cost:
    """A model's cost: the catalogue's size and load time unless this process measured the load."""
    if load_seconds is not None:
        source = "measured"
    elif spec.load_seconds is not None:
        load_seconds, source = spec.load_seconds, "catalogue"
    else:
        source = "unknown"
    n, dim = vectors.shape
    return Cost(
        dim=int(dim),
        size_mb=float(spec.size_mb) if spec.size_mb or spec.fitted_on_corpus else None,
        load_seconds=None if load_seconds is None else float(load_seconds),
        load_source=source,
        docs_per_second=float(speed[0]),
        speed_sample=int(speed[1]),
        vector_bytes=int(n * dim * np.asarray(vectors).dtype.itemsize),
    )


# ---- the report -----------------------------------------------------------------------------------


def check_model_ids(model_ids: Sequence[str]) -> list[str]:
    """The ids, in order, without repeats; CompareError unless there are two to four."""
    unique = list(dict.fromkeys(m.strip() for m in model_ids if m and m.strip()))
    if not MIN_MODELS <= len(unique) <= MAX_MODELS:
        raise CompareError(f"Pick two to four different models to compare; got {len(unique)}.")
    return unique


def compare(
    runs: Sequence[ModelRun],
    texts: Sequence[str],
    labels: Sequence | None = None,
    label_column: str | None = None,
    params: CompareParams = CompareParams(),
    context: dict | None = None,
) -> CompareReport:
    """Every number of the comparison: per model (cost, clusters, label scores) and per pair (agreement).

    `labels` (one per text; empty ones are left out) adds the label scores; `context` is recorded as is.
    """
    texts = list(texts)
    n = len(texts)
    if len(runs) < MIN_MODELS or len(runs) > MAX_MODELS:
        raise CompareError(f"Pick two to four models to compare; got {len(runs)}.")
    for run in runs:
        if len(run.vectors) != n or len(run.coords) != n or len(run.clusters) != n:
            raise ValueError(f"{run.model_id}: vectors, map and clusters must have one row per text ({n}).")
    if n < 4:
        raise CompareError(f"Comparing models needs at least 4 documents; the corpus has {n}.")
    k = min(params.k, n - 1)

    aligned, disparities = align_maps([run.coords for run in runs])
    neighbours = [nearest_neighbours(run.vectors, k) for run in runs]
    pairs_sample = sampled_pairs(n, params.n_pairs, params.seed)
    models = [
        ModelScores(
            model_id=run.model_id, name=run.name, **asdict(run.cost),
            n_clusters=int(len(np.unique(run.clusters[run.clusters != NOISE]))),
            noise_share=float(np.mean(run.clusters == NOISE)),
            procrustes_disparity=disparity,
            labels=None if labels is None else label_scores(run.vectors, run.clusters, labels, params),
        )
        for run, disparity in zip(runs, disparities)
    ]
    pairs = []
    for a in range(len(runs)):
        for b in range(a + 1, len(runs)):
            pairs.append(_pair(runs[a], runs[b], neighbours[a], neighbours[b], texts, pairs_sample, k, params))
    report = CompareReport(
        n_docs=n, k=k, label_column=label_column, models=models, pairs=pairs, recommendation=[],
        params=asdict(params), notes=list(NOTES), context=dict(context or {}), aligned_coords=aligned,
    )
    report.recommendation = recommend(report)
    return report


NOTES = (
    "Jaccard@k: per document, shared nearest neighbours / all neighbours named by either model (itself excluded).",
    "Spearman: rank correlation of the two models' cosine similarities over a seeded random sample of document pairs.",
    "ARI and NMI: agreement of the HDBSCAN clusterings over every document, the unclustered counted as one more cluster.",
    "V-measure (HDBSCAN): over labelled documents HDBSCAN clustered; coverage is the share it clustered.",
    "V-measure (k-means): k = number of labels, mean over seeds. kNN accuracy: stratified cross-validation.",
    "Speed: texts per second embedding a sample of this corpus, uncached. Load time: 'measured' in this process, "
    "else the catalogue's figure from a fresh process.",
)


def _pair(run_a, run_b, neighbours_a, neighbours_b, texts, pairs_sample, k, params) -> PairAgreement:
    jaccard = jaccard_overlap(neighbours_a, neighbours_b)
    counts, edges = np.histogram(jaccard, bins=HISTOGRAM_BINS, range=(0.0, 1.0))
    ari, nmi = clustering_agreement(run_a.clusters, run_b.clusters)
    disagreements = [
        Disagreement(
            row=int(row), jaccard=float(jaccard[row]), text=texts[row],
            neighbours_a=[int(r) for r in neighbours_a[row]], neighbours_b=[int(r) for r in neighbours_b[row]],
            neighbour_texts_a=[texts[r] for r in neighbours_a[row]], neighbour_texts_b=[texts[r] for r in neighbours_b[row]],
        )
        for row in biggest_disagreements(jaccard, params.n_disagreements)
    ]
    return PairAgreement(
        model_a=run_a.model_id, model_b=run_b.model_id, k=k,
        jaccard_mean=float(jaccard.mean()), jaccard_median=float(np.median(jaccard)),
        jaccard_chance=chance_jaccard(len(texts), k),
        jaccard_histogram=[int(c) for c in counts], jaccard_bin_edges=[float(e) for e in edges],
        spearman=similarity_correlation(run_a.vectors, run_b.vectors, pairs_sample), n_pairs=int(len(pairs_sample[0])),
        ari=ari, nmi=nmi,
        noise_share_a=float(np.mean(run_a.clusters == NOISE)), noise_share_b=float(np.mean(run_b.clusters == NOISE)),
        disagreements=disagreements, jaccard=jaccard,
    )


# ---- reading the numbers --------------------------------------------------------------------------


#: The measures of how well a model separates the labels, each with its spread: (name, what it tells, value, spread).
#: HDBSCAN runs once, so its V-measure has no measured spread: differences below HDBSCAN_NOISE are not told apart.
HDBSCAN_NOISE = 0.02
LABEL_MEASURES = (
    ("kNN accuracy", "classifying and searching", lambda s: s.knn_accuracy, lambda s: s.knn_accuracy_std or 0.0),
    ("k-means V-measure", "grouping by label", lambda s: s.v_measure_kmeans, lambda s: s.v_measure_kmeans_std),
    ("HDBSCAN V-measure", "the map's clusters", lambda s: s.v_measure_hdbscan, lambda s: HDBSCAN_NOISE / 2),
)


@dataclass(frozen=True)
class Lead:
    """On one measure: the best model, its value, and whether it is ahead of every other by more than their
    spreads added (a clear lead) or within them (no clear difference)."""

    measure: str
    use: str
    best: str
    value: float
    clear: bool
    low: float  # the lowest value of the models
    spread: float  # the largest spread of the models


def leads(report: CompareReport) -> list[Lead]:
    """Each label measure's best model and whether its lead is larger than the spreads (see Lead)."""
    found = []
    scored = [m for m in report.models if m.labels is not None]
    for name, use, value, spread in LABEL_MEASURES:
        valued = [(m, value(m.labels), spread(m.labels)) for m in scored if value(m.labels) is not None]
        if len(valued) < 2:
            continue
        best, top, top_spread = max(valued, key=lambda item: item[1])
        clear = all(top - other > top_spread + other_spread for m, other, other_spread in valued if m is not best)
        found.append(Lead(name, use, best.model_id, top, clear, min(v for _, v, _ in valued),
                          max(s for _, _, s in valued)))
    return found


def recommend(report: CompareReport) -> list[str]:
    """A few plain sentences that follow from the numbers only: every label measure is weighed, and a difference
    within the measured spread (folds, seeds) is said to be no clear difference."""
    sentences = []
    models = report.models
    by_id = {m.model_id: m for m in models}
    found = leads(report)
    clear = [lead for lead in found if lead.clear]
    winners = {lead.best for lead in clear}
    fastest = max(models, key=lambda m: m.docs_per_second)
    if not found:
        sentences.append(
            "Without a label column these numbers say how much the models agree, not which one is right: "
            "add a column of known categories to score them."
        )
    elif not clear:
        ranges = "; ".join(f"{lead.measure} {lead.low:.2f} to {lead.value:.2f} (spread up to ±{lead.spread:.2f})"
                           for lead in found)
        sentences.append(f"No clear difference on your labels: {ranges}. Choose by speed and size: "
                         f"{fastest.model_id} is the fastest here ({fastest.docs_per_second:,.0f} texts/s).")
    elif len(winners) == 1:
        best = by_id[winners.pop()]
        ahead = ", ".join(f"{lead.measure} {lead.value:.2f}" for lead in clear)
        level = [lead.measure for lead in found if not lead.clear]
        sentence = f"{best.model_id} separates your labels best: ahead on {ahead}"
        if best.labels.knn_accuracy is not None:
            sentence += f" (always guessing the commonest label: {best.labels.majority_accuracy:.1%})"
        sentence += "." + (f" On {' and '.join(level)} the models are within the measured spread." if level else "")
        sentences.append(sentence)
        faster = [m for m in models if m is not best and m.docs_per_second > best.docs_per_second]
        if not faster:
            sentences.append(f"{best.model_id} is also the fastest here: use it.")
        else:  # a clear lead is clear of every other model, the faster ones too
            quick = max(faster, key=lambda m: m.docs_per_second)
            sentences.append(f"{quick.model_id} is {quick.docs_per_second / best.docs_per_second:.1f}x faster but "
                             f"clearly behind on {' and '.join(lead.measure for lead in clear)}: prefer it only "
                             "where speed matters more.")
    else:
        parts = [f"{lead.best} on {lead.measure} ({lead.value:.2f}; {lead.use})" for lead in clear]
        sentences.append("No single best model: ahead are " + ", ".join(parts)
                         + ". Choose by what you will do with the vectors.")
    scored = bool(found)
    mean_jaccard = float(np.mean([p.jaccard_mean for p in report.pairs]))
    chance = float(np.mean([p.jaccard_chance for p in report.pairs]))
    fastest = max(models, key=lambda m: m.docs_per_second)
    if mean_jaccard >= 0.5:
        sentences.append(
            f"The models largely agree on which documents are neighbours (mean Jaccard@{report.k} {mean_jaccard:.2f}; "
            f"unrelated models would score about {chance:.2f})"
            + ("." if scored else f", so the choice matters little: the fastest, {fastest.model_id}, is a sound pick.")
        )
    else:
        sentences.append(
            f"The models disagree on many neighbourhoods (mean Jaccard@{report.k} {mean_jaccard:.2f}; "
            f"unrelated models would score about {chance:.2f}): the choice matters"
            + ("; " if scored else ", so ") + "read the biggest disagreements to see whose neighbours make sense."
        )
    return sentences
