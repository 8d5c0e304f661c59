"""How long a map job can run past its time limit: the parts of a map that cannot stop, and how soon the rest does.

A public instance asks a running map job between its stages and between the epochs of each UMAP layout whether to
go on (stages.map_result(should_stop=...)). What cannot be asked midway: the nearest-neighbour search that starts
the projections, and HDBSCAN. This benchmark times each part on N vectors (the size limit of a job on a public
instance, EMBDASH_JOB_TEXTS, 20,000 by default), then stops the projections at several moments and times how long
the stop took to arrive after should_stop() first said yes.

Vectors: N unit vectors of 384 dimensions around 20 seeded topic directions (the shape of a MiniLM corpus; the
parts' times depend on the number of points and dimensions, not on the texts).

    .venv/bin/python bench/bench_stage_stop.py [--n 20000] [--rounds 3]

Writes bench/results/stage-stop-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from embdash.dataio.store import Store  # noqa: E402
from embdash.errors import StageStopped  # noqa: E402
from embdash.pipeline import cluster, maps, reduce, stages  # noqa: E402
from embdash.pipeline.params import MapParams  # noqa: E402

RESULTS_DIR = REPO / "bench" / "results"


def topic_vectors(n: int, dim: int = 384, topics: int = 20, noise: float = 0.6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((topics, dim))
    vectors = centres[rng.integers(topics, size=n)] + noise * rng.standard_normal((n, dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32)


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def stop_latency(vectors: np.ndarray, params: MapParams, after_seconds: float) -> dict:
    """Projections told to stop `after_seconds` into the stage: how long until StageStopped reached the caller."""
    said_yes: list[float] = []
    start = time.perf_counter()

    def should_stop() -> bool:
        if time.perf_counter() - start > after_seconds:
            said_yes.append(time.perf_counter())
            return True
        return False

    with tempfile.TemporaryDirectory() as folder:
        try:
            stages.map_result(vectors, [""] * len(vectors), params, vectors_key="v", corpus_key="c",
                              cache=stages.StageCache(Store(Path(folder))), should_stop=should_stop)
        except StageStopped as stopped:
            ended = time.perf_counter()
            return {"after_s": after_seconds, "stage": stopped.stage,
                    "latency_s": round(ended - said_yes[0], 3) if said_yes else None,
                    "ran_s": round(ended - start, 2)}
    return {"after_s": after_seconds, "stage": None, "latency_s": None, "ran_s": round(time.perf_counter() - start, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    vectors = topic_vectors(args.n)
    params = MapParams()
    load_before = os.getloadavg()[0]
    reduce.warm_up()
    parts: dict[str, list[float]] = {"neighbour search (cannot stop)": [], "two layouts together (stop between epochs)": [],
                                     "HDBSCAN (cannot stop)": []}
    latencies = []
    for round_number in range(args.rounds):
        seconds, neighbours = timed(reduce.nearest_neighbours, vectors, params.umap)
        parts["neighbour search (cannot stop)"].append(seconds)
        seconds, (coords, points) = timed(maps.projections, vectors, params.umap, params.cluster)
        parts["two layouts together (stop between epochs)"].append(seconds)
        seconds, _ = timed(cluster.cluster, points, params.cluster)
        parts["HDBSCAN (cannot stop)"].append(seconds)
        layouts = parts["two layouts together (stop between epochs)"][-1]
        for fraction in (0.5, 0.8):  # inside the layouts' epochs, after the neighbour search
            latencies.append(stop_latency(vectors, params, parts["neighbour search (cannot stop)"][-1]
                                          + fraction * (layouts - parts["neighbour search (cannot stop)"][-1])))
        print(f"round {round_number + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in parts.items()), flush=True)
        print("  stops:", latencies[-2:], flush=True)

    summary = {name: {"median_s": round(statistics.median(values), 2), "max_s": round(max(values), 2)}
               for name, values in parts.items()}
    measured = [entry["latency_s"] for entry in latencies if entry["latency_s"] is not None]
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "n": args.n, "dim": vectors.shape[1],
        "rounds": args.rounds, "cpus": os.cpu_count(), "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2), "parts": summary, "stops": latencies,
        "stop_latency_s": {"median": round(statistics.median(measured), 3), "max": round(max(measured), 3)} if measured else None,
    }
    print(json.dumps(result, indent=2))
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"stage-stop-{datetime.now().date()}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
