"""Learn: what embeddings are used for, each with a link to the page that does it on your own data."""

import pandas as pd
import streamlit as st

from embdash.ui import learn, state, widgets
from embdash.ui.text import plain

st.title("Use cases")
st.markdown(
    "Once every text is a vector, and similar texts have nearby vectors, many tasks become a matter of "
    "measuring distances. Each of these runs on your own corpus in this dashboard."
)

USES = (
    (
        "Semantic search",
        "Find the documents closest in meaning to a question, even when they share none of its words. The query "
        "is embedded like any text and the documents are ranked by cosine similarity; a keyword (BM25) ranking "
        "beside it shows what meaning finds that words miss.",
        "pages/search_page.py",
        ":material/search:",
    ),
    (
        "Clustering and maps",
        "Group documents by topic without labelling any. Clustering runs in the vector space (HDBSCAN on a UMAP "
        "projection), and a 2-D map shows the groups with the words that characterise each.",
        "pages/map_page.py",
        ":material/scatter_plot:",
    ),
    (
        "Classification",
        "Give a few examples per label, or just the label names, and every document gets the label whose examples "
        "it sits closest to. With a labelled column, cross-validation tells you how accurate that is.",
        "pages/classify_page.py",
        ":material/label:",
    ),
    (
        "Retrieval-augmented generation (RAG)",
        "A language model answers better from the right sources. Documents are cut into chunks, the chunks nearest "
        "a question are retrieved by their vectors, and they are assembled into a prompt with numbered sources.",
        "pages/rag_page.py",
        ":material/chat:",
    ),
    (
        "Choosing a model",
        "Different models see different neighbours. Comparing two models on the same corpus shows how much their "
        "rankings and clusters agree, and where they part ways.",
        "pages/compare_page.py",
        ":material/compare:",
    ),
)

for title, paragraph, page, icon in USES:
    with st.container(border=True):
        st.markdown(f"**{title}**")
        st.markdown(paragraph)
        st.page_link(page, label=f"Open: {title}", icon=icon)

st.subheader("Try it: a tiny semantic search")
EXAMPLES = (
    "The bank raised its interest rates again.",
    "We had a picnic on the grassy bank of the river.",
    "The striker scored twice in the second half.",
    "Take this medicine twice a day after meals.",
    "The telescope spotted a new comet near Jupiter.",
)
model_id = learn.model_picker("uses")
query = st.text_input("Ask something", "How much does borrowing money cost?", key="uses.query", bind="query-params",
                      max_chars=200)
with widgets.shown_errors():
    if query.strip():
        vectors = learn.embedded(model_id, [query.strip(), *EXAMPLES])
        scores = vectors[1:] @ vectors[0]
        ranking = pd.DataFrame({"sentence": EXAMPLES, "cosine similarity": scores.round(3)})
        st.dataframe(ranking.sort_values("cosine similarity", ascending=False), hide_index=True, width="stretch")
        st.caption(plain(
            f"Ranked by {model_id}. Run the same on your corpus ({len(state.current_corpus()):,} documents) on the Search page."
        ))
