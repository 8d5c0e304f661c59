"""The Learn pages on word maps, the embedding layer, dimensions and use cases, run headlessly."""

import pytest
from streamlit.testing.v1 import AppTest

from embdash.learn import wordmap
from tests.conftest import REPO

TIMEOUT = 300


def page(name: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.switch_page(f"pages/{name}").run()
    return at


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_word_map_adds_and_removes_words():
    at = page("learn_wordmap_page.py")
    assert not at.exception
    assert at.title[0].value == "Word map"
    n_default = sum(len(wordmap.WORD_GROUPS[g]) for g in wordmap.DEFAULT_GROUPS)
    assert int(metrics(at)["Words on the map"]) == n_default
    assert 0.5 < float(metrics(at)["Trustworthiness (2-D)"]) <= 1.0
    neighbours = at.dataframe[0].value
    assert len(neighbours) == n_default and "nearest on the map" in neighbours.columns

    at.pills(key="wordmap.royalty").set_value(["king", "queen"]).run()  # four royalty words clicked away
    at.text_input(key="wordmap.own").set_value("piano, violin, king").run()  # king is already on the map
    assert not at.exception
    assert int(metrics(at)["Words on the map"]) == n_default - 4 + 2
    assert {"piano", "violin"} <= set(at.dataframe[0].value["word"])


def test_word_map_with_umap_and_word_vectors():
    at = page("learn_wordmap_page.py")
    at.selectbox(key="wordmap.model").set_value("glove-6b-50d").run()
    at.text_input(key="wordmap.own").set_value("qwxzzy").run()  # no GloVe vector: left off, with a warning
    assert any("qwxzzy" in w.value for w in at.warning)
    at.radio(key="wordmap.method").set_value("umap").run()
    assert not at.exception
    assert float(metrics(at)["Trustworthiness (2-D)"]) > 0.5


def test_embedding_layer_page_shows_tokens_and_contexts():
    at = page("learn_layer_page.py")
    assert not at.exception
    tokens = at.dataframe[0].value
    assert tokens["token"].tolist() == ["[CLS]", "i", "sat", "on", "the", "river", "bank", ".", "[SEP]"]
    assert at.text[0].value == "i sat on the river bank."
    compared = metrics(at)
    assert float(compared["Cosine of the input rows"]) == pytest.approx(1.0)
    assert float(compared["Cosine of the contextual outputs"]) < 0.9

    at.text_input(key="layer.sentence").set_value("Unbelievable tokenisation!").run()
    assert not at.exception
    assert "##" in "".join(at.dataframe[0].value["token"])  # split into word pieces


def test_embedding_layer_page_offers_pytorch_models_for_onnx_ones():
    at = page("learn_layer_page.py")
    at.selectbox(key="layer.model").set_value("all-MiniLM-L6-v2-int8").run()
    assert not at.exception
    assert "PyTorch transformer" in at.info[0].value
    at.button(key="layer.use.all-MiniLM-L6-v2").click().run()
    assert not at.exception
    assert at.selectbox(key="layer.model").value == "all-MiniLM-L6-v2"
    assert len(at.dataframe) >= 1


def test_dimensions_page_measures_the_sample_corpus():
    at = page("learn_dimensions_page.py")
    assert not at.exception
    catalogue, measured = at.dataframe[0].value, at.dataframe[1].value
    assert "all-mpnet-base-v2" in set(catalogue["model"])
    full = measured[measured["dimensions kept"] == 384].iloc[0]
    assert full["overlap@10 (truncate)"] == 1.0 and full["spearman (truncate)"] == 1.0
    assert measured["overlap@10 (truncate)"].iloc[0] < 1.0
    at.slider(key="dimensions.k").set_value(5).run()
    assert not at.exception
    assert "overlap@5 (pca)" in at.dataframe[1].value.columns


def test_use_cases_page_links_to_every_tool():
    at = page("learn_uses_page.py")
    assert not at.exception
    links = at.get("page_link")
    # Each link resolved to a distinct registered page (st.page_link raises for a path st.navigation lacks).
    assert len({link.proto.page_script_hash for link in links} - {""}) == 5
    assert [link.proto.label for link in links] == [
        "Open: Semantic search", "Open: Clustering and maps", "Open: Classification",
        "Open: Retrieval-augmented generation (RAG)", "Open: Choosing a model",
    ]
    ranking = at.dataframe[0].value
    assert ranking.iloc[0]["sentence"] == "The bank raised its interest rates again."


def test_layer_heatmap_keeps_repeated_tokens_apart():
    import numpy as np

    from embdash.render import learn_charts

    matrix = np.arange(3 * 60, dtype=float).reshape(3, 60)
    spec = learn_charts.heatmap(matrix, ["the", "cat", "the"], "rows", n_dims=16).to_dict()
    data = next(iter(spec["datasets"].values()))
    assert len(data) == 3 * 16  # only the first n_dims dimensions are drawn
    assert sorted({row["token"] for row in data}) == [" 0 the", " 1 cat", " 2 the"]
