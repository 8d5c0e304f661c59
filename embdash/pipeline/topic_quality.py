"""How good are a map's topics? Coherence (NPMI of each topic's top terms over the corpus) and diversity.

    NPMI(a, b) = log(P(a, b) / (P(a) P(b))) / -log P(a, b)       P: share of documents containing the term(s)
A topic's coherence is the mean NPMI over pairs of its top terms: 1 when they always occur together, 0 when
they co-occur as often as chance would have it, -1 when they never meet (Bouma 2009; the document-level
variant that OCTIS and BERTopic's evaluations report). Diversity is the share of distinct terms among all
topics' top terms (Dieng et al. 2020): 1 when no two topics share a term.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from embdash.pipeline.topics import TOKEN_PATTERN, TopicTerms

#: What a reader can take from the figures (shown as help text beside them).
COHERENCE_HELP = (
    "NPMI of each topic's top terms over the corpus, averaged: how often a topic's terms occur in the same "
    "documents, beyond chance (1: always together, 0: as chance, −1: never). On articles, above 0.1 is usual for "
    "good topics. On short texts (a sentence or two) terms seldom share a document, so values run lower, often "
    "below 0: compare settings on the same corpus rather than against a fixed bar."
)
DIVERSITY_HELP = (
    "Share of distinct terms among all topics' top terms: 1.0 when no two topics share a term. Below about 0.7, "
    "several topics are told by the same words (raise the minimum cluster size, or merge them)."
)


@dataclass(frozen=True)
class TopicQuality:
    coherence: float | None  # mean NPMI over topics with two or more terms; None when there are none
    per_topic: dict[int, float]  # cluster id -> its mean NPMI
    diversity: float | None  # None without terms
    n_terms: int  # top terms per topic that were scored


def topic_quality(texts: list[str], terms: TopicTerms, n_terms: int = 10) -> TopicQuality:
    """Coherence and diversity of the topics' top `n_terms` terms, counted over the documents `texts`."""
    top = {cluster: [term for term, _ in ranked[:n_terms]] for cluster, ranked in terms.items()}
    per_topic = npmi_per_topic(texts, top)
    coherence = float(np.mean(list(per_topic.values()))) if per_topic else None
    return TopicQuality(coherence, per_topic, diversity(top), n_terms)


def npmi_per_topic(texts: list[str], top: dict[int, list[str]]) -> dict[int, float]:
    """Each topic's mean pairwise NPMI (topics with fewer than two terms are left out)."""
    vocabulary = sorted({term for words in top.values() for term in words})
    if not vocabulary:
        return {}
    present = document_presence(texts, vocabulary).astype(np.int64)
    column = {term: i for i, term in enumerate(vocabulary)}
    n_docs = max(len(texts), 1)
    # Documents holding each term, and each pair of terms: (terms x terms), small whatever the corpus size.
    together = (present.T @ present).toarray()
    scores = {}
    for cluster, words in top.items():
        pairs = list(combinations(dict.fromkeys(words), 2))
        if pairs:
            scores[cluster] = float(np.mean([
                npmi_of_counts(together[column[a], column[b]], together[column[a], column[a]],
                               together[column[b], column[b]], n_docs)
                for a, b in pairs
            ]))
    return scores


def npmi(has_a: np.ndarray, has_b: np.ndarray, n_docs: int) -> float:
    """NPMI of two terms from their per-document presence (boolean vectors)."""
    return npmi_of_counts(np.count_nonzero(has_a & has_b), np.count_nonzero(has_a), np.count_nonzero(has_b), n_docs)


def npmi_of_counts(n_both: int, n_a: int, n_b: int, n_docs: int) -> float:
    """NPMI of two terms from how many documents hold both, and each."""
    both = n_both / n_docs
    if both == 0:
        return -1.0
    p_a, p_b = n_a / n_docs, n_b / n_docs
    if both == 1.0:  # in every document: -log P(a, b) = 0, and the pair is as associated as can be
        return 1.0
    return float(np.log(both / (p_a * p_b)) / -np.log(both))


def document_presence(texts: list[str], vocabulary: list[str]):
    """(documents x terms) sparse booleans (scipy CSR): does the document hold the term (a word or phrase of
    the topic terms' own tokenisation)? Sparse, because a dense copy is documents x terms bytes, and more as
    counts: 1,000,000 documents and 1,000 terms made an 8 GB array before it was cast to booleans."""
    from sklearn.feature_extraction.text import CountVectorizer

    longest = max(len(term.split()) for term in vocabulary)
    vectorizer = CountVectorizer(vocabulary=vocabulary, ngram_range=(1, longest), token_pattern=TOKEN_PATTERN,
                                 binary=True, dtype=np.bool_)
    return vectorizer.transform(texts)


def diversity(top: dict[int, list[str]]) -> float | None:
    """Distinct terms / all terms across the topics' top lists."""
    every = [term for words in top.values() for term in words]
    return len(set(every)) / len(every) if every else None
