"""The analyst's hand edits of a map's topics (renames, merges, splits), kept in the data folder.

Edits are the analyst's work, not a cache: they are stored per map (the map's key names the corpus, the model
and every parameter), written atomically, and a damaged file is set aside (never deleted) and reported.
"""

from __future__ import annotations

import json
from dataclasses import replace

from embdash.dataio.store import Store
from embdash.pipeline.topic_view import TopicEdits, edits_from_json, edits_to_json

KIND = "topic-edits"


def save_edits(store: Store, map_key: str, edits: TopicEdits) -> None:
    """Keep `edits` as the map's current edits (empty edits included: undoing is an edit too)."""
    store.save_json(KIND, map_key, edits_to_json(edits), {"map": map_key})


def load_edits(store: Store, map_key: str) -> TopicEdits | None:
    """The map's stored edits, or None when it has none (or its file was damaged and set aside)."""
    return store.load_json(KIND, map_key, edits_from_json,
                           then="the map is shown without hand edits (the damaged file is kept beside it)")


# ---- the edits an analyst makes, one at a time --------------------------------------------------------


def renamed(edits: TopicEdits, key: str, name: str) -> TopicEdits:
    """`edits` with the topic `key` named `name` (a blank name drops the rename: the terms name it again)."""
    name = " ".join(str(name).split())[:MAX_NAME_CHARS]  # one line, as a legend can show it
    renames = [(k, v) for k, v in edits.renames if k != key] + ([(key, name)] if name else [])
    return replace(edits, renames=tuple(renames))


def merged(edits: TopicEdits, nodes) -> TopicEdits:
    """`edits` with the topics made of `nodes` shown as one (earlier merges they touch join the new one)."""
    group = {int(node) for node in nodes}
    kept = []
    for earlier in edits.merges:
        if group & set(earlier):
            group |= set(earlier)
        else:
            kept.append(earlier)
    if len(group) < 2:
        return edits
    return replace(edits, merges=tuple(kept) + (tuple(sorted(group)),))


def split(edits: TopicEdits, nodes) -> TopicEdits:
    """`edits` with the topic made of `nodes` split: a topic merged by hand comes apart again; a single node is
    shown as its children (a cluster, in two halves)."""
    nodes = tuple(sorted(int(node) for node in nodes))
    if len(nodes) > 1:
        return replace(edits, merges=tuple(group for group in edits.merges if tuple(sorted(group)) != nodes))
    return replace(edits, splits=edits.splits + nodes)


MAX_NAME_CHARS = 80


def edits_to_text(edits: TopicEdits) -> str:
    """The edits as one line of compact JSON (for a link), "" when there are none."""
    if edits.is_empty():
        return ""
    as_json = {name: value for name, value in edits_to_json(edits).items() if value}
    return json.dumps(as_json, ensure_ascii=False, separators=(",", ":"))


def edits_from_text(text: str) -> TopicEdits:
    """edits_to_text's inverse; "" gives no edits. Raises ValueError, in plain words, on anything else."""
    if not (text or "").strip():
        return TopicEdits()
    try:
        value = json.loads(text)
        if not isinstance(value, dict):
            raise TypeError("not an object")
        return edits_from_json(value)
    except (ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"The topic edits could not be read ({error}).") from None
