"""How stable is the clustering? The map redone under other UMAP seeds, compared by the adjusted Rand index.

UMAP is stochastic: a different seed moves points, and HDBSCAN may then draw its borders elsewhere. Clusters
that come back whatever the seed are structure in the data; clusters that come and go are the seed's doing.
The stages under each seed are cached like any map's, so asking twice costs nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import combinations
from typing import Callable

import numpy as np

from embdash.pipeline.params import MapParams

#: The map's own seed and the next two: three runs, three pairs.
N_SEEDS = 3

STABILITY_HELP = (
    "Adjusted Rand index between the clusterings of the map redone with three UMAP seeds, averaged over the "
    "pairs (unclustered documents count as one group): 1 when every seed gives the same clusters, about 0 when "
    "they agree no more than chance. Above 0.8 the clusters are solid; below 0.5 many borders are the seed's "
    "doing, so read small topics with care (a larger minimum cluster size usually steadies them)."
)


@dataclass(frozen=True)
class Stability:
    seeds: tuple[int, ...]
    mean_ari: float  # mean adjusted Rand index over the pairs of seeds
    min_ari: float  # the least agreeing pair
    n_clusters: tuple[int, ...]  # clusters found under each seed


def seeds_of(params: MapParams, n_seeds: int = N_SEEDS) -> tuple[int, ...]:
    """The map's seed, then the following ones (wrapping within UMAP's seed range)."""
    return tuple((params.umap.seed + i) % 2**31 for i in range(n_seeds))


def stability(labels_for_seed: Callable[[int], np.ndarray], seeds: tuple[int, ...]) -> Stability:
    """Compare the labels that labels_for_seed(seed) gives for each seed, pair by pair."""
    from sklearn.metrics import adjusted_rand_score

    if len(seeds) < 2:
        raise ValueError("Stability needs at least two seeds to compare.")
    runs = [np.asarray(labels_for_seed(seed)) for seed in seeds]
    scores = [float(adjusted_rand_score(a, b)) for a, b in combinations(runs, 2)]
    return Stability(
        seeds=tuple(seeds),
        mean_ari=float(np.mean(scores)),
        min_ari=float(np.min(scores)),
        n_clusters=tuple(int(len(np.unique(run[run >= 0]))) for run in runs),
    )


def with_seed(params: MapParams, seed: int) -> MapParams:
    return dataclasses.replace(params, umap=dataclasses.replace(params.umap, seed=seed))


def map_stability(vectors: np.ndarray, params: MapParams, *, vectors_key: str, corpus_key: str, cache,
                  n_seeds: int = N_SEEDS, on_stage: Callable[[str], None] | None = None, note=None,
                  should_stop: Callable[[], bool] | None = None) -> Stability:
    """The stability of a map's clustering: its labels under n_seeds seeds, each map's stages through `cache`
    (a StageCache), so the map's own seed is a cache hit and a second request computes nothing. `should_stop`:
    as in stages.map_result."""
    from embdash.pipeline import stages

    def labels_for_seed(seed: int) -> np.ndarray:
        return stages.map_labels(vectors, with_seed(params, seed), vectors_key=vectors_key, corpus_key=corpus_key,
                                 cache=cache, on_stage=on_stage, note=note or (lambda message: None),
                                 should_stop=should_stop)

    return stability(labels_for_seed, seeds_of(params, n_seeds))
