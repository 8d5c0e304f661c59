"""Altair chart builders. They return charts and never display them.

The map chart's interactions, made to coexist:
    drag              draws a box selection, param "brush" (interval on x, y)
    click             picks a point, param "pick" (its "row" field: the row's position in the frame)
    shift + drag      pans;  mouse wheel zooms  (param "zoom", bound to the scales)
    double-click      clears the box and resets the zoom
In Streamlit pass ``selection_mode=SELECTION_PARAMS`` to ``st.altair_chart(..., on_select="rerun")``:
without it Streamlit would also listen to "zoom" and rerun the app on every pan.

Tooltips show text as text: Streamlit's Vega tooltip handler (vega-tooltip) escapes HTML in values,
and we never ask for an HTML format.

Streamlit ships a chart's data as Arrow, outside the JSON spec, so Altair's 5,000-row limit does not
apply there; we cap a map at MAX_POINTS (an even, seeded sample beyond that) to keep the browser
responsive. Outside Streamlit, turn a big chart into a spec with `chart_to_dict`.
"""

from __future__ import annotations

import re
from typing import Sequence

import altair as alt
import numpy as np
import pandas as pd

NOISE = -1
UNCLUSTERED = "unclustered"
OTHER = "other"
MISSING = "(missing)"

MAX_POINTS = 20_000
MAP_PADDING = 12  # pixels around the outermost points, so edge points are whole and a drag box can reach them
SNIPPET_CHARS = 120
MAX_CATEGORIES = 20  # for other columns, more colours than this cannot be told apart: the rest become "other"
TOPIC_COLUMNS = ("cluster", "topic")  # never folded into "other": every topic keeps its colour and legend entry
LEGEND_ROWS = 20  # a longer legend moves below the map, in LEGEND_COLUMNS columns
LEGEND_COLUMNS = 3
TOPIC_FIELD = "topic"
SAMPLE_SEED = 0

NOISE_COLOUR = "#d3d3d3"  # light grey: unclustered points recede
OTHER_COLOUR = "#9e9e9e"
PALETTE = (  # Tableau 20, strong shades first, then their light partners
    "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#79706e",
    "#9ecae9", "#ffbf79", "#88d27a", "#ff9d98", "#439894", "#f2cf5b", "#d6a5c9", "#fcbfd2", "#bcbddc", "#bab0ac",
    # Category 20b: 20 more hues for maps with many topics; past 40 colours repeat (the legend and the
    # tooltip still name every topic).
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#5254a3", "#8ca252", "#bd9e39", "#ad494a", "#a55194",
    "#6b6ecf", "#b5cf6b", "#e7ba52", "#d6616b", "#ce6dbd", "#9c9ede", "#cedb9c", "#e7cb94", "#e7969c", "#de9ed6",
)

BRUSH, PICK, ZOOM = "brush", "pick", "zoom"
SELECTION_PARAMS = (BRUSH, PICK)  # what the app listens to; never "zoom"
ROW_FIELD = "row"
LINKED_FIELD = "linked"
SNIPPET_FIELD = "text"

_VEGA_FIELD_SPECIALS = re.compile(r"[.\[\]\\:\"']")


def map_chart(
    frame: pd.DataFrame,
    color_by: str | None = "topic",
    tooltip_columns: Sequence[str] = (),
    selection: bool = True,
    *,
    text_column: str | None = None,
    max_points: int = MAX_POINTS,
    height: int = 560,
    highlight: np.ndarray | None = None,
    log_colour: bool = False,
) -> tuple[alt.Chart, int]:
    """A scatter of frame.x / frame.y coloured by `color_by`; returns (chart, number of points drawn).

    `text_column` (default: a column named "text", if any) becomes a tooltip snippet (first
    SNIPPET_CHARS characters), listed before the topic (when the frame has a "topic" column) and
    `tooltip_columns`. Colour is nominal for cluster, topic and non-numeric columns (unclustered in
    light grey; every cluster and topic in the legend, other columns' categories beyond MAX_CATEGORIES
    as "other"), temporal for dates and times (datetime64 columns) and quantitative for numeric ones, on a log
    scale with `log_colour` (symlog: zeros stay drawable). Frames over `max_points` rows are drawn as an even
    random sample (fixed seed). Each point's "row" field is its position in `frame`, so a selection
    maps back with frame.iloc. `highlight` (a bool per row of `frame`) brings those rows forward and dims
    the rest: documents picked in another chart, shown where they lie.
    """
    text_column = _checked_columns(frame, color_by, text_column)
    rows = sample_rows(len(frame), max_points)
    data = pd.DataFrame({ROW_FIELD: rows, "x": frame["x"].to_numpy()[rows], "y": frame["y"].to_numpy()[rows]})
    encodings = {
        "x": alt.X(field="x", type="quantitative", axis=None, scale=alt.Scale(zero=False, padding=MAP_PADDING)),
        "y": alt.Y(field="y", type="quantitative", axis=None, scale=alt.Scale(zero=False, padding=MAP_PADDING)),
        "tooltip": _add_tooltips(data, frame.iloc[rows], text_column, _with_topic(frame, tooltip_columns)),
    }
    if color_by is not None:
        # Its own field: the colour holds labels ("unclustered"), a tooltip of the same column raw values.
        colour_field = _field_name(color_by, taken=set(data.columns))
        encodings["color"] = _colour_encoding(frame, rows, color_by, colour_field, data, log_colour)
        data = _noise_first(data, colour_field)
    if highlight is not None:
        data[LINKED_FIELD] = np.asarray(highlight, dtype=bool)[data[ROW_FIELD].to_numpy()]
        data = data.sort_values(LINKED_FIELD, kind="stable").reset_index(drop=True)  # highlighted drawn last

    size = _point_size(len(data))
    chart = alt.Chart(data).mark_circle(size=size, opacity=0.8).encode(**encodings)
    chart = _with_interactions(chart, selection, size).properties(height=height)
    if highlight is not None:
        chart = chart.encode(opacity=alt.condition(f"datum.{LINKED_FIELD}", alt.value(0.95), alt.value(0.07)))
    return chart, len(data)


def cluster_bar_chart(table: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of cluster sizes from `maps.cluster_table` (largest first, unclustered grey)."""
    data = table[["cluster", "topic", "size", "share"]].copy() if len(table) else pd.DataFrame(
        {"cluster": [], "topic": [], "size": [], "share": []}
    )
    order = list(data["topic"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(field="size", type="quantitative", title="documents"),
            y=alt.Y(field="topic", type="nominal", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color(field="topic", type="nominal", scale=_nominal_scale(order), legend=None),
            tooltip=[
                alt.Tooltip(field="topic", type="nominal"),
                alt.Tooltip(field="size", type="quantitative"),
                alt.Tooltip(field="share", type="quantitative", format=".1%"),
            ],
        )
        .properties(height=max(60, 22 * len(data)))
    )


def chart_to_dict(chart: alt.TopLevelMixin) -> dict:
    """The chart's Vega-Lite spec with its data inline, whatever its size (Altair's row limit lifted
    for this call only; our charts are already bounded by MAX_POINTS)."""
    with alt.data_transformers.disable_max_rows():
        return chart.to_dict()


def sample_rows(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Positions of the rows to draw: all of them, or an even seeded sample of max_points, in order."""
    if n <= max_points:
        return np.arange(n)
    return np.sort(np.random.default_rng(SAMPLE_SEED).choice(n, size=max_points, replace=False))


def snippet(text, limit: int = SNIPPET_CHARS) -> str:
    """The first `limit` characters of a text on one line, with an ellipsis when cut."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    one_line = " ".join(str(text).split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


def _checked_columns(frame: pd.DataFrame, color_by: str | None, text_column: str | None) -> str | None:
    """Raises ValueError for a missing column; returns the text column to use (or None)."""
    for required in ("x", "y"):
        if required not in frame.columns:
            raise ValueError(f"The map frame has no {required!r} column.")
    if color_by is not None and color_by not in frame.columns:
        raise ValueError(f"Cannot colour by {color_by!r}: no such column.")
    if text_column is None:
        return "text" if "text" in frame.columns else None
    if text_column not in frame.columns:
        raise ValueError(f"No text column {text_column!r} in the map frame.")
    return text_column


def _add_tooltips(data: pd.DataFrame, shown: pd.DataFrame, text_column: str | None, columns: Sequence[str]) -> list:
    """Adds the tooltip fields to `data` and returns their tooltip definitions, the text snippet first."""
    tooltips = []
    if text_column is not None:
        data[SNIPPET_FIELD] = [snippet(t) for t in shown[text_column]]
        tooltips.append(alt.Tooltip(field=SNIPPET_FIELD, type="nominal", title=text_column))
    for column in dict.fromkeys(c for c in columns if c not in ("x", "y", text_column)):
        field = _field_name(column, taken=set(data.columns))
        data[field] = _tooltip_values(shown[column])
        tooltips.append(alt.Tooltip(field=field, type=_tooltip_type(shown[column]), title=str(column)))
    return tooltips


def _colour_encoding(frame: pd.DataFrame, rows: np.ndarray, color_by: str, field: str, data: pd.DataFrame,
                     log_colour: bool = False):
    """Adds the colour values to `data` (one per drawn row) and returns the colour encoding."""
    if _is_nominal(frame, color_by):
        values, domain = _categories(frame, rows, color_by)
        data[field] = values
        return alt.Color(field=field, type="nominal", scale=_nominal_scale(domain), title=color_by, legend=_legend(len(domain)))
    if pd.api.types.is_datetime64_any_dtype(frame[color_by].dtype):
        # Milliseconds since 1970, as Vega reads times: no time zone is guessed by the browser.
        stamps = frame[color_by].iloc[rows]
        data[field] = np.where(stamps.notna(), stamps.to_numpy().astype("datetime64[ms]").astype("int64"), np.nan)
        colour = alt.Color(field=field, type="temporal", scale=alt.Scale(scheme="viridis"), title=color_by,
                           legend=alt.Legend(format="%Y-%m-%d"))
        valid = f"isValid(datum[{_js_string(field)}]) && isFinite(datum[{_js_string(field)}])"
        return alt.condition(valid, colour, alt.value(NOISE_COLOUR))
    data[field] = pd.to_numeric(frame[color_by].iloc[rows], errors="coerce").to_numpy()
    # Rows without a value stay on the map in grey instead of being filtered out.
    valid = f"isValid(datum[{_js_string(field)}]) && isFinite(datum[{_js_string(field)}])"
    scale = alt.Scale(scheme="viridis", type="symlog") if log_colour else alt.Scale(scheme="viridis")
    title = f"{color_by} (log scale)" if log_colour else color_by
    return alt.condition(valid, alt.Color(field=field, type="quantitative", scale=scale, title=title),
                         alt.value(NOISE_COLOUR))


def _is_nominal(frame: pd.DataFrame, column: str) -> bool:
    if column in ("cluster", "topic"):
        return True
    dtype = frame[column].dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return False
    return not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def _categories(frame: pd.DataFrame, rows: np.ndarray, column: str) -> tuple[list[str], list[str]]:
    """The drawn rows' category labels, and the legend's order (from the whole frame, so colours
    do not change with sampling). Clusters and topics keep cluster order, unclustered last."""
    if column == "cluster":
        to_label = lambda value: UNCLUSTERED if int(value) == NOISE else str(int(value))  # noqa: E731
        ids = sorted(int(v) for v in pd.unique(frame[column]))
        domain = [to_label(v) for v in ids if v != NOISE] + ([UNCLUSTERED] if NOISE in ids else [])
        return [to_label(v) for v in frame[column].iloc[rows]], domain
    labels = frame[column].astype("string").fillna(MISSING).astype(object)
    if column == "topic" and "cluster" in frame.columns:
        first_cluster = pd.Series(frame["cluster"].to_numpy()).groupby(labels.to_numpy()).min()
        domain = sorted(first_cluster.index, key=lambda t: (t == UNCLUSTERED, first_cluster[t], t))
    else:
        counts = labels.value_counts()
        domain = sorted(counts.index, key=lambda t: (t in (UNCLUSTERED, MISSING), -counts[t], t))
    if len(domain) > MAX_CATEGORIES and column not in TOPIC_COLUMNS:
        kept = set(domain[: MAX_CATEGORIES - 1])
        domain = domain[: MAX_CATEGORIES - 1] + [OTHER]
        labels = labels.where(labels.isin(kept), OTHER)
    return list(labels.iloc[rows]), [str(d) for d in domain]


def _with_topic(frame: pd.DataFrame, columns: Sequence[str]) -> list:
    """The tooltip columns with the topic first, so every point names its topic whatever the colour."""
    columns = list(columns)
    if TOPIC_FIELD in frame.columns and TOPIC_FIELD not in columns:
        columns.insert(0, TOPIC_FIELD)
    return columns


def _legend(n_entries: int) -> alt.Legend:
    """Every entry listed (Vega drops those past 30 by default); a long legend goes below the map in
    columns, so it neither squeezes the map nor runs off the page."""
    if n_entries <= LEGEND_ROWS:
        return alt.Legend(labelLimit=280, symbolLimit=0)
    return alt.Legend(labelLimit=240, symbolLimit=0, orient="bottom", direction="vertical", columns=LEGEND_COLUMNS)


def topic_domain(frame: pd.DataFrame) -> list[str]:
    """The map's topics in the map's legend order: by cluster number, unclustered last."""
    pairs = frame[["cluster", "topic"]].drop_duplicates("topic")
    ordered = sorted(zip(pairs["cluster"], pairs["topic"].astype(str)), key=lambda pair: (pair[0] == NOISE, pair[0]))
    return [topic for _, topic in ordered]


def topic_scale(domain: list[str]) -> alt.Scale:
    """The map's colours for its topics (in the map's order), for other charts of the same topics."""
    return _nominal_scale(domain)


def _nominal_scale(domain: list[str]) -> alt.Scale:
    """Palette colours in domain order (so cluster i has the same colour in every chart), greys for
    unclustered / other / missing."""
    greys = {UNCLUSTERED: NOISE_COLOUR, OTHER: OTHER_COLOUR, MISSING: OTHER_COLOUR}
    colours, next_colour = [], 0
    for value in domain:
        if value in greys:
            colours.append(greys[value])
        else:
            colours.append(PALETTE[next_colour % len(PALETTE)])
            next_colour += 1
    return alt.Scale(domain=list(domain), range=colours)


def _noise_first(data: pd.DataFrame, field: str) -> pd.DataFrame:
    # Vega draws in data order: unclustered and "other" first, so clusters are drawn on top.
    if pd.api.types.is_numeric_dtype(data[field].dtype):
        return data
    background = data[field].isin([UNCLUSTERED, OTHER, MISSING]).to_numpy()
    order = np.concatenate([np.flatnonzero(background), np.flatnonzero(~background)])
    return data.iloc[order].reset_index(drop=True)


def _with_interactions(chart: alt.Chart, selection: bool, point_size: int) -> alt.Chart:
    if not selection:
        return chart.add_params(alt.selection_interval(name=ZOOM, bind="scales"))
    not_shift = "[pointerdown[!event.shiftKey], window:pointerup] > window:pointermove!"
    with_shift = "[pointerdown[event.shiftKey], window:pointerup] > window:pointermove!"
    zoom = alt.selection_interval(name=ZOOM, bind="scales", translate=with_shift, zoom="wheel!")
    brush = alt.selection_interval(
        name=BRUSH, encodings=["x", "y"], on=not_shift, translate=not_shift, zoom=False,
        clear="dblclick",
    )
    pick = alt.selection_point(name=PICK, fields=[ROW_FIELD], on="click[!event.shiftKey]", clear="dblclick")
    return chart.add_params(zoom, brush, pick).encode(
        opacity=alt.condition(brush, alt.value(0.85), alt.value(0.15)),
        size=alt.condition(pick, alt.value(180), alt.value(point_size), empty=False),
        stroke=alt.condition(pick, alt.value("black"), alt.value(None), empty=False),
    )


def _point_size(n: int) -> int:
    """Marker area: big for small maps, small for crowded ones."""
    return 60 if n < 1_000 else 25 if n < 10_000 else 10


def _field_name(column, taken: set[str]) -> str:
    """A Vega-safe field name for a column (dots, brackets and colons mean paths/types in Vega-Lite)."""
    name = _VEGA_FIELD_SPECIALS.sub("_", str(column))
    while name in taken or name in ("x", "y", ROW_FIELD, SNIPPET_FIELD):
        name = f"{name}_"
    return name


def _tooltip_values(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_datetime64_any_dtype(column.dtype):
        return column.to_numpy()
    return np.array([snippet(v) if not _is_missing(v) else "" for v in column], dtype=object)


def _tooltip_type(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column.dtype):
        return "nominal"
    if pd.api.types.is_numeric_dtype(column.dtype):
        return "quantitative"
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return "temporal"
    return "nominal"


def _is_missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays: not a missing scalar
        return False


def _js_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


HIGHLIGHT_COLOUR = "#d62728"


def map_with_highlights(
    frame: pd.DataFrame,
    highlight_rows: Sequence[int],
    color_by: str | None = "topic",
    tooltip_columns: Sequence[str] = (),
    *,
    text_column: str | None = None,
    max_points: int = MAX_POINTS,
    height: int = 420,
) -> tuple[alt.LayerChart, int]:
    """The map (faded, zoomable, no selection) with the rows at positions `highlight_rows` drawn on top
    as large red diamonds, numbered by their order in `highlight_rows` (rank 1 first) in the tooltip.
    Highlights are always drawn, even where the map itself is sampled. Returns (chart, points drawn)."""
    base, n_drawn = map_chart(
        frame, color_by=color_by, tooltip_columns=tooltip_columns, selection=False,
        text_column=text_column, max_points=max_points, height=height,
    )
    text_column = _checked_columns(frame, None, text_column)
    rows = np.asarray(highlight_rows, dtype=np.int64)
    hits = pd.DataFrame({
        "x": frame["x"].to_numpy()[rows],
        "y": frame["y"].to_numpy()[rows],
        "rank": np.arange(1, len(rows) + 1),
    })
    tooltips = [alt.Tooltip(field="rank", type="quantitative")]
    if text_column is not None:
        hits[SNIPPET_FIELD] = [snippet(t) for t in frame[text_column].to_numpy()[rows]]
        tooltips.append(alt.Tooltip(field=SNIPPET_FIELD, type="nominal", title=text_column))
    highlights = alt.Chart(hits).mark_point(
        shape="diamond", size=220, filled=True, color=HIGHLIGHT_COLOUR, stroke="black", strokeWidth=1, opacity=1.0
    ).encode(
        x=alt.X(field="x", type="quantitative", axis=None, scale=alt.Scale(zero=False, padding=MAP_PADDING)),
        y=alt.Y(field="y", type="quantitative", axis=None, scale=alt.Scale(zero=False, padding=MAP_PADDING)),
        tooltip=tooltips,
    )
    return alt.layer(base.encode(opacity=alt.value(0.35)), highlights).properties(height=height), n_drawn
