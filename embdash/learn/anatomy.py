"""Inside a transformer embedding model: tokens, the input embedding table, contextual outputs, pooling.

Works on the models that sentence-transformers runs with PyTorch (all-MiniLM-L6-v2, all-mpnet-base-v2
and custom st: models): their first module holds the Hugging Face transformer, whose input embedding
matrix we can read. ONNX and other backends only expose their final vectors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embdash.errors import EmbdashError
from embdash.models.catalogue import CATALOGUE

#: Catalogue models whose layers can be shown (a PyTorch transformer under sentence-transformers).
LAYER_MODEL_IDS = tuple(spec.id for spec in CATALOGUE if spec.loader == "sentence-transformers")
MAX_SENTENCE_CHARS = 300


class LayerViewError(EmbdashError):
    """The layer view cannot be drawn for this model or sentence."""


@dataclass(frozen=True)
class LayerView:
    tokens: list[str]  # the tokenizer's pieces, special tokens included
    ids: np.ndarray  # (n,) int64 token ids
    input_rows: np.ndarray  # (n, d) rows of the input embedding matrix, one per token id
    position_rows: np.ndarray | None  # (n, d) learned position embeddings added to them, if the architecture has them
    outputs: np.ndarray  # (n, d) contextual output vectors (the transformer's last hidden state)
    pooled: np.ndarray  # (d,) the sentence vector, as the model's own pooling (and normalising) makes it
    special: np.ndarray  # (n,) bool: the tokenizer's special tokens ([CLS], [SEP], <s>...), not from the text


def supports_layers(embedder) -> bool:
    """True for sentence-transformers models backed by a PyTorch transformer."""
    model = getattr(embedder, "model", None)
    try:
        return hasattr(model[0], "auto_model") and hasattr(model[0].auto_model, "get_input_embeddings")
    except (TypeError, IndexError, KeyError):
        return False


def layer_view(embedder, sentence: str) -> LayerView:
    """Run one sentence through the model, keeping every stage. The sentence is cut at the model's token limit."""
    if not supports_layers(embedder):
        raise LayerViewError(
            f"{embedder.spec.name} does not run as a PyTorch transformer here, so its embedding layer cannot be "
            f"opened. Choose one that does: {', '.join(LAYER_MODEL_IDS)} (or a custom st: model)."
        )
    sentence = sentence.strip()
    if not sentence:
        raise LayerViewError("Type a sentence to look inside the model.")
    if len(sentence) > MAX_SENTENCE_CHARS:
        raise LayerViewError(f"Keep the sentence to at most {MAX_SENTENCE_CHARS} characters so the pictures stay readable.")
    import torch

    model = embedder.model
    transformer = model[0].auto_model
    positions = _PositionRecorder(getattr(getattr(transformer, "embeddings", None), "position_embeddings", None))
    features = model.preprocess([sentence])
    with torch.no_grad(), positions:
        output = model(features)
    ids = features["input_ids"][0]
    special_ids = set(model.tokenizer.all_special_ids)
    return LayerView(
        tokens=model.tokenizer.convert_ids_to_tokens(ids.tolist()),
        ids=ids.numpy().astype(np.int64),
        input_rows=_numpy(transformer.get_input_embeddings().weight[ids]),
        position_rows=positions.rows,
        outputs=_numpy(output["token_embeddings"][0]),
        pooled=_numpy(output["sentence_embedding"][0]),
        special=np.array([int(i) in special_ids for i in ids], dtype=bool),
    )


def decode(embedder, ids) -> str:
    """The text the token ids stand for, special tokens left out (the tokenizer's normalisation applies)."""
    return embedder.model.tokenizer.decode(list(map(int, ids)), skip_special_tokens=True)


def row_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row of a with the same row of b."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def token_position(view: LayerView, token: str) -> int | None:
    """The first position of `token` (as the tokenizer spells it) in the view, or None."""
    return view.tokens.index(token) if token in view.tokens else None


def shared_tokens(view_a: LayerView, view_b: LayerView) -> list[str]:
    """Tokens of the text (special tokens left out) found in both views, in the first view's order."""
    in_b = {token for token, special in zip(view_b.tokens, view_b.special) if not special}
    return [token for token, special in dict.fromkeys(zip(view_a.tokens, view_a.special)) if not special and token in in_b]


def compare_token(view_a: LayerView, view_b: LayerView, token: str) -> dict | None:
    """Cosine between the same token's input rows, and between its contextual outputs, in two sentences."""
    i, j = token_position(view_a, token), token_position(view_b, token)
    if i is None or j is None:
        return None
    same_input = row_cosines(view_a.input_rows[[i]], view_b.input_rows[[j]])[0]
    same_output = row_cosines(view_a.outputs[[i]], view_b.outputs[[j]])[0]
    return {"input rows": float(same_input), "contextual outputs": float(same_output)}


class _PositionRecorder:
    """Keeps what the position embedding layer returned during one forward pass (whatever the architecture's
    position numbering: BERT counts from 0, MPNet from its padding index + 1)."""

    def __init__(self, layer):
        self.layer, self.rows, self._handle = layer, None, None

    def _record(self, module, inputs, output):
        self.rows = _numpy(output.reshape(-1, output.shape[-1]))

    def __enter__(self):
        if self.layer is not None:
            self._handle = self.layer.register_forward_hook(self._record)
        return self

    def __exit__(self, *exc):
        if self._handle is not None:
            self._handle.remove()


def _numpy(tensor) -> np.ndarray:
    return tensor.detach().float().cpu().numpy().astype(np.float32)
