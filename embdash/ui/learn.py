"""Shared helpers of the Learn pages: a page-local model picker and cached vectors for a few typed texts."""

from __future__ import annotations

import numpy as np
import streamlit as st

from embdash.models.catalogue import get_spec
from embdash.render import learn_charts
from embdash.ui import cache, links, state


def model_picker(page: str, default: str | None = None, allowed: list[str] | None = None,
                 required: bool = True) -> str | None:
    """A model selectbox for one Learn page (key "<page>.model", bound to the URL); returns the model id.

    It lists only the models this server offers (state.model_options), narrowed to `allowed` (e.g. word-level
    models); a link naming another one is dropped with a note. It starts on `default`, else on the sidebar's
    model, so a lesson shows the model the user is exploring with. With no model to list it says so and stops
    the page, or returns None when not `required`.
    """
    key = f"{page}.model"
    options = state.model_options(allowed)
    if not options:
        st.info("None of the models this server offers can show this part of the lesson.")
        if required:
            st.stop()
        return None
    start = state.offered_model(default or state.current_model_id(), allowed)
    links.say_if_linked_model_not_offered(key, options, start)
    chosen = st.selectbox(
        "Model for this lesson",
        options,
        index=options.index(start),
        format_func=lambda model_id: get_spec(model_id).name,
        key=key,
        bind="query-params",
        help="Which embedding model computes this page. It starts on the model chosen in the sidebar.",
    )
    return state.offered_model(chosen, allowed)


def embedded(model_id: str, texts: list[str]) -> np.ndarray:
    """(len(texts), d) unit vectors, cached in memory and in the store like any text.

    Models fitted on a corpus (tfidf-lsa) are fitted on the current corpus.
    """
    return cache.embed_texts_cached(model_id, state.current_corpus(), tuple(texts))


def vector_strip_chart(vectors: np.ndarray, labels: list[str], n_dims: int):
    """The first `n_dims` numbers of each vector as a strip of coloured cells (blue negative, red positive).

    Labels travel as chart data, never as markup, so typed text is shown as it is.
    """
    import altair as alt
    import pandas as pd

    shown = vectors[:, :n_dims]
    frame = pd.DataFrame(
        [{"text": label, "dimension": j, "value": float(shown[i, j])} for i, label in enumerate(labels) for j in range(shown.shape[1])]
    )
    limit = float(np.abs(shown).max()) or 1.0
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("dimension:O", title="dimension", axis=alt.Axis(labelAngle=0, values=list(range(0, n_dims, 8)))),
            y=alt.Y("text:N", title=None, sort=None),
            color=learn_charts.diverging_colour("value", limit),
            tooltip=["text:N", "dimension:O", alt.Tooltip("value:Q", format=".4f")],
        )
        .properties(height=40 * len(labels) + 30)
    )


def similarity_heatmap(matrix: np.ndarray, labels: list[str]):
    """Cosine similarity of every pair as a heatmap with the value written in each cell."""
    import altair as alt
    import pandas as pd

    # Two texts may be equal: number the axis entries so each keeps its own row and column.
    names = [f"{i + 1}. {label}" for i, label in enumerate(labels)]
    frame = pd.DataFrame(
        [{"row": names[i], "column": names[j], "cosine": float(matrix[i, j])} for i in range(len(names)) for j in range(len(names))]
    )
    base = alt.Chart(frame).encode(
        x=alt.X("column:N", sort=names, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=160)),
        y=alt.Y("row:N", sort=names, title=None, axis=alt.Axis(labelLimit=160)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("cosine:Q", scale=alt.Scale(scheme="viridis", domain=[min(0.0, float(matrix.min())), 1.0])),
        tooltip=["row:N", "column:N", alt.Tooltip("cosine:Q", format=".3f")],
    )
    values = base.mark_text(fontSize=11).encode(
        text=alt.Text("cosine:Q", format=".2f"),
        color=alt.condition("datum.cosine > 0.6", alt.value("black"), alt.value("white")),
    )
    side = max(240, 42 * len(labels))
    return (cells + values).properties(width=side, height=side)


def ranked_frame(ranked, score_name: str = "cosine"):
    """A Ranked list (embdash.learn.words) as a table: rank, word, score."""
    import pandas as pd

    return pd.DataFrame({"rank": range(1, len(ranked.words) + 1), "word": ranked.words, score_name: np.round(ranked.scores, 4)})
