"""Benchmark: cold `python -m embdash map` against a script running BERTopic's fit_transform, whole commands.

Corpus: Reuters-8 test (2,189 news articles, Orange's text datasets under --source-dir), as a CSV.
  embdash   `python -m embdash map r8.csv --text-column text --out out.parquet`, default model and settings,
            in a new process, into a data folder that has never seen the corpus: no vectors, no stages.
            The folder keeps what any earlier use of the install leaves behind, the compiled UMAP code and
            the model's one-off bf16 check, copied from the warm-up round.
  peer      a script that loads the same model with SentenceTransformer and runs
            `BERTopic(embedding_model=model).fit_transform(texts)` with default settings, writing the topics.
Both are whole commands: process start, imports, model load included. A first warm-up round of each is
timed but not counted: it fills numba's caches (UMAP's compiled code; BERTopic's in site-packages, embdash's
in the data folder) and makes the bf16 check. Then --rounds rounds, the order alternated each round; the
ratio is embdash / peer per round, median (min-max). Target: <= 0.45.

    .venv/bin/python bench/bench_map_command.py [--rounds 3] [--no-write]

Writes bench/results/map-command-<date>.json and its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_embed import machine_info, write_doc_section  # noqa: E402
from bench_engines import run_process  # noqa: E402

MODEL_ID = "all-MiniLM-L6-v2"
SOURCE_DIR = Path("/tmp/bench-pkgs/orangecontrib/text/datasets")
RESULTS_DIR = REPO / "bench" / "results"
DOC_START, DOC_END = "<!-- bench_map_command:start -->", "<!-- bench_map_command:end -->"
KEPT_BETWEEN_RUNS = ("numba-cache", "precision")  # what earlier use of an install leaves in its data folder

PEER_SCRIPT = """
import sys
import pandas as pd
from bertopic import BERTopic
from sentence_transformers import SentenceTransformer
texts = pd.read_csv(sys.argv[2])["text"].astype(str).tolist()
model = SentenceTransformer(sys.argv[1], device="cpu")
topics, _ = BERTopic(embedding_model=model).fit_transform(texts)
pd.DataFrame({"topic": topics}).to_parquet(sys.argv[3])
"""


def r8_texts(source_dir: Path) -> list[str]:
    frame = pd.read_csv(source_dir / "reuters-r8-test.tab", sep="\t", skiprows=[1, 2])
    return [t for t in frame["Text"].dropna().astype(str) if t.strip()]


def used_folder(warm: Path, work: Path) -> Path:
    """A new data folder holding only what earlier use leaves behind (see KEPT_BETWEEN_RUNS)."""
    fresh = Path(tempfile.mkdtemp(dir=work, prefix="data-"))
    for name in KEPT_BETWEEN_RUNS:
        if (warm / name).is_dir():
            shutil.copytree(warm / name, fresh / name)
    return fresh


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    from embdash.models.catalogue import _st_folder, get_spec

    work = Path(tempfile.mkdtemp(prefix="bench-map-command-"))
    texts = r8_texts(args.source_dir)
    csv, peer = work / "r8.csv", work / "peer.py"
    pd.DataFrame({"text": texts}).to_csv(csv, index=False)
    peer.write_text(PEER_SCRIPT, encoding="utf-8")
    folder = _st_folder(get_spec(MODEL_ID))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO)}
    env.pop("EMBDASH_FORCE_FP32", None)

    def embdash(data: Path) -> float:
        return run_process(["-m", "embdash", "map", str(csv), "--text-column", "text", "--model", MODEL_ID,
                            "--out", str(work / "out.parquet"), "--quiet"], {**env, "EMBDASH_DATA_DIR": str(data)})

    def bertopic() -> float:
        return run_process([str(peer), str(folder), str(csv), str(work / "peer.parquet")], env)

    warm = Path(tempfile.mkdtemp(dir=work, prefix="warm-"))
    first = {"embdash": embdash(warm), "peer": bertopic()}
    print(f"  warm-up (not counted): embdash {first['embdash']:.1f} s, peer {first['peer']:.1f} s", flush=True)
    runs = {"embdash": [], "peer": []}
    for r in range(args.rounds):
        for name in (("embdash", "peer") if r % 2 == 0 else ("peer", "embdash")):
            runs[name].append(embdash(used_folder(warm, work)) if name == "embdash" else bertopic())
        print(f"  round {r + 1}: embdash {runs['embdash'][-1]:.1f} s, peer {runs['peer'][-1]:.1f} s", flush=True)

    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    result = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": MODEL_ID, "machine": machine_info(), "n_texts": len(texts), "rounds": args.rounds,
        "load_average_after": load, "warm_up": first,
        "seconds": {name: spread(times) for name, times in runs.items()},
        "ratio": spread([e / p for e, p in zip(runs["embdash"], runs["peer"])]),
        "raw": runs,
        "note": os.environ.get("BENCH_NOTE", ""),  # what the figures mean, written by whoever ran it
    }
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / f"map-command-{result['date']}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        write_doc_section(doc_section(result), DOC_START, DOC_END)
    shutil.rmtree(work, ignore_errors=True)
    return 0


def doc_section(result: dict) -> str:
    s, ratio = result["seconds"], result["ratio"]

    def fmt(d: dict) -> str:
        return f"{d['median']:.1f} s ({d['min']:.1f}-{d['max']:.1f})"

    return "\n".join([
        "## Cold `embdash map` against BERTopic, whole commands (`bench/bench_map_command.py`)",
        "",
        f"Reuters-8 test, {result['n_texts']:,} news articles, {result['model']}, {result['rounds']} alternated rounds after an "
        f"uncounted warm-up, measured {result['created']} (load average after: {' '.join(result['load_average_after'])}).",
        "embdash: `python -m embdash map r8.csv --text-column text --out out.parquet` into a data folder that never saw "
        "the corpus (it keeps only the compiled UMAP code and the bf16 check from earlier use); peer: a script loading "
        "the model with SentenceTransformer and running `BERTopic(embedding_model=model).fit_transform(texts)`.",
        "",
        "| whole command | seconds, median (min-max) |",
        "|---|---:|",
        f"| `python -m embdash map` (embed, 2-D map, 5-d space, clusters, topic tree, names by meaning, quality) | {fmt(s['embdash'])} |",
        f"| BERTopic script (embed, UMAP 5-d, HDBSCAN, c-TF-IDF) | {fmt(s['peer'])} |",
        f"| **ratio embdash / BERTopic** (target <= 0.45) | **{ratio['median']:.2f}** ({ratio['min']:.2f}-{ratio['max']:.2f}) |",
        "",
        f"First use of an install (warm-up round, not counted: numba compiles UMAP, the bf16 check runs): embdash "
        f"{result['warm_up']['embdash']:.1f} s, BERTopic {result['warm_up']['peer']:.1f} s.",
        *(["", result["note"]] if result.get("note") else []),
    ])


if __name__ == "__main__":
    sys.exit(main())
