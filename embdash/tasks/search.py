"""Semantic search over unit vectors: exact cosine top-k, "more like this", and the exact/ANN choice.

Every function returns (indices, scores): row positions in `vectors` and their cosine similarity,
best first, ties broken by the lower row so results never depend on the machine. A (d,) query gives
(k,) arrays; an (m, d) query gives (m, k) arrays. Fewer than k rows come back when fewer qualify
(a `mask` that keeps few rows, `exclude`d rows).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from embdash.errors import EmbdashError
from embdash.tasks.ann import search_index
from embdash.tasks.ranking import allowed_rows, top_k

EXACT_LIMIT = 50_000  # below this many documents exact search is fast enough (a few ms per query)
# float16 vectors are upcast this many rows at a time, never all at once. Small chunks stay in the CPU cache:
# on 50,000 x 384, 256 rows scored a query in 45 ms, 4,096 rows in 230 ms (float32 vectors: 8 ms).
SCORE_CHUNK_ROWS = 256


class SearchError(EmbdashError):
    """A query that cannot be searched (empty, too long for the model...)."""


def nearest(
    vectors: np.ndarray,
    query: np.ndarray,
    k: int,
    exclude: Sequence[int] | np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine top-k of unit `vectors` (n, d) for a unit `query` (d,) or (m, d).

    `exclude`: rows never returned (for every query). `mask`: (n,) bool, only rows where True are searched.
    `vectors` may be float16 (a float16 store): scores are still computed in float32.
    """
    vectors = np.asarray(vectors)
    if vectors.dtype != np.float16:
        vectors = vectors.astype(np.float32, copy=False)
    query = np.asarray(query, dtype=np.float32)
    single = query.ndim == 1
    queries = query[None, :] if single else query
    _check_shapes(vectors, queries, k)
    allowed = allowed_rows(len(vectors), exclude, mask)
    k = min(k, int(allowed.sum()))
    scores = similarities(queries, vectors)  # (m, n)
    if not allowed.all():
        scores[:, ~allowed] = -np.inf
    indices = np.empty((len(queries), k), dtype=np.int64)
    for i, row in enumerate(scores):
        indices[i] = top_k(row, k)
    top_scores = np.take_along_axis(scores, indices, axis=1)
    return (indices[0], top_scores[0]) if single else (indices, top_scores)


def similarities(queries: np.ndarray, vectors: np.ndarray, chunk_rows: int = SCORE_CHUNK_ROWS) -> np.ndarray:
    """(m, n) float32 dot products of float32 `queries` (m, d) with `vectors` (n, d).

    float32 vectors are multiplied at once; float16 ones chunk by chunk, each upcast to float32 (numpy's
    float16 matmul is slow and less precise), so the extra memory is one chunk, not a float32 copy.
    """
    if vectors.dtype == np.float32:
        return queries @ vectors.T
    scores = np.empty((len(queries), len(vectors)), dtype=np.float32)
    for start in range(0, len(vectors), chunk_rows):
        chunk = vectors[start:start + chunk_rows].astype(np.float32)
        scores[:, start:start + len(chunk)] = queries @ chunk.T
        del chunk  # freed before the next one is made: one chunk at a time, not two
    return scores


def more_like_this(
    vectors: np.ndarray, row: int, k: int, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The k documents nearest to document `row`, never itself."""
    if not 0 <= row < len(vectors):
        raise IndexError(f"Row {row} is outside the corpus of {len(vectors)} documents.")
    return nearest(vectors, vectors[row], k, exclude=[row], mask=mask)


def choose_search(n: int) -> str:
    """"exact" below EXACT_LIMIT documents, else "ann" (an approximate index, see embdash.tasks.ann)."""
    return "exact" if n < EXACT_LIMIT else "ann"


def check_query(query: str, token_count: int | None = None, token_limit: int | None = None) -> str:
    """The query stripped; SearchError when it is empty or longer than the model reads."""
    query = (query or "").strip()
    if not query:
        raise SearchError("Type a query to search the corpus.")
    if token_limit and token_count is not None and token_count > token_limit:
        raise SearchError(
            f"The query is {token_count} tokens long; the model reads only {token_limit}. "
            "Shorten it: the words past the limit would be ignored."
        )
    return query


def _check_shapes(vectors: np.ndarray, queries: np.ndarray, k: int) -> None:
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be (n, d), got shape {vectors.shape}.")
    if queries.ndim != 2 or queries.shape[1] != vectors.shape[1]:
        raise ValueError(f"The query has shape {queries.shape}; the vectors have dimension {vectors.shape[1]}.")
    if k < 0:
        raise ValueError(f"k must be at least 0, got {k}.")


def search(
    vectors: np.ndarray,
    query: np.ndarray,
    k: int,
    exclude: Sequence[int] | np.ndarray | None = None,
    mask: np.ndarray | None = None,
    index=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact search, or the approximate `index` (embdash.tasks.ann) when given and the mask keeps most rows:
    a narrow filter leaves few rows, which exact search covers faster than a filtered graph walk."""
    if index is None or (mask is not None and np.count_nonzero(mask) < len(vectors) // 2):
        return nearest(vectors, query, k, exclude=exclude, mask=mask)
    return search_index(index, query, k, exclude=exclude, mask=mask)


def embed_query(embedder, query: str) -> np.ndarray:
    """The query's (d,) unit vector; SearchError for an empty query or one longer than the model reads."""
    counts = embedder.count_tokens([query]) if (query or "").strip() else None
    query = check_query(query, None if counts is None else int(counts[0]), embedder.spec.max_tokens)
    return np.asarray(embedder.embed([query]), dtype=np.float32)[0]


def hits_table(frame, text_column: str, rows: np.ndarray, scores: np.ndarray):
    """The hits as a table: rank (1 = best), row (position in the corpus), score, the text, then every
    other column of `frame` (the corpus rows, in corpus order)."""
    import pandas as pd

    rows = np.asarray(rows, dtype=np.int64)
    picked = frame.iloc[rows].reset_index(drop=True)
    metadata = picked[[c for c in frame.columns if c != text_column]]
    metadata = metadata.rename(columns={c: f"{c} (data)" for c in metadata.columns if c in ("rank", "row", "score", "text")})
    head = pd.DataFrame({
        "rank": np.arange(1, len(rows) + 1),
        "row": rows,
        "score": np.asarray(scores, dtype=np.float64).round(4),
        "text": picked[text_column].to_numpy(),
    })
    return pd.concat([head, metadata], axis=1)


def ranks_in(rows: np.ndarray, other_rows: np.ndarray):
    """For each of `rows`, its rank (from 1) among `other_rows`, or missing where it is not there: a hit's place in
    the other ranking (by words, by meaning)."""
    import pandas as pd

    place = {int(row): rank for rank, row in enumerate(np.asarray(other_rows).tolist(), start=1)}
    return pd.array([place.get(int(row)) for row in np.asarray(rows).tolist()], dtype="Int64")
