"""Learn: semantic similarity. The cosine of every pair of typed texts, and what is closest to each."""

import streamlit as st

from embdash.learn import words
from embdash.models.catalogue import get_spec
from embdash.ui import learn, widgets

MAX_TEXTS = 25  # beyond this the heatmap's cells are too small to read

st.title("Semantic similarity")
st.markdown(
    "Two texts are *similar* to a model when their vectors point the same way. The measure is the **cosine "
    "similarity**: 1 for the same direction, about 0 for unrelated texts, below 0 for opposite directions. "
    "Type words or sentences, one per line: every pair is compared below."
)

with widgets.shown_errors():
    model_id = learn.model_picker("similarity")
    typed = st.text_area(
        "Words or sentences, one per line",
        "king\nqueen\nman\nwoman\nbanana\napple",
        key="similarity.texts",
        bind="query-params",
        height=180,
        help=f"Up to {MAX_TEXTS} lines; empty lines are skipped.",
    )
    texts = [line.strip() for line in typed.splitlines() if line.strip()]
    if len(texts) < 2:
        st.info("Type at least two lines to compare.")
        st.stop()
    if len(texts) > MAX_TEXTS:
        st.warning(f"Comparing the first {MAX_TEXTS} of {len(texts)} lines.")
        texts = texts[:MAX_TEXTS]
    matrix = words.similarity_matrix(learn.embedded(model_id, texts))

if unknown := [text for i, text in enumerate(texts) if matrix[i, i] == 0]:
    st.warning(f"This model knows none of the words of {len(unknown)} line(s), so their vectors are all zeros "
               "(similarity 0 to everything).")

heatmap, ranking = st.columns([3, 2])
with heatmap:
    st.altair_chart(learn.similarity_heatmap(matrix, texts))
    st.caption(f"Cosine similarity under {get_spec(model_id).name}. The table is symmetric, "
               "and each text is identical to itself (1 on the diagonal).")
with ranking:
    anchor = st.selectbox("Closest to", range(len(texts)), format_func=lambda i: texts[i],
                          key="similarity.anchor", bind="query-params")
    st.dataframe(learn.ranked_frame(words.closest_to(anchor, matrix, texts)), hide_index=True, width="stretch")

st.markdown(
    "Things to try: *king* is closer to *queen* than to *banana*; a sentence and its paraphrase score high even "
    "with no word in common; *hot* and *cold* often score high too: they appear in the same contexts, and "
    "models learn **relatedness** more than agreement. Cosines are comparable within one model, not between "
    "models: some models put every pair above 0.7."
)
