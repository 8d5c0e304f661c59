"""Links: a URL's parameters select the corpus, the model and the widget values; bad links explain
themselves instead of failing; uploads are listed only to the session that made or opened them."""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from embdash.dataio.corpus import make_corpus
from embdash.dataio.store import Store
from embdash.models.catalogue import get_spec
from embdash.ui import links
from tests.conftest import REPO

APP = REPO / "streamlit_app.py"
TIMEOUT = 300

TEXTS = [
    "The striker scored twice in the cup final.", "Our goalkeeper saved a late penalty.",
    "The league table tightened after the derby.", "Fans sang for the whole second half.",
    "Simmer the onions slowly until golden.", "Knead the dough and let it rise overnight.",
    "A pinch of salt lifts the tomato sauce.", "Roast the vegetables at a high heat.",
    "The telescope found a faint new comet.", "Jupiter's moons are easy to see with binoculars.",
    "The eclipse darkened the sky at noon.", "A probe landed on the far side of the moon.",
]


@pytest.fixture(scope="module")
def shared_corpus():
    """A corpus stored on the server, as an upload by another user leaves it."""
    frame = pd.DataFrame({"text": TEXTS, "group": ["sport"] * 4 + ["food"] * 4 + ["space"] * 4})
    corpus = make_corpus(frame, "text", "shared-by-a-colleague.csv")
    Store.default().save_corpus(corpus)
    return corpus


def opened(page: str = "map", **params) -> AppTest:
    """A fresh session opening a link. AppTest runs only the page script after switch_page (not the
    entrypoint's shared frame, which reads the corpus and model), so those are tested on the default page."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for name, value in params.items():
        at.query_params[name] = value
    if page != "map":
        at.switch_page(f"pages/{page}_page.py")
    return at.run()


def sidebar_corpus(at: AppTest) -> str:
    return next(c.value for c in at.sidebar.caption if "documents" in c.value)


def test_corpus_key_format_is_strict():
    assert links.is_corpus_key("0123456789abcdef")
    for bad in ["0123456789ABCDEF", "../../etc/passwd", "0123456789abcde", "0123456789abcdef0", "", None, "g" * 16]:
        assert not links.is_corpus_key(bad)


def test_a_link_selects_the_corpus_the_model_and_the_map_parameters(shared_corpus):
    glove = get_spec("glove-6b-50d").name  # a selectbox keeps the option's label in the URL
    at = opened(corpus=shared_corpus.key, model_id=glove, **{
        "umap.n_neighbors": "5", "umap.seed": "7", "cluster.min_cluster_size": "3", "map.color_by": "group"})
    assert not at.exception
    assert at.session_state["corpus_key"] == shared_corpus.key
    assert "shared-by-a-colleague" in sidebar_corpus(at)
    assert at.selectbox(key="model_id").value == "glove-6b-50d"
    assert at.slider(key="umap.n_neighbors").value == 5
    assert at.number_input(key="umap.seed").value == 7
    assert at.slider(key="cluster.min_cluster_size").value == 3
    assert at.selectbox(key="map.color_by").value == "group"
    clusters = next(df.value for df in at.dataframe if "top terms" in df.value.columns)
    assert clusters["size"].sum() == len(TEXTS)

    again = opened(corpus=shared_corpus.key, model_id=glove, **{  # a colleague's fresh session, same server
        "umap.n_neighbors": "5", "umap.seed": "7", "cluster.min_cluster_size": "3", "map.color_by": "group"})
    pd.testing.assert_frame_equal(next(df.value for df in again.dataframe if "top terms" in df.value.columns), clusters)


def test_a_link_carries_the_topic_stop_words_exactly(shared_corpus):
    stop_words = " Striker,  moon ,comet"
    glove = get_spec("glove-6b-50d").name
    at = opened(corpus=shared_corpus.key, model_id=glove, **{
        "cluster.min_cluster_size": "3", "topics.extra_stop_words": stop_words, "topics.keep_numbers": "true",
        "topics.language": "en"})
    assert not at.exception
    assert at.text_input(key="topics.extra_stop_words").value == stop_words
    assert at.selectbox(key="topics.language").value == "en"
    assert at.checkbox(key="topics.keep_numbers").value is True
    clusters = next(df.value for df in at.dataframe if "top terms" in df.value.columns)
    terms = " ".join(clusters["top terms"]).split()
    assert not {"striker", "moon", "comet"} & set(terms)


def test_a_search_link_fills_the_query_and_k_with_the_real_default_model():
    at = opened("search", **{"search.query": "football match", "search.k": "3", "search.show_map": "false"})
    assert not at.exception
    assert at.text_input(key="search.query").value == "football match"
    assert at.slider(key="search.k").value == 3
    assert at.toggle(key="search.show_map").value is False
    hits = next(frame.value for frame in at.dataframe if "BM25 rank" in frame.value.columns)  # the results
    assert len(hits) == 3


def test_invalid_values_fall_back_to_defaults_without_failing():
    at = opened("search", **{"search.k": "5000", "search.show_map": "false", "search.query": "sport",
                             "search.filter_column": "no such column"})
    assert not at.exception
    assert at.slider(key="search.k").value in (10, 50)  # out of range: the default, or clamped
    assert at.selectbox(key="search.filter_column").value == "(none)"  # not an option: the default


def test_a_model_the_server_does_not_offer_is_explained():
    at = opened(model_id="st:/etc")
    assert not at.exception
    assert any("does not offer" in w.value for w in at.sidebar.warning)
    assert at.selectbox(key="model_id").value == "all-MiniLM-L6-v2"


@pytest.mark.parametrize("key, says", [("../../etc/passwd", "does not recognise"), ("0123456789abcdef", "does not hold")])
def test_a_link_to_a_corpus_the_server_lacks_explains_and_shows_the_sample(key, says):
    at = opened(corpus=key, **{"map.color_by": "category"})
    assert not at.exception
    assert any(says in w.value for w in at.warning)
    assert "sample" in sidebar_corpus(at).lower()
    assert at.selectbox(key="map.color_by").value == "category"  # the link's other settings are kept


def test_recent_corpora_list_only_this_sessions_corpora(shared_corpus):
    stranger = opened("data")  # the shared corpus is on the server, but this session never opened it
    assert not stranger.exception
    assert not any(shared_corpus.key in c.value for c in stranger.caption)

    colleague = opened(corpus=shared_corpus.key)  # opened through its link
    colleague.switch_page("pages/data_page.py").run()
    colleague.button(key="data.sample").click().run()
    assert not colleague.exception
    assert any(shared_corpus.key in c.value for c in colleague.caption)  # listed to go back to


def test_read_only_instance_offers_no_uploads_and_no_server_models(monkeypatch):
    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert not [t for t in at.text_input if t.key == "custom_model_input"]  # no models from server paths
    at.switch_page("pages/data_page.py").run()
    assert not at.exception
    assert len(at.get("file_uploader")) == 0
    assert any("read-only" in i.value for i in at.info)
