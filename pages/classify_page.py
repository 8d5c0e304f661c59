"""Classify: label every document from a few examples (or label names alone), and see how far to trust it."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from embdash.hashing import params_key
from embdash.tasks import classify
from embdash.tasks.classify import ClassifyParams, Examples
from embdash.ui import cache, links, public_limits, state, views, widgets
from embdash.ui.text import plain

TYPED, TICKED, COLUMN, NAMES = (
    "Type example texts per label",
    "Tick rows in a table",
    "A label column (only some rows filled)",
    "Label names only (zero-shot)",
)
NO_COLUMN = "(none)"
TICKED_KEY = "classify.ticked"  # {row: label}, the rows ticked so far


def typed_examples(corpus, model_id) -> Examples:
    st.caption("One row per example: the label, and a short text typical of it. Two labels at least.")
    empty = pd.DataFrame({"label": pd.Series(dtype=str), "example text": pd.Series(dtype=str)})
    edited = st.data_editor(empty, num_rows="dynamic", key="classify.typed", width="stretch", hide_index=True)
    edited = edited.fillna("").astype(str).apply(lambda column: column.str.strip())
    edited = edited[(edited["label"] != "") & (edited["example text"] != "")]
    if edited.empty:  # nothing typed yet: a prompt, not an error
        st.info("Type at least one example text for each of two labels: the predictions appear here.")
        st.stop()
    edited = edited.iloc[:len(public_limits.cap_texts(list(edited.index), "example texts"))]
    vectors = cache.embed_texts_cached(model_id, corpus, tuple(edited["example text"]))
    return Examples.from_texts(vectors, edited["label"].tolist())


def ticked_examples(frame, vectors) -> Examples:
    ticked = st.session_state.setdefault(TICKED_KEY, {})
    st.caption("Tick rows, name their label, and add them; repeat for each label.")
    event = st.dataframe(frame, on_select="rerun", selection_mode="multi-row", key="classify.pick", width="stretch")
    rows = list(event.selection.rows) if event else []
    label = st.text_input("Label for the ticked rows", key="classify.tick_label").strip()
    left, right = st.columns(2)
    if left.button(f"Add the {len(rows)} ticked rows under this label", disabled=not (rows and label), key="classify.add"):
        ticked.update({int(row): label for row in rows})
    if right.button("Forget every ticked row", disabled=not ticked, key="classify.clear"):
        ticked.clear()
    if not ticked:  # nothing ticked yet: a prompt, not an error
        st.info("Tick rows of at least two labels: the predictions appear here.")
        st.stop()
    st.caption(f"{len(ticked):,} rows labelled so far")
    st.dataframe(pd.Series(ticked, name="label").value_counts().rename("rows"), width="content")
    return Examples.from_rows(vectors, list(ticked), list(ticked.values()))


def column_examples(corpus, vectors, columns) -> tuple[Examples, str]:
    column = st.selectbox(
        "Label column", columns, **links.bound("classify.label_column"),
        help="Rows with a value are the examples; empty rows get predictions.",
    )
    examples, to_predict = classify.split_partial(vectors, corpus.frame[column].tolist())
    if len(to_predict):
        st.caption(f"{len(examples):,} labelled rows are the examples; {len(to_predict):,} empty rows get a prediction.")
    else:
        st.caption("Every row has a label: the predictions below are in-sample; the cross-validation below is the honest score.")
    return examples, column


def zero_shot_labels(corpus, model_id) -> tuple[np.ndarray, list[str]]:
    typed = st.text_area(
        "Label names, one per line", placeholder="sports\ncooking\nastronomy", **links.bound("classify.names")
    )
    names = public_limits.cap_texts(list(dict.fromkeys(line.strip() for line in typed.splitlines() if line.strip())),
                                    "label names")
    if len(names) < 2:
        raise classify.ClassifyError("Type at least two label names, one per line.")
    st.caption("Optional: a few words describing each label often help more than the name alone.")
    table = pd.DataFrame({"label": names, "description": [""] * len(names)})
    edited = st.data_editor(
        table, key="classify.descriptions", hide_index=True, width="stretch", disabled=["label"],
    )
    descriptions = edited.set_index("label")["description"].reindex(names).fillna("").astype(str)
    texts = [classify.zero_shot_text(name, descriptions[name]) for name in names]
    return cache.embed_texts_cached(model_id, corpus, tuple(texts)), names


def confusion_heatmap(result: classify.EvalResult) -> alt.Chart:
    long = classify.confusion_frame(result)
    base = alt.Chart(long).encode(
        x=alt.X("predicted:N", title="predicted"), y=alt.Y("true:N", title="true label"),
    )
    cells = base.mark_rect().encode(color=alt.Color("count:Q", scale=alt.Scale(scheme="blues")), tooltip=["true", "predicted", "count"])
    counts = base.mark_text().encode(
        text="count:Q", color=alt.condition(alt.datum.count > long["count"].max() / 2, alt.value("white"), alt.value("black")),
    )
    return cells + counts


st.title("Classify by examples")

with widgets.shown_errors():
    corpus = state.current_corpus()
    model_id = state.current_model_id()
    vectors_key, vectors = cache.vectors(corpus, model_id)

frame = corpus.frame
columns = corpus.metadata_columns
texts = corpus.texts
source = st.radio("How will you give the labels?", [TYPED, TICKED, COLUMN, NAMES], **links.bound("classify.source"))
if source == COLUMN and not columns:
    st.info("This corpus has no column besides the texts: give labels another way.")
    st.stop()

with st.expander("Method settings"):
    params = widgets.param_controls(ClassifyParams, "classify")

label_column = None
with widgets.shown_errors():
    if source == NAMES:
        method = classify.ZERO_SHOT
        st.caption("Each document goes to the label whose name (and description) is closest in meaning.")
        label_vectors, names = zero_shot_labels(corpus, model_id)
        prediction = classify.zero_shot(label_vectors, names, vectors, params.temperature)
        examples = None
    else:
        if source == TYPED:
            examples = typed_examples(corpus, model_id)
        elif source == TICKED:
            examples = ticked_examples(frame, vectors)
        else:
            examples, label_column = column_examples(corpus, vectors, columns)
        method = st.selectbox(
            "Method", classify.METHODS, format_func=classify.METHOD_NAMES.get, **links.bound("classify.method"),
            help="Nearest centroid: the closest label's average example. k-nearest neighbours: a vote of the "
            "closest examples. Logistic regression: a linear model trained on the examples (best with many).",
        )
        prediction = classify.predict(method, examples, vectors, params)

st.subheader("Predictions")
results = pd.DataFrame({"text": texts, "predicted": prediction.labels, "confidence": prediction.confidence})
if examples is not None and (examples.rows >= 0).any():
    given = pd.Series(examples.labels, index=examples.rows).loc[lambda s: s.index >= 0]
    results.insert(1, "example label", given.reindex(range(len(texts))).to_numpy())
results = pd.concat([results, frame[columns].reset_index(drop=True).add_suffix(" (data)")], axis=1)
confidence_column = st.column_config.ProgressColumn("confidence", format="%.2f", min_value=0.0, max_value=1.0)
st.dataframe(results, width="stretch", column_config={"confidence": confidence_column})
st.download_button(
    "Download the predictions (CSV)", views.to_csv_bytes(results),
    file_name=f"embdash-classify-{corpus.key}-{views.safe_name(model_id)}-{method}.csv", mime="text/csv",
    key="classify.download",
)

counts = results["predicted"].astype(str).value_counts().rename("documents").to_frame()
counts["share"] = counts["documents"] / len(results)
st.dataframe(counts, column_config={"share": st.column_config.ProgressColumn("share", format="percent", min_value=0.0, max_value=1.0)})

st.subheader("Low confidence: worth a look")
threshold = st.slider(
    "Confidence below", 0.0, 1.0, 0.5, 0.01, **links.bound("classify.threshold"),
    help="Documents whose predicted label has a confidence under this value, least confident first.",
)
unsure = classify.low_confidence(prediction.confidence, threshold)
st.caption(f"{len(unsure):,} of {len(results):,} documents.")
st.dataframe(results.iloc[unsure], width="stretch", column_config={"confidence": confidence_column})

st.subheader("How good is it?")
options = [NO_COLUMN, *columns]
evaluate_column = st.selectbox(
    "Evaluate against", options, index=options.index(label_column) if label_column else 0,
    **links.bound(f"classify.evaluate.{source}"),
    help="A column holding the true labels: each method is cross-validated on its filled rows.",
)
if evaluate_column == NO_COLUMN:
    st.caption("Choose a column with the true labels to see cross-validated accuracy, a confusion matrix and the mistakes.")
    st.stop()

truth = frame[evaluate_column].tolist()
filled = np.flatnonzero(~classify.is_missing_label(truth))
true_labels = tuple(str(truth[row]).strip() for row in filled)
if len(filled) < len(truth):
    st.caption(plain(f"Scored on the {len(filled):,} rows where {evaluate_column} has a value."))
with widgets.shown_errors():
    evaluation = dict(
        cache.classify_evaluation(params_key(vectors_key, "rows-filled-in", evaluate_column), vectors[filled], true_labels, params)
    )
if method == classify.ZERO_SHOT:
    # Zero-shot is not trained, so it is scored directly; this means something only if the names match the column's values.
    evaluation[method] = classify.score(true_labels, prediction.labels[filled].astype(str), prediction.confidence[filled], method, rows=filled)

scores = pd.DataFrame(
    [{"method": classify.METHOD_NAMES[m], "accuracy": r.accuracy, "macro-F1": r.macro_f1, "folds": str(r.folds) if r.folds else "none (not trained)"}
     for m, r in evaluation.items()]
)
metric_columns = st.columns(len(evaluation))
for column, (m, r) in zip(metric_columns, evaluation.items()):
    column.metric(f"{classify.METHOD_NAMES[m]}: accuracy", f"{r.accuracy:.1%}", help=f"Macro-F1 {r.macro_f1:.3f}")
st.dataframe(scores, hide_index=True, column_config={"accuracy": st.column_config.NumberColumn(format="%.3f"),
                                                     "macro-F1": st.column_config.NumberColumn(format="%.3f")})

detail = st.selectbox("Details for", list(evaluation), index=list(evaluation).index(method),
                      format_func=classify.METHOD_NAMES.get, **links.bound("classify.detail"))
chosen = evaluation[detail]
st.altair_chart(confusion_heatmap(chosen), width="stretch")
st.caption("Rows: the true label; columns: the predicted one. The diagonal counts the documents classified right.")
wrong = chosen.misclassified.copy()
if chosen.folds:  # cross-validation numbered the filled rows from 0
    wrong["row"] = filled[wrong["row"].to_numpy()]
wrong.insert(1, "text", [texts[row] for row in wrong["row"]])
st.caption(f"{len(wrong):,} misclassified, least confident first.")
st.dataframe(wrong, hide_index=True, width="stretch", column_config={"confidence": confidence_column})
