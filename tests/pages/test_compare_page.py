"""The Compare page, run headlessly with two real fast models on part of the bundled sample corpus."""

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from embdash.ui.compare_views import default_models, linked_rows
from tests.conftest import REPO

APP = REPO / "streamlit_app.py"
PAGE = "pages/compare_page.py"
SAMPLE = REPO / "data" / "samples" / "sample_corpus.csv"
MODELS = ["all-MiniLM-L6-v2", "paraphrase-MiniLM-L3-v2"]


@pytest.fixture(scope="module")
def small_corpus_key(tmp_path_factory):
    """Every fourth row of the sample (120 documents, all 12 categories): the page as users see it, in less time."""
    from embdash.dataio.corpus import load_corpus
    from embdash.dataio.store import Store

    path = tmp_path_factory.mktemp("compare-page") / "quarter.csv"
    pd.read_csv(SAMPLE).iloc[::4].to_csv(path, index=False)
    return Store.default().save_corpus(load_corpus(path, text_column="text"))


@pytest.fixture(scope="module")
def app(small_corpus_key):
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.session_state["corpus_key"] = small_corpus_key
    at.switch_page(PAGE).run()
    return at


def test_first_visit_compares_the_sidebar_model_with_a_fast_one(app):
    assert not app.exception
    assert app.title[0].value == "Compare models"
    assert app.multiselect(key="compare.models").value == MODELS
    assert app.selectbox(key="compare.label_column").value == "category"  # guessed: few distinct values
    summary = next(df.value for df in app.dataframe if "texts/s" in df.value.columns)
    assert summary["model"].tolist() == MODELS
    assert (summary["kNN accuracy"] > 0.5).all()  # 12 categories: chance is under 0.1
    assert summary["dim"].tolist() == [384, 384]
    recommendation = app.info[0].value
    assert "separates your labels best" in recommendation
    metrics = {m.label: m.value for m in app.metric}
    assert 0 < float(metrics["Mean Jaccard@10"]) < 1
    assert float(metrics["Spearman of similarities"]) > 0.5
    disagreements = next(df.value for df in app.dataframe if "document" in df.value.columns)
    assert len(disagreements) == 10
    assert disagreements["Jaccard@10"].is_monotonic_increasing


def test_k_slider_recomputes_the_agreement(app):
    app.slider(key="compare.k").set_value(5).run()
    assert not app.exception
    metrics = {m.label for m in app.metric}
    assert "Mean Jaccard@5" in metrics


def test_without_labels_the_recommendation_says_what_it_cannot_tell(app):
    app.selectbox(key="compare.label_column").set_value("(none)").run()
    assert not app.exception
    assert "Without a label column" in app.info[0].value
    summary = next(df.value for df in app.dataframe if "texts/s" in df.value.columns)
    assert "kNN accuracy" not in summary.columns


def test_three_models_give_three_pairs(app):
    app.multiselect(key="compare.models").set_value(MODELS + ["glove-6b-50d"]).run()
    assert not app.exception
    pairs = next(df.value for df in app.dataframe if "model A" in df.value.columns)
    assert len(pairs) == 3
    app.selectbox(key="compare.pair").set_value("all-MiniLM-L6-v2 vs glove-6b-50d").run()
    assert not app.exception


def test_one_model_is_refused_in_plain_words(app):
    app.multiselect(key="compare.models").set_value(MODELS[:1]).run()
    assert not app.exception
    assert any("two to four" in error.value for error in app.error)


def test_default_models_and_linked_rows():
    assert default_models("all-MiniLM-L6-v2", MODELS + ["glove-6b-50d"]) == MODELS
    assert default_models("paraphrase-MiniLM-L3-v2", MODELS) == ["paraphrase-MiniLM-L3-v2", "all-MiniLM-L6-v2"]
    frames = [pd.DataFrame({"x": [0.0, 1.0, 2.0], "y": [0.0, 1.0, 2.0]}), pd.DataFrame({"x": [5.0, 0.0, 0.0], "y": [5.0, 0.0, 0.0]})]
    box = {"selection": {"brush": {"x": [0.5, 2.5], "y": [0.5, 2.5]}}}
    assert list(linked_rows(frames, [None, box], source=1)) == []  # the box in map 2 holds no point
    assert list(linked_rows(frames, [box, None], source=0)) == [1, 2]
    assert list(linked_rows(frames, [box, None], source=None)) == []


def test_a_map_with_linked_highlights_keeps_its_selections():
    """The layered chart (map + highlighted documents) still offers the box and click selections to Streamlit."""
    def script():
        import numpy as np
        import pandas as pd
        import streamlit as st

        from embdash.render import charts
        from embdash.ui.compare_views import linked_map_chart

        frame = pd.DataFrame({"x": np.arange(30.0), "y": np.arange(30.0) % 7, "text": [f"doc {i}" for i in range(30)],
                              "topic": ["a", "b", "c"] * 10})
        chart, drawn = linked_map_chart(frame, np.array([3, 4]), "topic", ["topic"], "text")
        st.write(drawn)
        st.altair_chart(chart, on_select="rerun", selection_mode=charts.SELECTION_PARAMS, key="linked")

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception


def test_linked_highlights_are_drawn_on_top_of_the_map():
    from embdash.render import charts
    from embdash.ui.compare_views import linked_map_chart

    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0], "y": [0.0, 1.0, 2.0], "text": ["a", "b", "c"], "topic": ["t", "t", "u"]})
    spec = charts.chart_to_dict(linked_map_chart(frame, np.array([2]), "topic", [], "text")[0])
    assert len(spec["layer"]) == 2
    names = {p["name"] for p in spec.get("params", [])} | {p["name"] for layer in spec["layer"] for p in layer.get("params", [])}
    assert {"brush", "pick"} <= names
    highlight_data = next(d for d in spec["datasets"].values() if len(d) == 1)
    assert highlight_data[0]["x"] == 2.0 and highlight_data[0]["text"] == "c"
    assert "layer" not in charts.chart_to_dict(linked_map_chart(frame, np.array([], dtype=int), "topic", [], "text")[0])
