"""Pieces of the Compare page: each model's run (through the shared caches), linked maps, and the report's
sections. Text from users (documents, custom model names) is always shown as text or escaped."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from embdash.dataio.corpus import Corpus
from embdash.pipeline import maps
from embdash.pipeline.params import MapParams
from embdash.render import charts
from embdash.tasks import compare, compare_report, model_runs
from embdash.ui import cache, views
from embdash.ui.text import plain

FAST_PARTNER = "paraphrase-MiniLM-L3-v2"
LINKED_SOURCE = "compare.linked_source"  # which map the user last selected in
MAX_HIGHLIGHTS = 2_000


def default_models(current: str, options: list[str]) -> list[str]:
    """The sidebar's model and a fast other one (the default's partner, else the next offered)."""
    partner = FAST_PARTNER if FAST_PARTNER in options and FAST_PARTNER != current else None
    partner = partner or next((m for m in options if m != current), None)
    return [m for m in (current, partner) if m in options]


def model_run(corpus: Corpus, model_id: str, params: MapParams) -> tuple[str, compare.ModelRun, maps.MapResult]:
    """(run key, the model's run, its map) through the library's runs and the app's caches, so the Map
    page's maps are reused and a model whose vectors are all cached is not loaded."""
    load_seconds = None
    if cache.cached_vectors(corpus, model_id) is None:
        _, load_seconds = cache.compare_embedder(model_id, corpus)  # first: the load is timed here
    vectors = cache.corpus_vectors(corpus, model_id)
    cache.map_result(corpus, vectors.key, vectors.vectors, params)  # shows each stage while it computes
    return model_runs.model_run(
        corpus, model_id, params, store=cache.store(), cache=cache.stage_cache(), vectors=vectors,
        load_seconds=load_seconds, note=lambda message: st.warning(plain(message)),
    )


def with_context(report: compare.CompareReport, corpus: Corpus, params: MapParams) -> compare.CompareReport:
    """The report with what was compared recorded in it, as the CLI records it."""
    context = {"input": corpus.name, "corpus_key": corpus.key, "text_column": corpus.text_column, "map_params": asdict(params)}
    return dataclasses.replace(report, context=context)


def recommendation(report: compare.CompareReport) -> None:
    st.subheader("Recommendation")
    st.info(plain(" ".join(report.recommendation)))


def summary(report: compare.CompareReport) -> None:
    st.subheader("Summary")
    st.dataframe(compare_report.summary_frame(report), hide_index=True, width="stretch")
    st.caption(
        "texts/s is measured on a sample of this corpus (timings vary with the machine's load); "
        "'map disparity' is the Procrustes disparity of each map aligned to the first model's (0: the same picture)."
    )


def linked_rows(frames: list[pd.DataFrame], selections: list, source: int | None) -> np.ndarray:
    """The documents selected in the map the user last selected in (`source`), as corpus positions."""
    if source is None or not 0 <= source < len(frames):
        return np.empty(0, dtype=np.int64)
    return views.selected_rows(frames[source], selections[source])


def linked_map_chart(frame: pd.DataFrame, highlight_rows: np.ndarray, color_by: str, tooltip_columns, text_column: str):
    """A selectable map with the linked documents drawn on top as red diamonds. Returns (chart, points drawn)."""
    chart, n_drawn = charts.map_chart(frame, color_by=color_by, tooltip_columns=tooltip_columns, text_column=text_column, height=380)
    if len(highlight_rows) == 0:
        return chart, n_drawn
    rows = np.asarray(highlight_rows[:MAX_HIGHLIGHTS], dtype=np.int64)
    hits = pd.DataFrame({
        "x": frame["x"].to_numpy()[rows],
        "y": frame["y"].to_numpy()[rows],
        charts.SNIPPET_FIELD: [charts.snippet(t) for t in frame[text_column].to_numpy()[rows]],
    })
    highlights = alt.Chart(hits).mark_point(
        shape="diamond", size=90, filled=True, color=charts.HIGHLIGHT_COLOUR, stroke="black", strokeWidth=0.5, opacity=1.0
    ).encode(
        x=alt.X(field="x", type="quantitative", axis=None, scale=alt.Scale(zero=False, padding=charts.MAP_PADDING)),
        y=alt.Y(field="y", type="quantitative", axis=None, scale=alt.Scale(zero=False, padding=charts.MAP_PADDING)),
        tooltip=[alt.Tooltip(field=charts.SNIPPET_FIELD, type="nominal", title=str(text_column))],
    )
    return alt.layer(chart, highlights).properties(height=380), n_drawn


def side_by_side_maps(corpus: Corpus, report: compare.CompareReport, results: list[maps.MapResult], color_by: str) -> None:
    """One map per model, aligned to the first; a selection in one map is highlighted in the others."""
    st.subheader("Maps, aligned")
    frames = [
        maps.map_frame(corpus.frame, corpus.text_column, dataclasses.replace(result, coords=coords))
        for result, coords in zip(results, report.aligned_coords)
    ]
    text_column = maps.data_column_name(corpus.text_column)
    columns = [c for c in frames[0].columns if c not in {text_column, *maps.MAP_COLUMNS}]
    keys = [f"compare.map.{m.model_id}" for m in report.models]
    # Read every map's selection before drawing any, so the first map can show the last one's.
    selections = [st.session_state.get(key) for key in keys]
    source = st.session_state.get(LINKED_SOURCE)
    chosen = linked_rows(frames, selections, source)
    grid = st.columns(min(len(frames), 2))
    for i, (model, frame) in enumerate(zip(report.models, frames)):
        with grid[i % len(grid)]:
            st.markdown(f"**{plain(model.model_id)}** · disparity to the first map {model.procrustes_disparity:.3f}")
            highlights = chosen if i != source else np.empty(0, dtype=np.int64)
            chart, _ = linked_map_chart(frame, highlights, color_by, columns, text_column)
            st.altair_chart(
                chart, on_select=lambda i=i: st.session_state.__setitem__(LINKED_SOURCE, i),
                selection_mode=charts.SELECTION_PARAMS, key=keys[i], width="stretch",
            )
    st.caption(
        "Each map is rotated, scaled and shifted (Procrustes) to sit as close as it can to the first. Drag a box or "
        "click a point in one map: the same documents show as red diamonds in the others. Double-click to clear."
    )
    if len(chosen):
        shown = frames[source].iloc[chosen]
        st.caption(f"{len(chosen):,} documents selected in the map of {plain(report.models[source].model_id)}.")
        st.dataframe(shown[[text_column, *columns]], hide_index=False, width="stretch")


def agreement(report: compare.CompareReport, pair: compare.PairAgreement) -> None:
    st.subheader("Agreement in the vector space")
    st.dataframe(compare_report.pairs_frame(report), hide_index=True, width="stretch")
    cols = st.columns(4)
    cols[0].metric(
        f"Mean Jaccard@{pair.k}", f"{pair.jaccard_mean:.3f}",
        help=f"Per document, the share of nearest neighbours both models name. Unrelated models: about {pair.jaccard_chance:.3f}.",
    )
    cols[1].metric(
        "Spearman of similarities", "–" if np.isnan(pair.spearman) else f"{pair.spearman:.3f}",
        help=f"Rank correlation of the two models' cosine similarities over {pair.n_pairs:,} random pairs of documents.",
    )
    cols[2].metric("Clusters: ARI", f"{pair.ari:.3f}", help="Adjusted Rand index of the two HDBSCAN clusterings (0: chance, 1: identical); the unclustered count as one cluster.")
    cols[3].metric("Clusters: NMI", f"{pair.nmi:.3f}", help="Normalised mutual information of the two clusterings (0 to 1); the unclustered count as one cluster.")
    st.caption(f"Unclustered: {pair.noise_share_a:.0%} under {plain(pair.model_a)}, {pair.noise_share_b:.0%} under {plain(pair.model_b)}.")
    edges = pair.jaccard_bin_edges
    histogram = pd.DataFrame({
        "from": edges[:-1], "to": edges[1:], "documents": pair.jaccard_histogram,
    })
    chart = alt.Chart(histogram).mark_bar().encode(
        x=alt.X(field="from", type="quantitative", bin="binned", title=f"Jaccard@{pair.k} (per document)", scale=alt.Scale(domain=[0, 1])),
        x2=alt.X2(field="to"),
        y=alt.Y(field="documents", type="quantitative", title="documents"),
        tooltip=[alt.Tooltip(field="from", type="quantitative"), alt.Tooltip(field="to", type="quantitative"),
                 alt.Tooltip(field="documents", type="quantitative")],
    ).properties(height=220)
    st.altair_chart(chart, width="stretch")


def disagreements(pair: compare.PairAgreement) -> None:
    st.subheader("Biggest disagreements")
    st.caption(
        plain(f"The documents whose {pair.k} nearest neighbours differ most between {pair.model_a} and {pair.model_b}.")
    )
    table = pd.DataFrame({
        "row": [d.row for d in pair.disagreements],
        f"Jaccard@{pair.k}": [round(d.jaccard, 3) for d in pair.disagreements],
        "document": [d.text for d in pair.disagreements],
        f"neighbours ({pair.model_a})": [d.neighbour_texts_a for d in pair.disagreements],
        f"neighbours ({pair.model_b})": [d.neighbour_texts_b for d in pair.disagreements],
    })
    st.dataframe(table, hide_index=True, width="stretch")
    rows = [d.row for d in pair.disagreements]
    row = st.selectbox(
        "Look at one side by side", rows, key="compare.disagreement", bind="query-params",
        format_func=lambda r: f"row {r}: {charts.snippet(pair.disagreements[rows.index(r)].text, 80)}",
    )
    chosen = pair.disagreements[rows.index(row)]
    st.text(chosen.text)
    shared = set(chosen.neighbours_a) & set(chosen.neighbours_b)
    left, right = st.columns(2)
    for column, model, neighbours, texts in (
        (left, pair.model_a, chosen.neighbours_a, chosen.neighbour_texts_a),
        (right, pair.model_b, chosen.neighbours_b, chosen.neighbour_texts_b),
    ):
        with column:
            st.markdown(f"**{plain(model)}**")
            st.dataframe(
                pd.DataFrame({"row": neighbours, "shared": [r in shared for r in neighbours], "text": texts}),
                hide_index=True, width="stretch",
            )


def label_scores(report: compare.CompareReport) -> None:
    st.subheader(f"Against the labels in {plain(report.label_column)}")
    rows = []
    for m in report.models:
        s = m.labels
        rows.append({
            "model": m.model_id,
            "kNN accuracy": s.knn_accuracy,
            "± (folds)": s.knn_accuracy_std,
            "V-measure k-means": s.v_measure_kmeans,
            "± (seeds)": s.v_measure_kmeans_std,
            "V-measure HDBSCAN": s.v_measure_hdbscan,
            "HDBSCAN coverage": s.hdbscan_coverage,
        })
    st.dataframe(pd.DataFrame(rows).round(3), hide_index=True, width="stretch")
    first = report.models[0].labels
    st.caption(
        f"{first.n_labels} labels over {first.n_labelled:,} labelled documents. kNN: k = {first.knn_k}, "
        f"{first.knn_folds}-fold stratified cross-validation (always guessing the commonest label scores "
        f"{first.majority_accuracy:.1%}). k-means: k = {first.n_labels}, mean of {first.kmeans_seeds} seeds. "
        "HDBSCAN: over the documents it clustered (coverage: their share). ±: one standard deviation across the "
        "folds or seeds; the recommendation calls a lead clear only when it is larger than both models' spreads "
        f"added ({compare.HDBSCAN_NOISE:.2f} for HDBSCAN, which runs once)."
    )


def cost(report: compare.CompareReport) -> None:
    st.subheader("Cost")
    st.dataframe(
        pd.DataFrame([
            {
                "model": m.model_id,
                "dimension": m.dim,
                "size on disk (MB)": "unknown" if m.size_mb is None else f"{m.size_mb:,.1f}",
                "load time (s)": "unknown" if m.load_seconds is None else f"{m.load_seconds:.2f} ({m.load_source})",
                "texts per second": round(m.docs_per_second, 1),
                "texts timed": m.speed_sample,
                "vectors in memory (MB)": round(m.vector_bytes / 1e6, 2),
            }
            for m in report.models
        ]),
        hide_index=True, width="stretch",
    )
    st.caption(
        "Load time is measured when this server first loads the model ('catalogue': it was already loaded, so the "
        "figure measured in a fresh process is shown). Speed embeds up to 200 texts of this corpus, bypassing the cache."
    )


def downloads(report: compare.CompareReport, corpus: Corpus) -> None:
    name = f"embdash-compare-{corpus.key}"
    cols = st.columns(4)
    cols[0].download_button("Download the report (JSON)", compare_report.report_json(report), f"{name}.json", "application/json")
    cols[1].download_button(
        "Report (HTML)", lambda: compare_report.report_html(report, f"Model comparison: {corpus.name}"), f"{name}.html",
        "text/html", on_click="ignore",
        help="A standalone page with the recommendation and every table, to read or send without this server.",
    )
    cols[2].download_button("Summary (CSV)", views.to_csv_bytes(compare_report.summary_frame(report)), f"{name}-summary.csv", "text/csv")
    cols[3].download_button("Agreement per pair (CSV)", views.to_csv_bytes(compare_report.pairs_frame(report)), f"{name}-pairs.csv", "text/csv")

