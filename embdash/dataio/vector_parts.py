"""Vector part files: one parquet file per save, columns text_sha256 (string) and vector
(fixed-size list of float32 or float16), with the provenance of the vectors in the file's metadata.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from embdash import config
from embdash.dataio.atomic import write_atomically
from embdash.dataio.provenance import METADATA_KEY, description_json

# Hashes are unique (a dictionary only costs) and hex (zstd halves them); float vectors do not
# compress, and skipping it makes a warm read about a third faster.
VECTOR_PART_OPTIONS = {"use_dictionary": False, "compression": {"text_sha256": "zstd", "vector": "none"}}


def parse_vector_dtype(name) -> np.dtype:
    """float32 or float16, from a name (the setting's values) or a numpy dtype; ValueError otherwise."""
    try:
        dtype = np.dtype(name)
    except TypeError:
        dtype = None
    if dtype not in (np.dtype(np.float32), np.dtype(np.float16)):
        raise ValueError(f"vector_dtype must be one of {', '.join(config.VECTOR_DTYPES)}, got {name!r}.")
    return dtype


# Element type of the parquet vector column for each vector dtype (parquet stores halffloat natively).
ARROW_TYPES = {np.dtype(np.float32): pa.float32(), np.dtype(np.float16): pa.float16()}


def part_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.name.startswith("part-") and p.name.endswith(".parquet"))
    except FileNotFoundError:
        return []


def folder_signature(folder: Path) -> tuple:
    signature = []
    for part in part_files(folder):
        try:
            stat = part.stat()
        except FileNotFoundError:
            continue
        signature.append((part.name, stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


def part_dimension(path: Path) -> int | None:
    """The vector size declared in a part's schema; None if unreadable (the next load sets it aside)."""
    try:
        vector_type = pq.read_schema(path).field("vector").type
    except Exception:
        return None
    return vector_type.list_size if pa.types.is_fixed_size_list(vector_type) else None


def vectors_table(hashes: list[str], vectors: np.ndarray, description: dict) -> pa.Table:
    value_type = ARROW_TYPES[vectors.dtype]
    flat = pa.array(vectors.reshape(-1), type=value_type)  # zero-copy: the exact bytes
    vector_column = pa.FixedSizeListArray.from_arrays(flat, vectors.shape[1])
    schema = pa.schema(
        [("text_sha256", pa.string()), ("vector", pa.list_(value_type, vectors.shape[1]))],
        metadata={METADATA_KEY: description_json(description)},
    )
    return pa.Table.from_arrays([pa.array(hashes, type=pa.string()), vector_column], schema=schema)


def read_vectors_part(path: Path, dtype: np.dtype = np.dtype(np.float32)) -> tuple[list[str], np.ndarray]:
    """Hashes and (m, d) vectors of one part, which must hold `dtype` values; raises on anything malformed."""
    table = pq.read_table(path, columns=["text_sha256", "vector"])
    hashes_column = table.column("text_sha256")
    if not pa.types.is_string(hashes_column.type) and not pa.types.is_large_string(hashes_column.type):
        raise ValueError(f"text_sha256 has type {hashes_column.type}")
    if hashes_column.null_count:
        raise ValueError("missing hashes")
    matrix = matrix_from_list_column(table.column("vector"), dtype)
    if not np.isfinite(matrix).all():
        raise ValueError("non-finite vectors")
    return hashes_column.to_pylist(), matrix


def matrix_from_list_column(column: pa.ChunkedArray, dtype: np.dtype = np.dtype(np.float32)) -> np.ndarray:
    array = column.combine_chunks()
    if array.null_count:
        raise ValueError("missing vectors")
    if pa.types.is_fixed_size_list(array.type):
        dim = array.type.list_size
    elif pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        lengths = np.asarray(array.value_lengths())
        if len(lengths) and (lengths != lengths[0]).any():
            raise ValueError("vectors of different lengths")
        dim = int(lengths[0]) if len(lengths) else 0
    else:
        raise ValueError(f"vector has type {array.type}")
    values = array.flatten()
    if values.type != ARROW_TYPES[dtype]:  # a part of the other kind is never silently converted
        raise ValueError(f"vector values have type {values.type}, this store holds {dtype.name}")
    return values.to_numpy(zero_copy_only=False).reshape(len(array), dim)


def write_vector_part(path: Path, hashes: list[str], vectors: np.ndarray, description: dict) -> None:
    """Write one part atomically; raises CacheError when the disk refuses."""
    table = vectors_table(hashes, vectors, description)
    write_atomically(path, lambda temporary: pq.write_table(table, temporary, **VECTOR_PART_OPTIONS))
