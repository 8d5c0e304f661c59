"""Content keys: every cached thing is named by a hash of what it was made from."""

import hashlib
import json
from typing import Any, Iterable


def text_hash(text: str) -> str:
    """sha256 of a text's UTF-8 bytes, hex. The embedding cache's key for one text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def texts_key(hashes: Iterable[str]) -> str:
    """A key for an ordered list of texts, built from their hashes (16 hex chars)."""
    digest = hashlib.sha256()
    for h in hashes:
        digest.update(h.encode("ascii"))
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def params_key(*parts: Any) -> str:
    """A key for parameters: JSON of the parts, sorted keys, hashed (16 hex chars)."""
    blob = json.dumps(parts, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]
