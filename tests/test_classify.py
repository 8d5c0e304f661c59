"""Classification by examples: planted topics (fast fake embedder), and the real default model on the sample corpus."""

import numpy as np
import pytest

from embdash.tasks import classify as C
from embdash.tasks.classify import ClassifyError, ClassifyParams, Examples
from tests.fakes import PlantedTopicsEmbedder, planted_texts

# Measured on the sample corpus (480 texts, 12 categories, all-MiniLM-L6-v2, 5 folds, seed 0):
# centroid 0.904, kNN 0.860, logistic regression 0.900 accuracy (macro-F1 within 0.003 of each).
SAMPLE_MIN_ACCURACY = {"centroid": 0.85, "knn": 0.80, "logreg": 0.85}


@pytest.fixture(scope="module")
def planted():
    texts, labels = planted_texts(n_topics=6, per_topic=40)
    return PlantedTopicsEmbedder(n_topics=6).embed(texts), labels


def first_per_label(labels, n):
    return np.concatenate([np.flatnonzero(labels == label)[:n] for label in np.unique(labels)])


@pytest.mark.parametrize("method", C.METHODS)
def test_three_examples_per_topic_classify_the_rest(planted, method):
    vectors, labels = planted
    train = first_per_label(labels, 3)
    rest = np.setdiff1d(np.arange(len(labels)), train)
    prediction = C.predict(method, Examples.from_rows(vectors, train, labels[train]), vectors[rest])
    accuracy = np.mean(prediction.labels.astype(int) == labels[rest])
    assert accuracy >= 0.9, f"{method}: {accuracy:.3f}"
    assert np.all((prediction.confidence >= 0) & (prediction.confidence <= 1))


def test_centroid_is_the_closest_renormalised_mean(planted):
    vectors, labels = planted
    examples = Examples.from_rows(vectors, np.arange(0, 240, 7), labels[::7])
    prediction = C.predict_centroid(examples, vectors, ClassifyParams(temperature=0.1))
    # Brute force: every document against every label's renormalised mean.
    classes = np.unique(examples.labels)
    cosines = np.array([[v @ m / np.linalg.norm(m) for m in
                         (examples.vectors[examples.labels == c].mean(axis=0) for c in classes)] for v in vectors])
    assert list(prediction.labels) == list(classes[cosines.argmax(axis=1)])
    expected = np.exp(cosines / 0.1) / np.exp(cosines / 0.1).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(prediction.confidence, expected.max(axis=1), rtol=1e-5)


def test_knn_is_a_distance_weighted_vote_and_clips_k():
    examples = Examples.from_rows(
        np.eye(3, dtype=np.float32), [0, 1, 2], ["a", "a", "b"]
    )
    query = np.array([[0.6, 0.0, 0.8]], dtype=np.float32)  # cosine 0.6 to a0, 0 to a1, 0.8 to b
    prediction = C.predict_knn(examples, query, ClassifyParams(k=50))  # k clipped to 3
    weights = {"a": 1 / 0.4 + 1 / 1.0, "b": 1 / 0.2}
    assert prediction.labels[0] == "b"
    assert prediction.confidence[0] == pytest.approx(weights["b"] / sum(weights.values()))


def test_logreg_confidence_is_max_probability(planted):
    vectors, labels = planted
    train = first_per_label(labels, 5)
    prediction = C.predict_logreg(Examples.from_rows(vectors, train, labels[train]), vectors)
    assert np.all((prediction.confidence > 1 / 6) & (prediction.confidence <= 1))


def test_examples_need_two_labels(planted):
    vectors, labels = planted
    with pytest.raises(ClassifyError, match="at least two labels"):
        C.predict_centroid(Examples.from_rows(vectors, [0, 1], ["x", "x"]), vectors)
    with pytest.raises(ClassifyError, match="no examples"):
        C.predict_knn(Examples.from_rows(vectors, [], []), vectors)


def test_typed_and_row_examples_combine(planted):
    vectors, labels = planted
    typed = Examples.from_texts(vectors[[0, 40]], ["t0", "t1"])
    rows = Examples.from_rows(vectors, [80, 120], ["t2", "t3"])
    both = typed + rows
    assert list(both.rows) == [-1, -1, 80, 120] and list(both.labels) == ["t0", "t1", "t2", "t3"]
    assert list(C.predict_centroid(both, vectors[[1, 41, 81, 121]]).labels) == ["t0", "t1", "t2", "t3"]


def test_low_confidence_rows_sorted_ascending():
    confidence = np.array([0.9, 0.2, 0.5, 0.1, 0.5, 0.95])
    assert list(C.low_confidence(confidence, 0.6)) == [3, 1, 2, 4]
    assert list(C.low_confidence(confidence, 0.0)) == []


def test_partial_label_column(planted):
    vectors, labels = planted
    values = np.array([None] * len(labels), dtype=object)
    values[first_per_label(labels, 3)] = [f"topic {k}" for k in labels[first_per_label(labels, 3)]]
    values[5], values[6] = "  ", float("nan")  # blank and NaN cells are unlabelled too
    examples, to_predict = C.split_partial(vectors, values)
    assert len(examples) == 18 and len(to_predict) == len(labels) - 18
    assert set(examples.rows).isdisjoint(to_predict)
    prediction = C.predict_logreg(examples, vectors[to_predict])
    assert np.mean(prediction.labels == np.array([f"topic {k}" for k in labels[to_predict]])) >= 0.9


def test_evaluation_matches_a_manual_computation():
    true = ["a", "a", "b", "b", "c"]
    predicted = ["a", "b", "b", "b", "a"]
    result = C.score(true, predicted, np.array([0.9, 0.4, 0.8, 0.7, 0.3]), "manual")
    assert result.accuracy == pytest.approx(3 / 5)
    # F1 per label: a = 2·(1/2)(1/2)/(1) = 0.5; b = 2·(2/3)(1)/(5/3) = 0.8; c = 0.
    assert result.macro_f1 == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert result.confusion.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    assert result.misclassified.to_dict("list") == {
        "row": [4, 1], "true": ["c", "a"], "predicted": ["a", "b"], "confidence": [0.3, 0.4]
    }
    long = C.confusion_frame(result)
    assert long["count"].sum() == 5 and len(long) == 9


def test_cross_validation_predicts_each_row_from_other_rows(planted):
    vectors, labels = planted
    results = C.evaluate(vectors, labels, folds=5, seed=0)
    for result in results.values():
        assert result.folds == 5
        assert result.confusion.sum() == len(labels)
        assert np.trace(result.confusion) == round(result.accuracy * len(labels))
        assert len(result.misclassified) == len(labels) - np.trace(result.confusion)
        assert result.accuracy >= 0.9
    # Out-of-fold: fitted on every row, kNN matches each row to itself (distance 0) and is always right,
    # even on random labels; cross-validated, random labels score near chance (1/6).
    shuffled = np.random.default_rng(1).permutation(labels)
    in_sample = C.predict_knn(Examples.from_rows(vectors, np.arange(len(labels)), shuffled), vectors)
    assert np.all(in_sample.labels == shuffled)
    assert C.evaluate(vectors, shuffled, ["knn"])["knn"].accuracy < 0.35


def test_folds_clip_to_the_smallest_label_and_singletons_are_refused(planted):
    vectors, labels = planted
    rows = np.concatenate([np.flatnonzero(labels == 0)[:3], np.flatnonzero(labels == 1)[:10]])
    assert C.evaluate(vectors[rows], labels[rows], ["centroid"], folds=5)["centroid"].folds == 3
    rows = np.concatenate([np.flatnonzero(labels == 0)[:1], np.flatnonzero(labels == 1)[:10]])
    with pytest.raises(ClassifyError, match="only one example"):
        C.evaluate(vectors[rows], labels[rows], ["centroid"])


# ---------------------------------------------------------------------------------- real model


@pytest.fixture(scope="module")
def default_model(minilm):
    return minilm


@pytest.fixture(scope="module")
def sample(default_model):
    """The sample corpus's vectors, through the store, so the page test reads them from the cache."""
    from embdash.dataio.corpus import load_corpus, sample_corpus_path
    from embdash.dataio.store import Store
    from embdash.models.embed import embed_corpus

    corpus = load_corpus(sample_corpus_path(), text_column="text")
    vectors = embed_corpus(corpus, default_model, Store.default()).vectors
    return vectors, corpus.frame["category"].astype(str).to_numpy()


def test_zero_shot_with_the_default_model(default_model):
    names = ["sports", "cooking", "astronomy"]
    texts = [
        "I pointed my new telescope at Jupiter and saw four of its moons.",
        "Simmer the onions in butter, then add the garlic and a pinch of salt.",
        "The striker scored twice in the second half and the team won the league.",
    ]
    prediction = C.zero_shot(default_model.embed(names), names, default_model.embed(texts))
    assert list(prediction.labels) == ["astronomy", "cooking", "sports"]
    assert np.all((prediction.confidence > 1 / 3) & (prediction.confidence <= 1))
    with pytest.raises(ClassifyError):
        C.zero_shot(default_model.embed(["a"]), ["a"], default_model.embed(texts))


def test_sample_corpus_cross_validated(sample):
    vectors, labels = sample
    results = C.evaluate(vectors, labels)
    for method, minimum in SAMPLE_MIN_ACCURACY.items():
        result = results[method]
        assert result.accuracy >= minimum, f"{method}: {result.accuracy:.3f}"
        assert result.macro_f1 >= minimum - 0.02
        assert result.confusion.sum() == len(labels) == 480
        assert np.trace(result.confusion) == round(result.accuracy * 480)
        assert np.all((result.confidence >= 0) & (result.confidence <= 1))


def test_random_labels_score_near_chance(sample):
    vectors, labels = sample
    shuffled = np.random.default_rng(0).permutation(labels)
    results = C.evaluate(vectors, shuffled, ["centroid", "knn"])
    assert all(result.accuracy < 0.3 for result in results.values())  # chance is 1/12 ≈ 0.083
