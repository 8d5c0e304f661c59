"""Map: the corpus in two dimensions, coloured by topic; topics merged along their tree, edited by hand, and
set against the corpus's own columns."""

from dataclasses import asdict

import numpy as np
import streamlit as st

from embdash.pipeline import maps, stages, topic_view
from embdash.render import charts, webgl
from embdash.ui import cache, links, state, topic_controls, views, widgets

st.title("Map of the corpus")

with widgets.shown_errors():
    corpus = state.current_corpus()
    model_id = state.current_model_id()
    views.language_notice(cache.language_report(corpus), model_id, state.model_options(), key="map.languages")
    params = widgets.map_params_controls()
    vectors_key, vectors = cache.vectors(corpus, model_id)
    result = cache.map_result(corpus, vectors_key, vectors, params)
    tree = cache.topic_tree(corpus, model_id, vectors_key, vectors, result, params)

map_key = stages.map_key(vectors_key, corpus.key, params)
metrics_box = st.container()  # filled once the topics shown are known
topic_controls.stability_check(corpus, vectors_key, vectors, params, map_key)

# How many topics, and the unclustered documents: cut the cached tree, no re-clustering.
options = topic_controls.view_options(result.metrics.n_clusters)
edits = topic_controls.current_edits(map_key)
view = topic_controls.shown_view(result, tree, vectors, options, edits, corpus.texts, params.topics)
topic_controls.view_summary(view, result.metrics.n_clusters)
with metrics_box:
    views.map_metrics(result.metrics, cache.topic_quality(corpus, topic_view.shown_terms(view, params.topics.n_terms)))

# The corpus's columns read as their kinds say (numbers, dates), named as map_frame names them.
kinds = state.column_kinds(corpus)
frame = maps.map_frame(cache.typed_frame(corpus, kinds), corpus.text_column, result, view=view)
text_column = maps.data_column_name(corpus.text_column)
columns = [c for c in frame.columns if c not in {text_column, *maps.MAP_COLUMNS}]
# Identifiers and other texts are shown in tooltips only: nothing to colour or filter by.
drawable = views.drawable_columns(columns, kinds)

color_by = st.selectbox(
    "Colour by",
    ["topic", *drawable],
    help="Colour the points by their topic, or by a column of the corpus (its kind, set on the Data page, decides "
         "the scale: categories, a range of numbers, or dates).",
    **links.bound("map.color_by"),
)
log_colour = views.log_colour_choice(color_by, kinds)
shown = views.filtered(frame, drawable)
# Documents picked in the topic tree or the topic charts below, shown where they lie on the map.
linked = views.linked_rows(frame, topic_controls.tree_rows(tree, view.leaves))
linked_shown = None if linked is None else linked[frame.index.get_indexer(shown.index)]
if webgl.use_webgl(len(shown)):
    # Past a few tens of thousands of points Vega-Lite stutters: draw with WebGL instead.
    chart = None
    # The topic first, so every point names its topic whatever the colour.
    hover = webgl.hover_texts(shown[text_column].tolist(), {c: shown[c].tolist() for c in ["topic", *columns[:3]]})
    colour, colour_name = views.webgl_colour(shown[color_by], color_by, log_colour)
    big = webgl.map_figure(shown[["x", "y"]].to_numpy(), hover, colour=colour, colour_name=colour_name,
                           highlight=linked_shown)
    if big.note:
        st.caption(big.note)
    event = st.plotly_chart(
        big.figure, on_select="rerun", selection_mode=("points", "box", "lasso"), key="map.webgl", width="stretch"
    )
    st.caption(f"{len(big.rows):,} points drawn with WebGL. Drag to select with the lasso (box and zoom in the toolbar); "
               "scroll to zoom; double-click to reset.")
    on_map = webgl.selected_rows(event)
else:
    chart, n_shown = charts.map_chart(shown, color_by=color_by, tooltip_columns=["assigned", *columns],
                                      text_column=text_column, highlight=linked_shown, log_colour=log_colour)
    if n_shown < len(shown):
        st.caption(f"Showing an even sample of {n_shown:,} of {len(shown):,} documents.")
    # Listen to the selections only: otherwise every zoom or pan would rerun the page.
    event = st.altair_chart(
        chart, on_select="rerun", selection_mode=charts.SELECTION_PARAMS, key="map.chart", width="stretch"
    )
    st.caption("Drag to select a box of documents; click a point to pick one; scroll to zoom; shift-drag to pan; double-click to reset.")
    on_map = views.selected_rows(shown, event)
# What the map selected, else what the tree or the topic charts picked.
picked = on_map if len(on_map) or linked_shown is None else np.flatnonzero(linked_shown)

views.selected_documents(shown, picked, text_column)
views.more_like_this(shown, frame, vectors, picked, text_column)
topic_controls.edits_panel(view, edits, map_key)
views.cluster_overview(corpus.texts, result, view, n_terms=params.topics.n_terms, points=vectors)
topic_controls.topic_tree(tree, view, options)
views.topics_against_columns(shown, columns, within=on_map)
views.map_download(frame, corpus, model_id, chart=chart, vectors=vectors,
                   provenance={**asdict(params), "view": asdict(options), "topic_edits": asdict(edits)})
