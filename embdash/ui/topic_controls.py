"""The Map page's topic controls: how many topics, the unclustered documents, the topic tree, and hand edits.

None of these recompute the projection or the clustering: they cut the cached topic tree, assign documents
to cached centroids, and replay the analyst's edits (stored per map in the data folder, and in the link).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from embdash.dataio import edits as topic_edits
from embdash.pipeline import assign, hierarchy
from embdash.pipeline.hierarchy import TopicTree
from embdash.pipeline.topic_view import TopicEdits, TopicView, ViewOptions
from embdash.ui import cache, links
from embdash.ui.text import plain

N_TOPICS_KEY = "map.n_topics"
ASSIGN_KEY = "map.assign"
THRESHOLD_KEY = "map.assign_threshold"
EDITS_KEY = "map.topic_edits"
TREE_CHART_KEY = "map.tree_chart"
_EDITS_MAP = "map.topic_edits_map"  # the map whose edits the session holds
AUTO = "auto"

N_TOPICS_HELP = (
    "Fewer, broader topics: the clusters are merged along the topic tree (the closest topics first), without "
    "recomputing the map or the clustering. Auto merges only near-duplicates: clusters whose centres are "
    f"closer than {hierarchy.AUTO_CUT_SHARE:g} times the median distance between two cluster centres of this corpus."
)
ASSIGN_HELP = (
    "HDBSCAN leaves out documents it cannot place with confidence (grey, 'unclustered'). On: each of them joins "
    "the topic whose centre it is most similar to, if the similarity reaches the threshold; they are marked "
    "'assigned' in the tooltip, tables and exports. Off by default, so the map first shows what the clustering "
    "found on its own."
)
THRESHOLD_HELP = (
    "Cosine similarity a document must reach with its nearest topic centre to join it. Lower: more documents "
    "assigned, some loosely; higher: only the clear cases."
)


def view_options(n_clusters: int) -> ViewOptions:
    """The number of topics and the assignment of unclustered documents, above the map."""
    left, middle, right = st.columns([3, 3, 2])
    n_topics = 0
    if n_clusters >= 3:
        choice = left.select_slider("Number of topics", options=[AUTO, *map(str, range(2, n_clusters + 1))],
                                    value=AUTO, help=N_TOPICS_HELP, **links.bound(N_TOPICS_KEY))
        n_topics = 0 if choice == AUTO else int(choice)
    assigned = middle.checkbox("Give unclustered documents their nearest topic", False, help=ASSIGN_HELP,
                               **links.bound(ASSIGN_KEY))
    threshold = right.slider("Minimum similarity", 0.0, 1.0, float(assign.DEFAULT_THRESHOLD), 0.05,
                             help=THRESHOLD_HELP, disabled=not assigned, **links.bound(THRESHOLD_KEY))
    return ViewOptions(n_topics=n_topics, assign_unclustered=assigned, assign_threshold=float(threshold))


def view_summary(view: TopicView, n_clusters: int) -> None:
    """What the controls did, in numbers."""
    n_topics = len([t for t in view.names if t >= 0])
    parts = [f"{n_topics} topics" + (f" (from {n_clusters} clusters)" if n_topics != n_clusters else "")]
    if view.assigned.any():
        parts.append(f"{int(view.assigned.sum()):,} unclustered documents assigned: "
                     f"{view.share_clustered_before:.0%} clustered before, {view.share_clustered_after:.0%} after")
    else:
        parts.append(f"{view.share_clustered_after:.0%} of documents clustered")
    st.caption(" · ".join(parts))


# ---- hand edits ------------------------------------------------------------------------------------


def current_edits(map_key: str) -> TopicEdits:
    """The hand edits of this map: from the link or this session, else from the data folder."""
    if st.session_state.get(_EDITS_MAP) != map_key:
        from_link = st.query_params.get(EDITS_KEY) if _EDITS_MAP not in st.session_state else None
        if not from_link:  # another map (other settings): its own edits, node ids mean other things there
            problems_before = len(cache.store().problems)
            stored = topic_edits.load_edits(cache.store(), map_key)
            for problem in cache.store().problems[problems_before:]:  # a damaged edits file, set aside
                st.warning(plain(problem))
            st.session_state[EDITS_KEY] = topic_edits.edits_to_text(stored or TopicEdits())
        st.session_state[_EDITS_MAP] = map_key
    try:
        return topic_edits.edits_from_text(st.session_state.get(EDITS_KEY) or st.query_params.get(EDITS_KEY) or "")
    except ValueError as error:
        st.warning(plain(f"{error} The map is shown without hand edits; fix or clear them under 'Edit topics'."))
        return TopicEdits()


def edits_panel(view: TopicView, edits: TopicEdits, map_key: str) -> None:
    """Rename, merge and split topics by hand; the edits as text, which the link carries."""
    shown = [t for t in view.names if t >= 0]
    # Each action runs as a callback, before the page is drawn again, so the edits box can take its result.
    with st.expander("Edit topics (rename, merge, split)", expanded=not edits.is_empty()):
        if not shown:
            st.caption("No topics to edit: nothing was clustered.")
        else:
            name_of = lambda topic: view.names[topic]  # noqa: E731
            left, right = st.columns(2)
            with left.form("map.rename_form", clear_on_submit=True, border=False):
                st.selectbox("Rename topic", shown, format_func=name_of, key="map.rename_topic")
                st.text_input("New name", max_chars=topic_edits.MAX_NAME_CHARS, key="map.rename_name",
                              help="Leave blank to go back to the name its terms give.")
                st.form_submit_button("Rename", on_click=_rename, args=(view, edits, map_key))
            with right:
                chosen = st.multiselect("Merge topics", shown, format_func=name_of, key="map.merge_topics")
                st.button("Merge", disabled=len(chosen) < 2, key="map.merge", on_click=_merge,
                          args=(view, edits, map_key))
                st.selectbox("Split topic", shown, format_func=name_of, key="map.split_topic",
                             help="A merged topic comes apart; a topic of the tree shows its two branches; a "
                             "single cluster is cut in two (k-means).")
                st.button("Split", key="map.split", on_click=_split, args=(view, edits, map_key))
        st.text_input("Edits (as the link carries them)", key=EDITS_KEY, bind=links.BIND,
                      help="Your renames, merges and splits, kept with this map in the data folder and in the "
                      "page's link. Clear the box to undo them all.",
                      on_change=_save_typed, args=(map_key,))
        if not edits.is_empty():
            st.button("Undo all edits", key="map.undo_edits", on_click=_apply, args=(map_key, TopicEdits()))


def _rename(view: TopicView, edits: TopicEdits, map_key: str) -> None:
    topic = st.session_state.get("map.rename_topic")
    if topic in view.keys:
        _apply(map_key, topic_edits.renamed(edits, view.keys[topic], st.session_state.get("map.rename_name", "")))


def _merge(view: TopicView, edits: TopicEdits, map_key: str) -> None:
    chosen = [topic for topic in st.session_state.get("map.merge_topics", []) if topic in view.nodes]
    _apply(map_key, topic_edits.merged(edits, [node for topic in chosen for node in view.nodes[topic]]))
    st.session_state["map.merge_topics"] = []


def _split(view: TopicView, edits: TopicEdits, map_key: str) -> None:
    topic = st.session_state.get("map.split_topic")
    if topic in view.nodes:
        _apply(map_key, topic_edits.split(edits, view.nodes[topic]))


def _apply(map_key: str, edits: TopicEdits) -> None:
    st.session_state[EDITS_KEY] = topic_edits.edits_to_text(edits)
    _store(map_key, edits)


def _save_typed(map_key: str) -> None:
    try:
        _store(map_key, topic_edits.edits_from_text(st.session_state.get(EDITS_KEY, "")))
    except ValueError:
        pass  # shown as a warning on the rerun; nothing stored


def _store(map_key: str, edits: TopicEdits) -> None:
    try:
        topic_edits.save_edits(cache.store(), map_key, edits)
    except Exception as error:  # a full disk must not lose the edits of this session
        st.warning(plain(f"Could not save the topic edits to the data folder ({error}); they stay in this link."))


# ---- the topic tree --------------------------------------------------------------------------------


def topic_tree(tree: TopicTree, view: TopicView, options: ViewOptions) -> None:
    """The tree of topics as an icicle, coloured as the map at the chosen number of topics; click a node to
    show its documents on the map."""
    from embdash.render import topic_charts

    if tree.n_leaves < 2:
        return
    st.subheader("Topic tree")
    topic_of_node = {}
    for topic, nodes in view.nodes.items():
        for node in nodes:
            if node < len(tree.sizes):
                for below in _descendants(tree, node):
                    topic_of_node[below] = view.names[topic]
    labels = {node: " · ".join(term for term, _ in terms[:5]) for node, terms in tree.terms.items()}
    rectangles = topic_charts.tree_rectangles(tree.merges, tree.heights, tree.sizes, labels, topic_of_node)
    n_shown = options.n_topics if options.n_topics > 0 else hierarchy.auto_n_topics(tree)
    k = tree.n_leaves
    cut_height = None
    if 1 < n_shown < k:  # between the last merge made and the first undone
        cut_height = float(tree.heights[k - n_shown - 1] + tree.heights[k - n_shown]) / 2
    domain = [view.names[t] for t in sorted(t for t in view.names if t >= 0)]
    st.altair_chart(topic_charts.topic_tree_chart(rectangles, domain, cut_height), width="stretch",
                    on_select="rerun", selection_mode=("node_pick",), key=TREE_CHART_KEY)
    st.caption(f"{k} clusters merged step by step, the closest first (average cosine distance between topic "
               "centres). Width: documents; height: how far apart the merged topics are. The dashed line is "
               "the cut at the chosen number of topics. Click a block to show its documents on the map.")
    table = rectangles[["node", "label", "size", "topic", "level"]].rename(
        columns={"label": "terms", "size": "documents", "topic": "topic at this level"})
    with st.expander("The tree as a table"):
        st.dataframe(table.sort_values("node"), hide_index=True, width="stretch")


def tree_rows(tree: TopicTree, leaf_of_doc: np.ndarray) -> np.ndarray | None:
    """A bool per document: those under the node clicked in the tree (None when none is)."""
    from embdash.ui.views import chart_selection

    nodes = [int(point["node"]) for point in chart_selection(TREE_CHART_KEY).get("node_pick") or [] if "node" in point]
    nodes = [node for node in nodes if 0 <= node < len(tree.sizes)]
    if not nodes:
        return None
    leaves = sorted({leaf for node in nodes for leaf in tree.leaves_of(node)})
    return np.isin(leaf_of_doc, leaves)


def _descendants(tree: TopicTree, node: int) -> list[int]:
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(tree.children(current))
    return found


def topics_table(view: TopicView, tree_terms_shown: int = 5) -> pd.DataFrame:
    """One row per topic of the view: key, name, documents, assigned, top terms."""
    rows = []
    for topic, name in view.names.items():
        members = view.labels == topic
        rows.append({"topic": name, "key": view.keys.get(topic, ""), "documents": int(members.sum()),
                     "assigned": int((members & view.assigned).sum()),
                     "terms": " · ".join(term for term, _ in view.terms.get(topic, [])[:tree_terms_shown])})
    return pd.DataFrame(rows, columns=["topic", "key", "documents", "assigned", "terms"])


def shown_view(result, tree: TopicTree, vectors: np.ndarray, options: ViewOptions, edits: TopicEdits, texts,
               topic_params) -> TopicView:
    """The topics as the controls and edits ask; edits that do not fit this map are reported and left out."""
    from embdash.pipeline.topic_view import topic_view

    k = tree.n_leaves
    known = 2 * k - 1 + 2 * sum(1 for node in edits.splits if 0 <= node < k)  # tree nodes, then split halves
    named = {node for group in edits.merges for node in group} | set(edits.splits)
    if unknown := sorted(node for node in named if not 0 <= node < known):
        st.warning(plain(f"The topic edits do not fit this map: it has no topic node {', '.join(map(str, unknown[:5]))} "
                         "(they were made on another map, or the link was cut). Those edits are left out."))
    try:
        return topic_view(result.labels, tree, vectors, options, edits, cluster_points=result.cluster_points,
                          texts=texts, topic_params=topic_params)
    except ValueError as error:
        if edits.is_empty():
            raise
        st.warning(plain(f"The topic edits do not fit this map ({error}); it is shown without them. Clear or "
                         "fix them under 'Edit topics'."))
        return topic_view(result.labels, tree, vectors, options, TopicEdits(), cluster_points=result.cluster_points,
                          texts=texts, topic_params=topic_params)


def stability_check(corpus, vectors_key: str, vectors: np.ndarray, params, map_key: str) -> None:
    """On request: how stable the clustering is across UMAP seeds (it takes two more maps' time)."""
    from embdash.pipeline.stability import STABILITY_HELP

    remembered = st.session_state.setdefault("map.stability", {})
    if map_key not in remembered:
        if st.button("Check stability (two more seeds)", key="map.check_stability", help=STABILITY_HELP):
            remembered[map_key] = cache.stability(corpus, vectors_key, vectors, params)
    if map_key in remembered:
        found = remembered[map_key]
        st.metric("Stability (ARI)", f"{found.mean_ari:.2f}", help=STABILITY_HELP)
        st.caption(f"Seeds {', '.join(map(str, found.seeds))}: {', '.join(map(str, found.n_clusters))} clusters; "
                   f"least agreeing pair {found.min_ari:.2f}.")
