"""Altair charts of topics against the corpus's columns: shares over time, and a heatmap of topics per class."""

from __future__ import annotations

import altair as alt
import pandas as pd


def topic_order(topics) -> list[str]:
    """Topics by their cluster number ("2: ..." before "10: ..."), then the rest (e.g. unclustered) by name."""
    def key(name: str):
        head = str(name).split(":", 1)[0]
        return (0, int(head), "") if head.isdigit() else (1, 0, str(name))

    return sorted({str(t) for t in topics}, key=key)


def topics_over_time_chart(counts: pd.DataFrame, period: str) -> alt.Chart:
    """Each topic's share of the period's documents, as stacked areas; click the legend to pick topics."""
    pick = alt.selection_point(fields=["topic"], bind="legend")
    return (
        alt.Chart(counts)
        .mark_area()
        .encode(
            x=alt.X("period:T", title=period.capitalize()),
            y=alt.Y("share:Q", stack="normalize", title="Share of the period's documents", axis=alt.Axis(format="%")),
            color=alt.Color("topic:N", title="topic", sort=topic_order(counts["topic"]),
                            legend=alt.Legend(symbolLimit=0, labelLimit=260)),
            opacity=alt.condition(pick, alt.value(0.9), alt.value(0.15)),
            tooltip=[alt.Tooltip("period:T", title=period), "topic:N", "documents:Q",
                     alt.Tooltip("share:Q", format=".1%")],
        )
        .add_params(pick)
        .properties(height=320)
    )


def topics_by_class_chart(counts: pd.DataFrame, class_name: str) -> alt.Chart:
    """A heatmap: one row per class, one column per topic, coloured by the class's share in the topic."""
    return (
        alt.Chart(counts)
        .mark_rect()
        .encode(
            x=alt.X("topic:N", title="topic", sort=topic_order(counts["topic"]),
                    axis=alt.Axis(labelAngle=-40, labelLimit=200, labelOverlap=False)),
            y=alt.Y("class:N", title=class_name),
            color=alt.Color("share:Q", title="share of the class", scale=alt.Scale(scheme="blues"),
                            legend=alt.Legend(format="%")),
            tooltip=[alt.Tooltip("class:N", title=class_name), "topic:N", "documents:Q",
                     alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(height=alt.Step(22))
    )
