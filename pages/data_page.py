"""Data: load a corpus (upload, the bundled sample, or an earlier upload) and see what the models will get."""

import streamlit as st

from embdash.dataio.corpus import make_corpus
from embdash.dataio.limits import ReadLimits
from embdash.errors import EmbdashError
from embdash.ui import cache, server_settings, state, views, widgets

st.title("Your corpus")
state.show_flash()

st.button(
    "Use the sample corpus",
    on_click=state.use_sample_corpus,
    key="data.sample",
    help="480 short English texts on 12 topics, written for embdash.",
)

settings = server_settings.settings()
if settings.read_only:
    st.info(
        "This is a read-only instance: uploads are turned off. You can explore the sample corpus, or a corpus "
        "someone shared with you by link."
    )
    upload = None
else:
    upload = st.file_uploader(
        "Upload a corpus",
        type=["csv", "tsv", "txt", "xlsx", "parquet", "jsonl", "ndjson", "json"],
        help=f"CSV, TSV, Excel, Parquet, JSON Lines, or plain text with one document per line; up to {settings.max_upload_mb:,} MB. "
        "An upload is visible only to you and to whoever you send its link.",
        max_upload_size=settings.max_upload_mb,
    )
if upload is not None:
    try:
        # The widget's limit is enforced by the browser only: check again here, against clients that ignore it.
        # Rows and the size once read are limited too (EMBDASH_MAX_ROWS, EMBDASH_MAX_EXPANDED_MB): a small file
        # can unpack to millions of rows. What the user had open stays open when a file is refused.
        table, report = cache.read_upload(upload, settings.max_upload_mb * 1024**2, ReadLimits.from_settings(settings))
    except EmbdashError as error:
        st.error(widgets.plain(f"{upload.name}: {error}"))
    else:
        views.load_report(upload.name, report)
        text_column = st.selectbox(
            "Text column",
            report.columns,
            index=report.columns.index(report.text_column_guess) if report.text_column_guess in report.columns else 0,
            help="The column holding the texts to embed. Every other column is kept for colour, tooltips and filters.",
            key="data.text_column",
        )
        st.dataframe(table.head(50), width="stretch")
        if st.button("Use this corpus", type="primary", key="data.use"):
            try:
                state.use_corpus(make_corpus(table, text_column, upload.name))
            except EmbdashError as error:
                st.error(widgets.plain(error))
            else:
                state.flash(f"Loaded {upload.name}: {len(table):,} documents. Open the Map to explore it.")
                st.rerun()

with widgets.shown_errors():
    corpus = state.current_corpus()
    st.subheader(f"Current corpus: {widgets.plain(corpus.name)}")
    model_id = state.current_model_id()
    views.quality_report(cache.corpus_quality(corpus, model_id), model_id)
    report = cache.language_report(corpus)
    views.language_summary(corpus, report)
    views.language_notice(report, model_id, state.model_options(), key="data.languages")
    if not settings.read_only:  # a new text column makes a new corpus, to be stored
        views.text_column_choice(corpus)
    with st.expander(f"Columns: {len(corpus.frame.columns)}", expanded=True):
        views.column_kinds_editor(corpus)
    st.dataframe(corpus.frame, width="stretch")

views.recent_corpora(cache.store().list_corpora(), current_key=corpus.key)
