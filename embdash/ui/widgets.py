"""Shared widgets: the sidebar frame, parameter controls drawn from the params dataclasses, error display."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import fields

import streamlit as st

from embdash import config
from embdash.errors import EmbdashError
from embdash.models.catalogue import CUSTOM_PREFIX, get_spec, speed_label
from embdash.pipeline import cluster as clustering
from embdash.pipeline.params import ClusterParams, MapParams, TopicParams, UmapParams
from embdash.ui import (
    cache,
    gate,
    links,
    public_limits,
    server_settings,
    state,
    workspaces,
)
from embdash.ui.text import plain


@contextmanager
def shown_errors():
    """Turn the library's errors into a message on screen and stop the page; nothing else is lost."""
    try:
        yield
    except EmbdashError as error:
        st.error(plain(error))
        st.stop()


def param_controls(cls, prefix: str, bind: bool = True):
    """One widget per field of a params dataclass, with its help text; returns the filled instance.

    Each widget's key is "<prefix>.<field>" and, with `bind`, its value lives in the URL too
    (embdash.ui.links), so a link reproduces the parameters.
    """
    values = {}
    for f in fields(cls):
        meta = f.metadata
        label = meta.get("label") or f.name.replace("_", " ").capitalize()
        key = f"{prefix}.{f.name}"
        where = links.bound(key) if bind else {"key": key}
        if meta.get("options"):
            options = list(meta["options"])
            values[f.name] = st.selectbox(label, options, index=options.index(f.default), help=meta["help"], **where)
        elif isinstance(f.default, bool):  # before int: a bool is an int to Python
            values[f.name] = st.checkbox(label, f.default, help=meta["help"], **where)
        elif isinstance(f.default, str):
            values[f.name] = st.text_input(label, f.default, help=meta["help"], **where)
        elif f.name == "seed":
            values[f.name] = public_limits.seed_input(label, f.default, meta["help"], **where)
        elif isinstance(f.default, int):
            values[f.name] = st.slider(label, meta["min"], meta["max"], f.default, meta["step"] or 1, help=meta["help"], **where)
        else:
            values[f.name] = st.slider(
                label, float(meta["min"]), float(meta["max"]), float(f.default), meta["step"], help=meta["help"], **where
            )
    return cls(**values)


def map_params_controls() -> MapParams:
    """The map's parameters in the sidebar, grouped by the stage they affect."""
    # Open when a link's seed was replaced, so its notice is seen, not folded away.
    with st.sidebar.expander("Map settings (UMAP)", expanded=public_limits.seed_replaced("umap.seed")):
        umap = param_controls(UmapParams, "umap")
    with st.sidebar.expander("Cluster settings (HDBSCAN)"):
        clusters = param_controls(ClusterParams, "cluster")
        if note := clustering.auto_note(len(state.current_corpus()), clusters):
            st.caption(plain(note))
    with st.sidebar.expander("Topic labels (c-TF-IDF)"):
        topic = param_controls(TopicParams, "topics")
    return MapParams(umap=umap, cluster=clusters, topics=topic)


def model_badge(model_id: str) -> None:
    spec = get_spec(model_id)
    if spec.dim:
        dim = f"{spec.dim}-d"
    else:
        dim = "dimension set by the corpus" if spec.fitted_on_corpus else "dimension known once loaded"
    st.caption(plain(f"{spec.name} · {dim} · {speed_label(spec)} · {spec.languages} · {spec.licence}"))


def sidebar() -> None:
    """The shared frame, on every page: the password gate, the corpus (kept in the URL by its key),
    which model embeds it (in the URL too), and the link to the current view."""
    gate.require_password(server_settings.settings())
    links.sync_corpus()
    with st.sidebar:
        corpus = state.current_corpus()
        st.markdown("**Corpus**")
        st.caption(plain(f"{corpus.name} · {len(corpus):,} documents · text column {corpus.text_column}"))
        model_choice()
    links.copy_link()
    workspaces.workspaces()


def model_choice() -> None:
    options = state.model_options()
    links.take_linked_model_id(state.MODEL_KEY, options)
    current = state.current_model_id()
    links.say_if_linked_model_not_offered(state.MODEL_KEY, options, current)
    st.selectbox(
        "Model",
        options,
        index=options.index(current),
        format_func=lambda model_id: get_spec(model_id).name,
        help="The embedding model that turns each text into a vector. Vectors are cached, so switching back is instant.",
        **links.bound(state.MODEL_KEY),
    )
    model_badge(state.current_model_id())
    if not config.custom_models_enabled(server_settings.settings()):
        return  # custom models only from the operator's model folder, and never on a read-only instance
    # Open while it has something to show: an answer, or a name being typed (it would fold away mid-edit).
    typing = bool(st.session_state.get("custom_model_input", "").strip())
    with st.expander("Add your own model", expanded="custom_model_message" in st.session_state or typing):
        st.text_input(
            "A sentence-transformers model: the name of its folder in the server's model directory",
            key="custom_model_input",
            max_chars=200,
            help="The server's operator keeps these models in one folder; type a sub-folder's name, e.g. my-model.",
        )
        st.button("Add model", key="custom_model_add", on_click=add_custom_model)
        if message := st.session_state.pop("custom_model_message", None):
            kind, text = message
            (st.success if kind == "success" else st.error)(plain(text))


def add_custom_model() -> None:
    """Load the model the user named; on success, list it and select it (a callback: runs before the page)."""
    source = st.session_state.get("custom_model_input", "").strip()
    if not source:
        return
    model_id = f"{CUSTOM_PREFIX}{source}"
    try:
        cache.embedder(model_id, state.current_corpus())
    except EmbdashError as error:
        st.session_state["custom_model_message"] = ("error", str(error))
        return
    state.add_custom_model(model_id)
    st.session_state[state.MODEL_KEY] = model_id
    st.session_state["custom_model_message"] = ("success", f"Added and selected {source}.")
