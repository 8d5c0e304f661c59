"""sentence-transformers models from a local folder: catalogue models and custom "st:<folder in the model directory>"."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import NoReturn, Sequence

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


def load_sentence_transformer(spec, folder: Path, safetensors_only: bool = False) -> SentenceTransformerEmbedder:
    """Load a model folder (never a hub name: nothing here may reach for the network).

    No code named by the folder runs (trust_remote_code off), and weights are never unpickled freely
    (weights_only); `safetensors_only` refuses pickled weights altogether, for folders the package did not ship.
    Errors name the model, not the folder: a message may reach a visitor of the dashboard.
    """
    calm_openmp_threads()
    st = import_library("sentence_transformers", "sentence-transformers==6.2.0", spec.name)
    _hide_weight_loading_bars()
    model_kwargs = {"weights_only": True, **({"use_safetensors": True} if safetensors_only else {})}
    try:
        model = st.SentenceTransformer(str(folder), device="cpu", local_files_only=True, trust_remote_code=False,
                                       model_kwargs=model_kwargs)
    except Exception as exc:  # a broken folder raises anything from OSError to KeyError
        raise ModelError(f"Could not load the model {spec.name}: {_one_line(exc, folder)}") from exc
    dim = model.get_embedding_dimension()
    if not dim:
        raise ModelError(f"The model {spec.name} does not say its vector size; it is not a sentence embedding model.")
    return SentenceTransformerEmbedder(replace(spec, dim=int(dim), max_tokens=model.max_seq_length), model)


def _one_line(error: Exception, folder: Path) -> str:
    """The error's first line, with the folder's location on the server left out."""
    text = str(error).replace(str(folder), "the model folder").strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return first if len(first) <= 300 else first[:300] + "…"


def _hide_weight_loading_bars() -> None:
    # transformers 5 draws a "Loading weights" progress bar on stderr for every load.
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
    except ImportError:
        pass


# --- custom models: "st:<sub-folder of the operator's model folder>" --------------------------------------

#: A sentence-transformers folder holds about 15 files and folders; walking a folder stops after this many.
MAX_MODEL_FILES = 500
MAX_NAME_SHOWN = 80
CUSTOM_OFF = (
    "Custom models are off on this server. The operator can turn them on by naming a folder of "
    "sentence-transformers models in EMBDASH_MODEL_DIR; each sub-folder is then a model, loaded as st:<name>."
)


def resolve_custom(name: str, model_dir: Path | None) -> tuple[Path, str, float]:
    """(model folder, weights version, size in MB) for "st:<name>", or a ModelError of one line naming no
    server path.

    `name` is a sub-folder of `model_dir` (the operator's EMBDASH_MODEL_DIR; None: custom models are off). It is
    resolved, symbolic links included, and must stay inside `model_dir`: ".." or a link out is refused before
    anything outside is looked at. The model is never fetched from a hub.
    """
    if model_dir is None:
        raise ModelError(CUSTOM_OFF)
    name = name.strip()
    if not name:
        raise ModelError("A custom model needs the name of a folder in the model directory after 'st:', e.g. st:my-model.")
    root = _resolved(model_dir)
    if root is None or not root.is_dir():
        raise ModelError("The server's model directory (EMBDASH_MODEL_DIR) is missing; ask its operator.")
    folder = _resolved(root / name)  # an absolute name replaces the root here, and is refused just below
    if folder is None or folder == root or root not in folder.parents:
        # The name is not echoed: it may be a path on the server, and this message says nothing about it.
        raise ModelError("st: takes the name of a folder inside the server's model directory, e.g. st:my-model, not a path.")
    if not folder.is_dir():
        raise ModelError(f"No model folder named {_shown(name)} in the model directory.")
    try:
        files = model_files(folder, root)
        return folder, f"folder:{params_key(_fingerprint(folder, files))}", folder_size_mb(files)
    except OSError as error:
        _unreadable(error)


def model_files(folder: Path, root: Path) -> list[Path]:
    """The files of a model folder; ModelError if a link leads out of `root`, or after MAX_MODEL_FILES entries.

    Links are not followed into other folders (os.walk's default); a link must resolve inside `root` (a
    Hugging Face cache's snapshot links to its blobs, which are inside)."""
    files: list[Path] = []
    seen = 0
    for here, folders, names in os.walk(folder, onerror=_unreadable):
        seen += len(folders) + len(names)
        if seen > MAX_MODEL_FILES:
            raise ModelError(f"The folder {_shown(folder.name)} holds more than {MAX_MODEL_FILES} files: "
                             "it is not a sentence-transformers model.")
        for entry in [*names, *(f for f in folders if os.path.islink(os.path.join(here, f)))]:
            path = Path(here) / entry
            if path.is_symlink():
                target = _resolved(path)
                if target is None or root not in target.parents:
                    raise ModelError(f"The model folder {_shown(folder.name)} links to files outside the model directory.")
            if path.is_file():
                files.append(path)
    return files


def _fingerprint(folder: Path, files: list[Path]) -> list:
    """Changes whenever a file in the folder is replaced (names, sizes, modification times)."""
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


def folder_size_mb(files: list[Path]) -> float:
    return round(sum(p.stat().st_size for p in files) / 1e6, 1)


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte, an unreadable step
        return None


def _unreadable(error: OSError) -> NoReturn:
    raise ModelError("A file in the model folder cannot be read by the server; ask its operator.") from error


def _shown(name: str) -> str:
    """The user's own name for a model, quoted and cut short, for a one-line message."""
    one_line = " ".join(name.split())
    return repr(one_line if len(one_line) <= MAX_NAME_SHOWN else one_line[:MAX_NAME_SHOWN] + "…")
