"""Benchmark: the ONNX int8 path against plain SentenceTransformer.encode, same model, same texts, one run.

  (a) SentenceTransformer.encode(texts, normalize_embeddings=True) (its default batch size, 32) of the bundled model folder;
  (b) embdash's ONNX int8 export of the same model (embdash.models.catalogue.export_onnx_model), its embed(texts).
Rounds alternate a, b, a, b ... so drift and the other jobs on the shared machine hit both sides;
the ratio is total time of (a) over total time of (b). Agreement: cosine of each text's two vectors.
Target: ratio >= 2, mean cosine >= 0.99.

    .venv/bin/python bench/bench_onnx.py [--model all-MiniLM-L6-v2] [--n 2000] [--rounds 3]

Writes bench/results/onnx-<model>-<date>.json (the export goes to a temporary data dir unless --keep).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="export into the real data dir (and keep it)")
    args = parser.parse_args()
    if not args.keep:
        os.environ["EMBDASH_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-onnx-")

    from bench_embed import build_corpus

    from embdash.models.backends.onnx_export import compare_vectors
    from embdash.models.catalogue import export_onnx_model, load_embedder

    texts, source = build_corpus(args.n)
    t = time.perf_counter()
    report = export_onnx_model(args.model, n_sample=64)
    export_seconds = time.perf_counter() - t
    torch_embedder = load_embedder(args.model, backend="torch")
    onnx_embedder = load_embedder(args.model, backend="onnx")
    plain = torch_embedder.model  # the SentenceTransformer itself: plain encode, no embdash code

    def encode_plain():
        return plain.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)  # its default batch, 32

    plain.encode(texts[:64])  # warm-up on both sides: first calls allocate
    onnx_embedder.embed(texts[:64])
    spent = {"torch": [], "onnx": []}
    for _ in range(args.rounds):
        t = time.perf_counter(); reference = encode_plain(); spent["torch"].append(time.perf_counter() - t)
        t = time.perf_counter(); candidate = onnx_embedder.embed(texts); spent["onnx"].append(time.perf_counter() - t)
    cosines = compare_vectors(np.asarray(reference, dtype=np.float32), candidate)
    k = 10
    sims_ref, sims_onnx = reference[:500] @ reference.T, candidate[:500] @ candidate.T
    top_ref = np.argsort(-sims_ref, axis=1)[:, 1:k + 1]
    top_onnx = np.argsort(-sims_onnx, axis=1)[:, 1:k + 1]
    overlap = np.mean([len(set(a) & set(b)) / k for a, b in zip(top_ref, top_onnx)])
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, shared with other jobs (timings noisy)",
        "model": args.model, "n_texts": len(texts), "texts": source, "rounds": args.rounds,
        "torch_seconds": spent["torch"], "onnx_seconds": spent["onnx"],
        "torch_docs_per_second": len(texts) * args.rounds / sum(spent["torch"]),
        "onnx_docs_per_second": len(texts) * args.rounds / sum(spent["onnx"]),
        "ratio_onnx_over_torch": sum(spent["torch"]) / sum(spent["onnx"]),
        "per_round_ratios": [a / b for a, b in zip(spent["torch"], spent["onnx"])],
        "mean_cosine": float(cosines.mean()), "min_cosine": float(cosines.min()),
        "top10_neighbour_overlap_first500": float(overlap),
        "export_seconds": export_seconds, "export_report_speedup": report.speedup,
        "onnx_file_mb": (Path(os.environ["EMBDASH_DATA_DIR"]) / "onnx" / args.model / "model.onnx").stat().st_size / 1e6
        if not args.keep else None,
    }
    print(json.dumps(result, indent=2))
    out = REPO / "bench" / "results" / f"onnx-{args.model}-{result['date'][:10]}.json"
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
