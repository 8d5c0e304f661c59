"""What a visitor of a read-only (public) instance may ask the server to compute and keep.

Each value below costs seconds of CPU and adds files to the data folder, and a link can ask for any of
them: on a read-only instance they are bounded here, in one table, and the page says so. Private
instances are not bounded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import streamlit as st

from embdash.tasks.chunking import ChunkParams
from embdash.ui import links
from embdash.ui.server_settings import settings


@dataclass(frozen=True)
class ReadOnlyLimits:
    seeds: tuple[int, ...] = (42, 0, 1, 2, 3)  # UMAP seeds: the default first; each is one more cached map
    typed_texts: int = 20  # zero-shot label names, or typed example texts, embedded per request
    sentence_vocabulary: int = 10_000  # words embedded for vector arithmetic (about 10 s the first time)


LIMITS = ReadOnlyLimits()


def bounded() -> bool:
    """True on a read-only instance, where the limits hold."""
    return settings().read_only


def seed_input(label: str, default: int, help: str, key: str, **where) -> int:
    """A seed widget: any seed on a private instance, one of LIMITS.seeds on a public one (a link's other
    seed falls back to the default, with a notice)."""
    if not bounded():
        return int(st.number_input(label, 0, 2**31 - 1, default, help=help, key=key, **where))
    if seed_replaced(key):
        st.warning(f"This public instance offers the seeds {_listed(LIMITS.seeds)}; the link's seed was replaced by {default}.")
    options = list(dict.fromkeys([default, *LIMITS.seeds]))
    return int(st.selectbox(label, options, index=0, help=f"{help} On this public instance: {_listed(options)}.",
                            key=key, **where))


def seed_replaced(key: str) -> bool:
    """Whether the link just opened asks for a seed this public instance does not offer (seed_input then says
    so: a folded box holding that widget should open)."""
    linked = links.value_from_link(key) if bounded() else None
    return linked is not None and linked not in {str(seed) for seed in LIMITS.seeds}


def cap_texts(texts: list, what: str) -> list:
    """The first LIMITS.typed_texts of `texts` on a public instance, with a notice when some were left out."""
    if not bounded() or len(texts) <= LIMITS.typed_texts:
        return texts
    st.warning(f"This public instance takes at most {LIMITS.typed_texts} {what}: the first {LIMITS.typed_texts} "
               f"of the {len(texts):,} typed are used.")
    return texts[:LIMITS.typed_texts]


def vocabulary_maximum(maximum: int, key: str) -> int:
    """The largest sentence vocabulary offered: `maximum`, or LIMITS.sentence_vocabulary on a public instance
    (with a notice when a link asks for more: the slider then starts from its default)."""
    if not bounded():
        return maximum
    linked = links.value_from_link(key)
    if linked is not None and linked.isdigit() and int(linked) > LIMITS.sentence_vocabulary:
        st.warning(f"This public instance embeds at most {LIMITS.sentence_vocabulary:,} words here; the link asked "
                   f"for {int(linked):,}.")
    return min(maximum, LIMITS.sentence_vocabulary)


def default_chunking(method: str) -> ChunkParams:
    """The RAG page's chunking on a public instance: `method` with its default sizes, said on the page, and a
    notice when a link asked for other sizes (each would be one more set of chunk vectors kept for everyone)."""
    group = f"rag.{method}."
    defaults = asdict(ChunkParams(method=method))[method]
    asked = [key for key in st.query_params
             if key.startswith(group) and str(defaults.get(key[len(group):])) != st.query_params[key]]
    if asked:
        st.warning("This public instance splits documents with its default sizes; the link's chunk settings were "
                   "not used.")
    sizes = ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in defaults.items())
    st.caption(f"On this public instance the chunks have the default sizes ({sizes}).")
    return ChunkParams(method=method)


def _listed(values) -> str:
    return ", ".join(str(value) for value in values)
