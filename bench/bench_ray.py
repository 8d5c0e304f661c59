"""Benchmark: the Ray engine against the local path on this machine, N distinct short texts each.

On one machine the engine cannot beat the local path (both use the same cores); this measures its
overhead (Ray Data scheduling, shards, the batch plan) and checks the bytes are the same.

    .venv/bin/python bench/bench_ray.py 2000 8000
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

import pandas as pd  # noqa: E402
import ray  # noqa: E402

from embdash.dataio.corpus import make_corpus, sample_corpus_path  # noqa: E402
from embdash.dataio.store import Store  # noqa: E402
from embdash.models.catalogue import load_embedder  # noqa: E402
from embdash.models.distributed import embed_with_ray, local_runtime_env  # noqa: E402
from embdash.models.embed import embed_corpus  # noqa: E402

MODEL = "paraphrase-MiniLM-L3-v2"


def main(sizes: list[int]) -> None:
    base = pd.read_csv(sample_corpus_path())["text"].tolist()
    embedder = load_embedder(MODEL)
    t = time.perf_counter()
    ray.init(num_cpus=os.cpu_count(), runtime_env=local_runtime_env(), include_dashboard=False, log_to_driver=False)
    print(f"ray.init (local, {os.cpu_count()} CPUs): {time.perf_counter() - t:.1f} s", flush=True)
    embed_with_ray(make_corpus(pd.DataFrame({"text": base[:20]}), "text", "warm"), MODEL, None)  # workers start once
    for n in sizes:
        texts = [f"{base[i % len(base)]} ({i})" for i in range(n)]
        corpus = make_corpus(pd.DataFrame({"text": texts}), "text", f"bench-{n}")
        with tempfile.TemporaryDirectory() as local_dir, tempfile.TemporaryDirectory() as ray_dir:
            t = time.perf_counter(); local = embed_corpus(corpus, embedder, Store(local_dir)); t_local = time.perf_counter() - t
            t = time.perf_counter(); remote = embed_with_ray(corpus, MODEL, Store(ray_dir)); t_ray = time.perf_counter() - t
            t = time.perf_counter(); embed_with_ray(corpus, MODEL, Store(ray_dir)); t_again = time.perf_counter() - t
            same = remote.vectors.tobytes() == local.vectors.tobytes()
            print(f"n={n:,}: local {t_local:.1f} s ({n / t_local:.0f}/s), ray {t_ray:.1f} s ({n / t_ray:.0f}/s), "
                  f"ray all cached {t_again:.1f} s, identical bytes: {same}, load average {os.getloadavg()[0]:.1f}",
                  flush=True)
    ray.shutdown()


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [2000, 8000])
