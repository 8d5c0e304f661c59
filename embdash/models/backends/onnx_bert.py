"""BERT-style ONNX models run with onnxruntime directly (no PyTorch), tokenised with `tokenizers`.

The packages ship no tokenizer, so the all-MiniLM-L6-v2 one is used: the same uncased BERT
vocabulary all MiniLM sentence models were trained with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from embdash.models.backends.common import (
    EmbedderBase,
    embed_shortest_first,
    import_library,
    mean_pool,
    text_list,
    unit_rows,
)

# ONNX Runtime pays little per call, so small batches win: less padding to the batch's longest text.
# all-MiniLM-L6-v2 int8 on 1,000 texts, 2 cores, best of 4: 2.48 s at 8, 2.83 s at 16, 3.38 s at 64.
ONNX_BATCH_SIZE = 8


class OnnxBertEmbedder(EmbedderBase):
    """Tokenise, run the graph, mean-pool over the attention mask (unless the graph already pools), unit length."""

    def __init__(self, spec, session, tokenizer, counter, output_name: str, output_is_pooled: bool):
        super().__init__(spec)
        self._session = session
        self._tokenizer = tokenizer  # pads to the longest text of a batch, truncates at max_tokens
        self._counter = counter  # neither pads nor truncates: for count_tokens
        self._input_names = {i.name for i in session.get_inputs()}
        self._output_name = output_name
        self._output_is_pooled = output_is_pooled

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return embed_shortest_first(texts, self._encode_batch, self.spec.dim, batch_size=ONNX_BATCH_SIZE)

    def count_tokens(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._counter.encode_batch(text_list(texts))
        return np.array([len(e.ids) for e in encodings], dtype=np.int64)

    def _encode_batch(self, batch: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(batch)
        input_ids = np.array([e.ids for e in encodings], dtype=np.int64)
        attention_mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        output = self._session.run([self._output_name], feeds)[0]
        pooled = output if self._output_is_pooled else mean_pool(output, attention_mask)
        return unit_rows(pooled)


def load_onnx_bert(
    spec, onnx_path: Path, tokenizer_path: Path, output_name: str, output_is_pooled: bool,
    pad_id: int = 0, pad_token: str = "[PAD]",
):
    ort = import_library("onnxruntime", "onnxruntime==1.32.0", spec.name)
    tokenizers = import_library("tokenizers", "tokenizers==0.23.3", spec.name)
    session = ort.InferenceSession(str(onnx_path), sess_options=session_options(ort), providers=["CPUExecutionProvider"])
    return OnnxBertEmbedder(
        spec,
        session,
        tokenizer=_batch_tokenizer(tokenizers, tokenizer_path, spec.max_tokens, pad_id, pad_token),
        counter=_counting_tokenizer(tokenizers, tokenizer_path),
        output_name=output_name,
        output_is_pooled=output_is_pooled,
    )


def session_options(ort):
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: the graphs' initializer warnings mean nothing to an analyst
    # Idle worker threads sleep instead of spinning: on a shared 2-core machine spinning cost 30% of the speed.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


def _batch_tokenizer(tokenizers, path: Path, max_tokens: int | None, pad_id: int = 0, pad_token: str = "[PAD]"):
    # tokenizer.json pads every text to 128 tokens; padding to the batch's longest is the same after
    # masked pooling, and much faster for short texts.
    tokenizer = tokenizers.Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.enable_padding(pad_id=pad_id, pad_token=pad_token)
    tokenizer.no_truncation()
    if max_tokens:
        tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer


def _counting_tokenizer(tokenizers, path: Path):
    tokenizer = tokenizers.Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer
