"""The auto rule for HDBSCAN's sizes: grows with the corpus, stays in bounds, yields to explicit values,
and keeps the number of topics readable on planted structure at very different corpus sizes."""

from dataclasses import asdict

import pytest

from embdash.hashing import params_key
from embdash.pipeline import cluster as clustering
from embdash.pipeline import maps, stages
from embdash.pipeline.params import AUTO, ClusterParams, MapParams, UmapParams
from tests.fakes import PlantedTopicsEmbedder, planted_texts

SIZES = [0, 1, 10, 50, 100, 300, 1_000, 2_189, 10_000, 100_000, 300_000, 10**7]


def test_defaults_are_auto():
    assert ClusterParams().min_cluster_size == AUTO
    assert ClusterParams().min_samples == AUTO


def test_rule_is_monotone_in_the_corpus_size():
    sizes = [clustering.auto_min_cluster_size(n) for n in SIZES]
    samples = [clustering.auto_min_samples(n) for n in SIZES]
    assert sizes == sorted(sizes) and samples == sorted(samples)
    assert sizes[-1] > sizes[4]  # it does grow


def test_rule_stays_in_bounds():
    for n in SIZES:
        size, samples = clustering.auto_min_cluster_size(n), clustering.auto_min_samples(n)
        assert clustering.AUTO_MIN_SIZE <= size <= clustering.AUTO_MAX_SIZE
        assert 1 <= samples <= min(size, clustering.AUTO_MAX_SAMPLES)
    assert clustering.auto_min_cluster_size(10**9) == clustering.AUTO_MAX_SIZE
    assert clustering.auto_min_cluster_size(0) == clustering.AUTO_MIN_SIZE


def test_effective_values_resolve_auto_and_still_clip_small_corpora():
    auto = ClusterParams()
    assert clustering.effective_min_cluster_size(2_189, auto) == clustering.auto_min_cluster_size(2_189)
    assert clustering.effective_min_samples(2_189, auto) == clustering.auto_min_samples(2_189)
    assert clustering.effective_min_cluster_size(12, auto) == 6  # n // 2, so two groups can still form
    assert clustering.effective_min_samples(2, auto) == 1


def test_an_explicit_value_wins_over_the_rule():
    params = ClusterParams(min_cluster_size=7, min_samples=2)
    for n in (300, 30_000, 300_000):
        assert clustering.effective_min_cluster_size(n, params) == 7
        assert clustering.effective_min_samples(n, params) == 2
    half = ClusterParams(min_cluster_size=40)  # min_samples stays auto
    assert clustering.effective_min_cluster_size(3_000, half) == 40
    assert clustering.effective_min_samples(3_000, half) == clustering.auto_min_samples(3_000)


def test_auto_note_says_what_the_rule_chose():
    size, samples = clustering.auto_min_cluster_size(2_189), clustering.auto_min_samples(2_189)
    assert clustering.auto_note(2_189, ClusterParams()) == (
        f"auto: minimum cluster size {size} and minimum samples {samples} for 2,189 documents")
    assert clustering.auto_note(2_189, ClusterParams(min_cluster_size=3)) == (
        f"auto: minimum samples {samples} for 2,189 documents")
    assert clustering.auto_note(2_189, ClusterParams(min_cluster_size=3, min_samples=2)) is None


def test_label_keys_follow_the_effective_values():
    auto, explicit = MapParams(), MapParams(cluster=ClusterParams(min_cluster_size=30, min_samples=6))
    # Two corpora (so two sizes) never share labels: the space key names the vectors.
    assert stages.stage_keys("vectors-a", "c", auto).labels != stages.stage_keys("vectors-b", "c", auto).labels
    # Auto and an explicit value never share a key, even where they resolve alike; the key names the rule.
    assert stages.stage_keys("v", "c", auto).labels != stages.stage_keys("v", "c", explicit).labels
    space = stages.stage_keys("v", "c", explicit).space
    assert stages.stage_keys("v", "c", explicit).labels == params_key("labels", space, asdict(explicit.cluster))
    assert stages.stage_keys("v", "c", auto).labels == params_key("labels", space, asdict(auto.cluster), clustering.AUTO_RULE)


@pytest.mark.parametrize("n_topics,n_docs", [(6, 300), (12, 3_000), (24, 30_000)])
def test_auto_finds_a_readable_number_of_topics_near_the_planted_count(n_topics, n_docs):
    texts, truth = planted_texts(n_topics=n_topics, per_topic=n_docs // n_topics)
    vectors = PlantedTopicsEmbedder(n_topics=n_topics).embed(texts)
    points = maps.cluster_space(vectors, UmapParams(), ClusterParams())
    labels = clustering.cluster(points, ClusterParams())
    found = clustering.n_clusters(labels)
    assert 5 <= found <= 50
    assert abs(found - n_topics) <= max(2, n_topics // 4), f"{found} clusters for {n_topics} planted topics"
    assert clustering.noise_share(labels) < 0.25


def test_map_help_documents_auto(run_cli):
    code, out, _ = run_cli("map", "--help")
    assert code == 0
    text = " ".join(out.split())  # argparse wraps lines
    assert "--cluster-min-cluster-size" in text and "--cluster-min-samples" in text
    assert "0 = auto: grows with the corpus size" in text
    assert text.count("(default 0, auto)") == 2
