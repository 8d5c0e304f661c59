"""Learn: dimensions and models. The catalogue's sizes and speeds; what fewer dimensions cost, measured live."""

import streamlit as st

from embdash.hashing import params_key
from embdash.learn import dimensions
from embdash.render import learn_charts
from embdash.ui import cache, learn, state, widgets
from embdash.ui.text import plain

st.title("Dimensions and models")
st.markdown(
    "Models differ in how many numbers they give each text (the **dimensions**), how big they are and how fast "
    "they run. More dimensions can hold finer distinctions but cost memory and search time."
)
st.dataframe(dimensions.catalogue_table(), hide_index=True, width="stretch")
st.caption("Speeds: short sentences per second on this 2-core machine. Load time: a fresh process, imports included.")

st.subheader("Can we keep fewer dimensions?")
st.markdown(
    "Two ways to shorten every vector to m numbers: **truncation** keeps the first m; **PCA** keeps the m "
    "directions along which these texts vary most. Both are scaled back to length 1. We then check, text by "
    "text, whether the nearest neighbours are still the same ones (overlap@k) and whether the whole ranking "
    "of similarities is kept (Spearman correlation, 1.0 = the same order)."
)
model_id = learn.model_picker("dimensions")
k = st.slider(
    "Neighbours compared (k)", 1, 50, dimensions.K, key="dimensions.k", bind="query-params",
    help="Overlap@k: the share of each text's k nearest neighbours that the shortened vectors keep.",
)

with widgets.shown_errors():
    corpus = state.current_corpus()
    rows = dimensions.sample_rows(len(corpus))
    texts = [corpus.texts[i] for i in rows]
    vectors = learn.embedded(model_id, texts)
    table = cache.dimension_agreement(model_id, params_key(corpus.key, rows.tolist()), k, vectors)

st.caption(plain(f"Measured on {len(rows):,} texts of {corpus.name} ({len(corpus):,} in all), embedded with {model_id}."))
st.altair_chart(learn_charts.agreement_chart(table, f"overlap@{k}"), width="stretch")
st.markdown(plain(dimensions.summary(table, k)))
wide = table.pivot(index="dimensions kept", columns="method", values=[f"overlap@{k}", "spearman"]).round(3)
wide.columns = [f"{measure} ({method})" for measure, method in wide.columns]
st.dataframe(wide.reset_index(), hide_index=True, width="stretch")
st.markdown(
    "Some models (trained the *Matryoshka* way) are taught to pack the most important information into their "
    "first dimensions, so truncation hurts them little; ordinary models spread it across all dimensions, and "
    "truncation loses more. PCA adapts to the texts at hand, so with few dimensions it usually keeps more than "
    "truncation does; but it is fitted on these same texts, and a few hundred texts span at most a few hundred "
    "directions, so near that many dimensions it keeps almost everything by construction. The numbers above are "
    "measured on your corpus: switch the model to compare."
)
