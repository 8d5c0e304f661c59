"""Classify documents by examples: nearest centroid, k-nearest neighbours, logistic regression, zero-shot.

Everything works on `(n, d)` unit float32 vectors (the caller embeds and caches) and label arrays.
Each method returns a predicted label and a confidence in [0, 1] for every document:

- centroid and zero-shot: softmax over the cosines to each label's centre, divided by a temperature
  (0.05 by default: a cosine lead of 0.05 makes one label e ≈ 2.7 times likelier than the other);
- k-nearest neighbours: the share of the distance-weighted vote (1 / cosine distance) won by the label;
- logistic regression: the highest predicted probability.

`evaluate` cross-validates the example-based methods where a full label column exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from embdash.errors import EmbdashError
from embdash.pipeline.params import param

METHODS = ("centroid", "knn", "logreg")
ZERO_SHOT = "zero-shot"
METHOD_NAMES = {
    "centroid": "Nearest centroid",
    "knn": "k-nearest neighbours",
    "logreg": "Logistic regression",
    ZERO_SHOT: "Zero-shot (label names)",
}


class ClassifyError(EmbdashError):
    """The labels given cannot train or evaluate a classifier (too few labels or examples...)."""


@dataclass(frozen=True)
class ClassifyParams:
    k: int = param(
        10, "k-nearest neighbours: how many of the closest examples vote (fewer if there are fewer examples).",
        min=1, max=50, step=1, label="Neighbours (k)",
    )
    temperature: float = param(
        0.05, "Nearest centroid and zero-shot: how sharply a lead in cosine similarity turns into confidence. "
        "Smaller values give more confident predictions; the predicted label does not change.",
        min=0.01, max=1.0, step=0.01, label="Temperature",
    )
    regularisation: float = param(
        1.0, "Logistic regression: the inverse regularisation strength C. Larger values fit the examples more closely.",
        min=0.1, max=100.0, step=0.1, label="C (logistic regression)",
    )


@dataclass(frozen=True)
class Examples:
    """Labelled vectors to learn from; `rows` are their corpus rows, -1 for typed example texts."""

    vectors: np.ndarray  # (m, d) unit vectors
    labels: np.ndarray  # (m,) labels
    rows: np.ndarray  # (m,) int

    @classmethod
    def from_rows(cls, corpus_vectors: np.ndarray, rows: Sequence[int], labels: Sequence) -> "Examples":
        rows = np.asarray(rows, dtype=int).reshape(-1)
        return cls(corpus_vectors[rows], _label_array(labels), rows)

    @classmethod
    def from_texts(cls, text_vectors: np.ndarray, labels: Sequence) -> "Examples":
        """Typed example texts, already embedded by the caller (one vector per text)."""
        labels = _label_array(labels)
        return cls(np.asarray(text_vectors, dtype=np.float32).reshape(len(labels), -1), labels, np.full(len(labels), -1))

    def __add__(self, other: "Examples") -> "Examples":
        return Examples(
            np.vstack([self.vectors, other.vectors]),
            np.concatenate([self.labels, other.labels]),
            np.concatenate([self.rows, other.rows]),
        )

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Prediction:
    labels: np.ndarray  # (n,) predicted label per document
    confidence: np.ndarray  # (n,) in [0, 1]


@dataclass(frozen=True)
class EvalResult:
    """How predictions compare with the true labels (out-of-fold predictions when cross-validated)."""

    method: str
    accuracy: float
    macro_f1: float
    folds: int  # 0: no cross-validation (zero-shot needs no training)
    classes: np.ndarray  # order of the confusion matrix's rows (true) and columns (predicted)
    confusion: np.ndarray  # (labels, labels) counts
    misclassified: pd.DataFrame  # row, true, predicted, confidence; least confident first
    predicted: np.ndarray = field(repr=False)
    confidence: np.ndarray = field(repr=False)


def _label_array(labels: Sequence) -> np.ndarray:
    return np.asarray(list(labels), dtype=object)


def _check_examples(examples: Examples) -> np.ndarray:
    """The distinct labels, or a plain message when the examples cannot train anything."""
    if len(examples) == 0:
        raise ClassifyError("There are no examples yet: give at least one example for each of two labels.")
    classes = np.unique(examples.labels)
    if len(classes) < 2:
        raise ClassifyError(f"Only one label ({classes[0]}) has examples: give examples for at least two labels.")
    return classes


def softmax_confidence(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise softmax of scores / temperature; the max per row is the confidence."""
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    scaled = scores / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)  # no overflow
    weights = np.exp(scaled)
    return weights / weights.sum(axis=1, keepdims=True)


def centroids(examples: Examples) -> tuple[np.ndarray, np.ndarray]:
    """(classes, (labels, d) unit centres): the mean of each label's vectors, renormalised."""
    classes = _check_examples(examples)
    centres = np.stack([examples.vectors[examples.labels == c].mean(axis=0) for c in classes])
    norms = np.linalg.norm(centres, axis=1, keepdims=True)
    return classes, (centres / np.where(norms > 0, norms, 1)).astype(np.float32)


def nearest_label(vectors: np.ndarray, classes: np.ndarray, centres: np.ndarray, temperature: float) -> Prediction:
    """Each document to the closest centre by cosine; confidence from a softmax over the cosines."""
    probabilities = softmax_confidence(vectors @ centres.T, temperature)
    best = probabilities.argmax(axis=1)
    return Prediction(classes[best], probabilities[np.arange(len(best)), best])


def predict_centroid(examples: Examples, vectors: np.ndarray, params: ClassifyParams = ClassifyParams()) -> Prediction:
    classes, centres = centroids(examples)
    return nearest_label(vectors, classes, centres, params.temperature)


def predict_knn(examples: Examples, vectors: np.ndarray, params: ClassifyParams = ClassifyParams()) -> Prediction:
    """Distance-weighted vote of the k closest examples by cosine (k clipped to the number of examples).

    A document identical to an example (cosine distance 0) takes that example's label outright, as in
    scikit-learn's `weights="distance"`.
    """
    from sklearn.neighbors import KNeighborsClassifier

    _check_examples(examples)
    k = max(1, min(params.k, len(examples)))
    model = KNeighborsClassifier(n_neighbors=k, weights="distance", metric="cosine", algorithm="brute")
    model.fit(examples.vectors, examples.labels.astype(str))
    return _from_probabilities(model, vectors, examples)


def predict_logreg(examples: Examples, vectors: np.ndarray, params: ClassifyParams = ClassifyParams()) -> Prediction:
    """Logistic regression on the vectors, classes balanced so a label with few examples still counts."""
    from sklearn.linear_model import LogisticRegression

    _check_examples(examples)
    model = LogisticRegression(C=params.regularisation, class_weight="balanced", max_iter=2000)
    model.fit(examples.vectors, examples.labels.astype(str))
    return _from_probabilities(model, vectors, examples)


def _from_probabilities(model, vectors: np.ndarray, examples: Examples) -> Prediction:
    # sklearn wants one label type; map its string classes back to the original labels.
    original = {str(label): label for label in examples.labels}
    probabilities = model.predict_proba(vectors)
    best = probabilities.argmax(axis=1)
    labels = np.array([original[c] for c in model.classes_], dtype=object)[best]
    return Prediction(labels, np.clip(probabilities[np.arange(len(best)), best], 0.0, 1.0))


PREDICTORS = {"centroid": predict_centroid, "knn": predict_knn, "logreg": predict_logreg}


def predict(method: str, examples: Examples, vectors: np.ndarray, params: ClassifyParams = ClassifyParams()) -> Prediction:
    if method not in PREDICTORS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    return PREDICTORS[method](examples, vectors, params)


def zero_shot(label_vectors: np.ndarray, label_names: Sequence, vectors: np.ndarray, temperature: float = 0.05) -> Prediction:
    """Each document to the label whose name (or "name: description") embedding is closest.

    The caller embeds one text per label; confidence is the softmax over cosines, as for centroids.
    """
    names = _label_array(label_names)
    if len(names) < 2:
        raise ClassifyError("Give at least two label names to sort the documents into.")
    if len(set(names)) < len(names):
        raise ClassifyError("Each label name must be different.")
    return nearest_label(vectors, names, np.asarray(label_vectors, dtype=np.float32), temperature)


def zero_shot_text(name: str, description: str | None = None) -> str:
    """The text embedded for a label: its name, or "name: description"."""
    description = (description or "").strip()
    return f"{name.strip()}: {description}" if description else name.strip()


def low_confidence(confidence: np.ndarray, threshold: float) -> np.ndarray:
    """Rows whose confidence is below the threshold, least confident first (stable for ties)."""
    confidence = np.asarray(confidence)
    rows = np.flatnonzero(confidence < threshold)
    return rows[np.argsort(confidence[rows], kind="stable")]


def is_missing_label(values: Sequence) -> np.ndarray:
    """True where a label cell is empty: None, NaN or blank text."""
    series = pd.Series(list(values), dtype=object)
    return (series.isna() | series.map(lambda v: isinstance(v, str) and not v.strip())).to_numpy(bool)


def split_partial(vectors: np.ndarray, values: Sequence) -> tuple[Examples, np.ndarray]:
    """A partly filled label column: (the labelled rows as examples, the rows to predict)."""
    missing = is_missing_label(values)
    labelled = np.flatnonzero(~missing)
    labels = [str(v).strip() if isinstance(v, str) else v for v in np.asarray(list(values), dtype=object)[labelled]]
    return Examples.from_rows(vectors, labelled, labels), np.flatnonzero(missing)


def score(true: Sequence, predicted: Sequence, confidence: np.ndarray, method: str, folds: int = 0,
          rows: np.ndarray | None = None) -> EvalResult:
    """Accuracy, macro-F1, confusion matrix and misclassified rows of predictions against true labels."""
    from sklearn.metrics import confusion_matrix, f1_score

    true = _label_array(true).astype(str)
    predicted = _label_array(predicted).astype(str)
    confidence = np.asarray(confidence, dtype=float)
    rows = np.arange(len(true)) if rows is None else np.asarray(rows)
    classes = np.unique(np.concatenate([true, predicted]))
    wrong = np.flatnonzero(true != predicted)
    misclassified = pd.DataFrame(
        {"row": rows[wrong], "true": true[wrong], "predicted": predicted[wrong], "confidence": confidence[wrong]}
    ).sort_values("confidence", kind="stable").reset_index(drop=True)
    return EvalResult(
        method=method,
        accuracy=float(np.mean(true == predicted)) if len(true) else 0.0,
        macro_f1=float(f1_score(true, predicted, labels=classes, average="macro", zero_division=0)),
        folds=folds,
        classes=classes,
        confusion=confusion_matrix(true, predicted, labels=classes),
        misclassified=misclassified,
        predicted=predicted,
        confidence=confidence,
    )


def fold_count(labels: Sequence, folds: int) -> int:
    """Folds clipped to the smallest label's size; a label with a single example cannot be cross-validated."""
    values, counts = np.unique(_label_array(labels).astype(str), return_counts=True)
    if len(values) < 2:
        raise ClassifyError("Cross-validation needs at least two different labels in the label column.")
    singles = values[counts < 2]
    if len(singles):
        shown = ", ".join(map(str, singles[:5])) + (" …" if len(singles) > 5 else "")
        raise ClassifyError(
            f"{len(singles)} label(s) have only one example ({shown}): cross-validation needs at least two "
            "examples of every label. Merge or drop those labels, or label more rows."
        )
    return int(max(2, min(folds, counts.min())))


def fold_tests(labels: Sequence, folds: int = 5, seed: int = 0) -> list[np.ndarray]:
    """The rows each fold of `evaluate` tests on (the same stratified, seeded split), for per-fold scores."""
    from sklearn.model_selection import StratifiedKFold

    labels = _label_array(labels).astype(str)
    splitter = StratifiedKFold(n_splits=fold_count(labels, folds), shuffle=True, random_state=seed)
    return [test for _, test in splitter.split(np.zeros(len(labels)), labels)]


def evaluate(vectors: np.ndarray, labels: Sequence, methods: Sequence[str] = METHODS, folds: int = 5, seed: int = 0,
             params: ClassifyParams = ClassifyParams()) -> dict[str, EvalResult]:
    """Stratified k-fold cross-validation of each method: every row is predicted by a model that did not see it."""
    from sklearn.model_selection import StratifiedKFold

    labels = _label_array(labels).astype(str)
    n_folds = fold_count(labels, folds)
    splits = list(StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed).split(vectors, labels))
    results = {}
    for method in methods:
        predicted = np.empty(len(labels), dtype=object)
        confidence = np.empty(len(labels))
        for train, test in splits:
            fold = predict(method, Examples.from_rows(vectors, train, labels[train]), vectors[test], params)
            predicted[test], confidence[test] = fold.labels, fold.confidence
        results[method] = score(labels, predicted, confidence, method, folds=n_folds)
    return results


def confusion_frame(result: EvalResult) -> pd.DataFrame:
    """The confusion matrix in long form (true, predicted, count), for a heatmap."""
    classes = result.classes.astype(str)
    true, predicted = np.meshgrid(classes, classes, indexing="ij")
    return pd.DataFrame({"true": true.ravel(), "predicted": predicted.ravel(), "count": result.confusion.ravel()})
