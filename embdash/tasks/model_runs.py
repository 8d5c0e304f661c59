"""Each model's run for a comparison (vectors, map, cost), through the same caches as everything else.

A model is loaded only when some vector of the corpus is missing from the store. Its speed on the corpus is
measured when it is loaded and kept in the stage cache, so a warm comparison reports the speed measured on
this corpus earlier (or, never measured, the catalogue's figure) without loading anything.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from embdash.dataio.corpus import Corpus
from embdash.dataio.store import Store
from embdash.hashing import params_key
from embdash.models.embed import CorpusVectors, Progress, corpus_vectors
from embdash.pipeline import maps, stages
from embdash.pipeline.params import MapParams
from embdash.tasks import compare

# A load this quick came from a process's model cache (another page loaded it): its real cost was not seen.
UNSEEN_LOAD_SECONDS = 0.01


def model_run(
    corpus: Corpus,
    model_id: str,
    params: MapParams,
    *,
    store: Store,
    cache: stages.StageCache,
    load: Callable[[], object] | None = None,
    vectors: CorpusVectors | None = None,
    load_seconds: float | None = None,
    progress: Progress | None = None,
    on_stage: Callable[[str], None] | None = None,
    note: stages.Note = stages._quiet,
) -> tuple[str, compare.ModelRun, maps.MapResult]:
    """(run key, the model's run, its map). `load()` gives the model when it is needed (default: the
    catalogue's loader); `vectors`, when the caller already has them, are used as they are, with the
    `load_seconds` the caller measured (None: not seen, the catalogue's figure is reported)."""
    from embdash.models.catalogue import get_spec

    seen_loads: list[float] = [] if load_seconds is None else [load_seconds]

    def timed_loader():
        from embdash.models.catalogue import load_embedder

        model, seconds = compare.timed_load(load or (lambda: load_embedder(model_id, fit_texts=corpus.texts)))
        seen_loads.append(seconds)
        return model

    if vectors is None:
        vectors = corpus_vectors(corpus, model_id, store, load=timed_loader, progress=progress)
    result = stages.map_result(
        vectors.vectors, corpus.texts, params, vectors_key=vectors.key, corpus_key=corpus.key, cache=cache,
        on_stage=on_stage, note=note,
    )
    spec = vectors.embedder.spec if vectors.embedder is not None else get_spec(model_id)
    speed = corpus_speed(corpus, vectors, cache, note)
    seconds = seen_loads[0] if seen_loads and seen_loads[0] >= UNSEEN_LOAD_SECONDS else None
    cost = compare.cost_of(spec, vectors.vectors, seconds, speed or (spec.docs_per_second, 0))
    run = compare.ModelRun(model_id, spec.name, vectors.vectors, result.coords, result.labels, cost)
    return params_key("run", vectors.key, dataclasses.asdict(params)), run, result


def corpus_speed(corpus: Corpus, vectors: CorpusVectors, cache: stages.StageCache, note: stages.Note) -> tuple[float, int] | None:
    """(texts per second, texts timed) of the model on this corpus: measured now if the model is loaded,
    else as measured before; None if it never was (the caller falls back on the catalogue's figure)."""
    key = params_key("speed", vectors.model_key, corpus.key)
    stored = cache.get_value("speed", key, _speed_from_json, note)
    if stored is not None or vectors.embedder is None:
        return stored
    speed = compare.measure_speed(vectors.embedder, corpus.texts)
    cache.put_value("speed", key, speed, list(speed), {"model": vectors.model_key, "corpus": corpus.key}, note)
    return speed


def _speed_from_json(value) -> tuple[float, int]:
    texts_per_second, n_timed = value
    return float(texts_per_second), int(n_timed)
