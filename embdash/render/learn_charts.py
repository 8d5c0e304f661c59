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


def word_map_chart(table: pd.DataFrame, coords: np.ndarray, height: int = 520) -> alt.Chart:
    """Labelled points, coloured by group. `table` has columns word and group, in the order of `coords`."""
    data = table.assign(x=coords[:, 0].astype(float), y=coords[:, 1].astype(float))
    groups = list(dict.fromkeys(data["group"]))
    colour = alt.Color("group:N", scale=alt.Scale(domain=groups, range=list(PALETTE[: len(groups)])), title="group")
    base = alt.Chart(data).encode(
        x=alt.X("x:Q", axis=None, scale=alt.Scale(zero=False, padding=30)),
        y=alt.Y("y:Q", axis=None, scale=alt.Scale(zero=False, padding=20)),
        color=colour,
        tooltip=[alt.Tooltip("word:N"), alt.Tooltip("group:N")],
    )
    points = base.mark_circle(size=90, opacity=0.85)
    labels = base.mark_text(align="left", dx=7, dy=-6, fontSize=13).encode(text="word:N")
    return (points + labels).properties(height=height).interactive()


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
            color=alt.Color("value:Q", scale=alt.Scale(scheme="redblue", domain=[limit, -limit]), title="value"),
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
