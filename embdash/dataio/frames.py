"""Frame normalisation: unique string column names, columns pyarrow writes and reads back unchanged,
values as display text and as JSON-ready Python values.
"""

from __future__ import annotations

import json
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd


def normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy ready for hashing and parquet: unique string column names, a fresh index, and
    object columns that pyarrow can write (mixed types and nested values become strings; missing stays missing).
    """
    frame = frame.reset_index(drop=True).copy()
    frame.columns = unique_column_names(frame.columns)
    for name in frame.columns:
        frame[name] = _writable_column(frame[name])
    return frame


def unique_column_names(names: Sequence[Any]) -> list[str]:
    """Column names as non-empty, unique strings ("a", "a" -> "a", "a.1"; blank -> "column_3")."""
    result: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(names):
        base = "" if is_missing(name) else str(name).strip()
        base = base or f"column_{position + 1}"
        candidate, suffix = base, 1
        while candidate in seen:
            candidate, suffix = f"{base}.{suffix}", suffix + 1
        seen.add(candidate)
        result.append(candidate)
    return result


def text_values(column: pd.Series) -> list[str]:
    """A column's values as Python strings; missing values become ""."""
    if pd.api.types.is_string_dtype(column.dtype) and not column.hasnans:
        return [str(v) for v in column.tolist()]
    return [as_text(v) for v in column.tolist()]


def _writable_column(column: pd.Series) -> pd.Series:
    """Categoricals as their values; object columns as a real dtype pyarrow writes and reads back
    unchanged (so a stored corpus keeps its key): one scalar type -> that dtype, anything else -> str.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(column.cat.categories.dtype if len(column.cat.categories) else object)
    if column.dtype != object:
        return column
    values = column.tolist()
    present = [v for v in values if not is_missing(v)]
    if not present:
        return column.astype("float64")  # an all-blank column: NaN, like pandas reads it from CSV
    kinds = {_kind(v) for v in present}
    if kinds == {"int", "number"}:
        kinds = {"number"}  # 1 and 2.5 together are floats, as pandas would read them
    typed = _typed_column(column, kinds.pop()) if len(kinds) == 1 else None
    if typed is not None:
        return typed
    return pd.Series([None if is_missing(v) else as_text(v) for v in values], index=column.index, dtype="str")


def _typed_column(column: pd.Series, kind: str) -> pd.Series | None:
    """The column in the dtype its single kind of value calls for; None when that fails."""
    try:
        if kind == "str":
            return column.astype("str")
        if kind == "bool":
            return column.astype("boolean")
        if kind == "int":
            return column.astype("Int64")  # nullable: ints with gaps stay ints through parquet
        if kind == "number":
            return pd.to_numeric(column).astype("float64")
        if kind == "datetime":
            return pd.to_datetime(column)
    except (ValueError, TypeError, OverflowError):
        return None
    return None


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return "str"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "number"
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "isoformat"):
        return "datetime"
    if isinstance(value, (list, tuple, dict, set, np.ndarray)):
        return "nested"
    if isinstance(value, (bytes, bytearray)):
        return "bytes"
    return "other"


def as_text(value: Any) -> str:
    """One value as display text: missing -> "", integral floats without ".0", nested as JSON."""
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, np.ndarray):
        return json.dumps(value.tolist(), ensure_ascii=False, default=str)
    return str(value)


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return False


def json_values(column: pd.Series) -> list:
    """A column as JSON-ready Python values, missing as None (vectorised: keys of big corpora are quick)."""
    values = column.tolist()  # numpy scalars become Python ints, floats, bools
    missing = column.isna()
    if missing.any():
        values = [None if gone else v for v, gone in zip(values, missing.tolist())]
    if column.dtype == object:
        values = [v.item() if isinstance(v, np.generic) else v for v in values]
    return values


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str, allow_nan=True).encode("utf-8")
