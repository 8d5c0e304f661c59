"""Chart specs: encodings, tooltips, selections, colours, sampling and edge cases. No UMAP needed."""

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from embdash.pipeline import maps
from embdash.render import charts


def map_frame(n=60, seed=0, noise_every=5):
    rng = np.random.default_rng(seed)
    cluster = np.arange(n) % 3
    cluster[::noise_every] = -1
    names = {-1: "unclustered", 0: "0: river · boat", 1: "1: guitar · song", 2: "2: tax · bank"}
    return pd.DataFrame(
        {
            "text": [f"document {i} " + "word " * (i % 50) for i in range(n)],
            "source": rng.choice(["news", "blog", "forum"], size=n),
            "year": rng.integers(1990, 2024, size=n),
            "x": rng.standard_normal(n).astype(np.float32),
            "y": rng.standard_normal(n).astype(np.float32),
            "cluster": cluster,
            "topic": [names[c] for c in cluster],
        }
    )


def spec(chart):
    return charts.chart_to_dict(chart)


def rows_of(spec_dict):
    (values,) = spec_dict["datasets"].values()
    return values


def colour_of(spec_dict, value):
    scale = spec_dict["encoding"]["color"]["scale"]
    return scale["range"][scale["domain"].index(value)]


def test_scatter_encodings_and_tooltips():
    chart, n_shown = charts.map_chart(map_frame(), "topic", ["source", "year"], text_column="text")
    s = spec(chart)
    assert n_shown == 60
    assert s["mark"]["type"] == "circle"
    enc = s["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"]) == ("x", "quantitative")
    assert (enc["y"]["field"], enc["y"]["type"]) == ("y", "quantitative")
    assert (enc["color"]["title"], enc["color"]["type"]) == ("topic", "nominal")
    assert [t["field"] for t in enc["tooltip"]] == ["text", "topic", "source", "year"]  # the topic always named
    assert [t["type"] for t in enc["tooltip"]] == ["nominal", "nominal", "nominal", "quantitative"]
    assert "format" not in json.dumps(enc["tooltip"])  # text shown as text, never as HTML


def test_selection_params_for_streamlit():
    s = spec(charts.map_chart(map_frame(), "topic", [])[0])
    params = {p["name"]: p for p in s["params"]}
    assert set(params) == {"brush", "pick", "zoom"}
    assert params["brush"]["select"]["type"] == "interval"
    assert params["brush"]["select"]["encodings"] == ["x", "y"]
    assert params["pick"]["select"]["type"] == "point"
    assert params["pick"]["select"]["fields"] == ["row"]
    assert params["zoom"]["bind"] == "scales"
    # Drag draws the box, shift-drag pans: the two never fire on the same drag.
    assert "!event.shiftKey" in params["brush"]["select"]["on"]
    assert "event.shiftKey" in params["zoom"]["select"]["translate"]
    assert "!" not in params["zoom"]["select"]["translate"].split("]")[0]
    assert charts.SELECTION_PARAMS == ("brush", "pick")


def test_streamlit_accepts_the_selection_mode():
    from streamlit.elements.vega_charts import _parse_selection_mode

    s = spec(charts.map_chart(map_frame(), "topic", [])[0])
    assert _parse_selection_mode(s, charts.SELECTION_PARAMS) == ["brush", "pick"]


def test_without_selection_only_zoom_remains():
    s = spec(charts.map_chart(map_frame(), "topic", [], selection=False)[0])
    assert [p["name"] for p in s["params"]] == ["zoom"]
    assert "opacity" not in s["encoding"]


def test_rows_carry_their_position_in_the_frame():
    frame = map_frame().set_index(pd.Index([f"doc{i}" for i in range(60)]))
    rows = rows_of(spec(charts.map_chart(frame, "topic", [])[0]))
    assert sorted(r["row"] for r in rows) == list(range(60))
    for r in rows:
        assert r["x"] == pytest.approx(float(frame["x"].iloc[r["row"]]))


def test_noise_is_light_grey_and_drawn_first():
    s = spec(charts.map_chart(map_frame(), "topic", [])[0])
    assert colour_of(s, "unclustered") == charts.NOISE_COLOUR
    assert s["encoding"]["color"]["scale"]["domain"] == [
        "0: river · boat", "1: guitar · song", "2: tax · bank", "unclustered",
    ]
    assert charts.NOISE_COLOUR not in [colour_of(s, v) for v in ("0: river · boat", "1: guitar · song", "2: tax · bank")]
    colours = [r["topic"] for r in rows_of(s)]
    n_noise = colours.count("unclustered")
    assert colours[:n_noise] == ["unclustered"] * n_noise


def test_colour_by_cluster_labels_noise_and_matches_topic_colours():
    by_topic = spec(charts.map_chart(map_frame(), "topic", [])[0])
    by_cluster = spec(charts.map_chart(map_frame(), "cluster", ["cluster"])[0])
    assert by_cluster["encoding"]["color"]["type"] == "nominal"
    assert by_cluster["encoding"]["color"]["scale"]["domain"] == ["0", "1", "2", "unclustered"]
    assert colour_of(by_cluster, "unclustered") == charts.NOISE_COLOUR
    assert colour_of(by_cluster, "1") == colour_of(by_topic, "1: guitar · song")
    # the tooltip keeps the raw cluster number while the colour uses labels
    row = rows_of(by_cluster)[0]
    colour_field = by_cluster["encoding"]["color"]["field"]
    assert row[colour_field] == "unclustered" and row["cluster"] == -1


def test_numeric_column_is_coloured_quantitatively():
    frame = map_frame()
    frame.loc[3, "year"] = np.nan
    s = spec(charts.map_chart(frame, "year", [])[0])
    colour = s["encoding"]["color"]
    assert colour["condition"]["type"] == "quantitative"
    assert colour["condition"]["field"] == "year"
    assert colour["value"] == charts.NOISE_COLOUR  # rows without a value stay visible, in grey


def test_text_column_is_categorical_with_other_beyond_the_limit():
    frame = map_frame(n=100)
    frame["author"] = [f"author{i}" for i in range(100)]
    s = spec(charts.map_chart(frame, "author", [])[0])
    domain = s["encoding"]["color"]["scale"]["domain"]
    assert len(domain) == charts.MAX_CATEGORIES and domain[-1] == "other"
    assert colour_of(s, "other") == charts.OTHER_COLOUR


def test_tooltip_text_is_a_truncated_snippet_kept_verbatim():
    frame = map_frame(n=3)
    frame.loc[0, "text"] = "<b>bold?</b> " + "long " * 100
    frame.loc[1, "text"] = "line one\nline two"
    rows = {r["row"]: r for r in rows_of(spec(charts.map_chart(frame, "topic", [], text_column="text")[0]))}
    assert len(rows[0]["text"]) <= charts.SNIPPET_CHARS
    assert rows[0]["text"].startswith("<b>bold?</b>") and rows[0]["text"].endswith("…")
    assert rows[1]["text"] == "line one line two"


def test_text_column_defaults_to_text():
    s = spec(charts.map_chart(map_frame(), "topic", ["source"])[0])
    assert [t["field"] for t in s["encoding"]["tooltip"]] == ["text", "topic", "source"]
    with pytest.raises(ValueError, match="text column"):
        charts.map_chart(map_frame(), "topic", [], text_column="body")


def test_awkward_column_names_are_safe_fields():
    frame = map_frame()
    frame["meta.score"] = 1.5
    frame["a[0]"] = "x"
    s = spec(charts.map_chart(frame, "a[0]", ["meta.score", "a[0]"])[0])
    tooltips = s["encoding"]["tooltip"]
    assert [t["title"] for t in tooltips[1:]] == ["topic", "meta.score", "a[0]"]
    for field in [t["field"] for t in tooltips] + [s["encoding"]["color"]["field"]]:
        assert not set(field) & set(".[]:")


def test_big_frames_are_sampled_evenly_and_reproducibly():
    frame = map_frame(n=25_000)
    chart, n_shown = charts.map_chart(frame, "topic", ["source"])
    assert n_shown == charts.MAX_POINTS
    rows = [r["row"] for r in rows_of(spec(chart))]
    assert len(set(rows)) == charts.MAX_POINTS and max(rows) > 24_000
    again, _ = charts.map_chart(frame, "topic", ["source"])
    assert sorted(rows) == sorted(r["row"] for r in rows_of(spec(again)))
    small, n_small = charts.map_chart(frame, "topic", [], max_points=500)
    assert n_small == 500 and len(rows_of(spec(small))) == 500


def test_one_point_all_noise_and_empty_maps():
    one = map_frame(n=1)  # its only point is noise
    s = spec(charts.map_chart(one, "topic", ["source"])[0])
    assert s["encoding"]["color"]["scale"] == {"domain": ["unclustered"], "range": [charts.NOISE_COLOUR]}
    assert len(rows_of(s)) == 1
    all_noise = map_frame(n=10, noise_every=1)
    assert charts.map_chart(all_noise, "cluster", [])[1] == 10
    empty, n_shown = charts.map_chart(map_frame(n=0), "topic", ["source"])
    assert n_shown == 0
    spec(empty)


def test_uncoloured_map_and_bad_columns():
    s = spec(charts.map_chart(map_frame(), None, [])[0])
    assert "color" not in s["encoding"]
    with pytest.raises(ValueError, match="colour"):
        charts.map_chart(map_frame(), "nope", [])
    with pytest.raises(ValueError, match="'x'"):
        charts.map_chart(map_frame().drop(columns="x"), "topic", [])


def test_cluster_bar_chart():
    labels = np.array([0, 0, 0, 1, 1, -1])
    table = maps.cluster_table(list("abcdef"), labels, {0: [("river", 1.0)], 1: [("song", 1.0)]})
    s = spec(charts.cluster_bar_chart(table))
    assert s["mark"]["type"] == "bar"
    assert (s["encoding"]["x"]["field"], s["encoding"]["x"]["type"]) == ("size", "quantitative")
    assert s["encoding"]["y"]["field"] == "topic"
    assert s["encoding"]["y"]["sort"] == ["0: river", "1: song", "unclustered"]
    assert colour_of(s, "unclustered") == charts.NOISE_COLOUR
    assert [r["size"] for r in rows_of(s)] == [3, 2, 1]


def test_cluster_bar_chart_edge_cases():
    one = maps.cluster_table(["a"], np.array([-1]), {})
    assert len(rows_of(spec(charts.cluster_bar_chart(one)))) == 1
    empty = maps.cluster_table([], np.array([], dtype=int), {})
    spec(charts.cluster_bar_chart(empty))


def test_charts_are_returned_not_displayed():
    chart, _ = charts.map_chart(map_frame(), "topic", [])
    assert isinstance(chart, alt.Chart)
    assert isinstance(charts.cluster_bar_chart(maps.cluster_table(["a"], np.array([0]), {0: []})), alt.Chart)


def many_topics_frame(n_clusters=40, per_cluster=5):
    cluster = np.repeat(np.arange(-1, n_clusters), per_cluster)
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "text": [f"document {i}" for i in range(len(cluster))],
        "x": rng.standard_normal(len(cluster)), "y": rng.standard_normal(len(cluster)),
        "cluster": cluster,
        "topic": ["unclustered" if c == -1 else f"{c}: word{c} · other{c}" for c in cluster],
        "source": rng.choice(["news", "blog"], size=len(cluster)),
    })


@pytest.mark.parametrize("color_by", ["topic", "cluster"])
def test_every_topic_has_a_legend_entry_and_the_tooltip_names_it(color_by):
    frame = many_topics_frame(40)
    s = spec(charts.map_chart(frame, color_by, ["source"])[0])
    colour = s["encoding"]["color"]
    domain = colour["scale"]["domain"]
    assert len(domain) == 40 + 1 and domain[-1] == "unclustered" and "other" not in domain
    assert colour["legend"]["symbolLimit"] == 0  # Vega would otherwise list only the first 30
    assert colour["legend"]["columns"] >= 2 and colour["legend"]["orient"] == "bottom"
    assert colour_of(s, "unclustered") == charts.NOISE_COLOUR
    assert len(set(colour["scale"]["range"][:40])) == 40  # 40 topics, 40 different colours

    tooltip_fields = [t["field"] for t in s["encoding"]["tooltip"]]
    assert "topic" in tooltip_fields
    by_row = {r["row"]: r for r in rows_of(s)}
    for position in (0, 7, len(frame) - 1):  # noise, and clusters at both ends
        assert by_row[position]["topic"] == frame["topic"].iloc[position]
    assert by_row[0]["topic"] == "unclustered"


def test_few_topics_keep_the_legend_beside_the_map():
    s = spec(charts.map_chart(map_frame(), "topic", [])[0])
    assert s["encoding"]["color"]["legend"].get("orient") is None
    assert s["encoding"]["color"]["legend"]["symbolLimit"] == 0


def test_highlighted_rows_are_drawn_last_and_the_rest_dimmed():
    frame = map_frame(n=40)
    highlight = np.zeros(len(frame), dtype=bool)
    highlight[[3, 17, 30]] = True
    chart, _ = charts.map_chart(frame, highlight=highlight)
    as_dict = spec(chart)
    rows = rows_of(as_dict)
    assert sorted(r["row"] for r in rows if r[charts.LINKED_FIELD]) == [3, 17, 30]
    assert all(r[charts.LINKED_FIELD] for r in rows[-3:])  # on top of the others
    assert as_dict["encoding"]["opacity"]["condition"]["test"] == f"datum.{charts.LINKED_FIELD}"
    plain = spec(charts.map_chart(frame)[0])
    assert "test" not in json.dumps(plain["encoding"]["opacity"]) and charts.LINKED_FIELD not in rows_of(plain)[0]
