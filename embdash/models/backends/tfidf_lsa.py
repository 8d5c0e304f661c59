"""TF-IDF + LSA (truncated SVD), fitted on the corpus itself: a no-weights baseline for any domain.

Its vectors depend on the texts it was fitted on, so its cache key carries a key of those texts.
A text with no word in the fitted vocabulary (empty, only stop words) gets a zero vector.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np

from embdash.errors import ModelError
from embdash.hashing import text_hash, texts_key
from embdash.models.backends.common import (
    EmbedderBase,
    import_library,
    text_list,
    unit_rows,
)

MAX_COMPONENTS = 256
MIN_TEXTS = 3
SMALL_CORPUS = 100  # below this, keep every word: dropping rare words could leave none


class TfidfLsaEmbedder(EmbedderBase):
    def __init__(self, spec, vectorizer, svd, fit_key: str):
        super().__init__(spec)
        self.fit_key = fit_key
        self._vectorizer = vectorizer
        self._svd = svd

    @property
    def cache_key(self) -> str:
        return f"{self.spec.id}@{self.spec.weights_version}@{self.fit_key}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = text_list(texts)
        if not texts:
            return np.zeros((0, self.spec.dim), dtype=np.float32)
        with one_blas_thread(self.spec.name):
            return unit_rows(self._svd.transform(self._vectorizer.transform(texts)))


def one_blas_thread(model_name: str):
    """Limit OpenBLAS to one thread: its spinning threads made a 0.1 s SVD take 10 s on a busy 2-core machine."""
    threadpoolctl = import_library("threadpoolctl", "threadpoolctl", model_name)
    return threadpoolctl.threadpool_limits(limits=1, user_api="blas")


def fit_tfidf_lsa(spec, fit_texts: Sequence[str] | None) -> TfidfLsaEmbedder:
    if fit_texts is None:
        raise ModelError(f"{spec.name} learns its vectors from the corpus: load it with the corpus texts (fit_texts).")
    texts = text_list(fit_texts)
    if len(texts) < MIN_TEXTS:
        raise ModelError(f"{spec.name} learns from the corpus and needs at least {MIN_TEXTS} texts; this one has {len(texts)}.")
    text_module = import_library("sklearn.feature_extraction.text", "scikit-learn==1.9.1", spec.name)
    decomposition = import_library("sklearn.decomposition", "scikit-learn==1.9.1", spec.name)

    small = len(texts) < SMALL_CORPUS
    vectorizer = text_module.TfidfVectorizer(
        sublinear_tf=True, stop_words="english", strip_accents="unicode",
        min_df=1 if small else 2, max_df=1.0 if small else 0.95, dtype=np.float32,
    )
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:  # "empty vocabulary": nothing but stop words, numbers of one digit, punctuation
        raise ModelError(f"{spec.name} found no words to learn from in this corpus (after removing English stop words).") from None
    n_components = min(MAX_COMPONENTS, tfidf.shape[0] - 1, tfidf.shape[1] - 1)
    if n_components < 1:
        raise ModelError(f"{spec.name} needs at least two different words in the corpus; this one has {tfidf.shape[1]}.")
    with one_blas_thread(spec.name):
        svd = decomposition.TruncatedSVD(n_components=n_components, random_state=0).fit(tfidf)
    fit_key = texts_key(text_hash(t) for t in texts)
    return TfidfLsaEmbedder(replace(spec, dim=n_components), vectorizer, svd, fit_key)
