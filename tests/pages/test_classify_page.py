"""The Classify page, run headlessly with the real default model on the bundled sample corpus."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = REPO / "streamlit_app.py"
PAGE = "pages/classify_page.py"


@pytest.fixture()
def app():
    at = AppTest.from_file(str(APP), default_timeout=300)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def test_first_visit_asks_for_examples(app):
    assert app.title[0].value == "Classify by examples"
    assert not app.error  # nothing typed yet is no error
    assert any(i.value.startswith("Type at least one example text for each of two labels") for i in app.info)
    app.radio(key="classify.source").set_value("Tick rows in a table").run()
    assert not app.error and any(i.value.startswith("Tick rows of at least two labels") for i in app.info)


def test_label_column_route_predicts_and_evaluates(app):
    app.radio(key="classify.source").set_value("A label column (only some rows filled)").run()
    app.selectbox(key="classify.label_column").set_value("category").run()
    assert not app.exception
    assert app.selectbox(key="classify.evaluate.A label column (only some rows filled)").value == "category"
    assert any(d.label.startswith("Download the predictions") for d in app.get("download_button"))
    predictions = app.dataframe[0].value
    assert len(predictions) == 480 and predictions["confidence"].between(0, 1).all()
    metrics = {m.label: m.value for m in app.metric}
    assert float(metrics["Logistic regression: accuracy"].rstrip("%")) >= 85
    assert float(metrics["Nearest centroid: accuracy"].rstrip("%")) >= 85
    scores = next(d.value for d in app.dataframe if "macro-F1" in d.value.columns)
    assert len(scores) == 3
    wrong = app.dataframe[-1].value
    assert set(wrong.columns) >= {"row", "text", "true", "predicted", "confidence"}
    assert (wrong["true"] != wrong["predicted"]).all()

    app.selectbox(key="classify.method").set_value("knn").run()
    app.slider(key="classify.threshold").set_value(0.9).run()
    assert not app.exception


def test_zero_shot_route(app):
    app.radio(key="classify.source").set_value("Label names only (zero-shot)").run()
    app.text_area(key="classify.names").set_value("astronomy & space\ncooking & recipes\ngardening\nmusic & concerts").run()
    assert not app.exception
    assert any(d.label.startswith("Download the predictions") for d in app.get("download_button"))
    predictions = next(d.value for d in app.dataframe if "predicted" in d.value.columns)  # after the descriptions editor
    assert set(predictions["predicted"]) <= {"astronomy & space", "cooking & recipes", "gardening", "music & concerts"}
    # Scored against the category column, zero-shot is right on most documents of its four categories.
    app.selectbox(key="classify.evaluate.Label names only (zero-shot)").set_value("category").run()
    assert not app.exception
    assert "Zero-shot (label names): accuracy" in {m.label for m in app.metric}
    four = predictions[predictions["category (data)"].isin(["astronomy & space", "cooking & recipes", "gardening", "music & concerts"])]
    assert (four["predicted"] == four["category (data)"]).mean() >= 0.8
