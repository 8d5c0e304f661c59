"""Charts for the Learn pages on word maps, the embedding layer and dimensions. They return Altair charts.

Words and tokens from users appear only as chart text (axis labels, marks, tooltips): Vega draws them
as text, never as HTML.
"""

from __future__ import annotations

from typing import Sequence

import altair as alt
import numpy as np
import pandas as pd

from embdash.render.charts import PALETTE

#: Dimensions shown in the layer heatmaps: enough to see the pattern, few enough to read.
HEATMAP_DIMS = 48


#: The word map's width as label placement assumes it: its column is about this wide on a laptop; wider, the points
#: spread apart and the labels keep their size, so placements made for this width stay clear. The labels' size:
#: 13 px text, about 7.5 px a character.
WORD_MAP_WIDTH, WORD_MAP_PADDING = 480, 30
LABEL_CHAR_PX, LABEL_HEIGHT_PX, LABEL_GAP_PX, POINT_RADIUS_PX = 7.5, 15, 8, 5


def label_places(coords: np.ndarray, words: Sequence[str], width: float = WORD_MAP_WIDTH, height: float = 520,
                 padding: float = WORD_MAP_PADDING) -> pd.DataFrame:
    """Where each word's label goes beside its point, so that labels neither overlap each other or the points nor
    leave the plot: for each word in turn (those with the most neighbours first), the first of eight places around
    its point (right, left, above, below, then the corners) whose box is inside the plot and clear of the points and
    the labels placed so far; a word with no clear place takes the one that overlaps least. Returns dx, dy (pixels from the point) and align
    ("left", "right" or "center") per word, in `coords` order, for a plot `width` x `height` pixels."""
    coords = np.asarray(coords, dtype=float)
    n = len(coords)
    places = pd.DataFrame({"dx": np.zeros(n), "dy": np.zeros(n), "align": ["left"] * n})
    if n == 0:
        return places
    low, span = coords.min(axis=0), np.ptp(coords, axis=0)
    span[span == 0] = 1.0
    px = padding + (coords - low) / span * [width - 2 * padding, height - 2 * padding]
    px[:, 1] = height - px[:, 1]  # y grows downwards on screen
    gap, h = LABEL_GAP_PX, LABEL_HEIGHT_PX
    r = POINT_RADIUS_PX
    dots = [(x - r, y - r, x + r, y + r) for x, y in px]  # labels keep clear of every point too
    placed: list[tuple[float, float, float, float]] = []
    crowded = np.argsort(-np.sum(np.hypot(*(px[:, None, :] - px[None, :, :]).transpose(2, 0, 1)) < 60, axis=1),
                         kind="stable")
    for i in crowded:
        w = LABEL_CHAR_PX * len(str(words[i]))
        x, y = px[i]
        candidates = [  # (dx, dy of the text's anchor, align, box left, box top)
            (gap, 0, "left", x + gap, y - h / 2), (-gap, 0, "right", x - gap - w, y - h / 2),
            (0, -gap - h / 2, "center", x - w / 2, y - gap - h), (0, gap + h / 2, "center", x - w / 2, y + gap),
            (gap, -gap - h / 2, "left", x + gap, y - gap - h), (-gap, -gap - h / 2, "right", x - gap - w, y - gap - h),
            (gap, gap + h / 2, "left", x + gap, y + gap), (-gap, gap + h / 2, "right", x - gap - w, y + gap),
        ]

        def cost(candidate) -> float:
            _, _, _, left, top = candidate
            box = (left, top, left + w, top + h)
            outside = max(0.0, -box[0]) + max(0.0, box[2] - width) + max(0.0, -box[1]) + max(0.0, box[3] - height)
            return 1000 * outside + sum(_overlap(box, other) for other in placed) + sum(_overlap(box, dot) for dot in dots)

        best = min(candidates, key=cost)
        dx, dy, align, left, top = best
        placed.append((left, top, left + w, top + h))
        places.loc[i, ["dx", "dy", "align"]] = [dx, dy, align]
    return places


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def word_map_chart(table: pd.DataFrame, coords: np.ndarray, height: int = 520) -> alt.Chart:
    """Labelled points, coloured by group. `table` has columns word and group, in the order of `coords`. Labels sit
    where label_places puts them for a plot WORD_MAP_WIDTH wide (the chart itself takes its column's width)."""
    places = label_places(coords, table["word"].astype(str).tolist(), WORD_MAP_WIDTH, height)
    data = table.assign(x=coords[:, 0].astype(float), y=coords[:, 1].astype(float),
                        label_dx=places["dx"].to_numpy(), label_dy=places["dy"].to_numpy(),
                        label_align=places["align"].to_numpy())
    groups = list(dict.fromkeys(data["group"]))
    colour = alt.Color("group:N", scale=alt.Scale(domain=groups, range=list(PALETTE[: len(groups)])), title="group")
    base = alt.Chart(data).encode(
        x=alt.X("x:Q", axis=None, scale=alt.Scale(zero=False, nice=False, padding=WORD_MAP_PADDING)),
        y=alt.Y("y:Q", axis=None, scale=alt.Scale(zero=False, nice=False, padding=WORD_MAP_PADDING)),
        color=colour,
        tooltip=[alt.Tooltip("word:N"), alt.Tooltip("group:N")],
    )
    points = base.mark_circle(size=90, opacity=0.85)
    layers = [points]
    # Offsets and alignment are mark properties: one text layer for each place in use.
    for (dx, dy, align), _ in places.groupby(["dx", "dy", "align"], sort=False):
        chosen = (alt.datum.label_dx == dx) & (alt.datum.label_dy == dy) & (alt.datum.label_align == align)
        layers.append(base.transform_filter(chosen)
                      .mark_text(align=align, baseline="middle", dx=dx, dy=dy, fontSize=13).encode(text="word:N"))
    return alt.layer(*layers).properties(height=height).interactive()


def diverging_colour(field: str, limit: float, title: str = "value") -> alt.Color:
    """Blue for negative values, white for zero, red for positive, from -limit to +limit: every vector heatmap of
    the Learn pages uses this one scale, so their legends run the same way round (negative at the bottom)."""
    return alt.Color(f"{field}:Q", title=title,
                     scale=alt.Scale(scheme="redblue", domain=[-limit, limit], reverse=True),
                     legend=alt.Legend(direction="vertical", orient="right"))


def token_labels(tokens: Sequence[str]) -> list[str]:
    """Row labels for a heatmap: position and token, so repeated tokens keep separate rows."""
    return [f"{i:>2} {token}" for i, token in enumerate(tokens)]


def heatmap(matrix: np.ndarray, tokens: Sequence[str], title: str, n_dims: int = HEATMAP_DIMS) -> alt.Chart:
    """Tokens down, the first `n_dims` dimensions across, value as colour (blue negative, red positive)."""
    labels = token_labels(tokens)
    shown = np.asarray(matrix, dtype=float)[:, :n_dims]
    rows, dims = np.meshgrid(np.arange(shown.shape[0]), np.arange(shown.shape[1]), indexing="ij")
    data = pd.DataFrame(
        {"token": np.asarray(labels)[rows.ravel()], "dimension": dims.ravel(), "value": shown.ravel()}
    )
    limit = float(np.abs(shown).max()) or 1.0
    return (
        alt.Chart(data, title=title)
        .mark_rect()
        .encode(
            x=alt.X("dimension:O", title=f"dimension (first {shown.shape[1]})", axis=alt.Axis(labelAngle=0, values=list(range(0, shown.shape[1], 8)))),
            y=alt.Y("token:N", sort=labels, title=None),
            color=diverging_colour("value", limit),
            tooltip=[alt.Tooltip("token:N"), alt.Tooltip("dimension:O"), alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(height=alt.Step(22))  # one fixed-height band per token, so every label shows
    )


def vector_strip(vector: np.ndarray, title: str, n_dims: int = HEATMAP_DIMS) -> alt.Chart:
    """One vector as a single heatmap row."""
    return heatmap(np.asarray(vector)[None, :], ["sentence"], title, n_dims)


def agreement_chart(table: pd.DataFrame, measure: str) -> alt.Chart:
    """`measure` (a column of dimensions.agreement_table) against dimensions kept, one line per method."""
    return (
        alt.Chart(table)
        .mark_line(point=True)
        .encode(
            x=alt.X("dimensions kept:Q", scale=alt.Scale(type="log", base=2), title="dimensions kept (log scale)"),
            y=alt.Y(f"{measure}:Q", scale=alt.Scale(domain=[0, 1]), title=measure),
            color=alt.Color("method:N", title="method"),
            tooltip=["method", "dimensions kept", alt.Tooltip(f"{measure}:Q", format=".3f")],
        )
        .properties(height=320)
    )
