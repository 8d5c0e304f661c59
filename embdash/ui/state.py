"""The session's current corpus and model. Pages ask here; nothing else touches st.session_state keys."""

from __future__ import annotations

import contextlib
from typing import Sequence

import streamlit as st

from embdash import config
from embdash.dataio.columns import ColumnKinds
from embdash.dataio.corpus import Corpus, load_corpus, make_corpus, sample_corpus_path
from embdash.errors import CacheError, EmbdashError
from embdash.models.catalogue import CATALOGUE, DEFAULT_MODEL_ID
from embdash.ui import cache
from embdash.ui.server_settings import settings
from embdash.ui.text import plain

CORPUS_KEY = "corpus_key"
MODEL_KEY = "model_id"
CUSTOM_MODELS_KEY = "custom_models"  # the "st:" models this session added, in the order added
OPENED_KEY = "opened_corpora"  # content keys this session uploaded or opened, most recent last
CORPUS_OBJECT_KEY = "corpus_object"  # the current Corpus itself: it outlives a cleared data folder or cache
_UNSTORED_KEY = "corpus_unstored"  # the key of a current corpus the disk refused to store (already said)
_ORIGINS_KEY = "corpus_origins"  # {corpus key: the key of the table it was made from by choosing a text column}
KIND_CHOICES_KEY = "column_kind_choices"  # {corpus key: {column: kind}}: the kinds this session chose by hand


@st.cache_resource(show_spinner=False, max_entries=8)
def _stored_corpus(key: str) -> Corpus:
    # Corpora are immutable once stored under their content key, so one copy per process is safe.
    return cache.store().load_corpus(key)


@st.cache_resource(show_spinner=False)
def _sample_corpus() -> Corpus:
    return load_corpus(sample_corpus_path(), text_column="text")


def use_corpus(corpus: Corpus) -> None:
    """Make the corpus the session's current one and store it (by content key).

    If the disk refuses, the corpus stays current for this session and current_corpus() says so.
    """
    if settings().read_only:
        raise EmbdashError("This is a read-only instance: uploads are turned off.")
    _make_current(corpus.key, corpus)
    with contextlib.suppress(CacheError):
        cache.store().save_corpus(corpus)  # saving also marks it as used


def use_stored_corpus(key: str) -> None:
    with contextlib.suppress(CacheError):  # "last used" is a nicety: a read-only disk must not block opening
        cache.store().touch_corpus(key)
    _make_current(key)  # current_corpus() reads it, and explains if it cannot


def _make_current(key: str, corpus: Corpus | None = None) -> None:
    held = st.session_state.get(CORPUS_OBJECT_KEY)
    if corpus is not None or (held is not None and held.key != key):
        st.session_state[CORPUS_OBJECT_KEY] = corpus  # None: loaded from the store when next asked for
    st.session_state[CORPUS_KEY] = key
    opened = [k for k in st.session_state.get(OPENED_KEY, []) if k != key]
    st.session_state[OPENED_KEY] = [*opened, key]


def use_text_column(corpus: Corpus, text_column: str) -> None:
    """Make the same table, with another column as its texts, the current corpus (a new content key: its
    vectors and maps are its own). CorpusError if that column holds no text.

    Each variant is made from the table as it was opened (a text column's values become strings: building one
    variant from another would change the table), so going back to the first column gives the first corpus."""
    origins = st.session_state.setdefault(_ORIGINS_KEY, {})
    origin = corpus
    if origins.get(corpus.key, corpus.key) != corpus.key:
        with contextlib.suppress(EmbdashError):
            origin = _stored_corpus(origins[corpus.key])
    variant = origin if text_column == origin.text_column else make_corpus(origin.frame, text_column, origin.name)
    origins.setdefault(variant.key, origin.key)
    if variant.key != corpus.key:
        use_corpus(variant)


def column_kinds(corpus: Corpus) -> ColumnKinds:
    """The corpus's column kinds: detected from the values, then the kinds this session chose for it."""
    kinds = cache.column_kinds(corpus)
    for name, kind in st.session_state.get(KIND_CHOICES_KEY, {}).get(corpus.key, {}).items():
        with contextlib.suppress(KeyError, ValueError):  # a choice that no longer applies is dropped
            kinds = kinds.with_kind(name, kind, corpus.frame)
    return kinds


def choose_column_kind(corpus: Corpus, name: str, kind: str) -> None:
    """Read column `name` of the corpus as `kind` from now on in this session. ValueError if it cannot be."""
    cache.column_kinds(corpus).with_kind(name, kind, corpus.frame)  # refuses a kind no value reads as
    choices = st.session_state.setdefault(KIND_CHOICES_KEY, {})
    choices.setdefault(corpus.key, {})[name] = kind


def opened_corpus_keys() -> list[str]:
    """The corpora this session uploaded or opened (by link or from the list), most recent first.

    Only these are listed to go back to: another user's upload is reachable only through its link.
    """
    return list(reversed(st.session_state.get(OPENED_KEY, [])))


def use_sample_corpus() -> None:
    corpus = _sample_corpus()
    with contextlib.suppress(CacheError):  # a full or read-only disk: the sample still shows
        cache.store().save_corpus(corpus)
    _make_current(corpus.key, corpus)


def current_corpus_key() -> str:
    """The current corpus's content key (the sample's on a first visit)."""
    if CORPUS_KEY not in st.session_state:
        use_sample_corpus()
    return st.session_state[CORPUS_KEY]


def current_corpus() -> Corpus:
    """The current corpus; the bundled sample on a first visit, so there is always something to show.

    The session holds the corpus itself, so a deleted or damaged data folder never loses it: a corpus
    missing from the store is stored again, with a note, or kept for this session if the disk refuses.
    """
    key = current_corpus_key()
    corpus = st.session_state.get(CORPUS_OBJECT_KEY)
    if corpus is None or corpus.key != key:
        try:
            corpus = _stored_corpus(key)
        except EmbdashError as error:
            st.warning(plain(f"{error} Showing the sample corpus instead."))
            use_sample_corpus()
            return st.session_state[CORPUS_OBJECT_KEY]
        st.session_state[CORPUS_OBJECT_KEY] = corpus
    _keep_stored(corpus)
    return corpus


def _keep_stored(corpus: Corpus) -> None:
    """Store the session's corpus again if its file is gone (data folder cleared), saying what happened."""
    store = cache.store()
    if store.has_corpus(corpus.key):
        return
    try:
        store.save_corpus(corpus)
    except CacheError as error:
        if st.session_state.get(_UNSTORED_KEY) == corpus.key:
            return  # said once; tried again on every run, and said again when it works
        st.session_state[_UNSTORED_KEY] = corpus.key
        st.warning(plain(
            f"Your corpus {corpus.name} could not be stored on the server: {error} It is kept for this "
            "session only, so a link to it will not open elsewhere until it can be stored."
        ))
    else:
        st.session_state.pop(_UNSTORED_KEY, None)
        st.info(plain(
            f"Your corpus {corpus.name} was missing from the server's data folder (it was cleared or moved); "
            "it has been stored again from this session."
        ))


def use_model(model_id: str) -> None:
    """Make the model the session's current one (a callback: before the sidebar's selectbox is drawn)."""
    st.session_state[MODEL_KEY] = model_id


def current_model_id() -> str:
    """The session's model (the sidebar's choice), if this server offers it; else the default."""
    return offered_model(st.session_state.get(MODEL_KEY))


def catalogue_ids() -> list[str]:
    return [spec.id for spec in CATALOGUE]


def offered_model_ids() -> list[str]:
    """The catalogue models this server offers (EMBDASH_MODELS), in the setting's order."""
    return config.offered_models(settings(), catalogue_ids())


def model_options(allowed: Sequence[str] | None = None) -> list[str]:
    """Every model this session may choose: the offered catalogue models, then the custom ones it added where
    the server allows custom models; only those in `allowed` when given. Every model picker lists these."""
    options = offered_model_ids()
    if config.custom_models_enabled(settings()):
        options += st.session_state.get(CUSTOM_MODELS_KEY, [])
    return [m for m in dict.fromkeys(options) if allowed is None or m in allowed]


def default_model_id() -> str:
    """The first model of EMBDASH_MODELS, else the catalogue's default."""
    return offered_model_ids()[0] if settings().models else DEFAULT_MODEL_ID


def offered_model(model_id: str | None, allowed: Sequence[str] | None = None) -> str | None:
    """`model_id` if it is among model_options(allowed); else the default model, else the first option; None
    if there is no option. Whatever a widget, a link or the session names goes through here before a model loads."""
    options = model_options(allowed)
    for candidate in (model_id, default_model_id()):
        if candidate in options:
            return candidate
    return options[0] if options else None


def add_custom_model(model_id: str) -> None:
    custom = st.session_state.setdefault(CUSTOM_MODELS_KEY, [])
    if model_id not in custom:
        custom.append(model_id)


def flash(message: str) -> None:
    """A success message to show after the next rerun (which the new corpus needs)."""
    st.session_state["flash"] = message


def show_flash() -> None:
    if message := st.session_state.pop("flash", None):
        st.success(plain(message))
