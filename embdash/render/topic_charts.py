"""Altair charts of topics: shares over time, a heatmap of topics per class, and the topic tree as an icicle."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd


def topic_order(topics) -> list[str]:
    """Topics by their cluster number ("2: ..." before "10: ..."), then the rest (e.g. unclustered) by name."""
    def key(name: str):
        head = str(name).split(":", 1)[0]
        return (0, int(head), "") if head.isdigit() else (1, 0, str(name))

    return sorted({str(t) for t in topics}, key=key)


#: The selections of the topic charts, by name, for st.altair_chart(selection_mode=...).
TIME_SELECTIONS = ("topic_pick", "period_brush")
CLASS_SELECTIONS = ("cell_pick",)


def topics_over_time_chart(counts: pd.DataFrame, period: str, domain: list[str] | None = None) -> alt.Chart:
    """Each topic's share of the period's documents, as stacked areas. Click a topic (or its legend entry) to pick
    it, drag across the time axis to pick periods: the selection's "topic" and "period" say what was picked.
    `domain`: the topics in the map's order, so each has the map's colour (default: by their number)."""
    from embdash.render.charts import topic_scale

    domain = _present(domain, counts["topic"])
    pick = alt.selection_point(name="topic_pick", fields=["topic"], bind="legend", on="click", clear="dblclick")
    brush = alt.selection_interval(name="period_brush", encodings=["x"], clear="dblclick")
    return (
        alt.Chart(counts)
        .mark_area()
        .encode(
            x=alt.X("period:T", title=period.capitalize()),
            y=alt.Y("share:Q", stack="normalize", title="Share of the period's documents", axis=alt.Axis(format="%")),
            color=alt.Color("topic:N", title="topic", sort=domain, scale=topic_scale(domain),
                            legend=alt.Legend(symbolLimit=0, labelLimit=260)),
            opacity=alt.condition(pick, alt.value(0.9), alt.value(0.15)),
            tooltip=[alt.Tooltip("period:T", title=period), "topic:N", "documents:Q",
                     alt.Tooltip("share:Q", format=".1%")],
        )
        .add_params(pick, brush)
        .properties(height=320)
    )


def topics_by_class_chart(counts: pd.DataFrame, class_name: str, domain: list[str] | None = None) -> alt.Chart:
    """A heatmap: one row per class, one column per topic, coloured by the class's share in the topic. Click
    cells to pick them (shift-click for more)."""
    pick = alt.selection_point(name="cell_pick", fields=["topic", "class"], on="click", clear="dblclick")
    return (
        alt.Chart(counts)
        .mark_rect()
        .encode(
            x=alt.X("topic:N", title="topic", sort=_present(domain, counts["topic"]),
                    axis=alt.Axis(labelAngle=-40, labelLimit=200, labelOverlap=False)),
            y=alt.Y("class:N", title=class_name),
            color=alt.Color("share:Q", title="share of the class", scale=alt.Scale(scheme="blues"),
                            legend=alt.Legend(format="%")),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=[alt.Tooltip("class:N", title=class_name), "topic:N", "documents:Q",
                     alt.Tooltip("share:Q", format=".1%")],
        )
        .add_params(pick)
        .properties(height=alt.Step(22))
    )


def _present(domain: list[str] | None, topics: pd.Series) -> list[str]:
    """The topics of `domain` that occur in `topics`, in its order (topic_order when no domain is given)."""
    if domain is None:
        return topic_order(topics)
    present = set(topics.astype(str))
    return [topic for topic in domain if topic in present]


def tree_rectangles(merges, heights, sizes, labels: dict[int, str], topic_of_node: dict[int, str]) -> pd.DataFrame:
    """An icicle of a topic tree: one rectangle per node, as wide as its documents, spanning from the height at
    which it was formed (0 for a cluster) up to the height at which it joins its parent.

    merges/heights/sizes follow scipy's linkage (row i joins two nodes into node k + i at heights[i]); labels
    names each node (its top terms); topic_of_node gives the topic a node belongs to at the chosen level (nodes
    above the cut are absent). Columns: node, x0, x1, y0, y1, size, label, topic, level ("topic", "inside a
    topic" or "above the cut").
    """
    merges = np.asarray(merges, dtype=np.int64).reshape(-1, 2)
    k = len(merges) + 1 if len(sizes) else 0
    if k == 0:
        return pd.DataFrame(columns=["node", "x0", "x1", "y0", "y1", "size", "label", "topic", "level"])
    formed = np.concatenate([np.zeros(k), np.asarray(heights, dtype=float)])
    top = formed.max() if len(merges) else 1.0
    joins = np.full(2 * k - 1, top * 1.08 if top > 0 else 1.0)  # the root stands a little above its merge
    children = {}
    for row, (a, b) in enumerate(merges):
        children[k + row] = (int(a), int(b))
        joins[a] = joins[b] = formed[k + row]
    parents = {child: parent for parent, pair in children.items() for child in pair}
    rows, start = [], {2 * k - 2: 0.0}
    for node in _top_down(2 * k - 2, children):
        x0 = start[node]
        for child in sorted(children.get(node, ()), key=lambda c: -sizes[c]):  # larger child on the left
            start[child] = x0
            x0 += float(sizes[child])
        topic = topic_of_node.get(node)
        if topic is None:
            level = "above the cut"
        else:  # at the cut when its parent is in no topic (or another)
            level = "topic" if topic_of_node.get(parents.get(node)) != topic else "inside a topic"
        rows.append({"node": node, "x0": start[node], "x1": start[node] + float(sizes[node]), "y0": formed[node],
                     "y1": joins[node], "size": int(sizes[node]), "label": labels.get(node, ""),
                     "topic": topic or "", "level": level})
    return pd.DataFrame(rows)


def _top_down(root: int, children: dict[int, tuple[int, int]]) -> list[int]:
    order, stack = [], [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(children.get(node, ()))
    return order


def topic_tree_chart(rectangles: pd.DataFrame, topic_domain: list[str], cut_height: float | None = None) -> alt.Chart:
    """The icicle of `tree_rectangles`: each rectangle coloured by its topic at the chosen level (grey above the
    cut), its terms in the tooltip; click one to select its documents (the selection's field is "node")."""
    from embdash.render.charts import topic_scale

    pick = alt.selection_point(name="node_pick", fields=["node"], on="click", clear="dblclick")
    base = alt.Chart(rectangles).encode(
        x=alt.X("x0:Q", title="documents (core members of each topic)", axis=alt.Axis(format=",d")),
        x2="x1:Q",
        y=alt.Y("y0:Q", title="distance between topics (cosine)", scale=alt.Scale(zero=True)),
        y2="y1:Q",
    )
    boxes = base.mark_rect(stroke="white", strokeWidth=0.6).encode(
        color=alt.condition("datum.topic == ''", alt.value("#e0e0e0"),
                            alt.Color("topic:N", scale=topic_scale(topic_domain), legend=None)),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        tooltip=[alt.Tooltip("label:N", title="terms"), alt.Tooltip("size:Q", title="documents"),
                 alt.Tooltip("topic:N", title="topic at this level"), alt.Tooltip("level:N"),
                 alt.Tooltip("node:Q", title="node")],
    ).add_params(pick)
    layers = [boxes]
    if cut_height is not None:
        layers.append(alt.Chart(pd.DataFrame({"y": [cut_height]})).mark_rule(strokeDash=[4, 3], color="#555")
                      .encode(y="y:Q"))
    return alt.layer(*layers).properties(height=320)
