"""Benchmark: peak memory for 100,000 documents, in a float32 and a float16 vector store, and what float16 costs in search quality.

  (a) peak RSS of a fresh process embedding N distinct texts with embed_texts into an empty Store
      (vectors streamed to parquet parts of embed.SAVE_EVERY rows), with a 384-d stand-in embedder
      (hash-seeded unit vectors: the model's own memory is measured separately in (c), so the figure is
      the pipeline's: texts, hashes, dedupe, the vectors, the parts written);
  (b) peak RSS of a fresh process reading those N vectors back from the store (the warm path);
  (a16, b16) the same two with a float16 store (Store(..., vector_dtype="float16"), EMBDASH_VECTOR_DTYPE=float16),
      in its own folder: the vectors are rounded to float16 as they are computed and held as float16;
  (c) RSS after loading all-MiniLM-L6-v2 (PyTorch) and its ONNX int8 export, for the model's share;
  (d) float16: the same vectors as parquet float16 vs float32 (size on disk), and search recall@10 of
      float16-stored corpus vectors against exact float32 search, on real all-MiniLM-L6-v2 vectors
      (5,000 texts, 500 queries drawn from the corpus, the query itself excluded).

    .venv/bin/python bench/bench_memory.py [--n 100000] [--stores-only]

--stores-only measures (a), (b), (a16), (b16) and skips the models, (c) and (d), for a quick check.

Writes bench/results/memory-<date>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# The start of both child scripts: the current resident memory of the child process.
RSS = r"""
import json, sys
sys.path.insert(0, {repo!r})
def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
"""

CHILD = RSS + r"""
import resource, time, hashlib
import numpy as np
from embdash.models.embed import embed_texts
from embdash.dataio.store import Store
from embdash.models.catalogue import ModelSpec

class HashEmbedder:
    spec = ModelSpec(id="bench-hash", name="hash", dim=384, size_mb=0, docs_per_second=0, licence="", languages="",
                     loader="bench", source="bench", max_tokens=None, weights_version="1")
    cache_key = "bench-hash@1"
    def embed(self, texts):
        out = np.empty((len(texts), 384), np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(384).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out

n, root, mode, dtype = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
texts = [f"document {{i}}: " + " ".join(["words of a typical short review or post"] * 4) for i in range(n)]
before = rss_mb()
t = time.perf_counter()
result = embed_texts(texts, HashEmbedder(), Store(root, vector_dtype=dtype))
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"mode": mode, "dtype": str(result.vectors.dtype), "n": n, "rss_before_mb": before,
                  "peak_rss_mb": peak, "seconds": seconds, "n_computed": result.n_computed,
                  "n_cached": result.n_cached, "vectors_mb": result.vectors.nbytes / 1e6}}))
"""

MODEL_CHILD = RSS + r"""
from embdash.models.catalogue import load_embedder
backend = sys.argv[1]
before = rss_mb()
e = load_embedder("all-MiniLM-L6-v2", backend=backend)
e.embed(["a short text to run the model once"] * 64)
# Not ru_maxrss: it survives fork + exec, so it would report this benchmark's own peak (the export).
print(json.dumps({{"backend": backend, "rss_before_mb": before, "rss_after_mb": rss_mb()}}))
"""


def run_child(code: str, *argv: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def store_run(code: str, n: int, dtype: str) -> dict:
    """Cold embedding then warm read of n texts with a `dtype` store, each in a fresh process."""
    root = tempfile.mkdtemp(prefix=f"bench-memory-store-{dtype}-")
    cold = run_child(code, str(n), root, "cold", dtype)
    print(cold, flush=True)
    warm = run_child(code, str(n), root, "warm", dtype)
    print(warm, flush=True)
    parts = sorted(Path(root).rglob("part-*.parquet"))
    return {"cold_embed": cold, "warm_read": warm, "store_parts": len(parts),
            "store_bytes": sum(p.stat().st_size for p in parts)}


def float16_effect(n_docs: int = 5_000, n_queries: int = 500, k: int = 10) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(REPO / "bench"))
    from bench_embed import build_corpus

    from embdash.models.catalogue import load_embedder

    texts, _ = build_corpus(n_docs)
    vectors = load_embedder("all-MiniLM-L6-v2", backend="torch").embed(texts)
    half = vectors.astype(np.float16)
    queries = np.random.default_rng(0).choice(len(vectors), n_queries, replace=False)
    exact = vectors[queries] @ vectors.T
    approx = vectors[queries] @ half.astype(np.float32).T
    for scores in (exact, approx):
        scores[np.arange(n_queries), queries] = -np.inf  # the query itself is not a result
    top_exact = np.argsort(-exact, axis=1)[:, :k]
    top_half = np.argsort(-approx, axis=1)[:, :k]
    recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(top_exact, top_half)])
    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, array, arrow_type in (("float32", vectors, pa.float32()), ("float16", half, pa.float16())):
            column = pa.FixedSizeListArray.from_arrays(pa.array(array.reshape(-1), type=arrow_type), array.shape[1])
            path = Path(tmp) / f"{name}.parquet"
            pq.write_table(pa.table({"vector": column}), path, compression="none", use_dictionary=False)
            sizes[name] = path.stat().st_size
    return {
        "n_docs": n_docs, "n_queries": n_queries, "k": k, "recall_at_10_float16_vs_float32": float(recall),
        "max_abs_score_difference": float(np.max(np.abs(np.where(np.isfinite(exact), exact - approx, 0)))),
        "parquet_bytes": sizes, "disk_ratio_float16_over_float32": sizes["float16"] / sizes["float32"],
        "memory_bytes_per_vector": {"float32": 384 * 4, "float16": 384 * 2},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--stores-only", action="store_true", help="skip the models: (c) and (d)")
    args = parser.parse_args()
    os.environ["EMBDASH_DATA_DIR"] = data = tempfile.mkdtemp(prefix="bench-memory-")
    code = CHILD.format(repo=str(REPO))
    full = store_run(code, args.n, "float32")
    half_store = store_run(code, args.n, "float16")
    models = half = None
    if not args.stores_only:
        from embdash.models.catalogue import export_onnx_model

        export_onnx_model("all-MiniLM-L6-v2", n_sample=32)
        model_code = MODEL_CHILD.format(repo=str(REPO))
        models = [run_child(model_code, backend) for backend in ("torch", "onnx")]
        print(models, flush=True)
        half = float16_effect()
        print(half, flush=True)
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, shared with other jobs",
        "load_average": os.getloadavg(),
        **full, "float16_store": half_store,
        "model_memory": models, "float16": half, "data_dir": data,
    }
    print(json.dumps(result, indent=2))
    suffix = f"-n{args.n}-stores" if args.stores_only else ""
    out = REPO / "bench" / "results" / f"memory-{result['date'][:10]}{suffix}.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
