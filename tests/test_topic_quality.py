"""Topic coherence (NPMI) and diversity: exact on hand-made corpora, equal to a brute-force count, and higher
for planted topics than for the same terms shuffled across topics."""

import math
from itertools import combinations

import numpy as np
import pytest

from embdash.pipeline.topic_quality import diversity, npmi_per_topic, topic_quality
from embdash.pipeline.topics import topic_terms
from tests.fakes import planted_texts

DOCS = ["apple banana", "apple banana pie", "cherry date", "cherry"]


def test_npmi_on_a_corpus_worked_by_hand():
    scores = npmi_per_topic(DOCS, {0: ["apple", "banana"], 1: ["apple", "cherry"], 2: ["cherry", "date"]})
    assert scores[0] == pytest.approx(1.0)  # always together
    assert scores[1] == pytest.approx(-1.0)  # never together
    # P(cherry) = 1/2, P(date) = 1/4, P(both) = 1/4: log(2) / log(4)
    assert scores[2] == pytest.approx(0.5)


def test_phrases_count_where_the_phrase_occurs():
    scores = npmi_per_topic(DOCS, {0: ["banana pie", "apple"]})
    # P(banana pie) = 1/4, P(apple) = 1/2, P(both) = 1/4
    assert scores[0] == pytest.approx(math.log(0.25 / (0.25 * 0.5)) / -math.log(0.25))


def brute_force_npmi(docs, a, b):
    words = [set(d.split()) for d in docs]
    n = len(docs)
    p_a = sum(a in w for w in words) / n
    p_b = sum(b in w for w in words) / n
    p_ab = sum(a in w and b in w for w in words) / n
    if p_ab == 0:
        return -1.0
    if p_ab == 1:
        return 1.0
    return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)


def test_agrees_with_a_brute_force_count():
    rng = np.random.default_rng(3)
    vocabulary = [f"w{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(30)]
    docs = [" ".join(rng.choice(vocabulary, size=rng.integers(1, 8))) for _ in range(200)]
    topics = {t: list(rng.choice(vocabulary, size=5, replace=False)) for t in range(6)}
    scores = npmi_per_topic(docs, topics)
    for t, words in topics.items():
        expected = np.mean([brute_force_npmi(docs, a, b) for a, b in combinations(words, 2)])
        assert scores[t] == pytest.approx(expected, abs=1e-12)


def test_planted_topics_are_more_coherent_than_their_terms_shuffled():
    texts, labels = planted_texts(n_topics=6, per_topic=40)
    terms = topic_terms(texts, labels)
    planted = topic_quality(texts, terms, n_terms=5)
    rng = np.random.default_rng(0)
    pooled = [pair for ranked in terms.values() for pair in ranked[:5]]
    order = rng.permutation(len(pooled))
    shuffled = {t: [pooled[i] for i in order[t * 5:(t + 1) * 5]] for t in range(len(terms))}
    assert planted.coherence > 0.3
    assert planted.coherence > topic_quality(texts, shuffled, n_terms=5).coherence + 0.3
    assert planted.diversity == 1.0  # planted topics share no term
    assert set(planted.per_topic) == set(terms)


def test_diversity_counts_shared_terms():
    assert diversity({0: ["a", "b"], 1: ["c", "d"]}) == 1.0
    assert diversity({0: ["a", "b"], 1: ["a", "b"], 2: ["a", "b"]}) == pytest.approx(1 / 3)
    assert diversity({}) is None


def test_no_terms_means_no_figures():
    quality = topic_quality(DOCS, {0: [], 1: [("apple", 1.0)]})
    assert quality.coherence is None and quality.per_topic == {}
    assert quality.diversity == 1.0


def test_document_presence_stays_sparse():
    # A dense documents x terms array does not fit at a million documents (8 GB for 1,000 terms as counts).
    from scipy import sparse

    from embdash.pipeline.topic_quality import document_presence

    present = document_presence(DOCS, ["apple", "banana pie", "cherry"])
    assert sparse.issparse(present)
    assert present.toarray().tolist() == [[True, False, False], [True, True, False], [False, False, True],
                                          [False, False, True]]
