"""Universal Sentence Encoder multilingual (quantised ONNX): the graph holds its own SentencePiece tokenizer."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from embdash.models.backends.common import (
    EmbedderBase,
    embed_shortest_first,
    import_library,
    unit_rows,
)
from embdash.models.backends.onnx_bert import session_options


class UseOnnxEmbedder(EmbedderBase):
    """Raw strings in (input `inputs`), 512-d vectors out (output `outputs`), one text per run.

    The graph quantises activations dynamically (DynamicQuantizeLinear): its int8 scale is taken over
    the whole input tensor, so in a batch a text's vector shifts with its neighbours (by up to 0.008
    per component). Cached vectors must not depend on what else was embedded, so each text runs
    alone: about 3.5x slower than batches of 64, and still the fastest model after the baselines.
    """

    def __init__(self, spec, session):
        super().__init__(spec)
        self._session = session

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return embed_shortest_first(texts, self._encode_one_by_one, self.spec.dim)

    def _encode_one_by_one(self, batch: list[str]) -> np.ndarray:
        rows = [self._session.run(["outputs"], {"inputs": np.array([text], dtype=object)})[0][0] for text in batch]
        return unit_rows(np.array(rows))  # already close to unit length; make it exact


def load_use_onnx(spec, onnx_path: Path) -> UseOnnxEmbedder:
    ort = import_library("onnxruntime", "onnxruntime==1.32.0", spec.name)
    extensions = import_library("onnxruntime_extensions", "onnxruntime-extensions==0.15.2", spec.name)
    options = session_options(ort)
    options.register_custom_ops_library(extensions.get_library_path())  # the tokenizer ops live there
    session = ort.InferenceSession(str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"])
    return UseOnnxEmbedder(spec, session)
