"""One stage cache for the CLI and the dashboard: a map made by `embdash map` opens on the Map page without
computing a stage, and a map the page made is a cache hit for `embdash map` (same parameters)."""

import pandas as pd
import streamlit as st

import embdash.api
import embdash.pipeline.cluster
import embdash.pipeline.maps
import embdash.pipeline.reduce
import embdash.pipeline.topics
from embdash import cli
from embdash.dataio.corpus import load_corpus
from embdash.dataio.store import Store
from tests.conftest import map_page_by_link
from tests.pages.test_warm_map_page import shown

TOPICS = {
    "orchards": "The {} orchard dropped its apples early after the dry summer on the hill.",
    "trains": "The {} night train was delayed for an hour by snow on the mountain pass.",
    "violins": "The {} violin maker varnished the instrument and left it to dry for a month.",
}
# The map settings of map_page_by_link, as CLI options.
PAGE_SETTINGS = ["--umap-n-neighbors", "5", "--cluster-min-cluster-size", "3"]


def corpus_file(tmp_path, words):
    rows = [(template.format(word), topic) for topic, template in TOPICS.items() for word in words]
    path = tmp_path / "shared.csv"
    pd.DataFrame(rows, columns=["text", "topic_written"]).to_csv(path, index=False)
    corpus = load_corpus(path)
    Store.default().save_corpus(corpus)  # as an upload would, so the page can open it by its link
    return path, corpus


def fresh_processes() -> None:
    """What a new process has: the store on disk, no in-memory cache of the dashboard or the API."""
    st.cache_data.clear()
    st.cache_resource.clear()
    embdash.api._stores.clear()
    embdash.api._stage_caches.clear()



def cli_map(path, out, capsys) -> tuple[pd.DataFrame, str]:
    code = cli.main(["map", str(path), "--text-column", "text", "--out", str(out), *PAGE_SETTINGS])
    err = capsys.readouterr().err
    assert code == 0, err
    return pd.read_parquet(out), err


def page_clusters(at) -> dict:
    metrics, clusters = shown(at)
    return {"clusters": int(dict(metrics)["Clusters"]), "sizes": sorted(c["size"] for c in clusters if c["cluster"] >= 0)}


def cli_clusters(frame) -> dict:
    clustered = frame[frame["cluster"] >= 0]
    return {"clusters": clustered["cluster"].nunique(), "sizes": sorted(clustered["cluster"].value_counts().tolist())}


def test_a_map_made_by_the_cli_opens_on_the_map_page_without_computing(tmp_path, capsys, stage_calls):
    path, corpus = corpus_file(tmp_path, ("red", "old", "tall", "quiet", "famous", "small", "late", "cold", "busy"))
    fresh_processes()
    made, _ = cli_map(path, tmp_path / "cli.parquet", capsys)
    assert all(count >= 1 for count in stage_calls.values())
    computed = dict(stage_calls)

    fresh_processes()
    at = map_page_by_link(corpus)
    at.run()
    assert stage_calls == computed  # every stage read from the CLI's cache
    assert page_clusters(at) == cli_clusters(made)
    assert page_clusters(at)["clusters"] >= 2


def test_a_map_made_on_the_map_page_is_a_cache_hit_for_the_cli(tmp_path, capsys, stage_calls):
    path, corpus = corpus_file(tmp_path, ("green", "new", "short", "loud", "unknown", "large", "early", "warm", "idle"))
    fresh_processes()
    at = map_page_by_link(corpus)
    at.run()
    assert all(count >= 1 for count in stage_calls.values())
    computed = dict(stage_calls)

    fresh_processes()
    made, err = cli_map(path, tmp_path / "cli.parquet", capsys)
    assert stage_calls == computed  # nothing recomputed by the CLI
    assert "from the cache (model not loaded)" in err
    assert cli_clusters(made) == page_clusters(at)
