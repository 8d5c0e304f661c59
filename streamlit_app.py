"""embdash: the router and the shared frame. Pages live in pages/; the library in embdash/."""

import streamlit as st

from embdash.config import prepare_process
from embdash.ui import serve, widgets

prepare_process()  # offline models, quiet threads: before any model library loads
serve.follow_settings_once()  # Streamlit's upload cap and error details, under plain `streamlit run` too
st.set_page_config(page_title="embdash", page_icon=":material/scatter_plot:", layout="wide")

# Each url_path differs from its file's stem, so a deep link never falls back to the old
# pages/ auto-navigation after a restart.
navigation = st.navigation(
    {
        "Explore": [
            st.Page("pages/map_page.py", title="Map", icon=":material/scatter_plot:", url_path="map", default=True),
            st.Page("pages/data_page.py", title="Data", icon=":material/table:", url_path="data"),
            st.Page("pages/compare_page.py", title="Compare models", icon=":material/compare:", url_path="compare"),
        ],
        "Use": [
            st.Page("pages/search_page.py", title="Search", icon=":material/search:", url_path="search"),
            st.Page("pages/classify_page.py", title="Classify", icon=":material/label:", url_path="classify"),
            st.Page("pages/rag_page.py", title="RAG prompt", icon=":material/chat:", url_path="rag"),
        ],
        "Learn": [
            st.Page("pages/learn_embedding_page.py", title="What an embedding is", icon=":material/school:", url_path="learn"),
            st.Page("pages/learn_similarity_page.py", title="Semantic similarity", icon=":material/join_inner:", url_path="learn-similarity"),
            st.Page("pages/learn_arithmetic_page.py", title="Vector arithmetic", icon=":material/calculate:", url_path="learn-arithmetic"),
            st.Page("pages/learn_wordmap_page.py", title="Word map", icon=":material/bubble_chart:", url_path="learn-word-map"),
            st.Page("pages/learn_layer_page.py", title="The embedding layer", icon=":material/grid_on:", url_path="learn-embedding-layer"),
            st.Page("pages/learn_dimensions_page.py", title="Dimensions and models", icon=":material/straighten:", url_path="learn-dimensions"),
            st.Page("pages/learn_uses_page.py", title="Use cases", icon=":material/lightbulb:", url_path="learn-use-cases"),
        ],
    },
    expanded=True,  # every page in sight: folded, the last Learn pages hid behind "View 3 more"
)
with widgets.shown_errors():
    widgets.sidebar()
navigation.run()
