"""The map for large corpora: a WebGL scatter (plotly Scattergl), for when Altair/Vega-Lite gets slow.

Altair ships every point in one Vega spec and draws with SVG/canvas: past WEBGL_THRESHOLD points it
stutters on zoom and hover. Scattergl draws on the GPU and plotly sends coordinates as binary arrays,
so 200,000+ points stay interactive (zoom, hover, box/lasso selection through st.plotly_chart).
Past MAX_POINTS the map shows an even sample (every row equally likely, seeded) and says so.

Hover text is user text: plotly renders some HTML in hover labels (<b>, <a href>, <br> ...), so every
user string is HTML-escaped here and our own line breaks are added after escaping.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

WEBGL_THRESHOLD = 20_000  # more points than this: the map page draws this WebGL map instead of Altair
MAX_POINTS = 300_000  # more than this: an even sample of this size is drawn
HOVER_CHARS = 160  # hover text per point is cut here: at 200,000 points it is most of the page's size
MAX_LEGEND_GROUPS = 40  # more distinct values of another column than this: the rest share one "other" trace
TOPIC_COLUMNS = ("cluster", "topic")  # never folded into "other": plotly's legend scrolls, so every topic is listed
UNCLUSTERED = "unclustered"
OTHER_LABEL = "(other)"
SAMPLE_SEED = 0
PALETTE = (
    "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac",
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)
NOISE_COLOUR = "#c8c8c8"  # HDBSCAN's unclustered points, as on the Altair map


#: The legend entry of the points picked in another chart (the topic tree, the topic charts).
PICKED = "picked in the charts"


def use_webgl(n_points: int) -> bool:
    return n_points > WEBGL_THRESHOLD


def even_sample(n: int, max_points: int, seed: int = SAMPLE_SEED) -> np.ndarray:
    """Sorted row positions: all rows if n <= max_points, else a seeded uniform sample (never "the first N")."""
    if max_points < 1:
        raise ValueError("max_points must be at least 1")
    if n <= max_points:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))


def escape_hover(text: Any, max_chars: int = HOVER_CHARS) -> str:
    """User text made safe for a plotly hover label: cut, HTML-escaped, no raw line breaks."""
    text = "" if text is None else str(text)
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return html.escape(" ".join(text.split()), quote=True)


def hover_texts(texts: Sequence[Any], extra: Mapping[str, Sequence[Any]] | None = None,
                max_chars: int = HOVER_CHARS) -> list[str]:
    """One hover label per point: the text, then `name: value` lines for extra columns (all escaped)."""
    extra = extra or {}
    names = [escape_hover(name, 40) for name in extra]
    labels = []
    for i, text in enumerate(texts):
        lines = [escape_hover(text, max_chars)]
        lines += [f"{name}: {escape_hover(values[i], 60)}" for name, values in zip(names, extra.values())]
        labels.append("<br>".join(lines))  # our own markup, added after escaping
    return labels


@dataclass
class BigMap:
    figure: Any  # plotly.graph_objects.Figure
    rows: np.ndarray  # corpus row of each drawn point (sorted); every trace's customdata holds these rows
    n_total: int

    @property
    def sampled(self) -> bool:
        return len(self.rows) < self.n_total

    @property
    def note(self) -> str | None:
        """What to tell the analyst when not every point is drawn."""
        if not self.sampled:
            return None
        return (f"Showing an even random sample of {len(self.rows):,} of {self.n_total:,} documents "
                f"(every document equally likely); search and tables still use all of them.")


def map_figure(
    coords: np.ndarray,
    hover: Sequence[str],
    colour: Sequence[Any] | None = None,
    colour_name: str = "cluster",
    max_points: int = MAX_POINTS,
    noise_value: Any = -1,
    height: int = 600,
    highlight: np.ndarray | None = None,
) -> BigMap:
    """A Scattergl map of (n, 2) coords. `hover`: labels from hover_texts (already escaped).

    `colour`: one value per point; numbers with many distinct values get a colour scale, anything
    else one trace (and legend entry) per value, `noise_value` (and "unclustered") in grey; past
    MAX_LEGEND_GROUPS values, except for a cluster or topic column, the smallest share one trace. Each point's customdata is its
    corpus row, so a selection maps back to rows with selected_rows(). `highlight` (a bool per point) rings
    those points in black, on top: documents picked in another chart.
    """
    import plotly.graph_objects as go

    coords = np.asarray(coords, dtype=np.float32)
    if coords.ndim != 2 or coords.shape[1] != 2:
        raise ValueError(f"coords must be (n, 2), got {coords.shape}")
    n = len(coords)
    if len(hover) != n or (colour is not None and len(colour) != n):
        raise ValueError("hover and colour need one value per point")
    rows = even_sample(n, max_points)
    hover_shown = np.asarray(hover, dtype=object)[rows]
    figure = go.Figure()
    marker_size = 3 if len(rows) > 50_000 else 5
    common = dict(mode="markers", hovertemplate="%{text}<extra></extra>")
    if colour is None:
        figure.add_trace(go.Scattergl(x=coords[rows, 0], y=coords[rows, 1], text=hover_shown, customdata=rows,
                                      marker=dict(size=marker_size, color=PALETTE[0]), name="documents", **common))
    else:
        values = np.asarray(colour, dtype=object)[rows]
        if _is_continuous(values):
            figure.add_trace(go.Scattergl(
                x=coords[rows, 0], y=coords[rows, 1], text=hover_shown, customdata=rows, name=escape_hover(colour_name, 40),
                marker=dict(size=marker_size, color=values.astype(float), colorscale="Viridis", showscale=True,
                            colorbar=dict(title=escape_hover(colour_name, 40))),
                **common,
            ))
        else:
            limit = None if colour_name in TOPIC_COLUMNS else MAX_LEGEND_GROUPS
            for label, mask, colour_hex in _groups(values, noise_value, limit):
                figure.add_trace(go.Scattergl(
                    x=coords[rows[mask], 0], y=coords[rows[mask], 1], text=hover_shown[mask], customdata=rows[mask],
                    marker=dict(size=marker_size, color=colour_hex), name=escape_hover(label, 40), **common,
                ))
    if highlight is not None and (picked := np.asarray(highlight, dtype=bool)[rows]).any():
        figure.add_trace(go.Scattergl(
            x=coords[rows[picked], 0], y=coords[rows[picked], 1], text=hover_shown[picked], customdata=rows[picked],
            marker=dict(size=marker_size + 4, color="rgba(0,0,0,0)", line=dict(width=1.5, color="black")),
            name=PICKED, **common,
        ))
    figure.update_layout(
        height=height, dragmode="lasso", hovermode="closest", margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(title=dict(text=escape_hover(colour_name, 40)), itemsizing="constant"),
        xaxis=dict(showticklabels=False, title=None, zeroline=False),
        yaxis=dict(showticklabels=False, title=None, zeroline=False, scaleanchor="x"),
        uirevision="map",  # keep zoom while other widgets rerun the page
    )
    return BigMap(figure=figure, rows=rows, n_total=n)


def selected_rows(event: Any) -> np.ndarray:
    """Corpus rows of the points selected in st.plotly_chart(..., on_select="rerun")'s event, sorted, unique."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        points = getattr(getattr(event, "selection", None), "points", None) or []
    rows = []
    for point in points or []:
        data = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        if data is not None:
            rows.append(int(data))
    return np.unique(np.asarray(rows, dtype=np.int64))


def _is_continuous(values: np.ndarray) -> bool:
    numeric = all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in values)
    return numeric and len(set(values.tolist())) > MAX_LEGEND_GROUPS


def _groups(values: np.ndarray, noise_value: Any, limit: int | None = MAX_LEGEND_GROUPS):
    """(label, mask, colour) per distinct value, largest first (the first `limit`, the rest as one
    "other" group); the noise value last, in grey."""
    labels = np.array(["" if v is None else str(v) for v in values], dtype=object)
    distinct, counts = np.unique(labels, return_counts=True)
    order = [distinct[i] for i in np.argsort(-counts, kind="stable")]
    noise = UNCLUSTERED if UNCLUSTERED in order else str(noise_value)  # topic names say "unclustered"
    kept = [label for label in order if label != noise][:limit]
    for k, label in enumerate(kept):
        yield label, labels == label, PALETTE[k % len(PALETTE)]
    rest = ~np.isin(labels, kept + [noise])
    if rest.any():
        yield OTHER_LABEL, rest, "#888888"
    if noise in order:
        yield "unclustered" if noise == "-1" else noise, labels == noise, NOISE_COLOUR
