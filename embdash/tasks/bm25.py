"""Keyword search (BM25, via the bm25s package) to set beside semantic search.

BM25 only finds documents that share words with the query (English stop words removed, no stemming),
so comparing its hits with the embedding's shows what the meaning finds that the words miss.
Returns (indices, scores) like embdash.tasks.search.nearest; documents sharing no word with the query score
0 and are never returned, so fewer than k hits is normal.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from embdash.tasks.ranking import allowed_rows, top_k

STOPWORDS = "en"


class KeywordIndex:
    """A BM25 index of the texts: build once per corpus, query many times."""

    def __init__(self, texts: Sequence[str]):
        import bm25s

        self.n = len(texts)
        tokens = bm25s.tokenize([str(t) for t in texts], stopwords=STOPWORDS, show_progress=False)
        # bm25s cannot index a corpus without a single word; such a corpus matches nothing.
        self._bm25 = None
        if tokens.vocab:
            self._bm25 = bm25s.BM25()
            self._bm25.index(tokens, show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """(n,) BM25 score of every document for the query."""
        import bm25s

        words = bm25s.tokenize([query], stopwords=STOPWORDS, return_ids=False, show_progress=False)[0]
        if self._bm25 is None or not words:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(words), dtype=np.float32)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The top-k documents with a positive score, best first, ties to the lower row."""
        scores = self.scores(query)
        allowed = allowed_rows(self.n, mask=mask) & (scores > 0)
        scores = np.where(allowed, scores, -np.inf)
        rows = top_k(scores, min(k, int(allowed.sum())))
        return rows, scores[rows]


def keyword_search(
    texts: Sequence[str], query: str, k: int, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """BM25 top-k of `texts` for `query` (builds the index each call: keep a KeywordIndex to reuse it)."""
    return KeywordIndex(texts).search(query, k, mask=mask)


def overlap(a_indices: Sequence[int], b_indices: Sequence[int]) -> tuple[int, float]:
    """(documents in both lists, Jaccard index |A ∩ B| / |A ∪ B|; 0.0 when both are empty)."""
    a, b = set(map(int, a_indices)), set(map(int, b_indices))
    union = len(a | b)
    shared = len(a & b)
    return shared, (shared / union if union else 0.0)
