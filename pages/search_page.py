"""Search: the documents nearest in meaning to a query, beside a keyword (BM25) search of the same words."""

import numpy as np
import streamlit as st

from embdash.pipeline import maps
from embdash.pipeline.params import MapParams
from embdash.render import charts
from embdash.tasks import search
from embdash.tasks.bm25 import overlap
from embdash.ui import cache, links, state, views, widgets

st.title("Search the corpus")

with widgets.shown_errors():
    corpus = state.current_corpus()
    model_id = state.current_model_id()
    vectors_key, vectors = cache.vectors(corpus, model_id)
    index = cache.search_index(vectors_key, vectors)  # None (exact search) below 50,000 documents

links.kept_across_pages("search.query")
query = st.text_input(
    "Search for",
    placeholder="Describe what you are looking for, in your own words",
    help="Documents are ranked by the cosine similarity of their embedding to the query's: "
    "they can match in meaning without sharing a word.",
    **links.bound("search.query"),
)
k = st.slider("Number of results", 1, 50, 10, **links.bound("search.k"))
show_map = st.toggle(
    "Show the hits on the map",
    value=len(corpus) < search.EXACT_LIMIT,
    help="The map of the corpus with the Map page's default settings; built once, then cached.",
    **links.bound("search.show_map"),
)

if show_map:
    with widgets.shown_errors():
        mapped = cache.map_result(corpus, vectors_key, vectors, MapParams())
    frame = maps.map_frame(corpus.frame, corpus.text_column, mapped)
else:
    frame = corpus.frame.rename(columns={c: maps.data_column_name(c) for c in corpus.frame.columns})
text_column = maps.data_column_name(corpus.text_column)
columns = [c for c in frame.columns if c not in {text_column, *maps.MAP_COLUMNS}]
table = frame[[text_column, *columns, *(["topic"] if show_map else [])]]  # what the result tables show
shown = views.filtered(frame, columns, key="search")
mask = np.zeros(len(frame), dtype=bool)
mask[frame.index.get_indexer(shown.index)] = True

if not query.strip():
    st.info("Type a query above to search the corpus, e.g. a topic, a question or a sentence like the ones you want.")
    st.stop()
if not mask.any():
    st.warning("No document passes the filter: widen it to search.")
    st.stop()

with widgets.shown_errors():
    query_vector = cache.query_vector(corpus, model_id, query)
rows, scores = search.search(vectors, query_vector, k, mask=mask, index=index)
found = rows >= 0  # an approximate index may fall short of k
rows, scores = rows[found], scores[found]
keyword_rows, keyword_scores = cache.keyword_index(corpus).search(query, k, mask=mask)

shared, jaccard = overlap(rows, keyword_rows)
cols = st.columns(3)
cols[0].metric("In both lists", f"{shared} of {len(rows)}", help="Documents that both rankings put in their top k.")
cols[1].metric("Jaccard overlap", f"{jaccard:.2f}", help="Shared documents ÷ documents in either list: 1 = the same list, 0 = nothing in common.")
cols[2].metric("Found only by meaning", f"{len(set(rows.tolist()) - set(keyword_rows.tolist()))}")

hits = search.hits_table(table, text_column, rows, scores)
hits.insert(3, "BM25 rank", search.ranks_in(rows, keyword_rows))
st.subheader("By meaning")
st.caption(
    "Ranked by the similarity of each document's embedding to the query's. Beside each: its rank in a keyword "
    "search (BM25, which only counts shared words), or \"found only by meaning\" when the words missed it; a "
    "low overlap is normal when the documents use other words than the query."
)
views.ranked_hits(hits, key="search.result")
with st.expander(f"Ranked by words (BM25): {len(keyword_rows)} hits"):
    if len(keyword_rows):
        keyword_hits = search.hits_table(table, text_column, keyword_rows, keyword_scores)
        keyword_hits.insert(3, "rank by meaning", search.ranks_in(keyword_rows, rows))
        st.dataframe(keyword_hits, hide_index=True, width="stretch", key="search.keyword_hits")
    else:
        st.info("No document shares a word with the query (common words like 'the' are ignored).")
with st.expander("The results as a table"):
    st.dataframe(hits, hide_index=True, width="stretch", key="search.hits")
st.download_button(
    "Download the hits (CSV)",
    views.to_csv_bytes(hits),  # formula cells neutralised
    file_name=f"embdash-search-{corpus.key}-{views.safe_name(model_id)}.csv",
    mime="text/csv",
)

st.subheader("More like this")
texts = corpus.texts
source = st.selectbox(
    "Documents like result",
    rows.tolist(),
    index=None,
    placeholder="Pick a result",
    format_func=lambda row: f"#{rows.tolist().index(row) + 1} · row {row} · {charts.snippet(texts[row], 80)}",
    key="search.more_like",
    help="The documents nearest to the chosen one (within the filter), itself left out.",
)
if source is not None:
    similar_rows, similar_scores = search.search(vectors, vectors[source], k, exclude=[source], mask=mask, index=index)
    found = similar_rows >= 0
    similar_rows, similar_scores = similar_rows[found], similar_scores[found]
    st.text(texts[source])
    st.dataframe(
        search.hits_table(table, text_column, similar_rows, similar_scores),
        hide_index=True, width="stretch", key="search.similar",
    )

if show_map:
    st.subheader("The hits on the map")
    chart, n_drawn = charts.map_with_highlights(frame, rows, tooltip_columns=columns, text_column=text_column)
    st.altair_chart(chart, width="stretch", key="search.map")
    drawn = f"an even sample of {n_drawn:,} of {len(frame):,} documents" if n_drawn < len(frame) else "every document"
    st.caption(f"Red diamonds: the {len(rows)} hits by meaning (hover for their rank); grey and colours: {drawn}, by topic.")
