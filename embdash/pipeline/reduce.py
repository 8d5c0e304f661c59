"""Project embedding vectors to a few dimensions (UMAP, PCA) and measure how faithful a projection is.

Inputs are (n, d) float32 unit vectors; outputs are (n, k) float32 coordinates.

UMAP with a seed runs single-threaded: umap-learn sets n_jobs=1 whenever random_state is given, because
its parallel epochs are not reproducible. We accept that: the same seed and data give the same map.
A map needs two projections of the same vectors (the 2-D layout and the clustering space):
`project_together` searches the neighbours once for both and runs the two seeded, single-threaded
layouts side by side, one per core; each gives exactly what `project` gives alone.

The first UMAP call in a process compiles umap's numba functions (15-30 s). `warm_up()` pays that
once at start-up; `enable_numba_cache(path)` keeps the compiled code on disk so later processes skip it.
"""

from __future__ import annotations

import contextvars
import os
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np

from embdash.errors import StageStopped
from embdash.pipeline.params import UmapParams

#: Below this many points UMAP has no neighbourhood graph worth the name (and its spectral
#: initialisation fails): we use PCA instead.
MIN_UMAP_POINTS = 4

#: trustworthiness() is O(n²) in memory and time: larger inputs are measured on a seeded sample.
TRUSTWORTHINESS_SAMPLE = 2_000
SAMPLE_SEED = 0

#: UMAP at scale: above SAMPLE_FIT_FROM points UMAP is fitted on an even (seeded, uniform) sample of
#: FIT_SAMPLE points and places the others with UMAP.transform. Below it one fit on all points is
#: cheaper (30,000 points: fitting on 10,000 and transforming 20,000 took 3.3x one full fit,
#: bench/bench_umap_scale.py); at 100,000 the sample fit of the 5-d space took 35.7 s against 93.5 s
#: for the full fit, and at 20,000 a fit on 5,000 lost 0.005 trustworthiness (bench/bench_million.py,
#: docs/benchmarks.md). A million points fitted in full would not fit a small server's memory.
SAMPLE_FIT_FROM = 50_000
FIT_SAMPLE = 20_000
#: Names the rule in the projections' cache keys: a projection made under another rule is never served.
FIT_RULE = f"fit:all<={SAMPLE_FIT_FROM}<sample{FIT_SAMPLE}"
AUTO_FIT = "auto"  # project(max_fit_points=AUTO_FIT): the rule above

#: From this many points UMAP searches neighbours approximately (NN-descent) instead of comparing every
#: pair; from here on the projections of one map share their neighbours.
APPROXIMATE_FROM = 4_096
#: Layout epochs from APPROXIMATE_FROM points on. UMAP itself runs 500 up to 10,000 points and 200 above;
#: on 10,000 documents 200 epochs moved the clusters about as much as another seed does (adjusted Rand
#: index 0.76 against 500 epochs; 0.80 between two seeds) in 40% of the time.
LARGE_EPOCHS = 200


@dataclass(frozen=True, eq=False)  # arrays inside
class Neighbours:
    """Each point's nearest neighbours: what several UMAP projections of the same vectors can share."""

    indices: np.ndarray  # (n, n_neighbors) int
    distances: np.ndarray  # (n, n_neighbors) float32


def project(
    vectors: np.ndarray, n_components: int, params: UmapParams = UmapParams(),
    max_fit_points: int | str | None = AUTO_FIT, neighbours: Neighbours | None = None,
) -> np.ndarray:
    """UMAP projection of `vectors` to `n_components` dimensions, deterministic for a given seed.

    Tiny inputs (fewer than MIN_UMAP_POINTS points, or too few points for the requested
    dimensions) fall back to PCA, so any corpus gets a layout. More than `max_fit_points` points:
    fitted on an even sample of that size, the rest transformed; AUTO_FIT: the rule of SAMPLE_FIT_FROM
    and FIT_SAMPLE (see fit_points); None: always one fit on all points. `neighbours`:
    nearest_neighbours(vectors, params), if the caller has them; the result is the same either way.
    """
    vectors = _as_matrix(vectors)
    if n_components < 1:
        raise ValueError(f"n_components must be at least 1, got {n_components}.")
    n = len(vectors)
    if max_fit_points == AUTO_FIT:
        max_fit_points = fit_points(n)
    if max_fit_points is not None and max_fit_points < MIN_UMAP_POINTS:
        raise ValueError(f"max_fit_points must be at least {MIN_UMAP_POINTS}, got {max_fit_points}.")
    # UMAP's spectral initialisation needs more points than dimensions + 1.
    if n < MIN_UMAP_POINTS or n_components > n - 2:
        return pca(vectors, n_components)
    if max_fit_points is not None and n > max_fit_points:
        coords = _umap_fit_sample(vectors, n_components, params, max_fit_points)
    else:
        coords = _umap(vectors, n_components, params, neighbours)
    if not np.all(np.isfinite(coords)):
        # Degenerate inputs (e.g. all vectors identical) can make UMAP diverge; PCA cannot.
        return pca(vectors, n_components)
    return coords


def fit_points(n: int) -> int | None:
    """How many of n points UMAP is fitted on by default: FIT_SAMPLE above SAMPLE_FIT_FROM, else all (None)."""
    return FIT_SAMPLE if n > SAMPLE_FIT_FROM else None


def project_together(vectors: np.ndarray, requests: Sequence[tuple[int, UmapParams]]) -> list[np.ndarray]:
    """Several projections of the same vectors, e.g. [(2, map params), (5, clustering params)], computed
    side by side, one thread per core, each exactly what `project` gives alone. Requests that agree on
    neighbours, metric and seed share one nearest-neighbour search."""
    vectors = _as_matrix(vectors)
    searched: dict[tuple, Neighbours | None] = {}
    sampled = fit_points(len(vectors)) is not None  # each fit then searches its own sample's neighbours
    for _, params in requests:
        if _search_key(params) not in searched:
            searched[_search_key(params)] = None if sampled else nearest_neighbours(vectors, params)
    _patch_layout_epochs()
    workers = max(1, min(len(requests), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="umap") as pool:
        # Each layout runs in a copy of this thread's context, so it sees the caller's stop_between_epochs.
        futures = [
            pool.submit(contextvars.copy_context().run, project, vectors, k, params,
                        neighbours=searched[_search_key(params)])
            for k, params in requests
        ]
        return [future.result() for future in futures]


def _search_key(params: UmapParams) -> tuple:
    # What the nearest-neighbour search depends on, besides the vectors.
    return params.n_neighbors, params.metric, params.seed


def nearest_neighbours(vectors: np.ndarray, params: UmapParams) -> Neighbours | None:
    """UMAP's approximate nearest neighbours (NN-descent, seeded) of each point; None below
    APPROXIMATE_FROM points, where UMAP compares every pair itself."""
    vectors = _as_matrix(vectors)
    if len(vectors) < APPROXIMATE_FROM:
        return None
    from umap.umap_ import nearest_neighbors

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indices, distances, _ = nearest_neighbors(
            vectors, _n_neighbors(len(vectors), params), params.metric, {}, False,
            np.random.RandomState(params.seed), n_jobs=1,
        )
    return Neighbours(indices=indices, distances=distances)


def fit_sample_rows(n: int, size: int, seed: int = SAMPLE_SEED) -> np.ndarray:
    """Sorted rows of the fitting sample: seeded and uniform, so every part of the corpus is represented."""
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def _n_neighbors(n_points: int, params: UmapParams) -> int:
    return max(2, min(params.n_neighbors, n_points - 1))


def _reducer(n_points: int, n_components: int, params: UmapParams, neighbours: Neighbours | None = None):
    import umap  # imported lazily: importing umap costs seconds

    _patch_layout_epochs()
    large = {}
    if n_points >= APPROXIMATE_FROM:
        large = {
            "n_epochs": LARGE_EPOCHS,
            # Start from the data's first principal components rather than the graph's spectral layout: on
            # 10,000 documents, trustworthiness 0.757 against 0.726, and a second sooner (docs/performance.md).
            "init": "pca",
        }
        if neighbours is not None:  # None when fitting a sample: UMAP.transform needs UMAP's own search index
            # Copies: UMAP marks disconnected neighbours in these arrays in place, and two fits may run at once.
            large["precomputed_knn"] = (neighbours.indices.copy(), neighbours.distances.copy())
    return umap.UMAP(
        n_components=n_components,
        n_neighbors=_n_neighbors(n_points, params),
        min_dist=params.min_dist,
        metric=params.metric,
        random_state=params.seed,
        n_jobs=1,  # what a seed forces anyway; saying it silences umap's warning
        **large,
    )


def _umap(vectors: np.ndarray, n_components: int, params: UmapParams, neighbours: Neighbours | None = None) -> np.ndarray:
    if neighbours is None:
        # Searched here, not inside UMAP, so a projection is the same whether or not it shared the search
        # (UMAP's own search would first draw from its random state, changing every later draw).
        neighbours = nearest_neighbours(vectors, params)
    reducer = _reducer(len(vectors), n_components, params, neighbours)
    with warnings.catch_warnings():
        # Small or duplicated corpora make umap warn about disconnected graphs; the layout is still usable.
        warnings.simplefilter("ignore", UserWarning)
        return np.asarray(reducer.fit_transform(vectors), dtype=np.float32)


def _umap_fit_sample(vectors: np.ndarray, n_components: int, params: UmapParams, size: int) -> np.ndarray:
    rows = fit_sample_rows(len(vectors), size, params.seed)
    rest = np.ones(len(vectors), dtype=bool)
    rest[rows] = False
    reducer = _reducer(len(rows), n_components, params)
    coords = np.empty((len(vectors), n_components), dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        coords[rows] = reducer.fit_transform(vectors[rows])
        coords[rest] = reducer.transform(vectors[rest])
    return coords


_should_stop: contextvars.ContextVar[Callable[[], bool] | None] = contextvars.ContextVar("umap_should_stop", default=None)


@contextmanager
def stop_between_epochs(should_stop: Callable[[], bool] | None) -> Iterator[None]:
    """While the block runs, every UMAP layout it starts (project, project_together, a sample fit's transform)
    asks `should_stop()` before each epoch and raises StageStopped once it is true. A layout is most of a
    projection's time, so a job past its time limit, cancelled or abandoned gives its core back within an
    epoch (about 0.2 s at 20,000 points) rather than at the end of the layout. None: never stops."""
    token = _should_stop.set(should_stop)
    try:
        yield
    finally:
        _should_stop.reset(token)


_EPOCHS_PATCHED = False


def _patch_layout_epochs() -> None:
    """Let two seeded layouts run on two cores at once, and let a layout stop between epochs.

    umap compiles its single-threaded epoch function without numba's nogil, so two layouts in two
    threads would take turns. The same Python function compiled with nogil=True computes exactly the
    same thing (tests/test_reduce.py checks the layouts are identical) while letting the other thread run.
    umap's epoch loop looks the function up in its module once per layout, so a Python wrapper put there
    is asked before every epoch whether to go on (stop_between_epochs). Left as it is if this umap version
    is organised differently.
    """
    global _EPOCHS_PATCHED
    if _EPOCHS_PATCHED:
        return
    import numba
    import umap.layouts as layouts

    source = getattr(layouts, "_optimize_layout_euclidean_single_epoch", None)
    if source is None or not hasattr(layouts, "_nb_optimize_layout_euclidean_single_epoch"):
        return
    compiled = numba.njit(source, fastmath=True, parallel=False, nogil=True)

    def epoch(*args):
        should_stop = _should_stop.get()
        if should_stop is not None and should_stop():
            raise StageStopped("the layout")
        return compiled(*args)

    layouts._nb_optimize_layout_euclidean_single_epoch = epoch
    _EPOCHS_PATCHED = True


def pca(vectors: np.ndarray, n_components: int) -> np.ndarray:
    """PCA projection, deterministic. Dimensions the data cannot fill (n_components > min(n, d)) are zeros."""
    vectors = _as_matrix(vectors)
    n, d = vectors.shape
    coords = np.zeros((n, n_components), dtype=np.float32)
    fillable = min(n_components, n - 1, d)  # n points span at most n - 1 directions
    if fillable < 1:
        return coords
    from sklearn.decomposition import PCA

    centred_span = np.ptp(vectors, axis=0).max()
    if centred_span == 0:  # all points identical: every direction has zero variance
        return coords
    coords[:, :fillable] = PCA(n_components=fillable, svd_solver="full").fit_transform(vectors)
    return coords


def trustworthiness(vectors: np.ndarray, coords: np.ndarray, k: int = 10) -> float:
    """How well the projection keeps each point's nearest neighbours (1.0 = perfectly, ~0.5 = random).

    Cosine distance on the high-dimensional side. For more than TRUSTWORTHINESS_SAMPLE points the
    score is measured on a seeded random sample of that size (neighbours within the sample), since
    the exact score is O(n²). NaN when there are too few points to measure (fewer than 3).
    """
    vectors, coords = _as_matrix(vectors), _as_matrix(coords)
    if len(vectors) != len(coords):
        raise ValueError(f"vectors has {len(vectors)} rows but coords has {len(coords)}.")
    if len(vectors) > TRUSTWORTHINESS_SAMPLE:
        rows = np.sort(np.random.default_rng(SAMPLE_SEED).choice(len(vectors), TRUSTWORTHINESS_SAMPLE, replace=False))
        vectors, coords = vectors[rows], coords[rows]
    k = min(k, (len(vectors) - 1) // 2)  # sklearn requires k < n / 2
    if k < 1:
        return float("nan")
    from sklearn.manifold import trustworthiness as sklearn_trustworthiness

    return float(sklearn_trustworthiness(vectors, coords, n_neighbors=k, metric="cosine"))


def warm_up(metric: str = "cosine", approximate: bool = True) -> None:
    """Compile umap's numba code now, so the first real map does not wait for it.

    Exact neighbour search (corpora under 4,096 points): ~15 s once per process, ~0.2 s with
    enable_numba_cache. `approximate` also compiles NN-descent (larger corpora): another ~20-60 s,
    every process, since pynndescent's core takes the distance function as an argument and numba
    cannot cache such functions on disk.
    """
    import umap

    _patch_layout_epochs()
    tiny = np.random.default_rng(0).standard_normal((32, 8)).astype(np.float32)
    for nn_descent in (False, True) if approximate else (False,):
        reducer = umap.UMAP(
            n_neighbors=5, n_components=2, metric=metric, random_state=0, n_jobs=1, n_epochs=10,
            force_approximation_algorithm=nn_descent,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reducer.fit_transform(tiny)


def enable_numba_cache(path: str | os.PathLike) -> int:
    """Keep umap's and pynndescent's compiled numba code on disk under `path`; returns how many
    functions were switched to on-disk caching.

    Call it once at process start, before the first UMAP call (e.g. with
    ``embdash.config.data_dir() / "numba-cache"``). Measured: a new process's first UMAP call
    drops from ~14 s to ~0.2 s once the cache is filled. NUMBA_CACHE_DIR alone does not help:
    it only moves the cache of the few functions umap already marks ``cache=True``; the slow ones
    (smooth_knn_dist, fast_knn_indices, the layout epochs...) are compiled without a cache, so we
    switch caching on for every numba function the two packages define.

    The cache lives in a sub-folder named after the numba/umap/pynndescent versions, so an upgrade
    never reuses stale machine code.
    """
    import numba
    import pynndescent  # noqa: F401  imported first, so their own cache=True functions keep their
    import umap  # noqa: F401         usual (already warm) cache, and so all their dispatchers exist

    cache_dir = Path(path) / _numba_cache_folder_name()
    cache_dir.mkdir(parents=True, exist_ok=True)
    # A function's cache folder is fixed when caching is switched on: point numba's setting at ours
    # just for that, rather than setting NUMBA_CACHE_DIR for the whole process.
    previous = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(cache_dir)
    try:
        return sum(_enable_caching(dispatcher) for dispatcher in _numba_dispatchers(("umap", "pynndescent")))
    finally:
        numba.config.CACHE_DIR = previous


def _numba_cache_folder_name() -> str:
    from importlib.metadata import version

    return "numba-" + "-".join(f"{pkg}{version(pkg)}" for pkg in ("numba", "umap-learn", "pynndescent"))


def _numba_dispatchers(package_names: tuple[str, ...]):
    from numba.core.dispatcher import Dispatcher

    seen = set()
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in package_names:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, Dispatcher) and id(value) not in seen:
                seen.add(id(value))
                yield value


def _enable_caching(dispatcher) -> bool:
    from numba.core.caching import NullCache

    if not isinstance(dispatcher._cache, NullCache):
        return False  # already cached (umap's cache=True functions) or enabled by an earlier call
    if dispatcher.targetoptions.get("nogil"):
        # Ours (_patch_layout_epochs): numba's on-disk index does not tell compile options apart,
        # so it could load umap's own variant of the same function. Compiled once per process instead.
        return False
    try:
        dispatcher.enable_caching()
    except Exception:  # a function numba cannot cache (no source file...) just stays uncached
        return False
    return True


def _as_matrix(array: np.ndarray) -> np.ndarray:
    matrix = np.asarray(array, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError(f"Expected a 2-D array (n, d), got shape {matrix.shape}.")
    return matrix
