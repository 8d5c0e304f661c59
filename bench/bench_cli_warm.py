"""Benchmark: what a re-run of the `embdash` command costs once everything is cached, before and after.

Whole commands, as a user runs them (process start, imports and model load included), on 6,000 short texts:
  cold embed    `python -m embdash embed` into an empty data folder
  warm embed    the same command again (every vector cached)         target: <= 10% of cold
  first map     `python -m embdash map` (vectors cached, stages not)
  second map    the same command again                               target: <= 2 s
  overhead      process start to the first batch embedded (cold), read from the progress on stderr
"Before" is a checkout of an older commit (default 33d70e4, the CLI before the library-first pipeline),
run by the same Python; rounds alternate before/after so drift on a shared machine hits both.

    .venv/bin/python bench/bench_cli_warm.py [--n 6000] [--rounds 3] [--before 33d70e4] [--no-write]

Writes bench/results/cli-warm-<date>.json and its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from bench_embed import build_corpus, write_doc_section  # noqa: E402

MODEL_ID = "all-MiniLM-L6-v2"
RESULTS_DIR = REPO / "bench" / "results"
DOC_START, DOC_END = "<!-- bench_cli_warm:start -->", "<!-- bench_cli_warm:end -->"


def checkout(commit: str, folder: Path) -> Path:
    """The repository at `commit`, as files (git archive: no worktree left behind)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def run_command(root: Path, data_dir: Path, args: list[str]) -> dict:
    """Run `python -m embdash <args>` from `root`; wall seconds, and when the first progress lines appeared."""
    env = {**os.environ, "EMBDASH_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(root)}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "embdash", *args], cwd=root, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: dict[str, float] = {}
    chunks: list[bytes] = []

    def watch():
        buffer = b""
        for chunk in iter(lambda: process.stderr.read1(4096), b""):
            buffer += chunk
            chunks.append(chunk)
            for marker in (b"loading", b"embedding "):
                if marker in buffer and marker.decode() not in seen:
                    seen[marker.decode()] = time.perf_counter() - start

    reader = threading.Thread(target=watch)
    reader.start()
    code = process.wait()
    reader.join()
    seconds = time.perf_counter() - start
    if code != 0:
        raise RuntimeError(f"{' '.join(args)} failed in {root}:\n{b''.join(chunks).decode(errors='replace')[-2000:]}")
    return {"seconds": seconds, "to_model_load": seen.get("loading"), "to_first_batch": seen.get("embedding ")}


def one_round(root: Path, csv: Path, work: Path) -> dict:
    data_dir = Path(tempfile.mkdtemp(dir=work))
    out = work / "out.parquet"
    embed = ["embed", str(csv), "--text-column", "text", "--out", str(out), "--model", MODEL_ID]
    mapped = ["map", str(csv), "--text-column", "text", "--out", str(out), "--model", MODEL_ID]
    cold = run_command(root, data_dir, embed)
    warm = run_command(root, data_dir, embed)
    first_map = run_command(root, data_dir, mapped)
    second_map = run_command(root, data_dir, mapped)
    return {
        "cold_embed": cold["seconds"], "warm_embed": warm["seconds"], "warm_share": warm["seconds"] / cold["seconds"],
        "to_model_load": cold["to_model_load"], "to_first_batch": cold["to_first_batch"],
        "first_map": first_map["seconds"], "second_map": second_map["seconds"],
    }


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summary(rounds: list[dict]) -> dict:
    keys = [k for k in rounds[0] if rounds[0][k] is not None]
    return {k: spread([r[k] for r in rounds if r[k] is not None]) for k in keys}


def fmt(s: dict, unit: str = " s", scale: float = 1.0, digits: int = 1) -> str:
    return f"{s['median'] * scale:.{digits}f}{unit} ({s['min'] * scale:.{digits}f}–{s['max'] * scale:.{digits}f})"


def doc_section(result: dict) -> str:
    before, after = result["before"]["summary"], result["after"]["summary"]
    rows = [
        ("cold `embed` (whole command)", fmt(before["cold_embed"]), fmt(after["cold_embed"]), ""),
        ("warm `embed` re-run", fmt(before["warm_embed"]), fmt(after["warm_embed"]), ""),
        ("warm / cold", fmt(before["warm_share"], "%", 100, 0), fmt(after["warm_share"], "%", 100, 0), "≤ 10%"),
        ("first `map` (vectors cached)", fmt(before["first_map"]), fmt(after["first_map"]), ""),
        ("second `map`, same parameters", fmt(before["second_map"]), fmt(after["second_map"]), "≤ 2 s"),
        ("process start → model load begins", fmt(before["to_model_load"]), fmt(after["to_model_load"]), ""),
        ("process start → first batch embedded", fmt(before["to_first_batch"]), fmt(after["to_first_batch"]), "reported"),
    ]
    m = result["machine"]
    lines = [
        "## CLI re-runs: warm embed, second map, cold start (`bench/bench_cli_warm.py`)",
        "",
        f"{result['n']:,} short texts ({result['source']}), {MODEL_ID}, {result['rounds']} rounds alternating "
        f"before ({result['before']['commit']}) and after ({result['after']['commit']}); whole `python -m embdash` "
        f"processes; median (min–max). {m['cpu']}, {m['nproc']} CPUs, Python {m['python']}, {result['date']}.",
        "",
        "| | before | after | target |",
        "| --- | --- | --- | --- |",
        *[f"| {name} | {b} | {a} | {t} |" for name, b, a, t in rows],
        "",
        *busy_note(m),
        "A warm `embed` now reads the vectors under the model's predicted cache key and never imports torch or "
        "sentence-transformers; a second `map` reads every stage (projections, labels, topic terms, metrics) "
        "from the store. The cold start is Python start + imports + model load; the rest of a cold run is the "
        "model's own work.",
    ]
    return "\n".join(lines)


def busy_note(m: dict) -> list[str]:
    if m["load_max"] <= 1.5 * (m["nproc"] or 1):
        return [f"Machine load during the run: up to {m['load_max']:.1f} (1-minute average), i.e. quiet.", ""]
    return [f"> **The machine was busy** (1-minute load average up to {m['load_max']:.1f} on {m['nproc']} CPUs), so "
            "absolute times are longer than on a quiet machine; the rounds alternated, so the ratios compare like "
            "with like.", ""]


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"cpu": cpu, "nproc": os.cpu_count(), "python": platform.python_version(),
            "load_max": os.getloadavg()[0]}


def commit_of(ref: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", ref], check=True, capture_output=True,
                          text=True).stdout.strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6000, help="texts in the corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", default="33d70e4", help="the commit to compare with")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write results or docs")
    args = parser.parse_args(argv)

    texts, source = build_corpus(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv = work / "short_texts.csv"
        pd.DataFrame({"text": texts}).to_csv(csv, index=False)
        roots = {"before": checkout(args.before, Path(tempfile.mkdtemp(dir=work))), "after": REPO}
        rounds: dict[str, list[dict]] = {"before": [], "after": []}
        loads = []
        for number in range(args.rounds):
            order = ("before", "after") if number % 2 == 0 else ("after", "before")
            for version in order:
                rounds[version].append(one_round(roots[version], csv, work))
                loads.append(os.getloadavg()[0])
                print(version, {k: round(v, 3) for k, v in rounds[version][-1].items() if v is not None}, flush=True)
    m = machine()
    m["load_max"] = max(loads)
    result = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "n": args.n, "source": source,
        "rounds": args.rounds, "machine": m,
        "before": {"commit": commit_of(args.before), "rounds": rounds["before"], "summary": summary(rounds["before"])},
        "after": {"commit": commit_of("HEAD"), "rounds": rounds["after"], "summary": summary(rounds["after"])},
    }
    section = doc_section(result)
    print(section)
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / f"cli-warm-{result['date']}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        write_doc_section(section, DOC_START, DOC_END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
