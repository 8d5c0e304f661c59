"""GloVe word vectors averaged into text vectors: a fast, transparent baseline.

A text's vector is the mean of the vectors of its lower-cased words that GloVe knows, scaled to unit
length. A text with no known word (empty, numbers GloVe lacks, another script) gets a zero vector:
there is nothing to say about it, and a made-up direction would pretend all such texts are alike.
`unknown_texts()` tells which texts those are; their cosine similarity to anything is 0.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import numpy as np

from embdash.models.backends.common import (
    EmbedderBase,
    import_library,
    text_list,
    unit_rows,
)

WORD = re.compile(r"\w+")


class GloveEmbedder(EmbedderBase):
    def __init__(self, spec, word_vectors: np.ndarray, word_rows: dict[str, int]):
        super().__init__(spec)
        self._word_vectors = word_vectors
        self._word_rows = word_rows

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = text_list(texts)
        out = np.zeros((len(texts), self.spec.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            rows = self._known_rows(text)
            if rows:
                out[i] = self._word_vectors[rows].mean(axis=0)
        return unit_rows(out)

    def unknown_texts(self, texts: Sequence[str]) -> np.ndarray:
        """True for each text with no word GloVe knows: embed() gives those a zero vector."""
        return np.array([not self._known_rows(t) for t in text_list(texts)], dtype=bool)

    def _known_rows(self, text: str) -> list[int]:
        return [self._word_rows[w] for w in WORD.findall(text.lower()) if w in self._word_rows]


def load_glove(spec, vectors_path: Path, index_path: Path) -> GloveEmbedder:
    pd = import_library("pandas", "pandas==3.1.1", spec.name)
    words = pd.read_parquet(index_path)["index"].tolist()
    word_vectors = np.load(vectors_path)
    word_rows = {word: row for row, word in enumerate(words) if isinstance(word, str)}
    return GloveEmbedder(spec, word_vectors, word_rows)
