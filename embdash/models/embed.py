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
from embdash.errors import CacheError, EmbeddingStopped, ModelError
from embdash.hashing import params_key, text_hash
from embdash.jobs import JobFactory, Ticket
from embdash.models.catalogue import Embedder
from embdash.models.speed import RunClock, prior_tokens_per_second, remember_speed

SAVE_EVERY = 4096  # vectors per part file written during a run
# At most this many texts and this many tokens per model call, for every engine: a transformer's vector for a
# text changes in its last bits with the batch it is padded in, so only the same batches give the same vectors.
# The token budget keeps calls on long documents short (a progress step, and a chance to stop, every few
# seconds); short sentences still go BATCH_SIZE at a time.
BATCH_SIZE = 256
TOKENS_PER_BATCH = 4096
TOKEN_COUNT_CHUNK = 10_000  # texts tokenized at once to plan batches (see token_counts)

Progress = Callable[[int, int], None]
OnBatch = Callable[["EmbedProgress"], None]


@dataclass(frozen=True)
class EmbedProgress:
    """Where a run stands after a batch (and once before the first): for a progress bar and its time left."""

    done: int  # distinct texts embedded so far in this run
    total: int  # distinct texts this run embeds
    seconds_left: float | None  # estimated; None when there is nothing to estimate from


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
    on_batch: OnBatch | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> CorpusVectors:
    """The corpus's vectors: from the store without the model when all are there, else by loading the model
    (`load()`, default load_embedder(model_id, fit_texts=corpus.texts)) and embedding what the store lacks.
    `progress`, `on_batch`, `should_stop`: as embed_texts."""
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
    result = embed_texts(corpus.texts, embedder, store, progress=progress, on_batch=on_batch, should_stop=should_stop)
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
    *,
    on_batch: OnBatch | None = None,
    should_stop: Callable[[], bool] | None = None,
    job: JobFactory | None = None,
) -> EmbedResult:
    """Vectors for `texts`, computing only distinct texts the store lacks. `store=None`: no cache.

    `progress(done, total)` counts distinct texts to compute: (0, total) first, then after each batch.
    `on_batch(EmbedProgress)` is called at the same moments, with the estimated time left.
    `should_stop()` is asked before each batch: when it says True, the batches done are saved and
    EmbeddingStopped is raised (a later call embeds only the rest). An exception raised by a callback
    (a Streamlit rerun, Ctrl-C) also keeps the batches done.
    `job(n)`: a turn on a shared server (embdash.jobs.JobPool.job) for the n distinct texts to compute, held
    while they are computed and asked between batches like `should_stop`; its limits bound the wait for the
    model's lock (ModelBusy past it), and a fast-lane job takes no lock. Nothing cached asks for no turn.
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
    turn = job(int((~found).sum())) if job is not None and not found.all() else nullcontext()
    with turn as ticket, _model_lock(store, embedder.cache_key, ticket, found):
        if store is not None and not found.all():
            # Another session or process may have embedded them while we waited for the lock.
            cached, found = cached_vectors(store, embedder.cache_key, unique_hashes)
        stop = should_stop if ticket is None else _either(should_stop, ticket.should_stop)
        found, missing, computed, write_problems = _fill_missing(
            texts, embedder, store, unique_hashes, first_position, cached, found, batch_size,
            _Reporter(progress, on_batch, stop, embedder, store))

    dim = computed.shape[1] if len(missing) else (cached.shape[1] if found.any() else (embedder.spec.dim or 0))
    # The store's dtype: vectors computed now equal, bit for bit, what a later run reads back.
    unique_vectors = np.zeros((len(unique_hashes), dim), dtype=cached.dtype)
    if len(missing):
        unique_vectors[missing] = computed
    problems = (store.problems[problems_before:] if store is not None else []) + write_problems
    return assembled_result(unique_vectors, cached, found, inverse, len(missing), started, problems)


def _model_lock(store: Store | None, cache_key: str, ticket: Ticket | None, found: np.ndarray):
    """The model's cache lock for a run that computes something: waited for as long as the job's limits say
    (without a job, as long as it takes); none for a fast-lane job (embdash.jobs: a few texts, embedded twice at
    worst) or with nothing to compute."""
    if store is None or found.all() or (ticket is not None and ticket.fast):
        return nullcontext()
    return store.embedding_lock(cache_key, timeout=None if ticket is None else ticket.limits.lock_seconds)


def _either(first: Callable[[], bool] | None, second: Callable[[], bool]) -> Callable[[], bool]:
    return second if first is None else (lambda: first() or second())


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


def _fill_missing(texts, embedder, store, unique_hashes, first_position, cached, found, batch_size, reporter):
    """Embed the distinct texts not `found` in the cache, saving them as they come.

    Returns (found, missing rows, their computed vectors, problems saving them)."""
    writer = _CacheWriter(store, embedder)
    expected_dim = embedder.spec.dim or (cached.shape[1] if found.any() else None)
    if found.any() and cached.shape[1] != expected_dim:
        found[:] = False  # the cache disagrees with the model: recompute rather than mix dimensions

    batches, tokens = planned_batches(texts, first_position, np.flatnonzero(~found), embedder, batch_size)
    missing = np.concatenate(batches) if batches else np.zeros(0, np.int64)
    try:
        computed = _compute(embedder, texts, first_position, unique_hashes, batches, tokens, expected_dim, reporter,
                            writer)
    finally:
        writer.flush()  # also on interruption: keep what was computed
    return found, missing, computed, writer.problems


def planned_batches(texts: Sequence[str], first_position: np.ndarray, rows: np.ndarray, embedder: Embedder,
                    batch_size: int = BATCH_SIZE) -> tuple[list[np.ndarray], np.ndarray]:
    """(batch_plan of the distinct `rows`, every distinct row's planned tokens, 0 for rows not planned):
    the one plan of every engine, from the distinct texts (`texts[first_position[row]]`)."""
    tokens = np.zeros(len(first_position), dtype=np.int64)
    tokens[rows] = planned_tokens([texts[first_position[r]] for r in rows], embedder)
    return batch_plan(rows, tokens, batch_size), tokens


def planned_tokens(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """The work each text makes for the model, in tokens: its tokenizer's count where it has one, else an
    estimate from the words; at most the model's limit (longer texts are cut). What batches are planned by."""
    counts = token_counts(texts, embedder)
    if counts is None:
        counts = np.array([estimated_tokens(t) for t in texts], dtype=np.int64)
    limit = embedder.spec.max_tokens
    return np.minimum(counts, limit) if limit else counts


def token_counts(texts: Sequence[str], embedder: Embedder, chunk: int = TOKEN_COUNT_CHUNK) -> np.ndarray | None:
    """Tokens per text under the embedder's tokenizer, or None where it has none. Counted `chunk` texts at a
    time: a tokenizer's output for a whole corpus is thousands of bytes per text (200,000 texts of 100 tokens
    took 3.1 GB at once, and the process kept it after the counts were made; in chunks, 0.16 GB)."""
    count_tokens = getattr(embedder, "count_tokens", None)  # optional for embedders made outside the catalogue
    if not len(texts) or count_tokens is None:
        return None
    parts = []
    for start in range(0, len(texts), chunk):
        counts = count_tokens(texts[start:start + chunk])
        if counts is None:
            return None
        parts.append(np.asarray(counts, dtype=np.int64))
    return np.concatenate(parts)


def estimated_tokens(text: str) -> int:
    """About a word-piece tokenizer's count: 4 tokens for 3 words, plus the two special tokens."""
    return len(text.split()) * 4 // 3 + 2


def batch_plan(rows: np.ndarray, tokens: np.ndarray, batch_size: int = BATCH_SIZE,
               token_budget: int = TOKENS_PER_BATCH) -> list[np.ndarray]:
    """`rows` in the batches to embed them in, for every engine: most tokens first, so similar lengths share
    a batch and little is padded (as sentence-transformers does), ties in the given order. A batch holds at
    most `batch_size` rows and, padded to its longest text, at most `token_budget` tokens (a longer text goes
    alone). `tokens[row]` is the row's planned_tokens.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    rows = np.asarray(rows, dtype=np.int64)
    tokens = np.asarray(tokens)
    ordered = rows[np.argsort(-tokens[rows], kind="stable")]
    batches, start = [], 0
    while start < len(ordered):
        # Longest first: the batch's first text sets its padded length.
        per_text = max(int(tokens[ordered[start]]), 1)
        size = min(batch_size, max(token_budget // per_text, 1))
        batches.append(ordered[start:start + size])
        start += size
    return batches


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


def _compute(embedder, texts, first_position, unique_hashes, batches, tokens, expected_dim, reporter, writer):
    """Embed the distinct texts at the rows of each batch, batch by batch; returns their vectors in batch order."""
    reporter.start([int(tokens[rows].sum()) for rows in batches], [len(rows) for rows in batches])
    computed = []
    for rows in batches:
        reporter.stop_if_asked()
        batch_texts = [texts[first_position[r]] for r in rows]
        vectors = _validated(embedder.embed(batch_texts), len(batch_texts), expected_dim, embedder)
        expected_dim = vectors.shape[1]  # later batches must agree with the first
        vectors = vectors.astype(writer.dtype, copy=False)  # rounded as the store will keep them
        computed.append(vectors)
        writer.add([unique_hashes[r] for r in rows], vectors)
        reporter.batch_done()
    reporter.finish()
    if not computed:
        return np.zeros((0, expected_dim or 0), writer.dtype)
    return np.concatenate(computed)


class _Reporter:
    """Reports a run's progress and time left after each batch, stops it when asked, and remembers the
    speed measured (in the data folder) for the next run's first estimate."""

    def __init__(self, progress: Progress | None, on_batch: OnBatch | None, should_stop: Callable[[], bool] | None,
                 embedder: Embedder, store: Store | None):
        self.progress, self.on_batch, self.should_stop = progress, on_batch, should_stop
        self.embedder = embedder
        self.folder = None if store is None else store.root
        self.clock = None

    def start(self, batch_tokens: list[int], batch_texts: list[int]) -> None:
        self.clock = RunClock(batch_tokens, batch_texts, prior_tokens_per_second(self.embedder, self.folder))
        self._report()

    def stop_if_asked(self) -> None:
        if self.should_stop is not None and self.should_stop():
            self.finish()
            raise EmbeddingStopped(self.clock.done_texts, self.clock.total_texts)

    def batch_done(self) -> None:
        self.clock.batch_done()
        self._report()

    def finish(self) -> None:
        speed = self.clock.measured_tokens_per_second()
        if self.folder is not None and speed is not None:
            remember_speed(self.folder, self.embedder.cache_key, speed)

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.clock.done_texts, self.clock.total_texts)
        if self.on_batch is not None:
            self.on_batch(EmbedProgress(self.clock.done_texts, self.clock.total_texts, self.clock.seconds_left()))


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
