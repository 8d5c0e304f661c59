"""sentence-transformers models from a local folder: catalogue models and custom "st:<path or hub id>"."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import numpy as np

from embdash.errors import ModelError
from embdash.hashing import params_key
from embdash.models.backends.common import (
    BATCH_SIZE,
    EmbedderBase,
    calm_openmp_threads,
    import_library,
    text_list,
)

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


class SentenceTransformerEmbedder(EmbedderBase):
    """sentence-transformers does the pooling and normalising the model's own modules.json asks for.

    `bf16`: the matrix products run under bfloat16 autocast (see embdash.models.backends.bf16); the spec
    then carries its own weights version, hence cache key."""

    def __init__(self, spec, model, bf16: bool = False):
        super().__init__(spec)
        self.model = model
        self.bf16 = bf16

    @property
    def precision(self) -> str:
        return "bf16" if self.bf16 else "fp32"

    def in_bf16(self) -> "SentenceTransformerEmbedder":
        """The same loaded model, embedding under bf16 autocast (a new embedder: this one stays float32)."""
        from embdash.models.backends.bf16 import bf16_spec

        return self if self.bf16 else SentenceTransformerEmbedder(bf16_spec(self.spec), self.model, bf16=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = text_list(texts)
        if not texts:
            return np.zeros((0, self.spec.dim), dtype=np.float32)
        # encode() sorts by length itself and restores the order. prompt="" keeps a model's configured
        # default prompt out: every model here embeds texts as they are.
        from embdash.models.backends.bf16 import autocast

        with autocast(self.bf16):
            vectors = self.model.encode(
                texts, batch_size=BATCH_SIZE, prompt="", normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def count_tokens(self, texts: Sequence[str]) -> np.ndarray:
        encoded = self.model.tokenizer(
            text_list(texts), add_special_tokens=True, truncation=False, padding=False, verbose=False
        )
        return np.array([len(ids) for ids in encoded["input_ids"]], dtype=np.int64)


def load_sentence_transformer(spec, folder: Path) -> SentenceTransformerEmbedder:
    """Load a model folder (never a hub name: nothing here may reach for the network)."""
    calm_openmp_threads()
    st = import_library("sentence_transformers", "sentence-transformers==6.2.0", spec.name)
    _hide_weight_loading_bars()
    try:
        model = st.SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as exc:  # a broken folder raises anything from OSError to KeyError
        raise ModelError(f"Could not load the sentence-transformers model in {folder}: {exc}") from exc
    dim = model.get_embedding_dimension()
    if not dim:
        raise ModelError(f"The model in {folder} does not say its vector size; it is not a sentence embedding model.")
    return SentenceTransformerEmbedder(replace(spec, dim=int(dim), max_tokens=model.max_seq_length), model)


def _hide_weight_loading_bars() -> None:
    # transformers 5 draws a "Loading weights" progress bar on stderr for every load.
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
    except ImportError:
        pass


# --- custom models: "st:<local folder or hub id>" ---------------------------------------------------------

def resolve_custom(target: str) -> tuple[Path, str]:
    """(model folder, weights version) for a custom target, or a ModelError saying why it cannot load.

    A hub id loads only from the local Hugging Face cache; it is never downloaded, so an unknown one
    fails at once instead of retrying the network for a minute.
    """
    target = target.strip()
    if not target:
        raise ModelError("A custom model needs a folder or a model name after 'st:', e.g. st:/models/my-model.")
    folder = Path(target).expanduser()
    if folder.is_dir():
        return folder.resolve(), f"folder:{folder_fingerprint(folder)}"
    if folder.exists():
        raise ModelError(f"{target} is a file; a sentence-transformers model is a folder (with modules.json or config.json).")
    if _looks_like_path(target) or not HUB_ID.match(target):
        raise ModelError(f"The folder {target} does not exist on this machine. Check the path (it is read on the server).")
    return _cached_hub_snapshot(target)


def folder_fingerprint(folder: Path) -> str:
    """A key that changes whenever a file in the folder is replaced (names, sizes, modification times)."""
    entries = sorted(
        (str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    )
    return params_key(entries)


def folder_size_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def _looks_like_path(target: str) -> bool:
    return target.startswith(("/", "./", "../", "~", "\\")) or target.count("/") > 1 or re.match(r"^[A-Za-z]:[\\/]", target) is not None


def _cached_hub_snapshot(hub_id: str) -> tuple[Path, str]:
    unreachable = ModelError(
        f"The model {hub_id} is not on this machine and the model hub cannot be reached (embdash works offline). "
        f"On a machine with internet access run SentenceTransformer('{hub_id}').save('some-folder'), "
        f"copy the folder here and use st:/path/to/some-folder."
    )
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise unreachable from None
    try:
        snapshot = Path(snapshot_download(hub_id, local_files_only=True))
    except Exception:  # LocalEntryNotFoundError, invalid names...: all mean "not here"
        raise unreachable from None
    return snapshot, f"hub:{hub_id}@{snapshot.name}"  # the snapshot folder is named by the commit
