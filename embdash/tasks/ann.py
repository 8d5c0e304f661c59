"""Approximate nearest-neighbour search for large corpora: a usearch HNSW index over cosine.

The index is built once per vectors key and kept beside the embeddings, in
<data_dir>/indexes/<sanitised vectors key>.usearch, written atomically (temporary file, then
os.replace). A file that cannot be read, or that does not match the vectors, is rebuilt with a note.
`search_index` returns what embdash.tasks.search.nearest returns: (indices, scores), best first, ties to the
lower row. Its recall@10 against exact search is measured in bench/bench_search.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from embdash.dataio.atomic import write_atomically
from embdash.dataio.quota import record_use
from embdash.errors import CacheError
from embdash.tasks.ranking import allowed_rows

# Graph degree and beam widths: measured in bench/bench_search.py to give recall@10 >= 0.95 on
# 100,000 clustered 384-d vectors. Part of the file name, so a change rebuilds old indexes.
CONNECTIVITY = 32
EXPANSION_ADD = 128
EXPANSION_SEARCH = 512
INDEX_VERSION = f"hnsw-c{CONNECTIVITY}-e{EXPANSION_ADD}"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def index_path(data_dir: Path | str, vectors_key: str) -> Path:
    """Where the index of these vectors lives; the key is sanitised so it cannot leave the folder."""
    safe = _UNSAFE.sub("_", vectors_key).strip("_")[:120] or "vectors"
    return Path(data_dir) / "indexes" / f"{safe}-{INDEX_VERSION}.usearch"


def build_index(vectors: np.ndarray, threads: int = 0):
    """A cosine HNSW index of `vectors`, keyed by row position."""
    from usearch.index import Index

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index = Index(
        ndim=vectors.shape[1],
        metric="cos",
        dtype="f32",
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
    )
    if len(vectors):
        index.add(np.arange(len(vectors), dtype=np.uint64), vectors, threads=threads)
    return index


def save_index(index, path: Path) -> None:
    """Write atomically: a reader never sees half an index. Raises CacheError when the disk refuses."""
    write_atomically(path, lambda temporary: index.save(str(temporary)))


def load_index(path: Path, n: int, dim: int):
    """The saved index if it is readable and holds n vectors of dimension dim, else None."""
    from usearch.index import Index

    try:
        index = Index.restore(str(path))
    except (ValueError, RuntimeError, OSError):
        return None
    if index is None or index.size != n or index.ndim != dim:
        return None
    record_use(path)  # for the disk quota's least-recently-used eviction
    index.expansion_search = EXPANSION_SEARCH
    return index


def cached_index(
    vectors: np.ndarray, vectors_key: str, data_dir: Path | str, note: Callable[[str], None] | None = None
):
    """The index of `vectors`, loaded from disk, or built and saved (a damaged file is rebuilt, with a note)."""
    note = note or (lambda message: None)
    path = index_path(data_dir, vectors_key)
    n, dim = vectors.shape
    if path.exists():
        index = load_index(path, n, dim)
        if index is not None:
            return index
        note(f"The search index {path.name} could not be read or did not match the vectors; rebuilding it.")
    index = build_index(vectors)
    try:
        save_index(index, path)
    except CacheError as error:  # a full disk costs the next start a rebuild, not this search
        note(f"Could not save the search index: {error}")
    return index


def search_index(
    index,
    query: np.ndarray,
    k: int,
    exclude: Sequence[int] | np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Approximate cosine top-k; same arguments and return shape as embdash.tasks.search.nearest.

    With `exclude` or `mask`, asks the index for more neighbours than k (in proportion to the share
    of rows allowed, doubling until k allowed rows come back or the whole index has been asked).
    Should the graph still not reach k allowed rows, the missing places hold row -1 and score -inf.
    """
    query = np.asarray(query, dtype=np.float32)
    single = query.ndim == 1
    queries = query[None, :] if single else query
    n = index.size
    allowed = allowed_rows(n, exclude, mask)
    k = min(k, int(allowed.sum()))
    indices = np.zeros((len(queries), k), dtype=np.int64)
    scores = np.zeros((len(queries), k), dtype=np.float32)
    if k > 0:
        share = allowed.sum() / n
        count = k if share == 1 else min(n, int(np.ceil(2 * k / share)))
        pending = np.arange(len(queries))
        while len(pending):
            matches = index.search(queries[pending], count)
            still = []
            for position, query_row in enumerate(pending):
                keys, distances = _match_row(matches, position)
                keep = allowed[keys]
                keys, similarity = keys[keep], 1.0 - distances[keep]
                if len(keys) < k and count < n:
                    still.append(query_row)
                    continue
                order = np.lexsort((keys, -similarity))[:k]
                got = len(order)
                indices[query_row, :got], scores[query_row, :got] = keys[order], similarity[order]
                if got < k:  # the graph could not reach k allowed rows: mark the gap
                    indices[query_row, got:], scores[query_row, got:] = -1, -np.inf
            pending = np.asarray(still, dtype=np.int64)
            count = min(n, count * 2)
    return (indices[0], scores[0]) if single else (indices, scores)


def _match_row(matches, position: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys and distances found for one query of a usearch search (single or batch result)."""
    if hasattr(matches, "counts") and np.ndim(matches.keys) == 2:
        found = int(matches.counts[position])
        return matches.keys[position, :found].astype(np.int64), matches.distances[position, :found].astype(np.float32)
    found = int(getattr(matches, "count", len(matches.keys)))
    return np.asarray(matches.keys[:found], dtype=np.int64), np.asarray(matches.distances[:found], dtype=np.float32)
