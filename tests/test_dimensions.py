"""Keeping fewer dimensions: exact at full size, agreement measures checked against brute force."""

import numpy as np
from scipy.stats import spearmanr

from embdash.learn import dimensions
from embdash.models.catalogue import CATALOGUE, measured_speed
from tests.fakes import PlantedTopicsEmbedder, planted_texts


def fake_vectors(per_topic=15):
    texts, _ = planted_texts(n_topics=6, per_topic=per_topic)
    return PlantedTopicsEmbedder().embed(texts)


def test_reductions_are_unit_length():
    vectors = fake_vectors()
    for method in dimensions.METHODS:
        small = dimensions.reduced(vectors, method, 8)
        assert small.shape == (len(vectors), 8)
        assert np.allclose(np.linalg.norm(small, axis=1), 1, atol=1e-5)


def test_all_dimensions_keep_the_ranking_exactly():
    vectors = fake_vectors()
    d = vectors.shape[1]
    assert dimensions.neighbour_overlap(vectors, dimensions.truncate(vectors, d)) == 1.0
    assert dimensions.rank_correlation(vectors, dimensions.truncate(vectors, d)) == 1.0
    # Keeping every principal axis is a rotation: no similarity changes.
    rotated = dimensions.pca_reduce(vectors, d)
    assert np.allclose(rotated @ rotated.T, vectors @ vectors.T, atol=1e-5)


def test_truncation_loses_neighbours_as_dimensions_go():
    table = dimensions.agreement_table(fake_vectors(), k=10)
    truncated = table[table["method"] == "truncate"].sort_values("dimensions kept")
    overlaps = truncated["overlap@10"].to_numpy()
    assert np.all(np.diff(overlaps) >= -0.02)  # rises (up to sampling noise) with more dimensions
    assert overlaps[0] < 0.6 and overlaps[-1] == 1.0
    assert truncated["dimensions kept"].tolist() == [2, 4, 8, 16, 32]


def test_pca_keeps_more_than_truncation_at_few_dimensions():
    table = dimensions.agreement_table(fake_vectors(), k=10, steps=[4])
    by_method = dict(zip(table["method"], table["overlap@10"]))
    assert by_method["pca"] > by_method["truncate"]


def test_measures_agree_with_brute_force():
    rng = np.random.default_rng(5)
    full = rng.standard_normal((20, 12)).astype(np.float32)
    full /= np.linalg.norm(full, axis=1, keepdims=True)
    other = dimensions.truncate(full, 5)
    k = 3
    overlaps, rhos = [], []
    for i in range(20):
        others = [j for j in range(20) if j != i]
        near_full = set(sorted(others, key=lambda j: -float(full[i] @ full[j]))[:k])
        near_other = set(sorted(others, key=lambda j: -float(other[i] @ other[j]))[:k])
        overlaps.append(len(near_full & near_other) / k)
        rhos.append(spearmanr(full[others] @ full[i], other[others] @ other[i]).statistic)
    assert dimensions.neighbour_overlap(full, other, k) == np.mean(overlaps)
    assert abs(dimensions.rank_correlation(full, other) - np.mean(rhos)) < 1e-9


def test_sample_rows_is_seeded_sorted_and_distinct():
    rows = dimensions.sample_rows(1000, 300)
    assert len(set(rows)) == 300 and np.all(np.diff(rows) > 0)
    assert np.array_equal(rows, dimensions.sample_rows(1000, 300))
    assert dimensions.sample_rows(50, 300).tolist() == list(range(50))


def test_catalogue_table_lists_every_model():
    table = dimensions.catalogue_table()
    assert table["model"].tolist() == [spec.id for spec in CATALOGUE]
    minilm = table.set_index("model").loc["all-MiniLM-L6-v2"]
    speed = measured_speed("all-MiniLM-L6-v2")
    assert minilm["dimensions"] == "384" and minilm["texts/s"] == round(speed.texts_per_second) > 0
    assert minilm["measured on"] == f"{speed.cores} cores, {speed.cpu}, {speed.measured}"


def test_summary_reads_the_measured_numbers():
    table = dimensions.agreement_table(fake_vectors(), k=10)
    sentence = dimensions.summary(table, 10)
    row = table[(table["dimensions kept"] == 4) & (table["method"] == "truncate")].iloc[0]
    assert sentence.startswith("Keeping 4 of 32 dimensions") and f"{row['overlap@10']:.0%}" in sentence


def test_a_tiny_corpus_is_refused_plainly():
    import pytest

    with pytest.raises(dimensions.DimensionsError, match="at least three"):
        dimensions.agreement_table(np.eye(2, dtype=np.float32))
