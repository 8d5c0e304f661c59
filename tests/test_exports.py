"""Exports re-read to the same rows; spreadsheet formulas are neutralised, reversibly."""

import io

import altair as alt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from embdash.dataio import exports
from tests.hostile_inputs import reads_as_formula

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "=HYPERLINK(\"http://evil\")"]


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": ["hello", "=1+1", "+a", "-b", "@c", "\ttab", "'=already", "ok, with comma", "line\nbreak"],
        "score": [1.5, -2.0, 0.0, 3.25, -0.5, 1.0, 2.0, 3.0, 4.0],
        "cluster": [0, -1, 1, 1, 2, 0, -1, 2, 2],
        "topic": ["a · b", "unclustered", "c", "c", "d", "a · b", "unclustered", "d", "d"],
    })


def test_csv_neutralises_every_formula_start():
    frame = pd.DataFrame({"cell": DANGEROUS + ["plain", "a=b", ""]})
    back = pd.read_csv(io.BytesIO(exports.csv_bytes(frame)), keep_default_na=False, dtype=str)
    for original, written in zip(frame["cell"], back["cell"]):
        if original and original[0] in "=+-@\t\r":
            assert written == "'" + original
        else:
            assert written == original


def test_csv_round_trip_is_exact_after_restoring():
    frame = sample_frame()
    back = pd.read_csv(io.BytesIO(exports.csv_bytes(frame)), keep_default_na=False)
    restored = exports.restore_formulas(back)
    pd.testing.assert_frame_equal(restored, frame, check_dtype=False)
    assert restored["score"].tolist() == frame["score"].tolist()  # negative numbers stay numbers, unquoted


def test_column_names_are_neutralised_too():
    frame = pd.DataFrame({"=evil()": [1]})
    back = pd.read_csv(io.BytesIO(exports.csv_bytes(frame)))
    assert list(back.columns) == ["'=evil()"]
    assert list(exports.restore_formulas(back).columns) == ["=evil()"]


# Characters a spreadsheet may trim before reading a cell, and forms of the formula characters.
_INVISIBLE = " \t\r\n\u00a0\u2003\u3000\u200b\u200d\u2060\ufeff\u202e\x00"
_FORMULA_FORMS = "=+-@;\uff1d\uff0b\uff0d\uff20\uff1b\ufe66\u207c\u208a\ufe62\ufe63\u2212"
# Lone surrogates are left out: no decoded file can hold one, and pandas' Arrow strings refuse them.
_CELL_TEXT = st.text(alphabet=st.sampled_from(list(_INVISIBLE + _FORMULA_FORMS + "'a1 "))
                     | st.characters(blacklist_categories=("Cs",)),
                     max_size=12)


@given(st.lists(_CELL_TEXT, min_size=1, max_size=8))
def test_neutralising_is_reversible_and_leaves_no_formula(cells):
    frame = pd.DataFrame({"c": cells})
    safe = exports.neutralise_formulas(frame)
    assert not any(reads_as_formula(c) for c in safe["c"])
    assert exports.restore_formulas(safe)["c"].tolist() == cells


@pytest.mark.parametrize("cell", [
    " =1+1", "  +SUM(A1)", "\n=1", "\u00a0=1", "\u3000@cmd", "\u2003-2", ";cmd", " ;x",
    "\uff1dHYPERLINK(\"http://evil\")", "\uff0b1", "\uff0d1", "\uff20x", "\ufe66x", "\u207c1",
    "\u200b=1", "\ufeff=1", "\u2060+1", "\u200d\u200b @x", "\u202e=1", "\u2212 1",
])
def test_hidden_and_look_alike_formula_starts_are_neutralised_and_restored(cell):
    frame = pd.DataFrame({"cell": [cell]})
    back = pd.read_csv(io.BytesIO(exports.csv_bytes(frame)), keep_default_na=False, dtype=str)
    assert back["cell"].iloc[0] == "'" + cell
    assert exports.restore_formulas(back)["cell"].iloc[0] == cell


@pytest.mark.parametrize("cell", ["hello", " hello", "a=b", "\u200bword", "'plain", " 'quoted", "1;2", ""])
def test_ordinary_cells_are_left_alone(cell):
    assert exports.neutralise_formulas(pd.DataFrame({"cell": [cell]}))["cell"].iloc[0] == cell


def test_parquet_round_trip_keeps_rows_types_and_provenance():
    frame = sample_frame()
    data = exports.parquet_bytes(frame, {"model": "all-MiniLM-L6-v2", "umap": {"seed": 42}})
    back = pd.read_parquet(io.BytesIO(data))
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    assert back["text"].tolist() == frame["text"].tolist()  # no neutralising: Parquet is not a spreadsheet
    assert exports.read_parquet_provenance(data) == {"model": "all-MiniLM-L6-v2", "umap": {"seed": 42}}


def test_embeddings_columns_round_trip_bit_for_bit():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(9, 5)).astype(np.float32)
    table = exports.with_embeddings(sample_frame(), vectors)
    back = pd.read_parquet(io.BytesIO(exports.parquet_bytes(table)))
    dims = [c for c in back.columns if c.startswith("dim_")]
    assert dims == ["dim_000", "dim_001", "dim_002", "dim_003", "dim_004"]
    assert np.array_equal(back[dims].to_numpy(dtype=np.float32), vectors)
    csv_back = pd.read_csv(io.BytesIO(exports.csv_bytes(table)))
    assert np.allclose(csv_back[dims].to_numpy(), vectors, atol=1e-6)
    with pytest.raises(ValueError):
        exports.with_embeddings(sample_frame(), vectors[:3])


def small_chart():
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0], "y": [1.0, 0.0, 2.0], "text": ["<script>alert(1)</script>", "b", "c"]})
    return alt.Chart(frame).mark_circle().encode(x="x", y="y", tooltip="text").interactive()


def test_chart_html_is_standalone_and_offline():
    page = exports.chart_html(small_chart(), title="A map")
    assert page.lstrip().lower().startswith("<!doctype html") or "<html" in page[:200].lower()
    assert "cdn.jsdelivr" not in page and "https://cdn" not in page  # the Vega libraries are inlined
    assert "vegaEmbed" in page and "A map" in page
    assert "<script>alert(1)</script>" not in page  # a text cannot close the script it travels in
    assert "\\u003cscript\\u003ealert(1)" in page  # ... yet it is still there, as data


def test_chart_png_is_a_png():
    data = exports.chart_png(small_chart(), scale=1)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 1000


def test_html_report_escapes_text_and_embeds_tables_and_charts():
    table = pd.DataFrame({"model": ["<b>a</b>", "b"], "overlap": [0.5, 0.25]})
    page = exports.html_report("Compare <models>", ["Note <i>x</i>", ("h2", "Scores"), table, small_chart()])
    assert "<b>a</b>" not in page and "&lt;b&gt;a&lt;/b&gt;" in page
    assert "&lt;i&gt;x&lt;/i&gt;" in page and "<h2>Scores</h2>" in page
    assert "data:image/png;base64," in page
    assert "<td>0.50</td>" in page or "<td>0.5</td>" in page


def map_like_chart():
    from embdash.render import charts

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200), "text": [f"doc {i}" for i in range(200)],
                          "topic": rng.choice(["rivers", "boats", "bridges"], 200), "cluster": rng.integers(0, 3, 200)})
    return charts.map_chart(frame, color_by="topic", text_column="text")[0]


def test_the_png_of_a_map_has_the_screens_shape_and_the_chosen_width():
    import struct

    data = exports.chart_png(map_like_chart(), scale=1.0, width=1600)
    width, height = struct.unpack(">II", data[16:24])  # the PNG's IHDR chunk
    assert 1600 <= width <= 1600 + 400  # the plot, and the legend beside it
    assert height < width and 0.5 < height / width < 0.7


def test_the_html_map_fills_the_page_and_its_tooltip_names_the_topic():
    import json
    import re

    page = exports.chart_html(map_like_chart(), title="A map")
    spec = json.loads(re.search(r"const spec = (\{.*?\});\n", page, re.S).group(1))
    assert spec["width"] == "container" and spec["height"] == "container"
    assert "#vis.vega-embed{flex:1;width:calc(100% - 32px)" in page
    tooltip_titles = [t.get("title") for t in spec["encoding"]["tooltip"]]
    assert tooltip_titles[:2] == ["text", "topic"]
