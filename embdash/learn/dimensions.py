"""How much of an embedding's ranking survives fewer dimensions, and the catalogue's sizes and speeds.

Two ways to keep m dimensions, both re-normalised to unit length so cosine stays a dot product:
truncation keeps the first m coordinates; PCA keeps the m principal axes of the sample. The axes are
found without centring (a truncated SVD), so keeping every axis is an exact rotation that changes no
similarity; centring would shift every cosine before a single dimension is dropped.

Agreement with the full vectors is measured on the sample itself: the mean overlap of each text's k
nearest neighbours (1.0 = the same neighbours) and the mean Spearman correlation of each text's
similarities to all the others (1.0 = the same ranking).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from embdash.errors import EmbdashError
from embdash.models.catalogue import CATALOGUE, ModelSpec, measured_speed

METHODS = ("truncate", "pca")
SAMPLE_SIZE = 300
SAMPLE_SEED = 0
K = 10


class DimensionsError(EmbdashError):
    """The corpus is too small to measure rankings on."""


def sample_rows(n: int, size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> np.ndarray:
    """Sorted row numbers of a seeded random sample of `size` rows (all rows when there are fewer)."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def truncate(vectors: np.ndarray, m: int) -> np.ndarray:
    """The first m coordinates of each row, re-normalised."""
    return _unit(np.asarray(vectors, dtype=np.float32)[:, :m])


def pca_reduce(vectors: np.ndarray, m: int, axes: np.ndarray | None = None) -> np.ndarray:
    """Each row projected on the sample's m strongest (uncentred) principal axes, re-normalised.
    Pass `axes` (from principal_axes) to reuse them across several m."""
    vectors = np.asarray(vectors, dtype=np.float32)
    axes = principal_axes(vectors) if axes is None else axes
    return _unit((vectors @ axes[:m].T).astype(np.float32))


def principal_axes(vectors: np.ndarray) -> np.ndarray:
    """(min(n, d), d) uncentred principal axes, strongest first."""
    _, _, axes = np.linalg.svd(np.asarray(vectors, dtype=np.float64), full_matrices=False)
    return axes


def reduced(vectors: np.ndarray, method: str, m: int, axes: np.ndarray | None = None) -> np.ndarray:
    if method == "truncate":
        return truncate(vectors, m)
    if method == "pca":
        return pca_reduce(vectors, m, axes)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}.")


def neighbour_overlap(full: np.ndarray, other: np.ndarray, k: int = K) -> float:
    """Mean share of each row's k nearest neighbours (cosine, self excluded) that `other` keeps."""
    k = min(k, len(full) - 1)
    if k < 1:
        return float("nan")
    return _overlap(_neighbours(full, k), other, k)


def _overlap(full_neighbours: np.ndarray, other: np.ndarray, k: int) -> float:
    other_neighbours = _neighbours(other, k)
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(full_neighbours, other_neighbours)]))


def rank_correlation(full: np.ndarray, other: np.ndarray) -> float:
    """Mean over rows of the Spearman correlation between the row's similarities to every other row."""
    if len(full) < 3:
        return float("nan")
    return _spearman(_centred_ranks(full), other)


def _centred_ranks(vectors: np.ndarray) -> np.ndarray:
    """Per row, the ranks of its similarities to every other row, minus their mean."""
    from scipy.stats import rankdata

    n = len(vectors)
    off_diagonal = ~np.eye(n, dtype=bool)
    ranks = rankdata((vectors @ vectors.T)[off_diagonal].reshape(n, n - 1), axis=1)
    return ranks - ranks.mean(axis=1, keepdims=True)


def _spearman(full_ranks: np.ndarray, other: np.ndarray) -> float:
    a, b = full_ranks, _centred_ranks(other)
    # Pearson correlation of ranks = Spearman; a constant row (all ties) has no ranking: skip it.
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    valid = norms > 0
    return float(np.mean((a * b).sum(axis=1)[valid] / norms[valid])) if valid.any() else float("nan")


def dimension_steps(d: int) -> list[int]:
    """Dimensions to try: powers of two from 2 below d, then d itself."""
    steps = [m for m in (2, 4, 8, 16, 32, 64, 128, 256, 512) if m < d]
    return steps + [d]


def agreement_table(vectors: np.ndarray, k: int = K, steps: list[int] | None = None) -> pd.DataFrame:
    """Per method and dimensions kept: overlap@k of nearest neighbours and Spearman of similarities."""
    from threadpoolctl import threadpool_limits

    # Measured: a 300 x 384 SVD took 3 s with OpenBLAS's two threads on the busy 2-core machine, 25 ms with one.
    with threadpool_limits(limits=1, user_api="blas"):
        return _agreement_table(vectors, k, steps)


def _agreement_table(vectors: np.ndarray, k: int, steps: list[int] | None) -> pd.DataFrame:
    vectors = np.asarray(vectors, dtype=np.float32)
    steps = steps or dimension_steps(vectors.shape[1])
    # The full vectors' neighbours, ranks and axes are computed once and compared with every reduction.
    if len(vectors) < 3:
        raise DimensionsError("Measuring rankings needs a corpus of at least three texts.")
    k_used = min(k, len(vectors) - 1)
    full_neighbours, full_ranks, axes = _neighbours(vectors, k_used), _centred_ranks(vectors), principal_axes(vectors)
    rows = []
    for method in METHODS:
        for m in steps:
            small = reduced(vectors, method, m, axes)
            rows.append(
                {
                    "method": method,
                    "dimensions kept": m,
                    f"overlap@{k}": _overlap(full_neighbours, small, k_used),
                    "spearman": _spearman(full_ranks, small),
                }
            )
    return pd.DataFrame(rows)


def _measured_on(model_id: str) -> str:
    measured = measured_speed(model_id)
    return f"{measured.cores} cores, {measured.cpu}, {measured.measured}" if measured else "not measured"


def catalogue_table(specs: tuple[ModelSpec, ...] = CATALOGUE) -> pd.DataFrame:
    """The catalogue's models with their dimensions, sizes and measured speeds."""
    return pd.DataFrame(
        {
            "model": [s.id for s in specs],
            "dimensions": [s.dim if s.dim else "set by the corpus" for s in specs],
            "size (MB)": [s.size_mb for s in specs],
            "texts/s": [round(s.docs_per_second) for s in specs],
            "measured on": [_measured_on(s.id) for s in specs],
            "load time (s)": [s.load_seconds for s in specs],
            "max tokens": [s.max_tokens if s.max_tokens else "no limit" for s in specs],
            "languages": [s.languages for s in specs],
            "runs on": [s.loader for s in specs],
        }
    ).astype({"dimensions": str, "max tokens": str})


def _neighbours(vectors: np.ndarray, k: int) -> np.ndarray:
    similarities = vectors @ vectors.T
    np.fill_diagonal(similarities, -np.inf)
    return np.argsort(-similarities, axis=1, kind="stable")[:, :k]


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def summary(table: pd.DataFrame, k: int = K) -> str:
    """One sentence saying what the measured table shows, at the step nearest a sixth of the dimensions."""
    full = int(table["dimensions kept"].max())
    steps = sorted(set(table["dimensions kept"]) - {full})
    if not steps:
        return f"The vectors have only {full} dimensions: there is nothing to cut."
    step = min(steps, key=lambda m: abs(m - full / 6))
    at_step = table[table["dimensions kept"] == step].set_index("method")[f"overlap@{k}"]
    return (
        f"Keeping {step} of {full} dimensions, truncation keeps {at_step['truncate']:.0%} of each text's "
        f"{k} nearest neighbours and PCA keeps {at_step['pca']:.0%}."
    )
