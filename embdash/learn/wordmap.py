"""The Learn section's word map: preset word groups, their 2-D layout, and how faithful it is.

A 2-D picture of high-dimensional vectors always distorts. Next to the layout we measure how much:
the trustworthiness of the layout, and each word's nearest neighbours in the full space beside its
nearest neighbours on the picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from embdash.errors import EmbdashError
from embdash.pipeline import reduce
from embdash.pipeline.params import UmapParams

#: Preset words, grouped so that the groups can be seen forming on the map.
WORD_GROUPS: dict[str, tuple[str, ...]] = {
    "royalty": ("king", "queen", "prince", "princess", "throne", "crown"),
    "family": ("mother", "father", "sister", "brother", "daughter", "son"),
    "food": ("bread", "cheese", "apple", "pasta", "soup", "rice"),
    "animals": ("dog", "cat", "horse", "lion", "eagle", "whale"),
    "countries": ("France", "Germany", "Japan", "Brazil", "Canada", "Kenya"),
    "emotions": ("happy", "sad", "angry", "afraid", "joyful", "lonely"),
    "colours": ("red", "blue", "green", "yellow", "purple", "orange"),
    "vehicles": ("car", "bus", "train", "bicycle", "truck", "airplane"),
    "sports": ("football", "tennis", "cricket", "golf", "rugby", "swimming"),
    "numbers": ("one", "two", "three", "ten", "hundred", "thousand"),
}
DEFAULT_GROUPS = ("royalty", "family", "food", "animals", "countries", "emotions")
FREE_GROUP = "your words"
METHODS = ("pca", "umap")

MAX_FREE_WORDS = 30
MAX_WORD_CHARS = 40
#: Neighbours compared per word; trustworthiness uses the same k (reduce.trustworthiness caps it for few words).
NEIGHBOURS = 5
#: UMAP on a few dozen points needs a small neighbourhood, or every word sees every other.
WORD_UMAP_NEIGHBOURS = 8


class WordMapError(EmbdashError):
    """The word map cannot be drawn from this selection (too few words...)."""


@dataclass(frozen=True)
class WordLayout:
    coords: np.ndarray  # (n, 2) float32
    trustworthiness: float  # of the 2-D layout against the full vectors; NaN with too few words
    method: str


def free_words(text: str) -> list[str]:
    """Words typed by the user (separated by commas, semicolons or new lines), trimmed, de-duplicated, in order."""
    words: list[str] = []
    for part in re.split(r"[,;\n]+", text or ""):
        word = " ".join(part.split())[:MAX_WORD_CHARS]
        if word and word not in words:
            words.append(word)
    if len(words) > MAX_FREE_WORDS:
        raise WordMapError(f"Type at most {MAX_FREE_WORDS} words of your own (you typed {len(words)}).")
    return words


def word_table(chosen: dict[str, list[str]]) -> pd.DataFrame:
    """One row per distinct word: word and its group (a word's first group wins), in the order given."""
    rows: dict[str, str] = {}
    for group, words in chosen.items():
        for word in words:
            rows.setdefault(word, group)
    return pd.DataFrame({"word": list(rows), "group": list(rows.values())})


def known(vectors: np.ndarray) -> np.ndarray:
    """Mask of rows the model could embed: word-vector models give an unknown word a zero vector."""
    return np.linalg.norm(np.asarray(vectors, dtype=np.float32), axis=1) > 0


def layout(vectors: np.ndarray, method: str = "pca", seed: int = 42) -> WordLayout:
    """2-D layout of the words' unit vectors by PCA or UMAP (seeded), with its trustworthiness."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}.")
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(vectors) < 3:
        raise WordMapError("Pick at least three words to draw a map.")
    from threadpoolctl import threadpool_limits

    # A few dozen words are a tiny problem: OpenBLAS's threads only fight over the two busy cores.
    with threadpool_limits(limits=1, user_api="blas"):
        if method == "pca":
            coords = reduce.pca(vectors, 2)
        else:
            params = UmapParams(n_neighbors=min(WORD_UMAP_NEIGHBOURS, len(vectors) - 1), min_dist=0.3, seed=seed)
            coords = reduce.project(vectors, 2, params)
        return WordLayout(coords, reduce.trustworthiness(vectors, coords, k=NEIGHBOURS), method)


def nearest_in_space(vectors: np.ndarray, k: int = NEIGHBOURS) -> np.ndarray:
    """(n, k) rows of each row's nearest other rows by cosine similarity (ties: lower row first)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    similarities = vectors @ vectors.T
    np.fill_diagonal(similarities, -np.inf)
    return _top_k(similarities, k)


def nearest_on_map(coords: np.ndarray, k: int = NEIGHBOURS) -> np.ndarray:
    """(n, k) rows of each point's nearest other points by Euclidean distance on the map."""
    coords = np.asarray(coords, dtype=np.float64)
    distances = ((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(distances, np.inf)
    return _top_k(-distances, k)


def neighbour_table(words: list[str], vectors: np.ndarray, coords: np.ndarray, k: int = NEIGHBOURS) -> pd.DataFrame:
    """Per word: its nearest words in the full space, on the map, and how many of them agree."""
    k = min(k, len(words) - 1)
    in_space, on_map = nearest_in_space(vectors, k), nearest_on_map(coords, k)
    return pd.DataFrame(
        {
            "word": words,
            "nearest in the full space": [", ".join(words[j] for j in row) for row in in_space],
            "nearest on the map": [", ".join(words[j] for j in row) for row in on_map],
            "kept": [f"{len(set(a) & set(b))} of {k}" for a, b in zip(in_space, on_map)],
        }
    )


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    # A stable sort on -score: equal scores keep row order, so results are deterministic.
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]
