"""embdash: the router and the shared frame. Pages live in pages/; the library in embdash/."""

import embdash  # noqa: F401  (sets HF_HUB_OFFLINE before any model library loads)
import streamlit as st

from embdash.ui import cache, widgets

st.set_page_config(page_title="embdash", page_icon=":material/scatter_plot:", layout="wide")

# Each url_path differs from its file's stem, so a deep link never falls back to the old
# pages/ auto-navigation after a restart.
navigation = st.navigation(
    {
        "Explore": [
            st.Page("pages/map_page.py", title="Map", icon=":material/scatter_plot:", url_path="map", default=True),
            st.Page("pages/data_page.py", title="Data", icon=":material/table:", url_path="data"),
        ],
        "Use": [
            st.Page("pages/search_page.py", title="Search", icon=":material/search:", url_path="search"),
            st.Page("pages/classify_page.py", title="Classify", icon=":material/label:", url_path="classify"),
            st.Page("pages/rag_page.py", title="RAG prompt", icon=":material/chat:", url_path="rag"),
        ],
    }
)
cache.numba_cache()
with widgets.shown_errors():
    widgets.sidebar()
navigation.run()
