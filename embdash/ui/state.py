"""The session's current corpus and model. Pages ask here; nothing else touches st.session_state keys."""

from __future__ import annotations

import streamlit as st

from embdash.corpus import Corpus, load_corpus, sample_corpus_path
from embdash.errors import EmbdashError
from embdash.models import CATALOGUE, DEFAULT_MODEL_ID
from embdash.ui import cache
from embdash.ui.text import plain

CORPUS_KEY = "corpus_key"
MODEL_KEY = "model_id"


@st.cache_resource(show_spinner=False, max_entries=8)
def _stored_corpus(key: str) -> Corpus:
    # Corpora are immutable once stored under their content key, so one copy per process is safe.
    return cache.store().load_corpus(key)


@st.cache_resource(show_spinner=False)
def _sample_corpus_key() -> str:
    corpus = load_corpus(sample_corpus_path(), text_column="text")
    return cache.store().save_corpus(corpus)


def use_corpus(corpus: Corpus) -> None:
    """Store the corpus (by content key) and make it the session's current one."""
    st.session_state[CORPUS_KEY] = cache.store().save_corpus(corpus)  # saving also marks it as used


def use_stored_corpus(key: str) -> None:
    st.session_state[CORPUS_KEY] = key
    cache.store().touch_corpus(key)


def use_sample_corpus() -> None:
    use_stored_corpus(_sample_corpus_key())


def current_corpus() -> Corpus:
    """The current corpus; the bundled sample on a first visit, so there is always something to show."""
    if CORPUS_KEY not in st.session_state:
        use_sample_corpus()
    try:
        return _stored_corpus(st.session_state[CORPUS_KEY])
    except EmbdashError as error:
        st.warning(plain(f"{error} Showing the sample corpus instead."))
        use_sample_corpus()
        return _stored_corpus(st.session_state[CORPUS_KEY])


def current_model_id() -> str:
    return st.session_state.get(MODEL_KEY, DEFAULT_MODEL_ID)


def catalogue_ids() -> list[str]:
    return [spec.id for spec in CATALOGUE]


def flash(message: str) -> None:
    """A success message to show after the next rerun (which the new corpus needs)."""
    st.session_state["flash"] = message


def show_flash() -> None:
    if message := st.session_state.pop("flash", None):
        st.success(plain(message))
