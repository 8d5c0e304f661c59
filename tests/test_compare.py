"""Comparing models: self-comparison is exact, unrelated models score near chance, the model that sees
the planted topics wins against labels, and every number agrees with a brute-force reference."""

import hashlib
import html
import json
import math

import numpy as np
import pytest

from embdash.pipeline import cluster
from embdash.pipeline.params import ClusterParams
from embdash.tasks import compare, compare_report, search
from embdash.tasks.compare import CompareError, CompareParams, ModelRun
from tests.fakes import FAKE_SPEC, PlantedTopicsEmbedder, planted_texts


class RandomEmbedder:
    """Sees nothing: a unit vector seeded by the text's hash, so it is deterministic but unrelated to topics."""

    spec = FAKE_SPEC
    cache_key = "random@1"

    def __init__(self, salt: str = ""):
        self.salt = salt

    def embed(self, texts):
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256((self.salt + text).encode()).digest()[:8], "little")
            rows.append(np.random.default_rng(seed).standard_normal(FAKE_SPEC.dim))
        vectors = np.asarray(rows, dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def run_of(model_id, embedder, texts):
    vectors = embedder.embed(texts)
    coords = vectors[:, :2] - vectors[:, :2].mean(axis=0)  # a cheap stand-in for a UMAP map
    labels = cluster.cluster(vectors, ClusterParams(min_cluster_size=10, min_samples=5))
    cost = compare.cost_of(FAKE_SPEC, vectors, 0.0, compare.measure_speed(embedder, texts, sample=50))
    return ModelRun(model_id=model_id, name=model_id, vectors=vectors, coords=coords, clusters=labels, cost=cost)


@pytest.fixture(scope="module")
def planted():
    texts, labels = planted_texts(n_topics=6, per_topic=30)
    return texts, labels, run_of("sees-topics", PlantedTopicsEmbedder(), texts), run_of("random", RandomEmbedder(), texts)


def test_neighbours_agree_with_brute_force_search():
    vectors = RandomEmbedder().embed([f"text {i}" for i in range(300)])
    found = compare.nearest_neighbours(vectors, 7, block=64)  # several blocks
    for row in (0, 63, 64, 150, 299):
        expected, _ = search.more_like_this(vectors, row, 7)
        assert list(found[row]) == list(expected)
    assert not np.any(found == np.arange(300)[:, None])  # never its own neighbour


def test_jaccard_matches_set_arithmetic():
    a = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    b = np.array([[3, 2, 1], [4, 10, 11], [12, 13, 14]])
    assert list(compare.jaccard_overlap(a, b)) == [1.0, 1 / 5, 0.0]


def test_chance_jaccard_matches_simulation():
    n, k = 200, 10
    rng = np.random.default_rng(0)
    simulated = np.mean([
        len(set(x) & set(y)) / len(set(x) | set(y))
        for x, y in ((rng.choice(n - 1, k, replace=False), rng.choice(n - 1, k, replace=False)) for _ in range(20_000))
    ])
    assert compare.chance_jaccard(n, k) == pytest.approx(simulated, abs=0.003)


def test_sampled_pairs_are_ordered_and_cover_everything_when_small():
    i, j = compare.sampled_pairs(10, 1000)
    assert len(i) == 45 and np.all(i < j)
    i, j = compare.sampled_pairs(1000, 500, seed=3)
    assert len(i) == 500 and np.all(i < j)
    again = compare.sampled_pairs(1000, 500, seed=3)
    assert np.array_equal(i, again[0]) and np.array_equal(j, again[1])


def test_align_maps_undoes_rotation_scale_and_shift():
    rng = np.random.default_rng(0)
    base = rng.standard_normal((100, 2))
    angle = 0.7
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = 3.0 * base @ rotation + np.array([5.0, -2.0])
    aligned, disparities = compare.align_maps([base, moved, rng.standard_normal((100, 2))])
    assert np.allclose(aligned[0], aligned[1], atol=1e-5)
    assert disparities[0] == pytest.approx(0.0, abs=1e-12) and disparities[1] == pytest.approx(0.0, abs=1e-10)
    assert disparities[2] > 0.8  # an unrelated picture


def test_a_model_compared_with_itself_agrees_exactly(planted):
    texts, labels, seeing, _ = planted
    twin = ModelRun("twin", "twin", seeing.vectors.copy(), seeing.coords, seeing.clusters.copy(), seeing.cost)
    report = compare.compare([seeing, twin], texts, labels, label_column="topic")
    pair = report.pairs[0]
    assert pair.jaccard_mean == 1.0 and pair.jaccard_median == 1.0 and np.all(pair.jaccard == 1.0)
    assert pair.ari == 1.0 and pair.nmi == pytest.approx(1.0)
    assert pair.spearman == pytest.approx(1.0)
    assert report.models[1].procrustes_disparity == pytest.approx(0.0, abs=1e-10)
    assert pair.jaccard_histogram[-1] == len(texts)


def test_unrelated_random_models_score_near_chance():
    texts = [f"document number {i}" for i in range(400)]
    runs = [run_of("random-a", RandomEmbedder("a"), texts), run_of("random-b", RandomEmbedder("b"), texts)]
    report = compare.compare(runs, texts, params=CompareParams(k=10))
    pair = report.pairs[0]
    assert pair.jaccard_chance == pytest.approx(10 / 399 / (2 - 10 / 399), rel=0.1)
    assert pair.jaccard_mean < 3 * pair.jaccard_chance
    assert abs(pair.spearman) < 0.05
    assert abs(pair.ari) < 0.05
    assert "Without a label column" in report.recommendation[0]


def test_the_model_that_sees_the_topics_scores_higher_against_labels(planted):
    texts, labels, seeing, blind = planted
    report = compare.compare([blind, seeing], texts, labels, label_column="topic", params=CompareParams(k=5))
    blind_scores, seeing_scores = report.models[0].labels, report.models[1].labels
    assert seeing_scores.knn_accuracy > 0.95 and blind_scores.knn_accuracy < 0.4  # 6 topics: chance ~ 1/6
    assert seeing_scores.v_measure_kmeans > 0.9 > 0.3 > blind_scores.v_measure_kmeans
    assert seeing_scores.v_measure_hdbscan > 0.9
    assert seeing_scores.n_labels == 6 and seeing_scores.majority_accuracy == pytest.approx(1 / 6)
    assert report.recommendation[0].startswith("sees-topics separates your labels best")


def test_disagreements_are_the_lowest_overlaps_with_their_neighbours(planted):
    texts, labels, seeing, blind = planted
    report = compare.compare([seeing, blind], texts, params=CompareParams(k=5, n_disagreements=4))
    pair = report.pairs[0]
    listed = [d.jaccard for d in pair.disagreements]
    assert listed == sorted(listed) and listed[-1] <= np.sort(pair.jaccard)[4]
    first = pair.disagreements[0]
    assert first.neighbour_texts_a == [texts[r] for r in first.neighbours_a] and len(first.neighbours_b) == 5
    assert first.row not in first.neighbours_a


def test_report_serialises_to_json_with_every_number(planted):
    texts, labels, seeing, blind = planted
    report = compare.compare([seeing, blind], texts, labels, label_column="topic")
    data = json.loads(compare_report.report_json(report))
    assert {"models", "pairs", "recommendation", "params", "notes", "n_docs", "k"} <= set(data)
    model = data["models"][0]
    for name in ("dim", "size_mb", "load_seconds", "docs_per_second", "vector_bytes", "n_clusters", "noise_share",
                 "procrustes_disparity"):
        assert name in model
    assert model["vector_bytes"] == len(texts) * 32 * 4
    assert {"v_measure_hdbscan", "hdbscan_coverage", "v_measure_kmeans", "knn_accuracy"} <= set(model["labels"])
    pair = data["pairs"][0]
    assert {"jaccard_mean", "jaccard_histogram", "spearman", "ari", "nmi", "disagreements"} <= set(pair)
    assert "jaccard" not in pair and "aligned_coords" not in data
    assert sum(pair["jaccard_histogram"]) == len(texts)
    assert len(compare_report.summary_frame(report)) == 2 and len(compare_report.pairs_frame(report)) == 1


def test_labels_with_gaps_and_singletons_are_scored_on_what_can_be():
    texts, labels = planted_texts(n_topics=3, per_topic=20)
    seeing = run_of("sees", PlantedTopicsEmbedder(n_topics=3), texts)
    with_gaps = labels.astype(object)
    with_gaps[:5] = None
    with_gaps[10] = "lonely"  # seen once: left out of kNN only
    scores = compare.label_scores(seeing.vectors, seeing.clusters, with_gaps)
    assert scores.n_labelled == len(texts) - 5 and scores.n_labels == 4
    assert scores.knn_accuracy > 0.9
    with pytest.raises(CompareError, match="two different labels"):
        compare.label_scores(seeing.vectors, seeing.clusters, ["same"] * len(texts))
    with pytest.raises(CompareError, match="two different labels"):
        compare.checked_labels(["same", None, " ", "same"])


def test_model_count_and_corpus_size_are_checked(planted):
    texts, _, seeing, _ = planted
    with pytest.raises(CompareError, match="two to four"):
        compare.check_model_ids(["a", "a"])
    assert compare.check_model_ids(["a", " b", "a"]) == ["a", "b"]
    with pytest.raises(CompareError, match="two to four"):
        compare.compare([seeing], texts)


def test_likely_label_column():
    import pandas as pd

    frame = pd.DataFrame({
        "text": [f"t{i}" for i in range(40)],
        "year": [2020, 2021] * 20,
        "category": ["a", "b"] * 20,
        "id": range(40),
        "score": np.linspace(0, 1, 40),
    })
    assert compare.likely_label_column(frame, "text") == "category"
    assert compare.likely_label_column(frame[["text", "year", "id", "score"]], "text") == "year"
    assert compare.likely_label_column(frame[["text", "id", "score"]], "text") is None


def test_cost_uses_the_catalogue_when_the_load_was_not_measured():
    from embdash.models.catalogue import get_spec

    spec = get_spec("paraphrase-MiniLM-L3-v2")
    vectors = np.zeros((10, 384), np.float32)
    cost = compare.cost_of(spec, vectors, None, (100.0, 10))
    assert cost.load_source == "catalogue" and cost.load_seconds == spec.load_seconds
    assert cost.vector_bytes == 10 * 384 * 4 and cost.size_mb == spec.size_mb
    assert compare.cost_of(spec, vectors, 1.5, (100.0, 10)).load_source == "measured"


def test_real_model_against_itself_and_the_sample_labels():
    """The default model on part of the sample corpus: itself agrees exactly; it separates the written
    categories far above chance."""
    from embdash.dataio.corpus import load_corpus, sample_corpus_path
    from embdash.models.catalogue import load_embedder

    corpus = load_corpus(sample_corpus_path(), text_column="text")
    texts, labels = corpus.texts[:120], corpus.frame["category"].to_numpy()[:120]
    model, seconds = compare.timed_load(lambda: load_embedder("all-MiniLM-L6-v2"))
    vectors = model.embed(texts)
    clusters = cluster.cluster(vectors, ClusterParams(min_cluster_size=5, min_samples=3))
    cost = compare.cost_of(model.spec, vectors, seconds, compare.measure_speed(model, texts, sample=40))
    run = ModelRun("all-MiniLM-L6-v2", "MiniLM", vectors, vectors[:, :2], clusters, cost)
    twin = ModelRun("again", "MiniLM", vectors, vectors[:, :2], clusters, cost)
    report = compare.compare([run, twin], texts, labels, label_column="category")
    assert report.pairs[0].jaccard_mean == 1.0 and report.pairs[0].ari == 1.0
    scores = report.models[0].labels
    assert scores.knn_accuracy > 2 * scores.majority_accuracy
    assert report.models[0].docs_per_second > 0 and report.models[0].load_source == "measured"
    assert not math.isnan(report.pairs[0].spearman)


def test_html_report_holds_the_recommendation_and_tables_with_text_escaped(planted):
    texts, labels, seeing, blind = planted
    seeing = ModelRun(**{**seeing.__dict__, "model_id": "st:<script>alert(1)</script>"})
    report = compare.compare([seeing, blind], texts, labels, label_column="topic")
    page = compare_report.report_html(report, "Model comparison: <b>mine</b>.csv")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>mine</b>" not in page
    for sentence in report.recommendation:
        assert html.escape(sentence) in page
    assert page.count("<table") == 2


def scored_model(model_id: str, speed: float, knn: float, knn_std: float, kmeans: float, kmeans_std: float,
                 hdbscan: float) -> compare.ModelScores:
    labels = compare.LabelScores(
        n_labels=5, n_labelled=400, v_measure_hdbscan=hdbscan, hdbscan_coverage=0.8, v_measure_kmeans=kmeans,
        v_measure_kmeans_std=kmeans_std, kmeans_seeds=3, knn_accuracy=knn, knn_folds=5, knn_k=10,
        majority_accuracy=0.3, knn_accuracy_std=knn_std)
    return compare.ModelScores(model_id=model_id, name=model_id, dim=384, size_mb=90.0, load_seconds=1.0,
                               load_source="catalogue", docs_per_second=speed, speed_sample=200, vector_bytes=1,
                               n_clusters=5, noise_share=0.2, procrustes_disparity=0.1, labels=labels)


def report_of(*models) -> compare.CompareReport:
    pair = compare.PairAgreement(
        model_a=models[0].model_id, model_b=models[1].model_id, k=10, jaccard_mean=0.4, jaccard_median=0.4,
        jaccard_chance=0.01, jaccard_histogram=[], jaccard_bin_edges=[], spearman=0.8, n_pairs=100, ari=0.5, nmi=0.5,
        noise_share_a=0.2, noise_share_b=0.2, disagreements=[], jaccard=np.zeros(1))
    return compare.CompareReport(n_docs=400, k=10, label_column="section", models=list(models), pairs=[pair],
                                 recommendation=[], params={}, notes=[], context={}, aligned_coords=[])


def test_a_difference_within_the_folds_spread_is_no_clear_difference():
    report = report_of(scored_model("a", 300, 0.812, 0.02, 0.50, 0.01, 0.55),
                       scored_model("b", 900, 0.810, 0.02, 0.49, 0.01, 0.56))
    first = compare.recommend(report)[0]
    assert first.startswith("No clear difference on your labels: kNN accuracy 0.81 to 0.81 (spread up to ±0.02)")
    assert "b is the fastest here (900 texts/s)" in first


def test_a_tiny_knn_lead_does_not_outweigh_a_large_gap_in_cluster_agreement():
    # The case seen on a real corpus: 0.2 points of kNN accuracy one way, V-measure 0.61 against 0.49 the other.
    report = report_of(scored_model("knn-by-a-hair", 300, 0.612, 0.02, 0.52, 0.01, 0.49),
                       scored_model("clusters", 100, 0.610, 0.02, 0.60, 0.01, 0.61))
    sentences = compare.recommend(report)
    assert sentences[0] == ("clusters separates your labels best: ahead on k-means V-measure 0.60, HDBSCAN V-measure "
                            "0.61 (always guessing the commonest label: 30.0%). On kNN accuracy the models are within "
                            "the measured spread.")
    assert sentences[1].startswith("knn-by-a-hair is 3.0x faster but clearly behind on k-means V-measure and HDBSCAN")


def test_models_ahead_on_different_measures_are_both_named():
    report = report_of(scored_model("classifier", 300, 0.90, 0.01, 0.50, 0.01, 0.50),
                       scored_model("mapper", 300, 0.70, 0.01, 0.50, 0.01, 0.70))
    first = compare.recommend(report)[0]
    assert first.startswith("No single best model: ahead are classifier on kNN accuracy (0.90; classifying and "
                            "searching), mapper on HDBSCAN V-measure (0.70; the map's clusters)")


def test_the_fold_spread_is_measured(planted):
    texts, labels, seeing, blind = planted
    report = compare.compare([blind, seeing], texts, labels, label_column="topic", params=CompareParams(k=5))
    for model in report.models:
        assert model.labels.knn_accuracy_std is not None and 0 <= model.labels.knn_accuracy_std < 0.2
