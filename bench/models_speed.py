"""Measure every catalogue model's load time and speed on this machine, and write them into the catalogue.

    .venv/bin/python bench/models_speed.py [--texts 1000] [--models id,id] [--rounds 3]

Each model runs in its own fresh process, so "cold load" includes importing its libraries (torch
for sentence-transformers models) and "warm load" is a second load in the same process. Speed:
1,000 short sentences (SICK sentences from the shared eval data when present, else generated ones),
embedded in one call (the embedder batches by 64), after one warm-up batch; the best of `--rounds`
(the machine may be shared: the best round is the one least disturbed). Also in tokens/s (the
tokenizer's count, capped at the model's limit), which the dashboard's first time-left estimate uses.
Results are printed as a Markdown table and written, with this machine's CPU model, core count and the
date, into embdash/models/measured_speeds.json (the catalogue reads its speeds from there; models not
measured keep their entry). Copy the table into docs/models.md.
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
RESULTS = REPO / "embdash" / "models" / "measured_speeds.json"


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


def measure_one(model_id: str, n_texts: int, rounds: int = 3) -> dict:
    """Runs inside the child process."""
    from embdash.models.catalogue import load_embedder
    from embdash.models.embed import planned_tokens

    texts = sentences(n_texts)
    started = time.perf_counter()
    embedder = load_embedder(model_id, fit_texts=texts)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    load_embedder(model_id, fit_texts=texts)
    warm = time.perf_counter() - started
    tokens = int(planned_tokens(texts, embedder).sum())
    embedder.embed(texts[:64])  # warm-up: first-call allocations, thread pools
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        embedder.embed(texts)
        seconds.append(time.perf_counter() - started)
    best = min(seconds)
    return {"model": model_id, "texts": len(texts), "cold_load_s": round(cold, 2), "warm_load_s": round(warm, 2),
            "embed_s": round(best, 2), "embed_s_rounds": [round(x, 2) for x in seconds],
            "docs_per_second": round(len(texts) / best, 1), "tokens_per_second": round(tokens / best, 1)}


def cpu_name() -> str:
    """The processor's model name, as the OS reports it."""
    import platform

    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def catalogue_entry(row: dict, cpu: str, cores: int, day: str) -> dict:
    """A measured row as the catalogue reads it (embdash.models.catalogue.MeasuredSpeed)."""
    return {"texts_per_second": row["docs_per_second"], "tokens_per_second": row["tokens_per_second"],
            "load_seconds": row["cold_load_s"], "cpu": cpu, "cores": cores, "measured": day}


def write_results(rows: list[dict], path: Path = RESULTS) -> None:
    """Merge the measured rows into the catalogue's speeds file, each labelled with this machine and today."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    models = data.get("models", {})
    cpu, cores, day = cpu_name(), usable_cores(), time.strftime("%Y-%m-%d")
    for row in rows:
        models[row["model"]] = catalogue_entry(row, cpu, cores, day)
    about = ("Written by bench/models_speed.py: each catalogue model's speed on 1,000 short sentences "
             "(best of several rounds) and cold load time, on the machine named.")
    path.write_text(json.dumps({"about": about, "models": models}, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS, help="the speeds file to update (default: the catalogue's)")
    parser.add_argument("--models", default="", help="comma-separated ids (default: the whole catalogue)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_one(args.child, args.texts, args.rounds)))
        return 0

    from embdash.models.catalogue import CATALOGUE

    ids = [m for m in args.models.split(",") if m] or [spec.id for spec in CATALOGUE]
    rows = []
    for model_id in ids:
        child = subprocess.run([sys.executable, __file__, "--child", model_id, "--texts", str(args.texts),
                                "--rounds", str(args.rounds)],
                               capture_output=True, text=True, check=False)
        if child.returncode:
            print(f"{model_id}: failed\n{child.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(rows[-1], file=sys.stderr)
    write_results(rows, args.out)
    print(f"{cpu_name()}, {usable_cores()} cores, {time.strftime('%Y-%m-%d')}")
    print("| model | texts/s | tokens/s | rounds (s) | cold load s | warm load s |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['docs_per_second']:.0f} | {r['tokens_per_second']:.0f} | "
              f"{', '.join(map(str, r['embed_s_rounds']))} | {r['cold_load_s']} | {r['warm_load_s']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
