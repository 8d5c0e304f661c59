"""Benchmark: the Map page shown again after a server restart, everything cached (target: warm < 2 s).

  1. cold, in one process: a 10,000-document corpus (bench_embed.build_corpus) is stored, its vectors are
     put in the store under the default model's cache key, and the Map page runs once through
     streamlit.testing.v1.AppTest (both UMAPs, HDBSCAN, topic terms, metrics: every artefact is written).
  2. warm, in a NEW process on the same data folder (a restart): AppTest runs of the Map page, the first
     after the restart and a second one, each timed, with the time spent in each stage of the page.

Vectors: by default a cheap deterministic stand-in with real topic structure (TF-IDF -> 384-d LSA of the
texts themselves, unit rows), stored under the real model's cache key (models.expected_cache_key), so the
page finds every vector cached exactly as it would after embedding. `--real-model` embeds with
all-MiniLM-L6-v2 instead (minutes). With every vector cached the page does not load the model; each warm
run records how often it was loaded (`models.load_embedder` in the stages). A third run, in another new
process, forces the load the page made before it could predict the model's cache key, for comparison.

    .venv/bin/python bench/bench_warm_map.py [--n 10000] [--real-model] [--no-write] [--warm-only DATA_DIR]

Writes bench/results/warm-map-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
MODEL = "all-MiniLM-L6-v2"
APP = REPO / "streamlit_app.py"
RESULTS_DIR = REPO / "bench" / "results"
TIMEOUT = 3600
TARGET_SECONDS = 2.0
COLD_RESULT = "bench-warm-map-cold.json"  # in the data folder, for --warm-only


# ---------------------------------------------------------------------------- timing the page's stages


class StageTimes:
    """Inclusive seconds and calls per wrapped function (stages nest: map_result holds labels, topics...)."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, owner, name: str, label: str | None = None) -> None:
        function = getattr(owner, name)
        label = label or f"{getattr(owner, '__name__', owner)}.{name}"

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.calls[label] += 1

        setattr(owner, name, timed)

    def take(self) -> dict:
        taken = {label: {"seconds": round(s, 4), "calls": self.calls[label]} for label, s in self.seconds.items()}
        self.seconds.clear()
        self.calls.clear()
        return dict(sorted(taken.items(), key=lambda item: -item[1]["seconds"]))


def instrument() -> StageTimes:
    """Wrap what the Map page calls (module attributes: the page looks them up at call time)."""
    from embdash.dataio.store import Store
    from embdash.pipeline import cluster as clustering
    from embdash.pipeline import maps, reduce, topics
    from embdash.render import charts
    from embdash.ui import cache, state, views, widgets

    times = StageTimes()
    for name in ("vectors", "_cached_without_model", "embedder", "numba_cache", "map_result", "_projections", "_layout_2d",
                 "_cluster_space", "_labels", "_topics", "_metrics"):
        if hasattr(cache, name):  # the map's stages have changed names over time
            times.wrap(cache, name, f"cache.{name}")
    times.wrap(cache, "load_embedder", "models.load_embedder")  # the name cache.py calls it by
    for owner, names in [
        (state, ("current_corpus",)),
        (widgets, ("sidebar", "map_params_controls")),
        (maps, ("map_frame", "measure", "cluster_table")),
        (charts, ("map_chart",)),
        (views, ("map_metrics", "filtered", "selected_documents", "more_like_this", "cluster_overview", "map_download")),
        (reduce, ("project",)),
        (clustering, ("cluster",)),
        (topics, ("topic_terms",)),
        (Store, ("load_array", "load_json", "load_vectors")),
    ]:
        for name in names:
            if hasattr(owner, name):
                times.wrap(owner, name, f"{owner.__name__.rsplit('.', 1)[-1]}.{name}")
    return times


def timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the Map page failed: {at.exception[0].value}")
    return seconds


def opened_map(corpus_key: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["corpus"] = corpus_key
    return at


def shown_clusters(at) -> int:
    return int(next(m.value for m in at.metric if m.label == "Clusters"))


# ---------------------------------------------------------------------------- phases


def stand_in_vectors(texts: list[str], dim: int = 384):
    """Unit rows with real topic structure: TF-IDF of the texts, reduced to `dim` by truncated SVD (seeded)."""
    import numpy as np
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer(sublinear_tf=True, min_df=2, stop_words="english").fit_transform(texts)
    reduced = TruncatedSVD(n_components=min(dim, tfidf.shape[1] - 1), random_state=0).fit_transform(tfidf)
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    vectors[:, : reduced.shape[1]] = reduced
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[norms[:, 0] == 0, 0] = 1.0  # a text of stop words only still gets a unit vector
    return vectors / np.maximum(norms, 1e-12)


def cold(n: int, real_model: bool) -> dict:
    import pandas as pd
    from bench_embed import build_corpus

    from embdash.dataio.corpus import make_corpus
    from embdash.dataio.store import Store
    from embdash.hashing import text_hash
    from embdash.models.catalogue import expected_cache_key, load_embedder
    from embdash.models.embed import embed_texts

    texts, source = build_corpus(n)
    frame = pd.DataFrame({"text": texts, "length": [len(t.split()) for t in texts]})
    corpus = make_corpus(frame, "text", f"bench-{n}.csv")
    store = Store.default()
    store.save_corpus(corpus)
    started = time.perf_counter()
    model_key = None if real_model else expected_cache_key(MODEL)
    if model_key is None:
        embedder = load_embedder(MODEL)
        model_key = embedder.cache_key
        embed_texts(corpus.texts, embedder, store)
        vectors_source = f"{MODEL} ({model_key})"
    else:
        store.save_vectors(model_key, [text_hash(t) for t in corpus.texts], stand_in_vectors(corpus.texts),
                           {"model": MODEL, "stand_in": "tfidf -> 384-d truncated SVD (bench_warm_map.py)"})
        vectors_source = f"stand-in (TF-IDF + truncated SVD, 384-d) stored under {model_key}"
    vectors_seconds = time.perf_counter() - started

    at = opened_map(corpus.key)
    seconds = timed_run(at)
    return {"corpus_key": corpus.key, "model_cache_key": model_key, "n": len(corpus), "corpus_source": source, "vectors": vectors_source,
            "vectors_seconds": round(vectors_seconds, 2), "page_seconds": round(seconds, 2),
            "clusters": shown_clusters(at)}


HEAVY_MODULES = ("torch", "sentence_transformers", "onnxruntime", "umap", "numba", "hdbscan", "sklearn", "altair")


def warm(corpus_key: str, force_model_load: bool = False) -> dict:
    """In a fresh process: the first Map page run after the restart, then a second one.

    force_model_load: the page loads the model to learn its cache key even though every vector is cached,
    as it did before cache.vectors predicted the key (models.expected_cache_key), for comparison.
    """
    started = time.perf_counter()
    # A server started by scripts/start.sh (embdash.ui.serve) imports Streamlit and the page libraries
    # (pandas, pyarrow, altair, embdash's map modules) before it serves; what else the first page run
    # imports is timed as part of that run (instrument() imports it).
    import streamlit  # noqa: F401
    from streamlit.testing.v1 import AppTest  # noqa: F401

    from embdash.ui.serve import import_page_libraries

    import_page_libraries()

    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    times = instrument()
    instrument_seconds = time.perf_counter() - started  # importing embdash's modules, mostly
    if force_model_load:
        from embdash.ui import cache

        cache._cached_without_model = lambda corpus, model_id: None
    at = opened_map(corpus_key)
    first = timed_run(at) + instrument_seconds
    first_stages = times.take()
    second = timed_run(at)
    second_stages = times.take()
    return {"imports_seconds": round(import_seconds, 2), "embdash_imports_seconds": round(instrument_seconds, 3),
            "first_run_seconds": round(first, 3),
            "first_run_model_loads": first_stages.get("models.load_embedder", {}).get("calls", 0),
            "first_run_stages": first_stages, "second_run_seconds": round(second, 3),
            "second_run_stages": second_stages, "clusters": shown_clusters(at),
            "heavy_modules_imported": [m for m in HEAVY_MODULES if m in sys.modules]}


def in_new_process(phase: str, data_dir: Path, *args: str) -> dict:
    env = {**os.environ, "EMBDASH_DATA_DIR": str(data_dir)}
    done = subprocess.run([sys.executable, __file__, "--phase", phase, *args], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--real-model", action="store_true", help="embed with the model instead of a stand-in")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--warm-only", metavar="DATA_DIR", help="re-time the restart on a data folder an earlier run left")
    parser.add_argument("--phase", choices=("cold", "warm"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus-key", help=argparse.SUPPRESS)
    parser.add_argument("--force-model-load", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "cold":
        print(json.dumps(cold(args.n, args.real_model)))
        return
    if args.phase == "warm":
        print(json.dumps(warm(args.corpus_key, args.force_model_load)))
        return

    if args.warm_only:
        data_dir = Path(args.warm_only)
        cold_run = json.loads((data_dir / COLD_RESULT).read_text())
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="bench-warm-map-"))
        cold_run = in_new_process("cold", data_dir, "--n", str(args.n), *(["--real-model"] if args.real_model else []))
        (data_dir / COLD_RESULT).write_text(json.dumps(cold_run))
    print("cold", json.dumps(cold_run), "data folder", data_dir, flush=True)
    warm_run = in_new_process("warm", data_dir, "--corpus-key", cold_run["corpus_key"])
    print("warm", json.dumps(warm_run), flush=True)
    # The same restart, the model loaded as before (only to learn its cache key), for comparison.
    loading_run = in_new_process("warm", data_dir, "--corpus-key", cold_run["corpus_key"], "--force-model-load")
    print("warm, model loaded as before", json.dumps(loading_run), flush=True)
    result = {
        "benchmark": "bench_warm_map.py",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "load_before": os.getloadavg()},
        "target_seconds": TARGET_SECONDS,
        "cold": cold_run,
        "warm_after_restart": warm_run,
        "warm_after_restart_model_loaded_as_before": loading_run,
        "met": warm_run["first_run_seconds"] < TARGET_SECONDS,
    }
    if not args.no_write:
        RESULTS_DIR.mkdir(exist_ok=True)
        path = RESULTS_DIR / f"warm-map-{datetime.now(timezone.utc).date()}.json"
        path.write_text(json.dumps(result, indent=1) + "\n")
        print("wrote", path)


if __name__ == "__main__":
    main()
