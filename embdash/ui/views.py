"""Pieces of pages that show results: numbers, tables, downloads. Text is always shown as text."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from embdash.dataio import columns as column_kinds
from embdash.dataio import exports, languages
from embdash.dataio.corpus import Corpus, QualityReport
from embdash.dataio.frames import is_missing
from embdash.dataio.readers import LoadReport
from embdash.dataio.store import CorpusInfo
from embdash.errors import EmbdashError
from embdash.pipeline import maps
from embdash.pipeline.topic_quality import COHERENCE_HELP, DIVERSITY_HELP, TopicQuality
from embdash.ui import links, state
from embdash.ui.text import plain


def map_metrics(metrics: maps.MapMetrics, quality: TopicQuality | None = None) -> None:
    """The numbers that say how far to trust the map and its topics, next to it."""
    cols = st.columns(4 if quality is None else 6)
    cols[0].metric(
        "Trustworthiness (2-D)", f"{metrics.trustworthiness:.3f}",
        help="How well the 2-D map keeps each document's nearest neighbours from the full embedding space "
        "(1 = perfectly; below ~0.8, read neighbourhoods on the map with care).",
    )
    cols[1].metric(
        "Silhouette", "–" if metrics.silhouette is None else f"{metrics.silhouette:.3f}",
        help="How well separated the clusters are, from −1 to 1, over clustered documents only.",
    )
    cols[2].metric(
        "Unclustered", f"{metrics.noise_share:.0%}",
        help="Share of documents HDBSCAN did not put in any cluster (shown in grey as 'unclustered').",
    )
    cols[3].metric("Clusters", f"{metrics.n_clusters}", help="Number of clusters HDBSCAN found.")
    if quality is not None:
        cols[4].metric("Topic coherence", "–" if quality.coherence is None else f"{quality.coherence:.2f}",
                       help=f"{COHERENCE_HELP} Over each topic's top {quality.n_terms} terms.")
        cols[5].metric("Topic diversity", "–" if quality.diversity is None else f"{quality.diversity:.2f}",
                       help=DIVERSITY_HELP)


def filtered(frame: pd.DataFrame, columns: list[str], key: str = "map") -> pd.DataFrame:
    """Filter controls over the metadata columns (and topics, when the map made them); returns the rows to keep.

    The map is computed on every document; filters only choose which to show. `key` keeps each
    page's filter its own.
    """
    with st.expander("Filter the documents shown"):
        choices = ["(none)", *(["topic"] if "topic" in frame.columns else []), *columns]
        column = st.selectbox("Filter on", choices, **links.bound(f"{key}.filter_column"))
        if column == "(none)":
            return frame
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values) and values.notna().any():
            low, high = values.min().to_pydatetime(), values.max().to_pydatetime()
            chosen = st.slider(f"{column} between", low, high, (low, high), format="YYYY-MM-DD HH:mm",
                               **links.bound(f"{key}.filter_range.{column}"))
            keep = values.between(*chosen)
        elif pd.api.types.is_numeric_dtype(values) and values.notna().any() and values.nunique() > 12:
            low, high = float(values.min()), float(values.max())
            chosen = st.slider(f"{column} between", low, high, (low, high), **links.bound(f"{key}.filter_range.{column}"))
            keep = values.between(*chosen)
        else:
            options = sorted(values.dropna().astype(str).unique())
            chosen = st.multiselect(
                f"{column} is one of", options, default=options, **links.bound(f"{key}.filter_values.{column}")
            )
            keep = values.astype(str).isin(chosen)
        st.caption(f"{int(keep.sum()):,} of {len(frame):,} documents shown.")
    return frame[keep.to_numpy()]


def selected_rows(frame: pd.DataFrame, event) -> np.ndarray:
    """Row positions picked by clicking or inside the dragged box, from st.altair_chart's selection event."""
    selection = (event or {}).get("selection", {}) if isinstance(event, dict) else getattr(event, "selection", {})
    mask = np.zeros(len(frame), dtype=bool)
    box = selection.get("brush") or {}
    if box.get("x") and box.get("y"):
        (x0, x1), (y0, y1) = sorted(box["x"]), sorted(box["y"])
        mask |= frame["x"].between(x0, x1).to_numpy() & frame["y"].between(y0, y1).to_numpy()
    for point in selection.get("pick") or []:
        if "row" in point:
            mask[int(point["row"])] = True
    return np.flatnonzero(mask)


def selected_documents(frame: pd.DataFrame, rows: np.ndarray, text_column: str) -> None:
    """The documents at row positions `rows` of `frame` (what the map selection picked), as a table."""
    st.subheader("Selected documents")
    if len(rows) == 0:
        st.caption("Select points on the map to list them here.")
        return
    chosen = frame.iloc[rows]
    counts = chosen["topic"].value_counts()
    st.caption(f"{len(chosen):,} selected, in {len(counts):,} topic{'s' if len(counts) != 1 else ''}:")
    st.dataframe(pd.DataFrame({"topic": counts.index, "documents": counts.to_numpy(),
                               "share": (counts.to_numpy() / len(chosen)).round(3)}),
                 hide_index=True, key="map.selection_topics",
                 column_config={"share": st.column_config.NumberColumn(format="percent")})
    first = [text_column, "topic", "cluster"]
    st.dataframe(chosen[first + [c for c in chosen.columns if c not in first]], hide_index=False, width="stretch")
    st.download_button("Download the selection (CSV)", to_csv_bytes(chosen), "selection.csv", "text/csv")


def more_like_this(
    shown: pd.DataFrame, frame: pd.DataFrame, vectors: np.ndarray, picked: np.ndarray, text_column: str, k: int = 10
) -> None:
    """The documents nearest in meaning to a selected document the user picks (`picked`: row positions of `shown`,
    maybe filtered, what the map selected), found in the whole corpus (`frame`, in corpus order). Nothing is
    searched until a document is picked."""
    from embdash.render.charts import snippet
    from embdash.tasks import search

    if len(picked) == 0:
        return
    candidates = [int(row) for row in shown.index[picked]]  # map frames keep the corpus positions as their index
    st.subheader("More like this")
    row = st.selectbox(
        "Documents like", candidates, index=None, placeholder="Pick one of the selected documents",
        format_func=lambda row: f"row {row} · {snippet(frame.at[row, text_column], 80)}", key="map.more_like",
        help="The documents nearest in meaning to the one you pick, from the whole corpus (filters aside).",
    )
    if row is None:
        return
    st.caption(f"Nearest in meaning to row {row}, from the whole corpus:")
    st.markdown(plain(frame.at[row, text_column]))
    rows, scores = search.more_like_this(vectors, row, k)
    st.dataframe(search.hits_table(frame.loc[:, [text_column, "topic"]], text_column, rows, scores), hide_index=True, width="stretch")


def cluster_overview(texts: list[str], result: maps.MapResult, view=None, n_terms: int | None = None,
                     points: np.ndarray | None = None) -> None:
    """A table of the topics shown (the view's, when given: cut, assigned and edited), with the documents nearest
    each topic's centre in `points` (default: the clustering space; the embedding vectors: the most
    representative documents)."""
    st.subheader("Topics")
    points = result.cluster_points if points is None else points
    if view is None:
        table = maps.cluster_table(texts, result.labels, result.topics, points=points)
    else:
        table = maps.cluster_table(texts, view.labels, view.terms, points=points, names=view.names,
                                   assigned=view.assigned, n_terms=n_terms)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "share": st.column_config.ProgressColumn("share", format="percent", min_value=0.0, max_value=1.0),
            "examples": st.column_config.ListColumn("examples", help="The topic's most representative documents: "
                                                    "those closest to its centre"),
        },
    )


PNG_WIDTHS = (1200, 1600, 2400)  # the exported map's width in pixels; its height follows the screen's shape


def map_download(
    frame: pd.DataFrame, corpus: Corpus, model_id: str, chart=None, vectors: np.ndarray | None = None,
    provenance: dict | None = None,
) -> None:
    """Downloads of the map: the rows with x, y, cluster and topic (optionally the embeddings) as CSV and
    Parquet, and the chart as a standalone interactive HTML file and as PNG. Files are made on click."""
    stem = f"embdash-map-{corpus.key}-{safe_name(model_id)}"
    st.subheader("Download")
    include = vectors is not None and st.checkbox(
        "Include the embeddings (one column per dimension)", key="map.export_embeddings",
        help="Adds dim_000, dim_001, ... columns: each document's vector, as the model made it.",
    )

    def table() -> pd.DataFrame:
        return exports.with_embeddings(frame, vectors) if include else frame

    provenance = {"corpus": corpus.key, "corpus_name": corpus.name, "model": model_id, **(provenance or {})}
    cols = st.columns(4)
    cols[0].download_button(
        "Map table (CSV)", lambda: exports.csv_bytes(table()), f"{stem}.csv", "text/csv",
        on_click="ignore", key="map.download_csv",
        help="Your rows plus x, y, cluster and topic. Cells a spreadsheet would run as formulas start with an apostrophe.",
    )
    cols[1].download_button(
        "Map table (Parquet)", lambda: exports.parquet_bytes(table(), provenance), f"{stem}.parquet",
        "application/vnd.apache.parquet", on_click="ignore", key="map.download_parquet",
        help="The same table, typed, with the model and parameters in the file's metadata.",
    )
    if chart is not None:
        cols[2].download_button(
            "Map (interactive HTML)", lambda: exports.chart_html(chart, title=f"{corpus.name} · {model_id}"),
            f"{stem}.html", "text/html", on_click="ignore", key="map.download_html",
            help="A standalone page with the chart filling the window: zoom and tooltips (topic first) work offline, "
                 "without this server.",
        )
        width = cols[3].selectbox("PNG width", PNG_WIDTHS, index=1, format_func=lambda w: f"{w:,} px",
                                  key="map.png_width", help="The image's width; its height keeps the screen's shape.")
        cols[3].download_button(
            "Map (PNG)", lambda: exports.chart_png(chart, scale=1.0, width=width), f"{stem}.png", "image/png",
            on_click="ignore", key="map.download_png",
        )


def safe_name(text: str) -> str:
    """A file-name fragment from any text (a custom model id may hold slashes and colons)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")[:80] or "model"


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for a download: formula-like cells neutralised (embdash.dataio.exports.csv_bytes)."""
    return exports.csv_bytes(frame)


def load_report(filename: str, report: LoadReport) -> None:
    """What the loader detected, so the analyst can check it guessed right."""
    details = [f"{report.n_rows:,} rows", f"{len(report.columns)} columns", f"format {report.format}"]
    if report.encoding:
        details.append(f"encoding {report.encoding}")
    if report.delimiter:
        details.append(f"delimiter {report.delimiter!r}")
    st.caption(plain(f"{filename}: " + " · ".join(details)))
    for warning in report.warnings:
        st.warning(plain(warning))


def quality_report(report: QualityReport, model_id: str) -> None:
    """Empty texts, duplicates and texts the model (`model_id`) will truncate, with the rows to look at."""
    limit = report.token_limit
    cols = st.columns(4)
    cols[0].metric("Documents", f"{report.n_rows:,}")
    cols[1].metric("Empty texts", f"{len(report.empty_rows):,}", help="Embedded as empty strings; they carry no meaning.")
    cols[2].metric("Duplicates", f"{len(report.duplicate_rows):,}", help="Texts equal to an earlier one; each distinct text is embedded once.")
    cols[3].metric(
        "Truncated", f"{len(report.too_long_rows):,}" if limit else "–",
        help=f"Texts longer than the model's limit of {limit} tokens: only their beginning is embedded." if limit
        else "This model reads texts of any length.",
    )
    if report.too_long_rows:
        st.info(
            f"{len(report.too_long_rows):,} texts are longer than {plain(_model_name(model_id))}'s limit of {limit} tokens "
            "and are truncated: only their first part shapes their vector."
        )
    problems = {"empty": report.empty_rows, "duplicate": report.duplicate_rows, "truncated": report.too_long_rows}
    if any(problems.values()):
        with st.expander("Rows to look at"):
            for kind, rows in problems.items():
                if rows:
                    st.caption(f"{kind}: rows {', '.join(map(str, rows[:50]))}{' …' if len(rows) > 50 else ''}")


def _model_name(model_id: str) -> str:
    from embdash.models.catalogue import CUSTOM_PREFIX, get_spec

    # A custom model is named by its id: its spec would look at its folder again.
    return model_id if model_id.startswith(CUSTOM_PREFIX) else get_spec(model_id).name


def recent_corpora(corpora: list[CorpusInfo], current_key: str) -> None:
    """Earlier uploads, most recent first, to go back to: only those this session uploaded or opened,
    so nobody sees another user's upload without its link."""
    from embdash.ui import state

    opened = state.opened_corpus_keys()
    by_key = {info.key: info for info in corpora}
    others = [by_key[key] for key in opened if key in by_key and key != current_key]
    if not others:
        return
    st.subheader("Recent corpora")
    for info in others[:10]:
        cols = st.columns([4, 2, 1])
        cols[0].text(info.name)
        cols[1].caption(f"{info.n_rows:,} rows · {info.key}")
        cols[2].button("Open", key=f"open-{info.key}", on_click=state.use_stored_corpus, args=(info.key,))


TIME_CHART_KEY = "map.topics_time_chart"
CLASS_CHART_KEY = "map.topics_class_chart"


def topics_against_columns(frame: pd.DataFrame, columns: list[str], within: np.ndarray | None = None) -> None:
    """Topics over a date column and across a categorical column of the corpus, with the tables behind them.
    `within` (row positions): only the documents selected on the map. Picks in these charts come back through
    `linked_rows`, which the map highlights."""
    from embdash.pipeline import topic_metadata
    from embdash.render import charts, topic_charts

    dated = topic_metadata.date_columns(frame[columns])
    classes = [c for c in topic_metadata.category_columns(frame[columns]) if c not in dated]
    if not dated and not classes:
        return
    st.subheader("Topics against your columns")
    if within is not None and len(within):
        frame = frame.iloc[within]
        st.caption(f"Of the {len(frame):,} documents selected on the map (double-click the map to clear).")
    domain = charts.topic_domain(frame)
    if dated:
        column = st.selectbox("Topics over time, by", dated, help="A column of dates; the period follows its span.",
                              key="map.topics_time")
        counts, period = topic_metadata.topics_over_time(frame["topic"], frame[column])
        st.altair_chart(topic_charts.topics_over_time_chart(counts, period, domain), width="stretch", on_select="rerun",
                        selection_mode=topic_charts.TIME_SELECTIONS, key=TIME_CHART_KEY)
        st.caption(f"Each {period}'s documents by topic ({counts['documents'].sum():,} dated documents). Click a "
                   "topic, or drag across the time axis, to show those documents on the map; double-click to clear.")
        table = counts.pivot(index="period", columns="topic", values="documents")
        st.dataframe(table[[t for t in domain if t in table.columns]], width="stretch")
    if classes:
        column = st.selectbox("Topics per class of", classes, help="A column of a few categories.",
                              key="map.topics_class")
        counts = topic_metadata.topics_by_class(frame["topic"], frame[column])
        st.altair_chart(topic_charts.topics_by_class_chart(counts, str(column), domain), width="stretch", on_select="rerun",
                        selection_mode=topic_charts.CLASS_SELECTIONS, key=CLASS_CHART_KEY)
        st.caption("Each row sums to 100%: where the documents of that class went. Click a cell (shift-click for "
                   "more) to show its documents on the map.")
        table = counts.pivot(index="class", columns="topic", values="share").round(3)
        st.dataframe(table[[t for t in domain if t in table.columns]], width="stretch")


def linked_rows(frame: pd.DataFrame, also: np.ndarray | None = None) -> np.ndarray | None:
    """A bool per row of `frame`: the documents picked in the topic charts (their selections as the last run
    left them) or in `also` (another chart's picks), or None when nothing is picked."""
    from embdash.pipeline import topic_metadata

    picked = np.zeros(len(frame), dtype=bool) if also is None else np.array(also, dtype=bool)
    any_pick = also is not None
    time_column = st.session_state.get("map.topics_time")
    selection = chart_selection(TIME_CHART_KEY)
    if time_column in frame.columns and selection:
        topics = [point["topic"] for point in selection.get("topic_pick") or [] if "topic" in point]
        span = (selection.get("period_brush") or {}).get("period")
        period_range = [pd.to_datetime(value, unit="ms") for value in span] if span else None
        if topics or period_range:
            picked |= topic_metadata.rows_over_time(frame["topic"], frame[time_column], topics, period_range)
            any_pick = True
    class_column = st.session_state.get("map.topics_class")
    selection = chart_selection(CLASS_CHART_KEY)
    if class_column in frame.columns and selection:
        cells = [(point["topic"], point["class"]) for point in selection.get("cell_pick") or []
                 if "topic" in point and "class" in point]
        if cells:
            picked |= topic_metadata.rows_by_class(frame["topic"], frame[class_column], cells)
            any_pick = True
    return picked if any_pick else None


def chart_selection(key: str) -> dict:
    """The selection the chart with this key held when the page last ran ({} when none)."""
    state = st.session_state.get(key)
    if state is None:
        return {}
    selection = state.get("selection", {}) if isinstance(state, dict) else getattr(state, "selection", {})
    return dict(selection or {})


def text_column_choice(corpus: Corpus) -> None:
    """The corpus's text column, changed in place: the same table with another column as its texts (no upload)."""
    names = list(corpus.frame.columns)
    chosen = st.selectbox(
        "Text column of this corpus", names, index=names.index(corpus.text_column),
        key=f"data.current_text_column.{corpus.key}",
        help="The column whose texts are embedded. Choosing another makes a new corpus of the same table: its "
             "vectors and maps are its own, and this one stays in the list below.",
    )
    if chosen == corpus.text_column:
        return
    try:
        state.use_text_column(corpus, chosen)
    except EmbdashError as error:
        st.error(plain(error))
    else:
        state.flash(f"The texts are now the column {chosen}.")
        st.rerun()


def column_kinds_editor(corpus: Corpus) -> column_kinds.ColumnKinds:
    """The corpus's columns with their kinds (detected, or chosen here), each kind changeable; returns the kinds."""
    kinds = state.column_kinds(corpus)
    table = column_kinds.kinds_table(kinds)
    st.caption("What each column holds, read from its values: it decides how the Map colours and filters by it "
               "(a range for numbers and dates, a log scale for numbers with a heavy tail; identifiers are only shown "
               "in tooltips). Change a kind in the table if it was read wrong.")
    edited = st.data_editor(
        table, hide_index=True, width="stretch", disabled=["column", "details"], key=f"data.kinds.{corpus.key}",
        column_config={"kind": st.column_config.SelectboxColumn("kind", options=column_kinds.KINDS, required=True)},
    )
    for name, before, after in zip(table["column"], table["kind"], edited["kind"]):
        if after != before:
            try:
                state.choose_column_kind(corpus, name, after)
            except ValueError as error:
                st.warning(plain(error))
            else:
                st.rerun()
    return kinds


def drawable_columns(frame_columns: list[str], kinds: column_kinds.ColumnKinds) -> list[str]:
    """The map frame's corpus columns worth colouring or filtering by: categories, numbers and dates (a column
    map_frame renamed, "<name> (data)", keeps its kind)."""
    kind_of = {maps.data_column_name(profile.name): profile.kind for profile in kinds.profiles}
    wanted = (column_kinds.CATEGORY, column_kinds.NUMBER, column_kinds.DATETIME)
    return [c for c in frame_columns if kind_of.get(c, column_kinds.CATEGORY) in wanted]


def log_colour_choice(color_by: str, kinds: column_kinds.ColumnKinds) -> bool:
    """For a column of numbers, a log colour scale, on by default where the numbers have a heavy tail."""
    profile = next((p for p in kinds.profiles if maps.data_column_name(p.name) == color_by), None)
    if profile is None or profile.kind != column_kinds.NUMBER or profile.low is None or profile.low < 0:
        return False
    return st.toggle(
        "Log colour scale", value=profile.heavy_tail, key=f"map.log_colour.{color_by}",
        help="For numbers spanning orders of magnitude (counts of retweets, words, sales): on a linear scale all "
             "but the few largest would share one colour." + (" On by default: these numbers have a heavy tail."
                                                              if profile.heavy_tail else ""),
    )


def webgl_colour(values: pd.Series, name: str, log_colour: bool) -> tuple[list, str]:
    """The colour values and their name for the WebGL map: dates as years (2016.5), numbers on a log scale as
    log10(1 + value)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        years = values.dt.year + (values.dt.dayofyear - 1) / 365.25
        return years.tolist(), f"{name} (year)"
    if log_colour:
        return np.log10(1 + pd.to_numeric(values, errors="coerce")).tolist(), f"{name} (log10 of 1 + value)"
    return values.tolist(), name


def language_summary(corpus: Corpus, report: languages.LanguageReport) -> None:
    """The corpus's languages as read from its texts, and as its own language column says, if it has one."""
    st.markdown(f"**Languages** (read from the texts): {plain(report.summary())}")
    column = languages.language_column(corpus.frame)
    if column is not None:
        said = languages.shares_text(languages.column_languages(corpus.frame[column]) or {})
        st.caption(plain(f"The column {column} says: {said}."))


def language_notice(report: languages.LanguageReport, model_id: str, offered: list[str], key: str) -> None:
    """When most texts are in a language the current model does not read, say so and offer the offered
    multilingual models that read it, one click each."""
    from embdash.models.catalogue import get_spec, models_reading

    if report.mostly_english or report.main is None or get_spec(model_id).reads(report.main):
        return
    name = languages.language_name(report.main)
    readers = models_reading(report.main, offered)
    advice = (f"Models here that read {name}: " + ", ".join(spec.name for spec in readers) + "."
              if readers else f"No model this server offers reads {name}: the map groups the texts by their surface "
                              "(spelling, names, numbers) more than by their meaning.")
    st.warning(plain(f"Most of these texts are in {name} ({report.main_share:.0%} of those read), and "
                     f"{get_spec(model_id).name} reads {get_spec(model_id).languages} only. {advice}"))
    for spec in readers:
        st.button(f"Switch to {spec.name}", key=f"{key}.switch.{spec.id}", on_click=state.use_model, args=(spec.id,))


def ranked_hits(hits: pd.DataFrame, key: str) -> None:
    """Search hits (search.hits_table with a "BM25 rank") as a list that reads at any width: each hit's rank,
    similarity and keyword rank on one line, its whole text wrapped below, its other columns folded away."""
    details = [c for c in hits.columns if c not in ("rank", "row", "score", "text", "BM25 rank")]
    for position, hit in enumerate(hits.itertuples(index=False)):
        fields = dict(zip(hits.columns, hit))
        keyword_rank = fields["BM25 rank"]
        by_words = "found only by meaning" if pd.isna(keyword_rank) else f"BM25 rank {int(keyword_rank)}"
        with st.container(border=True, key=f"{key}.{position}"):
            st.markdown(f"**{fields['rank']}.** similarity {fields['score']:.3f} · {by_words} · row {fields['row']}")
            st.markdown(plain(fields["text"]))
            if details:
                with st.expander("Other columns"):
                    st.caption(plain(" · ".join(f"{c}: {'' if is_missing(fields[c]) else fields[c]}" for c in details)))
