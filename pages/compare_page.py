"""Compare models: two to four models on the current corpus, in the vector space, against labels and by cost."""

import streamlit as st

from embdash.models.catalogue import get_spec
from embdash.pipeline.params import help_of
from embdash.tasks import compare
from embdash.ui import cache, compare_views, links, state, widgets
from embdash.ui.text import plain

st.title("Compare models")
st.caption(
    "Which model should you use on your data? Each model embeds the corpus once (cached), then the page measures "
    "how far they agree, how well each separates your labels, and what each costs."
)

with widgets.shown_errors():
    corpus = state.current_corpus()
    map_params = widgets.map_params_controls()
    options = state.model_options()
    model_ids = st.multiselect(
        "Models to compare (two to four)",
        options,
        default=compare_views.default_models(state.current_model_id(), options),
        max_selections=compare.MAX_MODELS,
        format_func=lambda model_id: get_spec(model_id).name,
        help="Catalogue models, and any model added in the sidebar. Each is embedded once; later visits use the cache.",
        **links.bound("compare.models"),
    )
    left, right = st.columns(2)
    k = left.slider(
        "Neighbours compared (k)", 2, 50, compare.CompareParams().k,
        help=help_of(compare.CompareParams, "k"),
        **links.bound("compare.k"),
    )
    columns = [c for c in corpus.frame.columns if c != corpus.text_column]
    guess = compare.likely_label_column(corpus.frame, corpus.text_column)
    label_choices = ["(none)", *columns]
    label_column = right.selectbox(
        "Label column (known categories)",
        label_choices,
        index=label_choices.index(guess) if guess in label_choices else 0,
        help="A column of known categories: each model is scored on how well it separates them. Pre-selected: a column "
        "with few distinct values.",
        **links.bound("compare.label_column"),
    )
    label_column = None if label_column == "(none)" else label_column
    labels = None
    if label_column is not None:
        try:
            labels = compare.checked_labels(corpus.frame[label_column])
        except compare.CompareError as error:  # the rest of the comparison still stands
            st.warning(plain(f"{error} Comparing without labels."))
            label_column = None
    model_ids = compare.check_model_ids(model_ids)

    keys, runs, results = [], [], []
    for model_id in model_ids:
        key, run, result = compare_views.model_run(corpus, model_id, map_params)
        keys.append(key)
        runs.append(run)
        results.append(result)
    params = compare.CompareParams(k=k)
    with st.status("Comparing the models…", expanded=False) as status:
        report = cache.compare_report(
            tuple(keys), tuple(run.cost for run in runs), corpus.key, label_column, params,
            runs, corpus.texts, labels,
        )
        status.update(label="Comparison ready", state="complete")
    report = compare_views.with_context(report, corpus, map_params)

compare_views.recommendation(report)
compare_views.summary(report)
compare_views.downloads(report, corpus)

color_choices = ["topic", *columns]
color_by = st.selectbox(
    "Colour the maps by",
    color_choices,
    index=color_choices.index(label_column) if label_column in color_choices else 0,
    help="Each model's own clusters (topic), or any column of the corpus, the same in every map.",
    **links.bound("compare.color_by"),
)
compare_views.side_by_side_maps(corpus, report, results, color_by)

pair_names = [f"{p.model_a} vs {p.model_b}" for p in report.pairs]
pair_name = st.selectbox("Pair of models", pair_names, **links.bound("compare.pair")) if len(pair_names) > 1 else pair_names[0]
pair = report.pairs[pair_names.index(pair_name)]
compare_views.agreement(report, pair)
compare_views.disagreements(pair)
if label_column is not None:
    compare_views.label_scores(report)
compare_views.cost(report)
