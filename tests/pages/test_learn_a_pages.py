"""The first three Learn pages (what an embedding is, semantic similarity, vector arithmetic), run headlessly
with the real default model and real GloVe vectors."""

import pytest
from streamlit.testing.v1 import AppTest

from embdash.learn import word_benchmarks
from embdash.ui import state
from tests.conftest import REPO

TIMEOUT = 300


@pytest.fixture(scope="session")
def benchmark_files():
    return word_benchmarks.fetch()


def open_page(page: str, sidebar_model: str | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=TIMEOUT)
    if sidebar_model:
        at.session_state[state.MODEL_KEY] = sidebar_model
    at.switch_page(f"pages/{page}")  # before the first run: the default Map page (UMAP) is never computed
    at.run()
    assert not at.exception
    return at


def test_embedding_page_shows_a_real_vector_and_its_dimension():
    at = open_page("learn_embedding_page.py")
    assert at.title[0].value == "What an embedding is"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Dimensions"] == "384"  # all-MiniLM-L6-v2, the default model
    assert metrics["Length of the vector"] == "1.000"
    assert 0.5 < float(metrics["Cosine similarity of the two"]) < 1  # king and queen
    at.selectbox(key="embedding.model").set_value("glove-6b-50d").run()
    at.text_input(key="embedding.text").set_value("A [link](http://x) <b>bold</b>").run()
    assert {m.label: m.value for m in at.metric}["Dimensions"] == "50"
    assert at.slider(key="embedding.dims").max == 50
    at.selectbox(key="embedding.model").set_value("tfidf-lsa").run()  # fitted on the current corpus
    assert not at.exception


def test_similarity_page_ranks_queen_closest_to_king():
    at = open_page("learn_similarity_page.py")
    ranking = at.dataframe[0].value
    assert ranking["word"].iloc[0] == "queen"
    assert list(ranking["cosine"]) == sorted(ranking["cosine"], reverse=True)
    assert ranking.set_index("word").loc["queen", "cosine"] > ranking.set_index("word").loc["banana", "cosine"]
    at.text_area(key="similarity.texts").set_value("only one line").run()
    assert at.info and not at.exception


def test_arithmetic_page_finds_queen_and_shows_the_benchmarks(benchmark_files):
    # The fastest sentence model (ONNX, 3 layers) keeps the 5,000-word vocabulary quick to embed; the
    # Learn model picker starts on the sidebar's model.
    at = open_page("learn_arithmetic_page.py", sidebar_model="paraphrase-MiniLM-L3-v2")
    assert at.selectbox(key="arithmetic.model").value == "paraphrase-MiniLM-L3-v2"
    glove, sentence, benchmarks = (df.value for df in at.dataframe)
    assert glove["word"].iloc[0] == "queen"
    assert "king" not in set(glove["word"]) | set(sentence["word"])
    assert benchmarks["analogies covered"].iloc[0] == "15,276 of 19,544"  # GloVe, 30,000 words
    assert benchmarks["analogy accuracy"].iloc[0] == "49.6%"
    assert len(benchmarks) == 2  # GloVe and the sentence model
    at.toggle(key="arithmetic.exclude").set_value(False).run()
    assert at.dataframe[0].value["word"].iloc[0] == "king"  # why the inputs are left out
    at.selectbox(key="arithmetic.example").set_value("Capital cities: berlin − germany + japan").run()
    assert at.text_input(key="arithmetic.a").value == "berlin"
    assert at.dataframe[0].value["word"].iloc[0] == "tokyo"
    at.text_input(key="arithmetic.b").set_value("qwzxv").run()
    assert any("qwzxv" in e.value for e in at.error)  # GloVe lacks the word ...
    assert len(at.dataframe) == 2  # ... the sentence model still answers, and the benchmarks stay
    assert not at.exception


def test_arithmetic_page_says_how_to_fetch_missing_benchmarks(monkeypatch, tmp_path):
    monkeypatch.setattr(word_benchmarks, "benchmark_dir", lambda: tmp_path)
    at = open_page("learn_arithmetic_page.py", sidebar_model="paraphrase-MiniLM-L3-v2")
    assert any(word_benchmarks.FETCH_COMMAND in i.value for i in at.info)
    assert not at.exception


def test_similarity_page_with_glove_warns_about_unknown_words():
    at = open_page("learn_similarity_page.py")
    at.selectbox(key="similarity.model").set_value("glove-6b-50d").run()
    at.text_area(key="similarity.texts").set_value("king\nqueen\nqwzxv").run()
    assert any("knows none of the words" in w.value for w in at.warning)
    assert at.dataframe[0].value["word"].iloc[0] == "queen"
    assert not at.exception
