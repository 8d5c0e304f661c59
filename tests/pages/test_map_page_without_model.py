"""The Map page loads the embedding model only to embed: after a restart with every vector cached it shows the
same map without loading it (a load only to learn the model's cache key costs seconds); a text not cached yet
still loads the model and embeds that text."""

import numpy as np
import pandas as pd
import pytest
import streamlit as st

import embdash.pipeline.reduce
from embdash.dataio.corpus import make_corpus
from embdash.dataio.store import Store
from embdash.hashing import text_hash
from embdash.models.catalogue import DEFAULT_MODEL_ID, expected_cache_key
from embdash.ui import cache
from tests.conftest import map_page_by_link
from tests.pages.test_warm_map_page import shown

TOPICS = {  # texts of their own: no other test has embedded them, so the first run must load the model
    "tides": "The {} tide left the fishing boats stranded on the mud below the harbour wall.",
    "chess": "The {} chess player sacrificed her queen and won the endgame with two pawns.",
    "bread": "The {} bakery let the sourdough rise overnight before baking it at dawn.",
}
NEW_TEXT = "The late ferry waited for the storm to pass before crossing to the island."


FIRST_WORDS = ("early", "quiet", "famous", "young", "small", "old", "new", "patient", "cold", "bold")
SECOND_WORDS = ("late", "loud", "unknown", "aged", "large", "busy", "rival", "hasty", "warm", "shy")


def corpus_of(words: tuple[str, ...], extra: list[str]):
    rows = [(template.format(word), topic) for topic, template in TOPICS.items() for word in words]
    rows += [(text, "other") for text in extra]
    corpus = make_corpus(pd.DataFrame(rows, columns=["text", "topic_written"]), "text", "lazy.csv")
    Store.default().save_corpus(corpus)
    return corpus


def restart() -> None:
    # Every in-memory cache is gone (the loaded model too); the store on disk stays.
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def model_loads(monkeypatch):
    """Every model the app loads, through the real load_embedder."""
    loaded = []
    real = cache.load_embedder

    def counted(*args, **kwargs):
        model = real(*args, **kwargs)
        loaded.append(model)
        return model

    monkeypatch.setattr(cache, "load_embedder", counted)
    return loaded


@pytest.fixture
def projections(monkeypatch):
    """How many UMAP projections are computed (not read from the store)."""
    calls = []
    real = embdash.pipeline.reduce.project

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(embdash.pipeline.reduce, "project", counted)
    return calls


def test_the_map_is_shown_again_without_loading_the_model(model_loads, projections):
    restart()
    corpus = corpus_of(FIRST_WORDS, [])
    at = map_page_by_link(corpus)
    at.run()
    assert len(model_loads) == 1  # nothing cached yet: the model embeds the corpus
    model_key = model_loads[0].cache_key
    assert expected_cache_key(DEFAULT_MODEL_ID) == model_key
    before = shown(at)
    assert int(dict(before[0])["Clusters"]) >= 2
    projected = len(projections)

    restart()
    at.run()
    assert len(model_loads) == 1  # not loaded again
    assert shown(at) == before
    # The vectors came back under the same key: both projections were read from the store, not recomputed.
    assert len(projections) == projected
    assert not at.warning

    at.run()  # a second run in the same process: from memory, still no model
    assert len(model_loads) == 1 and shown(at) == before


def test_a_text_not_cached_yet_loads_the_model_and_embeds_it(model_loads):
    restart()
    at = map_page_by_link(corpus_of(SECOND_WORDS, []))
    at.run()  # embeds the corpus
    assert not at.exception

    restart()
    loads_before = len(model_loads)
    corpus = corpus_of(SECOND_WORDS, [NEW_TEXT])  # the same upload with one more row
    store = Store.default()
    _, found = store.load_vectors(expected_cache_key(DEFAULT_MODEL_ID), [text_hash(t) for t in corpus.texts])
    assert found.sum() == len(corpus) - 1  # only the new text is missing

    at = map_page_by_link(corpus)
    at.run()
    assert not at.exception
    assert len(model_loads) == loads_before + 1
    model = model_loads[-1]
    stored, found = store.load_vectors(model.cache_key, [text_hash(t) for t in corpus.texts])
    assert found.all()
    np.testing.assert_allclose(stored[-1], model.embed([NEW_TEXT])[0], atol=1e-6)

    restart()
    loads_before = len(model_loads)
    at.run()  # and now that one is cached too
    assert not at.exception and len(model_loads) == loads_before
