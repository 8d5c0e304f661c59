"""Embed a corpus on a Ray cluster with Ray Data, writing the same parquet cache as the local path.

Ray Data reads the corpus itself, in shards: the text column of a parquet file (the store's
corpora/<key>.parquet, or a temporary one when there is no store) becomes `num_shards` blocks.
  1. On the cluster, each shard hashes its texts (text_hash) and returns only hash and length.
  2. The driver (the machine with the store) keeps one of each text, looks up the cache and plans
     the batches with embed_texts' own `planned_batches`: distinct texts the cache lacks, most tokens
     first, ties in first-seen order, at most BATCH_SIZE texts and TOKENS_PER_BATCH tokens per model call
     (tokens counted on the driver, which has the texts and the model's tokenizer).
  3. The plan goes to the cluster once (ray.put); each shard keeps the texts the plan names, a
     groupby brings each batch's texts together in plan order, and actors (one model copy each)
     embed one batch per call. Vectors come back as raw float32 bytes; the driver writes them to
     the store in parts of embed.SAVE_EVERY rows, in plan order, so the part files are the ones the
     local path writes, and an interrupted run keeps its work.

The plan matters: a transformer's vector for a text changes in its last bits with the batch it is
padded in (measured: up to 1.3e-7 for all-MiniLM-L6-v2), so only the same batches give the same
bytes. With them the vectors are byte-for-byte those of embed_texts (tested on a local Ray).

The corpus file is read on the driver's own node (a `local://` path), so it need not be on shared
storage: the driver must be a node of the cluster (`ray start` on it, or run on the head). Over Ray
Client (`ray://`) the cluster cannot see the driver's files, so the driver sends the text column in
shards instead. A real cluster: `ray start --head` on one machine, `ray start --address=HEAD:6379` on
the others, embdash and the model packages installed on every node, then on the driver
`python -m embdash embed ... --engine ray --ray-address HEAD:6379`. docs/performance.md has the steps.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import tempfile
import time
import warnings
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from embdash.config import data_dir
from embdash.dataio.corpus import Corpus
from embdash.dataio.store import Store
from embdash.errors import CacheError, ModelError
from embdash.hashing import text_hash
from embdash.models.catalogue import Embedder, get_spec, load_embedder
from embdash.models.embed import (
    SAVE_EVERY,
    EmbedProgress,
    EmbedResult,
    OnBatch,
    assembled_result,
    cached_vectors,
    distinct_hashes,
    model_provenance,
    planned_batches,
)
from embdash.models.speed import RunClock

RAY_REQUIREMENT = "ray==2.60.0"
ENGINES = ("local", "ray")
ROWS_PER_SHARD = 50_000  # at least one shard per CPU; more for big corpora, so shards stay small

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CorpusSource:
    """A parquet file holding the corpus's texts, in corpus order, in column `column`."""

    path: Path
    column: str


def embed_with_ray(
    corpus: Corpus,
    model_id: str,
    store: Store | None,
    progress: Progress | None = None,
    address: str | None = None,
    backend: str = "auto",
    num_workers: int | None = None,
    embedder: Embedder | None = None,
    num_shards: int | None = None,
    on_batch: OnBatch | None = None,
) -> EmbedResult:
    """Vectors for the corpus's texts, computed on Ray; the same result and cache files as embed_corpus.

    `address`: a Ray cluster ("HEAD:6379" or "ray://HEAD:10001"); None joins an already started Ray in
    this process, else starts a local one with this machine's cores. `num_workers`: model copies
    (actors); default: one per CPU the cluster offers, at most one per batch. `num_shards`: blocks the
    corpus is read in; default: see shard_count. `embedder`: the model already loaded on the driver
    (load_embedder(model_id, backend=backend)), if the caller has it. `on_batch(EmbedProgress)`: after
    each batch that comes back, with the time left from the speed measured since the workers started.
    Raises ModelError for corpus-fitted models (their vectors depend on the whole corpus: embed them
    locally), when no cluster can be reached, and when the workers load a different variant of the
    model than the driver.
    """
    started = time.perf_counter()
    if get_spec(model_id).fitted_on_corpus:
        raise ModelError(f"{model_id} is fitted on the whole corpus; embed it with the local engine.")
    ray = _import_ray()
    embedder = embedder or load_embedder(model_id, backend=backend)
    cache_key = embedder.cache_key
    problems_before = len(store.problems) if store is not None else 0
    # The driver's choice (ONNX or PyTorch, weights version) is what workers must reproduce.
    worker_backend = "onnx" if embedder.spec.loader == "onnx-export" else ("torch" if backend == "auto" else backend)
    worker_precision = getattr(embedder, "precision", "fp32")  # bf16 or not: the driver's choice, not the node's

    started_ray = _ensure_ray(ray, address)
    try:
        with _quiet_ray_data_logs(), tempfile.TemporaryDirectory(prefix="embdash-ray-") as scratch:
            source = corpus_source(corpus, store, Path(scratch))
            shards = num_shards or shard_count(ray, len(corpus))
            hashes, _ = hash_shards(corpus_shards(ray, source, shards))
            if len(hashes) != len(corpus):
                raise ModelError(
                    f"Ray read {len(hashes):,} texts from {source.path.name}; the corpus has {len(corpus):,}.")
            unique_hashes, first_position, inverse = distinct_hashes(hashes)

            cached, found = cached_vectors(store, cache_key, unique_hashes)
            # The same lock as the local path: a dashboard session embedding these texts meanwhile is waited for.
            lock = store.embedding_lock(cache_key) if store is not None and not found.all() else nullcontext()
            with lock:
                if store is not None and not found.all():
                    cached, found = cached_vectors(store, cache_key, unique_hashes)
                if found.any() and embedder.spec.dim and cached.shape[1] != embedder.spec.dim:
                    found[:] = False  # as embed_texts: the cache disagrees with the model, recompute
                batches, tokens = planned_batches(corpus.texts, first_position, np.flatnonzero(~found), embedder)
                missing = np.concatenate(batches) if batches else np.zeros(0, np.int64)
                dim = embedder.spec.dim or (cached.shape[1] if found.any() else None)
                computed: dict[int, np.ndarray] = {}
                problems: list[str] = []
                if len(missing):
                    clock = RunClock([int(tokens[rows].sum()) for rows in batches], [len(rows) for rows in batches])
                    computed, dim, problems = _run(
                        ray, source, shards, batches, unique_hashes, embedder, worker_backend, worker_precision, dim,
                        store, _RayReporter(progress, on_batch, clock), num_workers,
                    )
                else:
                    _RayReporter(progress, on_batch, RunClock([], [])).report()
    finally:
        if started_ray:
            ray.shutdown()

    unique_vectors = np.zeros((len(unique_hashes), dim or 0), dtype=np.float32)
    for row, vector in computed.items():
        unique_vectors[row] = vector
    problems = (store.problems[problems_before:] if store is not None else []) + problems
    return assembled_result(unique_vectors, cached, found, inverse, len(missing), started, problems)


def add_engine_arguments(parser) -> None:
    """The CLI options for `python -m embdash embed`: --engine local|ray and --ray-address."""
    parser.add_argument(
        "--engine", choices=ENGINES, default="local",
        help="where to embed: 'local' (this process) or 'ray' (a Ray cluster; same vectors and cache files)",
    )
    parser.add_argument(
        "--ray-address", default=None, metavar="HOST:PORT",
        help="the Ray cluster to use with --engine ray, e.g. 10.0.0.5:6379 or ray://10.0.0.5:10001; "
        "default: start a local Ray with this machine's cores",
    )


def local_runtime_env() -> dict:
    """What Ray workers started on this machine need: embdash importable, the same data dir, offline models."""
    package_root = str(Path(__file__).resolve().parents[2])  # the folder holding embdash/
    pythonpath = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
    return {
        "env_vars": {
            "PYTHONPATH": pythonpath,
            "EMBDASH_DATA_DIR": str(data_dir()),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "OMP_WAIT_POLICY": "PASSIVE",
        }
    }


# --- reading the corpus in shards ------------------------------------------------------------------------

def corpus_source(corpus: Corpus, store: Store | None, scratch: Path) -> CorpusSource:
    """The parquet file Ray Data reads: the store's copy of the corpus (saved once, as an upload is),
    else the text column written to `scratch` (no store, or a store that cannot be written)."""
    if store is not None:
        try:
            store.save_corpus(corpus)
            path = store.corpus_path(corpus.key)
            text_type = pq.read_schema(path).field(corpus.text_column).type
            if pa.types.is_string(text_type) or pa.types.is_large_string(text_type):
                return CorpusSource(path, corpus.text_column)
        except (CacheError, OSError, KeyError):
            pass  # fall back to a scratch copy: the run does not depend on the store being writable
    path = scratch / "texts.parquet"
    pq.write_table(pa.table({"text": pa.array(corpus.texts, type=pa.string())}), path)
    return CorpusSource(path, "text")


def shard_count(ray, n_rows: int) -> int:
    """Blocks to read the corpus in: one per CPU of the cluster, more past ROWS_PER_SHARD rows each."""
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, min(n_rows, max(cpus, math.ceil(n_rows / ROWS_PER_SHARD))))


def corpus_shards(ray, source: CorpusSource, num_shards: int):
    """The corpus's texts as a Ray dataset of `num_shards` blocks (one column, `source.column`), in corpus order."""
    import ray.util.client

    if ray.util.client.ray.is_connected():
        # Ray Client: the cluster cannot see this machine's files, so the column travels from here.
        table = pq.read_table(source.path, columns=[source.column])
        bounds = np.linspace(0, table.num_rows, num_shards + 1).astype(int)
        return ray.data.from_arrow([table.slice(a, b - a) for a, b in zip(bounds[:-1], bounds[1:])])
    context = ray.data.DataContext.get_current()
    use_v2, progress_bars = context.use_datasource_v2, context.enable_progress_bars
    context.enable_progress_bars = False  # the reader's "sampling" bar; the CLI prints its own progress
    # Ray's V1 parquet reader: it runs the read of a `local://` file on this (the driver's) node, so
    # the store needs no shared disk, and it cuts one file into `override_num_blocks` blocks; the V2
    # reader does neither. The setting is read here only (the dataset keeps its own copy).
    context.use_datasource_v2 = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # local:// is deprecated in V2, not in 2.60's V1
            return ray.data.read_parquet(f"local://{source.path.resolve()}", columns=[source.column],
                                         override_num_blocks=num_shards)
    except Exception as exc:  # e.g. the driver's node offers no CPU to run the read on
        raise ModelError(f"Ray could not read the corpus on this machine: {_first_line(exc)}") from exc
    finally:
        context.use_datasource_v2, context.enable_progress_bars = use_v2, progress_bars


def hash_shards(shards) -> tuple[list[str], np.ndarray]:
    """Stage 1: each shard hashes its texts on the cluster; returns (hashes, character lengths) in corpus order."""
    hashed = shards.map_batches(_hash_shard, batch_format="pyarrow", batch_size=None)
    _quiet(hashed).execution_options.preserve_order = True  # the driver numbers rows by their order
    hashes: list[str] = []
    lengths: list[np.ndarray] = []
    with _ray_errors("hashing the corpus"):
        for block in hashed.iter_batches(batch_format="pyarrow", batch_size=None):
            hashes.extend(block.column("hash").to_pylist())
            lengths.append(block.column("length").to_numpy())
    return hashes, (np.concatenate(lengths) if lengths else np.zeros(0, np.int64))


# --- driver side -----------------------------------------------------------------------------------------

class _RayReporter:
    """progress(done, total) and on_batch(EmbedProgress) as batches come back. The speed is measured from
    the moment every worker has returned its first batch: those first batches also waited for the workers
    to start and load the model (on a million documents that made the first estimate 11 hours, not 1)."""

    def __init__(self, progress: Progress | None, on_batch: OnBatch | None, clock: RunClock):
        self.progress, self.on_batch, self.clock = progress, on_batch, clock
        self.workers = 1

    def start(self, workers: int) -> None:
        self.workers = workers
        self.report()

    def batch_done(self, index: int) -> None:
        self.clock.batch_done(index)
        if self.clock.batches_done == self.workers:
            self.clock.restart()
        self.report()

    def report(self) -> None:
        if self.clock.done_texts >= self.clock.total_texts:
            left = 0.0
        elif self.clock.batches_done <= self.workers:
            left = None  # not measured yet
        else:
            left = self.clock.seconds_left()
        if self.progress is not None:
            self.progress(self.clock.done_texts, self.clock.total_texts)
        if self.on_batch is not None:
            self.on_batch(EmbedProgress(self.clock.done_texts, self.clock.total_texts, left))


def _run(ray, source, shards, batches, unique_hashes, embedder, backend, precision, dim, store, reporter, num_workers):
    """Stage 2: embed the planned batches on the cluster; returns ({distinct row: vector}, dim, problems)."""
    n_missing = sum(len(rows) for rows in batches)
    plan_ref = ray.put(_plan(batches, unique_hashes))
    workers = num_workers or max(1, min(len(batches), int(ray.cluster_resources().get("CPU", 1))))

    planned = corpus_shards(ray, source, shards).map_batches(
        _planned_texts, fn_kwargs={"plan": plan_ref, "column": source.column}, batch_format="pyarrow", batch_size=None)
    # A sort-based shuffle runs on tasks only; done (materialised) before the actors start, so the model
    # actors never hold the CPUs the shuffle waits for (with both in one pipeline, 2 CPUs deadlock).
    _quiet(planned).shuffle_strategy = ray.data.context.ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    # One block per batch afterwards: the actors are handed blocks, so fewer blocks would idle some of them.
    with _ray_errors("grouping the texts into batches"):
        grouped = planned.groupby("batch", num_partitions=min(len(batches), shards)).map_groups(
            _batch_row, batch_format="pyarrow").repartition(len(batches)).materialize()
    vectors_out = grouped.map_batches(
        _BatchEmbedder,
        fn_constructor_kwargs={"model_id": embedder.spec.id, "backend": backend, "precision": precision,
                               "cache_key": embedder.cache_key},
        batch_size=1,  # one row is one model batch, so batches are never regrouped
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=1,
    )
    _quiet(vectors_out)

    provenance = {**model_provenance(embedder), "engine": "ray", "backend": backend}
    writer = _OrderedPartWriter(store, embedder.cache_key, provenance)
    computed: dict[int, np.ndarray] = {}
    done = 0
    reporter.start(workers)
    try:
        with _ray_errors("embedding"):
            for row in vectors_out.iter_rows():
                index = int(row["batch"])
                rows = batches[index]
                width = int(row["dim"])
                vectors = np.frombuffer(row["vectors"], dtype=np.float32).reshape(len(rows), width)
                if dim is not None and width != dim:
                    raise ModelError(f"The workers returned vectors of size {width}; expected {dim}.")
                dim = width
                for r, vector in zip(rows, vectors):
                    computed[int(r)] = vector
                writer.add(index, [unique_hashes[r] for r in rows], vectors)
                done += len(rows)
                reporter.batch_done(index)
    finally:
        writer.close()  # also on interruption: keep what was computed
    if done != n_missing:
        raise ModelError(f"The Ray workers returned {done:,} of {n_missing:,} vectors.")
    return computed, dim, writer.problems


def _plan(batches: list[np.ndarray], unique_hashes: list[str]) -> dict:
    """Hash -> (batch, position) as sorted arrays: compact to broadcast, and shards look texts up by searchsorted."""
    hashes = np.array([unique_hashes[r] for rows in batches for r in rows], dtype="S64")
    batch = np.concatenate([np.full(len(rows), i, np.int64) for i, rows in enumerate(batches)])
    position = np.concatenate([np.arange(len(rows), dtype=np.int64) for rows in batches])
    order = np.argsort(hashes)
    return {"hashes": hashes[order], "batch": batch[order], "position": position[order]}


class _OrderedPartWriter:
    """Writes arriving batches to the store in plan order, in parts of about SAVE_EVERY rows (as embed_texts
    does, so the part files are the same); batches that arrive early wait for the ones before them."""

    def __init__(self, store: Store | None, cache_key: str, provenance: dict):
        self.store, self.cache_key, self.provenance = store, cache_key, provenance
        self.problems: list[str] = []
        self._early: dict[int, tuple[list[str], np.ndarray]] = {}
        self._next = 0
        self._hashes: list[str] = []
        self._vectors: list[np.ndarray] = []

    def add(self, batch: int, hashes: list[str], vectors: np.ndarray) -> None:
        if self.store is None or self.problems:
            return
        self._early[batch] = (hashes, vectors)
        while self._next in self._early:
            hashes, vectors = self._early.pop(self._next)
            self._next += 1
            self._hashes.extend(hashes)
            self._vectors.append(vectors)
            if len(self._hashes) >= SAVE_EVERY:
                self._flush()

    def close(self) -> None:
        """Write what is left, early batches too (after an interruption their order no longer matters)."""
        for batch in sorted(self._early):
            hashes, vectors = self._early.pop(batch)
            self._hashes.extend(hashes)
            self._vectors.append(vectors)
        self._flush()

    def _flush(self) -> None:
        if self.store is None or not self._hashes or self.problems:
            return
        hashes, vectors = self._hashes, np.concatenate(self._vectors)
        self._hashes, self._vectors = [], []
        try:
            self.store.save_vectors(self.cache_key, hashes, vectors, self.provenance)
        except CacheError as exc:
            self.problems.append(
                f"Could not save to the cache: {str(exc).rstrip('.')}; the vectors are kept for this run only.")


def _quiet(dataset):
    """The dataset's own Ray Data settings, with progress bars off (the CLI prints its own progress)."""
    dataset.context.enable_progress_bars = False
    return dataset.context


@contextmanager
def _quiet_ray_data_logs():
    """Ray Data's per-run INFO lines and advice off for this run: errors reach the caller as ModelError."""
    logger = logging.getLogger("ray.data")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def _ray_errors(stage: str):
    """A failure on the cluster as a ModelError: the workers' own ModelError message when there is one."""
    try:
        yield
    except Exception as exc:
        cause = _model_error_in(exc)
        if cause is exc:
            raise  # raised here, on the driver, already plain
        if cause is not None:
            raise ModelError(str(cause)) from exc  # Ray's wrapper adds a remote traceback to the message
        if not type(exc).__module__.startswith("ray"):
            raise
        raise ModelError(f"Ray failed while {stage}: {_first_line(exc)}") from exc


def _model_error_in(exc: BaseException | None) -> ModelError | None:
    """The ModelError behind an exception: Ray keeps a task's original exception in `.cause`, but of an
    actor whose constructor failed only the text, so that is searched too."""
    seen, texts = set(), []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        cause = getattr(exc, "cause", None)
        if isinstance(cause, BaseException):
            exc = cause
            continue
        if isinstance(exc, ModelError):
            return exc
        texts.append(str(exc))
        exc = exc.__cause__ or exc.__context__
    marker = f"{ModelError.__module__}.{ModelError.__qualname__}: "
    for text in texts:
        lines = [line.split(marker, 1)[1].strip() for line in text.splitlines() if marker in line]
        if lines:
            return ModelError(lines[-1])
    return None


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _import_ray():
    # Ray Data's progress bars would otherwise replace builtins.print for the rest of the process, and numba
    # cannot compile code that prints through a Python function (UMAP after a Ray run failed to compile).
    os.environ.setdefault("RAY_TQDM_PATCH_PRINT", "0")
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ModelError(f"The Ray engine needs the package ray. Install it with: pip install '{RAY_REQUIREMENT}'") from None
    return ray


def _ensure_ray(ray, address: str | None) -> bool:
    """Connect to Ray if this process is not connected yet; True when we started it (and must stop it)."""
    if address:
        _check_reachable(address)
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # offline: no usage report
    try:
        if address:
            ray.init(address=address, runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}},
                     log_to_driver=False)
        else:
            ray.init(num_cpus=os.cpu_count() or 1, runtime_env=local_runtime_env(), include_dashboard=False,
                     log_to_driver=False)
    except Exception as exc:  # ConnectionError, a timeout, a version mismatch...: all mean "no cluster"
        where = f"at {address}" if address else "on this machine"
        raise ModelError(f"Could not start or reach a Ray cluster {where}: {exc}") from exc
    return True


def _check_reachable(address: str) -> None:
    """Fail in seconds on an address nothing answers at: ray.init waits minutes for it before giving up."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto" and the like: Ray's own lookup and error message
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5):
            pass
    except OSError as exc:
        raise ModelError(
            f"Could not reach a Ray cluster at {address} ({exc.strerror or exc}): is Ray running there "
            f"(`ray start --head`), and is the port open to this machine?"
        ) from None


# --- cluster side ----------------------------------------------------------------------------------------

def _hash_shard(block: pa.Table) -> pa.Table:
    """Stage 1, one shard: each text's sha256 and length in characters (missing texts are "", as in Corpus.texts)."""
    texts = ["" if t is None else t for t in block.column(0).to_pylist()]
    return pa.table({
        "hash": pa.array([text_hash(t) for t in texts], type=pa.string()),
        "length": pa.array([len(t) for t in texts], type=pa.int64()),
    })


def _planned_texts(block: pa.Table, plan, column: str) -> pa.Table:
    """Stage 2, one shard: the texts the plan names, with their batch and position in it."""
    import ray

    plan = ray.get(plan) if isinstance(plan, ray.ObjectRef) else plan  # numpy arrays: zero-copy from the object store
    texts = ["" if t is None else t for t in block.column(column).to_pylist()]
    hashes = np.array([text_hash(t) for t in texts], dtype="S64")
    at = np.minimum(np.searchsorted(plan["hashes"], hashes), len(plan["hashes"]) - 1)
    keep = np.flatnonzero(plan["hashes"][at] == hashes)
    return pa.table({
        "text": pa.array([texts[i] for i in keep], type=pa.string()),
        "batch": pa.array(plan["batch"][at[keep]]),
        "position": pa.array(plan["position"][at[keep]]),
    })


def _batch_row(group: pa.Table) -> pa.Table:
    """One batch's texts as one row, in plan order; a text repeated in the corpus is kept once."""
    positions = group.column("position").to_numpy()
    unique_positions, first = np.unique(positions, return_index=True)  # sorted by position
    if not np.array_equal(unique_positions, np.arange(len(unique_positions))):
        raise ValueError(f"batch {group.column('batch')[0]} is missing texts at some positions")
    texts = group.column("text").take(pa.array(first))
    return pa.table({"batch": group.column("batch").slice(0, 1), "texts": [texts.to_pylist()]})


class _BatchEmbedder:
    """A Ray Data actor: loads the model once, then embeds one batch (one row) per call."""

    def __init__(self, model_id: str, backend: str, precision: str, cache_key: str):
        self.embedder = load_embedder(model_id, backend=backend, precision=precision)
        if self.embedder.cache_key != cache_key:
            raise ModelError(
                f"A Ray worker loaded {self.embedder.cache_key}, but the driver uses {cache_key}: "
                f"install the same model packages (and ONNX export) on every node."
            )

    def __call__(self, batch: dict) -> dict:
        vectors, dims = [], []
        for texts in batch["texts"]:
            array = np.ascontiguousarray(self.embedder.embed([str(t) for t in texts]), dtype=np.float32)
            vectors.append(array.tobytes())  # raw bytes: exactly the float32 values, any shape
            dims.append(array.shape[1])
        return {"batch": np.asarray(batch["batch"]), "vectors": np.array(vectors, dtype=object), "dim": np.array(dims)}
