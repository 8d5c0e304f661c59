"""The Search page, run headlessly with the real default model on the bundled sample corpus."""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = REPO / "streamlit_app.py"
PAGE = "pages/search_page.py"
ASTRONOMY = "astronomy & space"
QUERY = "telescope images of distant galaxies"


@pytest.fixture(scope="module")
def app():
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.switch_page(PAGE).run()
    return at


def tables(at):
    """(hits by meaning, [hits by BM25, more-like-this hits], when shown), told apart by their columns."""
    frames = [df.value for df in at.dataframe]
    meaning = next(f for f in frames if "BM25 rank" in f.columns)
    others = [f for f in frames if "BM25 rank" not in f.columns]
    return meaning, others


def test_empty_query_asks_for_one(app):
    assert not app.exception
    assert app.title[0].value == "Search the corpus"
    assert any("Type a query" in info.value for info in app.info)
    assert not app.dataframe


def test_query_finds_documents_of_its_topic_beside_bm25(app):
    app.text_input(key="search.query").input(QUERY).run()
    assert not app.exception
    meaning, others = tables(app)
    assert len(meaning) == 10 and meaning["rank"].tolist() == list(range(1, 11))
    assert (meaning["category"].head(5) == ASTRONOMY).sum() >= 4
    assert meaning["score"].is_monotonic_decreasing
    keyword = others[0]
    assert "rank by meaning" in keyword.columns
    assert len(keyword) >= 1 and (keyword["category"] == ASTRONOMY).any()
    metrics = {m.label: m.value for m in app.metric}
    shared = len(set(meaning["row"]) & set(keyword["row"]))
    assert metrics["In both lists"] == f"{shared} of 10"
    assert meaning["BM25 rank"].notna().sum() == shared
    for rank, row in zip(meaning["BM25 rank"], meaning["row"]):
        assert pd.isna(rank) or keyword["row"].iloc[rank - 1] == row  # the hit's place in the keyword list
    # One ranked list: each hit's line names its rank, similarity and keyword rank, its text below in full.
    lines = [m.value for m in app.markdown if m.value.startswith("**")]
    assert len(lines) == 10 and lines[0].startswith("**1.** similarity ")
    assert str(sum("found only by meaning" in line for line in lines)) == metrics["Found only by meaning"]
    assert 0 <= float(metrics["Jaccard overlap"]) <= 1
    assert "The hits on the map" in [h.value for h in app.subheader]
    assert any("csv" in button.proto.label.lower() for button in app.get("download_button"))


def test_more_like_this_lists_neighbours_of_the_chosen_hit(app):
    meaning, _ = tables(app)
    first = int(meaning["row"].iloc[0])
    app.selectbox(key="search.more_like").set_value(first).run()
    assert not app.exception
    _, others = tables(app)
    similar = others[-1]
    assert len(similar) == 10 and first not in similar["row"].tolist()
    assert (similar["category"] == ASTRONOMY).sum() >= 7


def test_filter_keeps_hits_inside_it(app):
    app.selectbox(key="search.filter_column").set_value("category").run()
    app.multiselect(key="search.filter_values.category").set_value(["cooking & recipes"]).run()
    assert not app.exception
    meaning, _ = tables(app)
    assert set(meaning["category"]) == {"cooking & recipes"}


def test_too_long_query_is_explained(app):
    app.text_input(key="search.query").input("galaxy " * 400).run()
    assert not app.exception
    assert any("tokens long" in error.value for error in app.error)


def test_search_works_without_the_map(app):
    app.toggle(key="search.show_map").set_value(False).run()
    app.text_input(key="search.query").input("a recipe for pasta sauce").run()
    assert not app.exception
    meaning, _ = tables(app)
    assert set(meaning["category"]) == {"cooking & recipes"}  # the filter still applies
    assert "The hits on the map" not in [h.value for h in app.subheader]
