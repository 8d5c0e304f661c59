"""The WebGL map for large corpora: escaping, even sampling, colour groups, selection back to rows."""

import json

import numpy as np
import pytest

from embdash.render import webgl
from embdash.render.webgl import (
    MAX_POINTS,
    WEBGL_THRESHOLD,
    escape_hover,
    even_sample,
    hover_texts,
    map_figure,
    selected_rows,
    use_webgl,
)


def test_threshold():
    assert not use_webgl(WEBGL_THRESHOLD) and use_webgl(WEBGL_THRESHOLD + 1)
    assert MAX_POINTS >= 200_000  # required: at least 200,000 points drawn


def test_hover_text_cannot_carry_html():
    evil = '<a href="javascript:alert(1)">click</a> <img src=x onerror=alert(1)> & <b>bold</b>\nnext'
    safe = escape_hover(evil, max_chars=1000)
    assert "<" not in safe and ">" not in safe and '"' not in safe
    assert "&lt;a href=&quot;javascript:alert(1)&quot;&gt;" in safe and "&amp;" in safe
    assert "\n" not in safe
    labels = hover_texts([evil], {"<i>col</i>": ["<script>x</script>"]})
    assert labels[0].count("<br>") == 1  # our one line break; everything else escaped
    assert "<script>" not in labels[0] and "<i>" not in labels[0]
    assert escape_hover("x" * 500, 100).endswith("…") and len(escape_hover("x" * 500, 100)) == 100


def test_even_sample_is_uniform_not_the_first_rows():
    rows = even_sample(1_000_000, 200_000)
    assert len(rows) == len(np.unique(rows)) == 200_000 and np.all(np.diff(rows) > 0)
    counts, _ = np.histogram(rows, bins=10, range=(0, 1_000_000))
    assert counts.min() > 19_000 and counts.max() < 21_000  # every tenth of the file equally represented
    assert np.array_equal(rows, even_sample(1_000_000, 200_000))  # seeded
    assert np.array_equal(even_sample(50, 100), np.arange(50))
    with pytest.raises(ValueError):
        even_sample(10, 0)


def test_map_of_200k_points_draws_every_point_with_rows_in_customdata():
    n = 200_000
    rng = np.random.default_rng(0)
    coords = rng.standard_normal((n, 2)).astype(np.float32)
    labels = rng.integers(-1, 8, n)
    big = map_figure(coords, [f"doc {i}" for i in range(n)], colour=labels)
    assert not big.sampled and big.note is None
    traces = big.figure.data
    assert all(t.type == "scattergl" for t in traces)
    drawn = np.concatenate([np.asarray(t.customdata) for t in traces])
    assert np.array_equal(np.sort(drawn), np.arange(n))
    for t in traces:  # each point sits at its own row's coordinates
        rows = np.asarray(t.customdata)
        np.testing.assert_array_equal(np.asarray(t.x), coords[rows, 0])
    assert traces[-1].name == "unclustered" and traces[-1].marker.color == "#c8c8c8"
    assert len(traces) == 9


def test_sampled_map_says_so():
    n = 5_000
    coords = np.random.default_rng(1).standard_normal((n, 2))
    big = map_figure(coords, ["t"] * n, max_points=1_000)
    assert big.sampled and len(big.rows) == 1_000 and "1,000 of 5,000" in big.note
    assert np.array_equal(np.asarray(big.figure.data[0].customdata), big.rows)


def test_numeric_colour_with_many_values_gets_a_scale_and_figure_serialises():
    n = 300
    coords = np.random.default_rng(2).standard_normal((n, 2))
    big = map_figure(coords, hover_texts([f"<{i}>" for i in range(n)]), colour=np.linspace(0, 1, n), colour_name="score")
    assert len(big.figure.data) == 1 and big.figure.data[0].marker.showscale
    blob = big.figure.to_json()
    assert "<0>" not in blob and "&lt;0&gt;" in json.loads(blob)["data"][0]["text"][0]


def test_selected_rows_from_a_plotly_selection_event():
    event = {"selection": {"points": [{"customdata": 7, "x": 0, "y": 0}, {"customdata": [3]}, {"customdata": 7}],
                           "box": [], "lasso": []}}
    assert selected_rows(event).tolist() == [3, 7]
    assert selected_rows({"selection": {"points": []}}).tolist() == []
    assert selected_rows(None).tolist() == []


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError):
        map_figure(np.zeros((3, 3)), ["a", "b", "c"])
    with pytest.raises(ValueError):
        map_figure(np.zeros((3, 2)), ["a"])


def test_every_topic_gets_a_trace_and_unclustered_is_grey():
    from embdash.render import webgl

    n_topics, per = 60, 4
    names = ["unclustered"] * per + [f"{t}: word{t}" for t in range(n_topics) for _ in range(per)]
    coords = np.random.default_rng(0).standard_normal((len(names), 2))
    big = map_figure(coords, hover_texts(names, {"topic": names}), colour=names, colour_name="topic")
    traces = {trace.name: trace for trace in big.figure.data}
    assert len(traces) == n_topics + 1 and webgl.OTHER_LABEL not in traces
    assert traces["unclustered"].marker.color == webgl.NOISE_COLOUR
    # another column with as many values still folds past the limit
    folded = map_figure(coords, hover_texts(names), colour=names, colour_name="source")
    assert webgl.OTHER_LABEL in {trace.name for trace in folded.figure.data}


def test_points_picked_in_other_charts_are_ringed_on_top():
    coords = np.random.default_rng(0).normal(size=(300, 2)).astype(np.float32)
    labels = [f"doc {i}" for i in range(300)]
    picked = np.zeros(300, dtype=bool)
    picked[[5, 50, 299]] = True
    big = webgl.map_figure(coords, labels, colour=[i % 3 for i in range(300)], colour_name="cluster", highlight=picked)
    last = big.figure.data[-1]
    assert last.name == webgl.PICKED and sorted(last.customdata.tolist()) == [5, 50, 299]
    assert last.marker.line.color == "black"
    plain = webgl.map_figure(coords, labels, colour=[i % 3 for i in range(300)], colour_name="cluster")
    assert all(trace.name != webgl.PICKED for trace in plain.figure.data)
