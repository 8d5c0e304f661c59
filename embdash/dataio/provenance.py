"""Provenance of stored files: the JSON description kept in a parquet file's key-value metadata."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from embdash.version import VERSION

METADATA_KEY = b"embdash"


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Versions from installed package metadata: no import, so asking never loads torch."""
    versions = {}
    for package in ("numpy", "pyarrow", "pandas", "sentence-transformers", "transformers", "torch"):
        try:
            versions[package] = importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:
            pass
    return versions


def stamp() -> dict:
    """When and with what a file was made: the creation time, embdash's version and the libraries' versions."""
    return {"created": utc_now(), "embdash_version": VERSION, "library_versions": library_versions()}


def description_json(description: Any) -> bytes:
    return json.dumps(description, sort_keys=True, default=str).encode("utf-8")


def with_description(table: pa.Table, description: dict) -> pa.Table:
    """The table with `description` added to its schema metadata."""
    return table.replace_schema_metadata({**(table.schema.metadata or {}), METADATA_KEY: description_json(description)})


def description_of(schema: pa.Schema) -> dict:
    raw = (schema.metadata or {}).get(METADATA_KEY)
    if raw is None:
        raise ValueError("no embdash metadata")
    return json.loads(raw)


def read_description(path: Path) -> dict | None:
    """The description in a parquet file's footer, or None when there is none or the file is unreadable."""
    try:
        return description_of(pq.read_schema(path))
    except Exception:
        return None
