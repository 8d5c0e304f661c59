"""The Map page, run headlessly with the real default model on the bundled sample corpus."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = REPO / "streamlit_app.py"

from embdash.ui.views import selected_rows

TIMEOUT = 300  # the first UMAP call in a process compiles numba code for ~25 s


@pytest.fixture(scope="module")
def app():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    return at


def test_first_visit_shows_the_sample_map(app):
    assert not app.exception
    assert app.title[0].value == "Map of the corpus"
    metrics = {m.label: m.value for m in app.metric}
    assert float(metrics["Trustworthiness (2-D)"]) >= 0.8
    assert int(metrics["Clusters"]) >= 5  # the sample corpus has 12 written topics
    assert metrics["Unclustered"].endswith("%")
    tables = [df.value for df in app.dataframe]
    clusters = next(t for t in tables if "top terms" in t.columns)
    assert clusters["size"].sum() == 480


def test_topic_slider_changes_labels_without_recomputing_the_map(app):
    before = app.session_state["umap.seed"]
    app.slider(key="topics.n_terms").set_value(2).run()
    assert not app.exception
    assert app.session_state["umap.seed"] == before
    clusters = next(df.value for df in app.dataframe if "top terms" in df.value.columns)
    clustered = clusters[clusters["cluster"] >= 0]
    assert all(len(terms.split(" · ")) <= 2 for terms in clustered["top terms"])


def test_colour_by_metadata_column(app):
    app.selectbox(key="map.color_by").set_value("category").run()
    assert not app.exception


def test_box_selection_picks_the_points_inside():
    import pandas as pd

    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 1.0, 2.0, 3.0]})
    event = {"selection": {"brush": {"x": [0.5, 2.5], "y": [0.5, 2.5]}, "pick": [{"row": 3}]}}
    assert list(selected_rows(frame, event)) == [1, 2, 3]


def test_each_slider_recomputes_only_the_stages_it_affects(app, monkeypatch):
    import embdash.pipeline.cluster
    import embdash.pipeline.reduce

    calls = {"project": 0, "cluster": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(embdash.pipeline.reduce, "project", counting("project", embdash.pipeline.reduce.project))
    monkeypatch.setattr(embdash.pipeline.cluster, "cluster", counting("cluster", embdash.pipeline.cluster.cluster))

    app.slider(key="topics.ngram_max").set_value(1).run()
    assert not app.exception
    assert calls == {"project": 0, "cluster": 0}  # topic terms only

    app.slider(key="cluster.min_cluster_size").set_value(12).run()
    assert not app.exception
    assert calls == {"project": 0, "cluster": 1}  # clustering, not the projections

    app.slider(key="umap.n_neighbors").set_value(20).run()
    assert not app.exception
    assert calls == {"project": 2, "cluster": 1 + 1}  # both projections, then clustering again


def test_columns_named_like_map_columns_and_filters():
    import pandas as pd

    from embdash.dataio.corpus import sample_corpus_path
    from tests.conftest import REPO

    sample = pd.read_csv(sample_corpus_path()).head(60).rename(columns={"text": "topic", "year": "x"})
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    at.file_uploader[0].set_value(("clash.csv", sample.to_csv(index=False).encode(), "text/csv"))
    at.run()
    assert at.selectbox(key="data.text_column").value == "topic"
    at.button(key="data.use").click().run()
    at.switch_page("pages/map_page.py").run()
    assert not at.exception
    options = at.selectbox(key="map.color_by").options
    assert "x (data)" in options and "topic (data)" not in options  # the texts themselves are no colour
    at.selectbox(key="map.color_by").set_value("x (data)").run()
    assert not at.exception

    at.selectbox(key="map.filter_column").set_value("category").run()
    first = at.multiselect(key="map.filter_values.category").options[0]
    at.multiselect(key="map.filter_values.category").set_value([first]).run()
    assert not at.exception
    expected = int((sample["category"] == first).sum())
    assert any(c.value == f"{expected:,} of 60 documents shown." for c in at.caption)


def test_more_like_this_from_a_picked_point():
    """The nearest documents to a picked point equal a brute-force ranking over the whole corpus."""
    import numpy as np
    import pandas as pd

    from embdash.tasks import search
    from embdash.ui import views

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((30, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    frame = pd.DataFrame({"text": [f"doc {i}" for i in range(30)], "topic": "t", "x": 0.0, "y": 0.0})
    shown = frame.iloc[10:20]  # a filter kept rows 10..19; the pick is the third shown point: row 12
    rows, _ = search.more_like_this(vectors, 12, 5)
    expected = [r for r in np.argsort(-(vectors @ vectors[12]), kind="stable") if r != 12][:5]
    assert rows.tolist() == expected
    assert int(shown.index[views.selected_rows(shown, {"selection": {"pick": [{"row": 2}]}})[0]]) == 12


def test_sidebar_shows_the_sizes_the_auto_rule_chose(app):
    from embdash.pipeline import cluster as clustering
    from embdash.pipeline.params import ClusterParams
    from embdash.ui.text import plain

    app.slider(key="cluster.min_cluster_size").set_value(0).run()  # auto (the default; other tests move it)
    assert not app.exception
    size, samples = clustering.effective_min_cluster_size(480, ClusterParams()), clustering.effective_min_samples(480, ClusterParams())
    expected = f"auto: minimum cluster size {size} and minimum samples {samples} for 480 documents"
    assert plain(expected) in [caption.value for caption in app.sidebar.caption]  # as shown: markdown-escaped
