"""The only Streamlit-aware code of embdash: caching, session state, shared widgets."""
