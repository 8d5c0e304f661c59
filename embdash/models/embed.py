"""embed(): vectors for a list of texts, reusing the cache and computing only the texts it lacks.

Identical texts are embedded once; texts already in the store (same model cache key, same sha256)
are read back bit for bit. New vectors are written as they are computed, every SAVE_EVERY vectors
and at the end, so an interrupted run keeps its work without leaving hundreds of tiny files.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from embdash.dataio.corpus import Corpus
from embdash.dataio.store import Store
from embdash.errors import CacheError, ModelError
from embdash.hashing import params_key, text_hash
from embdash.models.catalogue import Embedder

SAVE_EVERY = 4096  # vectors per part file written during a run
# Texts per model call, for every engine: a transformer's vector for a text changes in its last bits with
# the batch it is padded in, so only the same batches give the same vectors.
BATCH_SIZE = 256

Progress = Callable[[int, int], None]


def vectors_key(corpus_key: str, model_cache_key: str, vector_dtype="float32") -> str:
    """Names a corpus's vectors under one model, for what is derived from them (maps, search indexes).

    float16 vectors (a float16 store) get their own key, so nothing derived from one kind is taken for the
    other; float32 keeps the key it always had, so existing maps and indexes stay valid."""
    dtype = np.dtype(vector_dtype).name
    if dtype == "float32":
        return params_key("vectors", corpus_key, model_cache_key)
    return params_key("vectors", corpus_key, model_cache_key, dtype)


@dataclass
class EmbedResult:
    vectors: np.ndarray  # (n, d) in input order: float32, or float16 from a float16 store
    n_total: int  # texts asked for
    n_unique: int  # distinct texts
    n_cached: int  # distinct texts read from the store
    n_computed: int  # distinct texts the model embedded
    seconds: float
    problems: list[str] = field(default_factory=list)  # plain-English notes (damaged cache, cache not saved)


@dataclass
class CorpusVectors:
    """A corpus's vectors under one model, and how they were had."""

    key: str  # vectors_key(corpus key, model cache key, dtype): names what is derived from them
    model_key: str  # the model's cache key
    vectors: np.ndarray  # (n, d) in corpus order, in the store's dtype
    result: EmbedResult | None  # None when every vector came from the store without loading the model
    embedder: Embedder | None  # the model, when it had to be loaded


def stored_vectors(texts: Sequence[str], model_id: str, store: Store) -> tuple[str, np.ndarray] | None:
    """(model cache key, vectors in input order) when the store holds every text's vector under the key the
    model would have, predicted without loading it (models.catalogue.expected_cache_key); else None.

    This is the warm path: no model is loaded, and neither torch nor sentence-transformers is imported.
    """
    from embdash.models.catalogue import expected_cache_key, get_spec

    model_key = expected_cache_key(model_id)
    if model_key is None:
        return None
    vectors = stored_under(texts, model_key, get_spec(model_id).dim, store)
    return None if vectors is None else (model_key, vectors)


def stored_under(texts: Sequence[str], model_key: str, dim: int | None, store: Store) -> np.ndarray | None:
    """The texts' vectors stored under `model_key`, in input order; None if one is missing, if the stored width
    is not `dim` (embedding would then recompute them), or for no texts (their width comes from the model)."""
    texts = list(texts)
    if not texts:
        return None
    vectors, found = store.load_vectors(model_key, [text_hash("" if t is None else str(t)) for t in texts])
    if not found.all() or (dim is not None and vectors.shape[1] != dim):
        return None
    return vectors


def corpus_vectors(
    corpus: Corpus,
    model_id: str,
    store: Store,
    *,
    load: Callable[[], Embedder] | None = None,
    progress: Progress | None = None,
) -> CorpusVectors:
    """The corpus's vectors: from the store without the model when all are there, else by loading the model
    (`load()`, default load_embedder(model_id, fit_texts=corpus.texts)) and embedding what the store lacks."""
    dtype = store.vector_dtype
    warm = stored_vectors(corpus.texts, model_id, store)
    if warm is not None:
        model_key, vectors = warm
        return CorpusVectors(vectors_key(corpus.key, model_key, dtype), model_key, vectors, None, None)
    if load is None:
        from embdash.models.catalogue import load_embedder

        embedder = load_embedder(model_id, fit_texts=corpus.texts)
    else:
        embedder = load()
    result = embed_corpus(corpus, embedder, store, progress=progress)
    key = vectors_key(corpus.key, embedder.cache_key, dtype)
    return CorpusVectors(key, embedder.cache_key, result.vectors, result, embedder)


def embed_corpus(
    corpus: Corpus,
    embedder: Embedder,
    store: Store | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> EmbedResult:
    return embed_texts(corpus.texts, embedder, store=store, progress=progress, batch_size=batch_size)


def embed_texts(
    texts: Sequence[str],
    embedder: Embedder,
    store: Store | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> EmbedResult:
    """Vectors for `texts`, computing only distinct texts the store lacks. `store=None`: no cache.

    `progress(done, total)` counts distinct texts to compute: (0, total) first, then after each batch.
    Raises ModelError if the model returns malformed vectors; a cache that cannot be written is only
    a problem note (the vectors are still returned).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if isinstance(texts, str):
        raise TypeError("embed_texts takes a list of texts, not a single string: wrap it in a list.")
    started = time.perf_counter()
    texts = ["" if t is None else str(t) for t in texts]  # a missing value is an empty text, as in Corpus.texts
    hashes = [text_hash(t) for t in texts]
    unique_hashes, first_position, inverse = distinct_hashes(hashes)
    problems_before = len(store.problems) if store is not None else 0

    cached, found = cached_vectors(store, embedder.cache_key, unique_hashes)
    lock = store.embedding_lock(embedder.cache_key) if store is not None and not found.all() else nullcontext()
    with lock:
        if store is not None and not found.all():
            # Another session or process may have embedded them while we waited for the lock.
            cached, found = cached_vectors(store, embedder.cache_key, unique_hashes)
        found, missing, computed, write_problems = _fill_missing(
            texts, embedder, store, unique_hashes, first_position, cached, found, batch_size, progress)

    dim = computed.shape[1] if len(missing) else (cached.shape[1] if found.any() else (embedder.spec.dim or 0))
    # The store's dtype: vectors computed now equal, bit for bit, what a later run reads back.
    unique_vectors = np.zeros((len(unique_hashes), dim), dtype=cached.dtype)
    if len(missing):
        unique_vectors[missing] = computed
    problems = (store.problems[problems_before:] if store is not None else []) + write_problems
    return assembled_result(unique_vectors, cached, found, inverse, len(missing), started, problems)


def assembled_result(unique_vectors, cached, found, inverse, n_computed: int, started: float, problems: list[str]) -> EmbedResult:
    """The EmbedResult of a run: cached rows filled into `unique_vectors` (which holds the computed ones),
    then spread back to every input text through `inverse`. Returned in the dtype of `cached` (the store's)."""
    if unique_vectors.dtype != cached.dtype:
        unique_vectors = unique_vectors.astype(cached.dtype)
    if found.any():
        unique_vectors[found] = cached[found]
    return EmbedResult(
        vectors=unique_vectors.take(inverse, axis=0),
        n_total=len(inverse),
        n_unique=len(unique_vectors),
        n_cached=int(found.sum()),
        n_computed=n_computed,
        seconds=time.perf_counter() - started,
        problems=problems,
    )


def _fill_missing(texts, embedder, store, unique_hashes, first_position, cached, found, batch_size, progress):
    """Embed the distinct texts not `found` in the cache, saving them as they come.

    Returns (found, missing rows, their computed vectors, problems saving them)."""
    writer = _CacheWriter(store, embedder)
    expected_dim = embedder.spec.dim or (cached.shape[1] if found.any() else None)
    if found.any() and cached.shape[1] != expected_dim:
        found[:] = False  # the cache disagrees with the model: recompute rather than mix dimensions

    lengths = np.fromiter((len(texts[p]) for p in first_position), dtype=np.int64, count=len(first_position))
    batches = batch_plan(np.flatnonzero(~found), lengths, batch_size)
    missing = np.concatenate(batches) if batches else np.zeros(0, np.int64)
    try:
        computed = _compute(embedder, texts, first_position, unique_hashes, batches, expected_dim, progress, writer)
    finally:
        writer.flush()  # also on interruption: keep what was computed
    return found, missing, computed, writer.problems


def batch_plan(rows: np.ndarray, lengths: np.ndarray, batch_size: int = BATCH_SIZE) -> list[np.ndarray]:
    """`rows` in the batches to embed them in, for every engine: longest text first, so similar lengths share
    a batch and little is padded (as sentence-transformers does), ties in the given order, `batch_size` rows
    per batch. `lengths[row]` is the length in characters of the row's text.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    rows = np.asarray(rows, dtype=np.int64)
    ordered = rows[np.argsort(-np.asarray(lengths)[rows], kind="stable")]
    return [ordered[start:start + batch_size] for start in range(0, len(ordered), batch_size)]


def distinct_hashes(hashes: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Distinct hashes in first-seen order, the position of each one's first text, and text -> distinct row."""
    row_of: dict[str, int] = {}
    inverse = np.fromiter((row_of.setdefault(h, len(row_of)) for h in hashes), dtype=np.int64, count=len(hashes))
    _, first_position = np.unique(inverse, return_index=True)  # rows are numbered in first-seen order
    return list(row_of), first_position, inverse


def cached_vectors(store: Store | None, cache_key: str, hashes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, found) for the hashes from the store, in its vector dtype; nothing found without a store."""
    if store is None or not hashes:
        dtype = np.float32 if store is None else store.vector_dtype
        return np.zeros((len(hashes), 0), dtype), np.zeros(len(hashes), dtype=bool)
    return store.load_vectors(cache_key, hashes)


def _compute(embedder, texts, first_position, unique_hashes, batches, expected_dim, progress, writer):
    """Embed the distinct texts at the rows of each batch, batch by batch; returns their vectors in batch order."""
    total = sum(len(rows) for rows in batches)
    if progress is not None:
        progress(0, total)
    computed = []
    done = 0
    for rows in batches:
        batch_texts = [texts[first_position[r]] for r in rows]
        vectors = _validated(embedder.embed(batch_texts), len(batch_texts), expected_dim, embedder)
        expected_dim = vectors.shape[1]  # later batches must agree with the first
        vectors = vectors.astype(writer.dtype, copy=False)  # rounded as the store will keep them
        computed.append(vectors)
        writer.add([unique_hashes[r] for r in rows], vectors)
        done += len(rows)
        if progress is not None:
            progress(done, total)
    if not computed:
        return np.zeros((0, expected_dim or 0), writer.dtype)
    return np.concatenate(computed)


def _validated(output, n_texts: int, expected_dim: int | None, embedder) -> np.ndarray:
    """The model's output as (n, d) float32, or a ModelError saying what is wrong with it."""
    name = embedder.spec.name
    try:
        vectors = np.asarray(output, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"The model {name} returned something that is not a table of numbers.") from exc
    if vectors.ndim != 2 or vectors.shape[0] != n_texts:
        raise ModelError(f"The model {name} returned an array of shape {vectors.shape} for {n_texts} texts; "
                         f"expected one vector per text.")
    if expected_dim is not None and vectors.shape[1] != expected_dim:
        raise ModelError(f"The model {name} returned vectors of size {vectors.shape[1]}; expected {expected_dim}.")
    if not np.isfinite(vectors).all():
        raise ModelError(f"The model {name} returned invalid numbers (NaN or infinity) for some texts.")
    return vectors


class _CacheWriter:
    """Collects new vectors and writes them to the store in parts of about SAVE_EVERY rows.

    After the first failed write it stops trying: the run goes on, the vectors live for this session.
    """

    def __init__(self, store: Store | None, embedder: Embedder):
        self.store = store
        self.cache_key = embedder.cache_key
        self.dtype = np.dtype(np.float32) if store is None else store.vector_dtype
        self.provenance = model_provenance(embedder)
        self.problems: list[str] = []
        self._hashes: list[str] = []
        self._vectors: list[np.ndarray] = []
        self._pending = 0

    def add(self, hashes: list[str], vectors: np.ndarray) -> None:
        if self.store is None or self.problems:
            return
        self._hashes.extend(hashes)
        self._vectors.append(vectors)
        self._pending += len(hashes)
        if self._pending >= SAVE_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.store is None or not self._pending or self.problems:
            return
        hashes, vectors = self._hashes, np.concatenate(self._vectors)
        self._hashes, self._vectors, self._pending = [], [], 0
        try:
            self.store.save_vectors(self.cache_key, hashes, vectors, self.provenance)
        except CacheError as exc:
            reason = str(exc).rstrip(".")
            self.problems.append(f"Could not save to the cache: {reason}; the vectors are kept for this session only.")


def model_provenance(embedder: Embedder) -> dict:
    spec = embedder.spec
    return {
        "model_id": spec.id,
        "model_name": spec.name,
        "weights_version": spec.weights_version,
        "loader": spec.loader,
        "source": spec.source,
    }
