"""The word map: parsing typed words, the 2-D layout's faithfulness, neighbours against brute force."""

import numpy as np
import pytest

from embdash.learn import wordmap
from tests.fakes import PlantedTopicsEmbedder, planted_texts


def test_free_words_are_trimmed_deduplicated_and_capped():
    assert wordmap.free_words(" sun,  moon ;\nsun, star  dust ,, ") == ["sun", "moon", "star dust"]
    assert wordmap.free_words("") == []
    with pytest.raises(wordmap.WordMapError, match="at most"):
        wordmap.free_words(",".join(f"w{i}" for i in range(wordmap.MAX_FREE_WORDS + 1)))


def test_word_table_keeps_each_word_once_in_its_first_group():
    table = wordmap.word_table({"royalty": ["king", "queen"], "your words": ["queen", "sun"]})
    assert table["word"].tolist() == ["king", "queen", "sun"]
    assert table["group"].tolist() == ["royalty", "royalty", "your words"]


def test_preset_groups_are_distinct_words():
    words = [w for group in wordmap.WORD_GROUPS.values() for w in group]
    assert len(words) == len(set(words))
    assert set(wordmap.DEFAULT_GROUPS) <= set(wordmap.WORD_GROUPS)


def test_pca_layout_of_planted_groups_is_trustworthy():
    texts, labels = planted_texts(n_topics=4, per_topic=10)
    vectors = PlantedTopicsEmbedder().embed(texts)
    result = wordmap.layout(vectors, "pca")
    assert result.coords.shape == (40, 2)
    assert result.trustworthiness >= 0.9
    # Each point's nearest neighbour on the map shares its planted group.
    nearest = wordmap.nearest_on_map(result.coords, 1)[:, 0]
    assert np.mean(labels[nearest] == labels) >= 0.95


def test_too_few_words_is_an_error_the_user_can_act_on():
    with pytest.raises(wordmap.WordMapError, match="at least three"):
        wordmap.layout(np.eye(2, dtype=np.float32), "pca")


def test_neighbours_agree_with_brute_force():
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((25, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    coords = rng.standard_normal((25, 2))
    for i in range(25):
        others = [j for j in range(25) if j != i]
        by_cosine = sorted(others, key=lambda j: -float(vectors[i] @ vectors[j]))[:4]
        by_distance = sorted(others, key=lambda j: float(np.sum((coords[i] - coords[j]) ** 2)))[:4]
        assert wordmap.nearest_in_space(vectors, 4)[i].tolist() == by_cosine
        assert wordmap.nearest_on_map(coords, 4)[i].tolist() == by_distance


def test_a_faithful_picture_keeps_every_neighbour():
    # Unit vectors in the plane drawn as themselves: cosine and distance rank alike, so nothing is lost.
    angles = 0.1 * np.arange(12) ** 1.3  # gaps that grow, so no two distances tie
    points = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    words = [f"w{i}" for i in range(12)]
    table = wordmap.neighbour_table(words, points, points, k=3)
    assert set(table["kept"]) == {"3 of 3"}
    assert table.loc[0, "nearest in the full space"] == "w1, w2, w3"


def test_real_model_places_preset_words_near_their_group():
    from embdash.models.catalogue import load_embedder

    model = load_embedder("all-MiniLM-L6-v2")
    table = wordmap.word_table({g: list(wordmap.WORD_GROUPS[g]) for g in wordmap.DEFAULT_GROUPS})
    vectors = model.embed(table["word"].tolist())
    nearest = wordmap.nearest_in_space(vectors, 1)[:, 0]
    groups = table["group"].to_numpy()
    assert np.mean(groups[nearest] == groups) >= 0.75
    assert wordmap.layout(vectors, "pca").trustworthiness > 0.5
