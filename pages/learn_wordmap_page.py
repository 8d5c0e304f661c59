"""Learn: a map of words. Click words in and out and watch the groups form; see what the flat picture distorts."""

import streamlit as st

from embdash.learn import wordmap
from embdash.models.catalogue import get_spec
from embdash.render import learn_charts
from embdash.ui import cache, learn, state, widgets
from embdash.ui.text import plain

st.title("Word map")
st.markdown(
    "Every word below becomes a vector of hundreds of numbers. Words used in similar ways get similar "
    "vectors, so on a flat map of them related words gather together. Click a word to add it to the map "
    "or take it away, and watch the groups form."
)

# tfidf-lsa knows only the current corpus's words, so it has no vectors for a word list of its own.
word_models = [model_id for model_id in state.model_options() if not get_spec(model_id).fitted_on_corpus]
model_id = learn.model_picker("wordmap", allowed=word_models)

palette, picture = st.columns([2, 3], gap="large")
chosen: dict[str, list[str]] = {}
with palette:
    for group, words in wordmap.WORD_GROUPS.items():
        chosen[group] = st.pills(
            group.capitalize(),
            list(words),
            selection_mode="multi",
            default=list(words) if group in wordmap.DEFAULT_GROUPS else [],
            key=f"wordmap.{group}",
            bind="query-params",
            wrap=True,
        )
    typed = st.text_input(
        "Add your own words",
        key="wordmap.own",
        bind="query-params",
        placeholder="e.g. piano, violin, drum",
        help=f"Separate words with commas; up to {wordmap.MAX_FREE_WORDS}. They appear as the group 'your words'.",
    )

with picture:
    left, right = st.columns(2)
method = left.radio(
    "Projection to 2-D",
    wordmap.METHODS,
    format_func=str.upper,
    horizontal=True,
    key="wordmap.method",
    bind="query-params",
    help="PCA keeps the two directions along which the words vary most: a faithful shadow of the overall shape. "
    "UMAP tries to keep each word's nearest neighbours close: better local groups, but distances between groups mean less.",
)
seed = int(
    right.number_input(
        "UMAP seed", 0, 10_000, 42, key="wordmap.seed", bind="query-params",
        help="UMAP starts from a random layout; the same seed gives the same map.", disabled=method != "umap",
    )
)

with widgets.shown_errors():
    chosen[wordmap.FREE_GROUP] = wordmap.free_words(typed)
    table = wordmap.word_table(chosen)
    vectors = learn.embedded(model_id, table["word"].tolist())
    known = wordmap.known(vectors)
    if not known.all():
        unknown = ", ".join(table["word"][~known])
        st.warning(plain(f"{get_spec(model_id).name} has no vector for: {unknown}. Left off the map."))
        table, vectors = table[known].reset_index(drop=True), vectors[known]
    result = cache.word_layout(model_id, tuple(table["word"]), method, seed, vectors)

with picture:
    st.altair_chart(learn_charts.word_map_chart(table, result.coords), width="stretch")
    metric_left, metric_right, metric_third = st.columns(3)
    metric_left.metric("Trustworthiness (2-D)", f"{result.trustworthiness:.3f}")
    metric_right.metric("Words on the map", len(table))
    metric_third.metric("Dimensions squeezed into 2", vectors.shape[1])

st.subheader("What the flat picture distorts")
st.markdown(
    "The map squeezes every dimension into two, so some words end up near words that are far away in the "
    "full space, and some true neighbours are pulled apart. **Trustworthiness** measures this: 1.0 means every "
    "word's close neighbours on the map are also close in the full space; about 0.5 is no better than chance."
)
neighbours = wordmap.neighbour_table(table["word"].tolist(), vectors, result.coords)
st.caption(
    "Each word's nearest words by cosine similarity of the full vectors, beside its nearest words on the map; "
    "'kept' counts the neighbours the map preserved."
)
st.dataframe(neighbours, hide_index=True, width="stretch")
