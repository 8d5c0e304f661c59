"""Row filters and top-k ranking shared by exact, approximate and keyword search."""

from __future__ import annotations

import numpy as np


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest finite scores, best first, ties to the lower position.

    argpartition finds the k-th best value in O(n); every row tying with it is kept before the
    final sort, so which of several tied rows wins never depends on argpartition's order.
    """
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k < len(scores):
        threshold = scores[np.argpartition(-scores, k - 1)[k - 1]]
        candidates = np.flatnonzero(scores >= threshold)
    else:
        candidates = np.arange(len(scores))
    order = np.lexsort((candidates, -scores[candidates]))
    return candidates[order[:k]].astype(np.int64)


def allowed_rows(n: int, exclude=None, mask: np.ndarray | None = None) -> np.ndarray:
    """(n,) bool: rows a search may return."""
    allowed = np.ones(n, dtype=bool) if mask is None else np.array(mask, dtype=bool, copy=True)
    if allowed.shape != (n,):
        raise ValueError(f"The mask has shape {allowed.shape}, expected ({n},).")
    if exclude is not None and len(exclude):
        allowed[np.asarray(exclude, dtype=np.int64)] = False
    return allowed
