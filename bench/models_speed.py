"""Measure every catalogue model's load time and speed on this machine.

    .venv/bin/python bench/models_speed.py [--texts 1000] [--models id,id]

Each model runs in its own fresh process, so "cold load" includes importing its libraries (torch
for sentence-transformers models) and "warm load" is a second load in the same process. Speed:
1,000 short sentences (SICK sentences from the shared eval data when present, else generated ones),
embedded in one call (the embedder batches by 64), after one warm-up batch. Results are printed as a
Markdown table and written to bench/models_speed.json; copy the figures into embdash/models/catalogue.py
(docs_per_second, load_seconds) and docs/models.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS = Path(__file__).with_name("models_speed.json")


def sentences(n: int) -> list[str]:
    """n distinct short English sentences."""
    eval_dir = Path(os.environ.get("EMBDASH_EVAL_DIR", REPO.parent / "shared" / "eval"))
    sick = eval_dir / "sts" / "sick2014" / "SICK_train.txt"
    if sick.exists():
        seen: dict[str, None] = {}
        for line in sick.read_text(encoding="utf-8").splitlines()[1:]:
            a, b = line.split("\t")[1:3]
            seen.setdefault(a)
            seen.setdefault(b)
            if len(seen) >= n:
                break
        return list(seen)[:n]
    words = "the a cat dog man woman plays runs eats sings in on park kitchen guitar ball quickly".split()
    return [" ".join(words[(i * k) % len(words)] for k in range(1, 9)) + f" {i}." for i in range(n)]


def measure_one(model_id: str, n_texts: int) -> dict:
    """Runs inside the child process."""
    from embdash.models.catalogue import load_embedder

    texts = sentences(n_texts)
    started = time.perf_counter()
    embedder = load_embedder(model_id, fit_texts=texts)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    load_embedder(model_id, fit_texts=texts)
    warm = time.perf_counter() - started
    embedder.embed(texts[:64])  # warm-up: first-call allocations, thread pools
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    return {"model": model_id, "texts": len(texts), "cold_load_s": round(cold, 2), "warm_load_s": round(warm, 2),
            "embed_s": round(seconds, 2), "docs_per_second": round(len(texts) / seconds, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--models", default="", help="comma-separated ids (default: the whole catalogue)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_one(args.child, args.texts)))
        return 0

    from embdash.models.catalogue import CATALOGUE

    ids = [m for m in args.models.split(",") if m] or [spec.id for spec in CATALOGUE]
    rows = []
    for model_id in ids:
        child = subprocess.run([sys.executable, __file__, "--child", model_id, "--texts", str(args.texts)],
                               capture_output=True, text=True, check=False)
        if child.returncode:
            print(f"{model_id}: failed\n{child.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(rows[-1], file=sys.stderr)
    RESULTS.write_text(json.dumps({"cpu_count": os.cpu_count(), "results": rows}, indent=2) + "\n")
    print("| model | docs/s | cold load s | warm load s |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['docs_per_second']:.0f} | {r['cold_load_s']} | {r['warm_load_s']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
