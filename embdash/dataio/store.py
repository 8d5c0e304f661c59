"""The parquet store: embeddings keyed by (model cache key, text sha256), corpora keyed by content.

Layout under the data directory (every file self-describing: provenance in the parquet metadata):
  embeddings/<model-slug>/part-<key>.parquet   columns text_sha256 (string), vector (fixed-size list<float32>)
  embeddings/<model-slug>@float16/part-<key>.parquet   the same with list<halffloat>, for a float16 store
  corpora/<corpus-key>.parquet                 the corpus frame; metadata: name, text column, created
  artefacts/<kind>/<key>.parquet               derived arrays (projections, labels) with their parameters
  artefacts/<kind>/<key>.json                  small derived values (topic terms, map metrics), likewise
Writes go to a temporary file in the same folder, then os.replace: a reader never sees half a file.
A part that cannot be read is moved aside (renamed *.corrupt), reported, and its vectors recomputed.

The parquet key-value metadata key "embdash" holds a JSON object describing how the file was made.
A float16 store (EMBDASH_VECTOR_DTYPE) keeps its parts in their own folders and holds its vectors as float16
in memory: the two kinds never mix, and switching the setting leaves the other kind's cache untouched.
The "last used" time of a corpus is its file's modification time (touch_corpus sets it).
With a disk quota (EMBDASH_DISK_QUOTA_MB), each write of a derived file evicts the least recently used
derived files until they fit (embdash.dataio.quota); reads record the use.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from embdash import config
from embdash.config import data_dir
from embdash.dataio import quota
from embdash.dataio.atomic import (
    disk_message,
    remove_orphan_temporaries_once,
    remove_quietly,
    write_atomically,
    write_bytes_atomically,
)
from embdash.dataio.corpus import Corpus
from embdash.dataio.provenance import (
    description_of,
    read_description,
    stamp,
    with_description,
)
from embdash.dataio.vector_parts import (
    folder_signature,
    parse_vector_dtype,
    part_dimension,
    part_files,
    read_vectors_part,
    write_vector_part,
)
from embdash.errors import CacheError, CorpusError, ModelBusy
from embdash.hashing import texts_key

MAX_PARTS = 16  # more parts than this in one model's folder get merged into one
# Matched with fullmatch: "$" alone would also accept a trailing newline.
CORPUS_KEY_RE = re.compile(r"[0-9a-f]{16}")
ARTEFACT_KIND_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
ARTEFACT_KEY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_UNSAFE_CHARS_RE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class CorpusInfo:
    key: str
    name: str
    text_column: str
    n_rows: int
    created: str  # UTC ISO time
    last_used: str  # UTC ISO time


@dataclass
class _VectorIndex:
    """Every cached vector of one model, in memory: hash -> row of `matrix`."""

    signature: tuple  # (name, mtime_ns, size) of each part file it was built from
    row_of: dict[str, int]
    matrix: np.ndarray  # (m, d) in the store's vector dtype
    parts: list[Path]


class Store:
    def __init__(self, root: Path | str, max_parts: int = MAX_PARTS, vector_dtype: str | None = None,
                 disk_quota_bytes: int | None = None):
        """`vector_dtype`: "float32" or "float16"; None reads EMBDASH_VECTOR_DTYPE (default float32).
        `disk_quota_bytes`: the most the derived files may take (None: no limit)."""
        self.root = Path(root)
        self.disk_quota_bytes = disk_quota_bytes
        self.max_parts = max_parts
        self.vector_dtype = parse_vector_dtype(config.vector_dtype() if vector_dtype is None else vector_dtype)
        self.problems: list[str] = []  # plain-English notes about damaged files; never fatal
        self._indexes: dict[str, _VectorIndex] = {}
        self._lock = threading.RLock()  # Streamlit sessions share one Store across threads
        remove_orphan_temporaries_once(self.root)  # what writers killed mid-write left behind

    @classmethod
    def default(cls, vector_dtype: str | None = None, disk_quota_bytes: int | None | str = "environment") -> "Store":
        """The store of the data folder; the disk quota from the environment unless given (None: no limit)."""
        if disk_quota_bytes == "environment":
            disk_quota_bytes = config.disk_quota_bytes()
        return cls(data_dir(), vector_dtype=vector_dtype, disk_quota_bytes=disk_quota_bytes)

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r}, vector_dtype={self.vector_dtype.name!r})"

    # ------------------------------------------------------------------ embeddings

    def embeddings_dir(self, cache_key: str) -> Path:
        # A slug never contains "@", so "<slug>@float16" cannot be another model's float32 folder.
        suffix = "" if self.vector_dtype == np.float32 else f"@{self.vector_dtype.name}"
        return self.root / "embeddings" / (slugify(cache_key) + suffix)

    def load_vectors(self, cache_key: str, hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Cached vectors for `hashes`: ((n, d) in the store's vector dtype, zero rows where missing; found mask (n,)).

        With nothing cached for this model, d is 0.
        """
        index = self._vector_index(cache_key)
        for part in index.parts:
            quota.record_use(part)
        rows = np.fromiter((index.row_of.get(h, -1) for h in hashes), dtype=np.int64, count=len(hashes))
        found = rows >= 0
        vectors = np.zeros((len(rows), index.matrix.shape[1]), dtype=self.vector_dtype)
        if found.any():
            vectors[found] = index.matrix.take(rows[found], axis=0)
        return vectors, found

    @contextlib.contextmanager
    def embedding_lock(self, cache_key: str, timeout: float | None = None):
        """Held while embedding with one model, across threads and processes sharing this store: a second
        embedder of the same texts waits, then finds them cached. The OS releases it if a process dies.
        Where no lock file can be made (a read-only disk) it does not lock: the cache is not written there.
        `timeout`: seconds to wait at most, then ModelBusy (None: as long as it takes).
        """
        from filelock import FileLock, Timeout

        folder = self.embeddings_dir(cache_key)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            lock = FileLock(folder / ".embedding.lock")
            lock.acquire(timeout=-1 if timeout is None else timeout)
        except Timeout as busy:  # before OSError: filelock's Timeout is one
            raise ModelBusy(f"Another job is embedding with {_model_name(cache_key)} (another visitor's, or a "
                            "command's on the server); try again in a minute.") from busy
        except OSError:
            yield
            return
        try:
            yield
        finally:
            lock.release()

    def save_vectors(self, cache_key: str, hashes: Sequence[str], vectors: np.ndarray, provenance: dict) -> Path:
        """Write one new part file with these vectors (rounded to the store's vector dtype).

        Raises CacheError when the disk refuses, or when a value is too large for float16.
        """
        vectors = np.asarray(vectors)
        with np.errstate(over="ignore"):  # an overflow to infinity is reported just below
            vectors = np.ascontiguousarray(vectors, dtype=self.vector_dtype)
        hashes = list(hashes)
        if vectors.ndim != 2 or vectors.shape[0] != len(hashes):
            raise ValueError(f"save_vectors needs one row per hash: {len(hashes)} hashes, vectors {vectors.shape}")
        if self.vector_dtype != np.float32 and not np.isfinite(vectors).all():
            raise CacheError(f"Some vectors are too large for a {self.vector_dtype.name} cache (beyond ±65504); "
                             f"use EMBDASH_VECTOR_DTYPE=float32 for this model.")
        folder = self.embeddings_dir(cache_key)
        description = {
            **provenance,
            "cache_key": cache_key,
            "dim": int(vectors.shape[1]),
            "dtype": self.vector_dtype.name,
            "n": len(hashes),
            **stamp(),
        }
        path = folder / f"part-{texts_key(hashes)}.parquet"
        with self._lock:
            self._set_aside_other_dimensions(cache_key, vectors.shape[1])
            write_vector_part(path, hashes, vectors, description)
            self._indexes.pop(cache_key, None)  # re-read on next load
            if len(part_files(folder)) > self.max_parts:
                path = self.compact(cache_key) or path
            self._keep_within_quota(path)
        return path

    def compact(self, cache_key: str) -> Path | None:
        """Merge all parts of one model into a single part (atomically); returns its path."""
        with self._lock:
            index = self._vector_index(cache_key)
            if len(index.parts) <= 1:
                return index.parts[0] if index.parts else None
            hashes = list(index.row_of)  # deduplicated: a hash saved twice keeps one row
            vectors = index.matrix.take(list(index.row_of.values()), axis=0)
            description = read_description(index.parts[-1]) or {}
            description.update(
                cache_key=cache_key,
                n=len(hashes),
                dim=int(vectors.shape[1]),
                dtype=self.vector_dtype.name,
                compacted_from=len(index.parts),
                **stamp(),
            )
            merged = index.parts[0].parent / f"part-{texts_key(hashes)}.parquet"
            write_vector_part(merged, hashes, vectors, description)
            # Only after the merged file is in place: a crash here leaves duplicates, never a loss.
            for part in index.parts:
                if part != merged:
                    remove_quietly(part)
            self._indexes.pop(cache_key, None)
            return merged

    def _vector_index(self, cache_key: str) -> _VectorIndex:
        folder = self.embeddings_dir(cache_key)
        with self._lock:
            signature = folder_signature(folder)
            cached = self._indexes.get(cache_key)
            if cached is not None and cached.signature == signature:
                return cached
            index = self._read_vector_index(cache_key, folder)
            self._indexes[cache_key] = index
            return index

    def _read_vector_index(self, cache_key: str, folder: Path) -> _VectorIndex:
        readable: list[tuple[Path, list[str], np.ndarray]] = []
        for part in part_files(folder):
            try:
                hashes, matrix = read_vectors_part(part, self.vector_dtype)
            except Exception as exc:  # any unreadable part is a cache miss, never a crash
                self._set_aside(part, _model_name(cache_key), exc)
                continue
            readable.append((part, hashes, matrix))

        # A part whose dimension disagrees with the majority of rows is damaged or stale.
        rows_per_dim = Counter()
        for _, hashes, matrix in readable:
            rows_per_dim[matrix.shape[1]] += len(hashes)
        dim = rows_per_dim.most_common(1)[0][0] if rows_per_dim else 0
        kept = []
        for part, hashes, matrix in readable:
            if matrix.shape[1] != dim:
                self._set_aside(part, _model_name(cache_key), ValueError(f"dimension {matrix.shape[1]}, the others have {dim}"))
            else:
                kept.append((part, hashes, matrix))

        all_hashes = [h for _, hashes, _ in kept for h in hashes]
        matrix = np.concatenate([m for _, _, m in kept]) if kept else np.zeros((0, dim), self.vector_dtype)
        row_of = {h: i for i, h in enumerate(all_hashes)}  # a hash in two parts: the later row wins
        return _VectorIndex(folder_signature(folder), row_of, matrix, [p for p, _, _ in kept])

    def _set_aside_other_dimensions(self, cache_key: str, dim: int) -> None:
        """Before saving d-dimensional vectors, move aside parts of another dimension (a changed model).

        Reads only the parts' footers, so saving stays cheap however large the cache grows.
        """
        for part in part_files(self.embeddings_dir(cache_key)):
            part_dim = part_dimension(part)
            if part_dim is not None and part_dim != dim:
                self._set_aside(part, cache_key, ValueError("stale"), note=(
                    f"Cached vectors for {_model_name(cache_key)} had dimension {part_dim} but the model now gives {dim}; "
                    f"the old cache file was set aside ({part.name}) and its vectors will be recomputed."))

    def _set_aside(self, path: Path, what: str, exc: Exception, note: str | None = None) -> None:
        try:
            os.replace(path, path.with_name(path.name + ".corrupt"))
        except OSError:
            pass  # cannot rename (read-only?): it stays unread this session, which is what matters
        self.problems.append(note or (
            f"A damaged cache file for {what} was set aside ({path.name}); its vectors will be recomputed."))

    # ------------------------------------------------------------------ corpora

    def corpus_path(self, key: str) -> Path:
        if not isinstance(key, str) or not CORPUS_KEY_RE.fullmatch(key):
            raise CorpusError(f"There is no stored corpus with key {key!r} (unknown corpus).")
        return self.root / "corpora" / f"{key}.parquet"

    def has_corpus(self, key: str) -> bool:
        try:
            return self.corpus_path(key).is_file()
        except CorpusError:
            return False

    def save_corpus(self, corpus: Corpus) -> str:
        """Store the corpus frame under its content key (once) and mark it used; returns the key."""
        path = self.corpus_path(corpus.key)
        if not path.is_file():
            description = {
                "name": corpus.name,
                "text_column": corpus.text_column,
                "key": corpus.key,
                "n_rows": len(corpus.frame),
                **stamp(),
            }
            _write_table_atomically(with_description(_frame_to_table(corpus.frame), description), path)
        self.touch_corpus(corpus.key)
        return corpus.key

    def load_corpus(self, key: str) -> Corpus:
        path = self.corpus_path(key)
        if not path.is_file():
            raise CorpusError(f"There is no stored corpus with key {key!r} (unknown corpus).")
        try:
            table = pq.read_table(path)
            description = description_of(table.schema)
            frame = table.to_pandas()
            text_column = description["text_column"]
            if text_column not in frame.columns:
                raise ValueError(f"text column {text_column!r} missing")
        except Exception as exc:
            self._set_aside(path, f"corpus {key}", exc, note=(
                f"The stored corpus {key} was damaged and was set aside ({path.name}); please upload it again."))
            raise CorpusError(f"The stored corpus {key} is damaged; please upload the file again.") from exc
        return Corpus(frame=frame, text_column=text_column, name=description.get("name", key), key=key)

    def touch_corpus(self, key: str) -> None:
        """Mark a corpus as just used (its file's modification time is its last use)."""
        path = self.corpus_path(key)
        now = time.time_ns()
        try:
            os.utime(path, ns=(now, now))
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise CacheError(disk_message(exc, path.parent)) from exc

    def list_corpora(self) -> list[CorpusInfo]:
        """Stored corpora, most recently used first."""
        folder = self.root / "corpora"
        found: list[tuple[int, CorpusInfo]] = []
        for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else []:
            if not CORPUS_KEY_RE.fullmatch(path.stem):
                continue
            try:
                mtime_ns = path.stat().st_mtime_ns
                description = description_of(pq.read_schema(path))
                info = CorpusInfo(
                    key=path.stem,
                    name=str(description.get("name", path.stem)),
                    text_column=str(description["text_column"]),
                    n_rows=int(description.get("n_rows", 0)),
                    created=str(description.get("created", "")),
                    last_used=datetime.fromtimestamp(mtime_ns / 1e9, timezone.utc).isoformat(),
                )
            except Exception as exc:
                self._set_aside(path, f"corpus {path.stem}", exc, note=(
                    f"The stored corpus {path.stem} was damaged and was set aside ({path.name})."))
                continue
            found.append((mtime_ns, info))
        found.sort(key=lambda item: item[0], reverse=True)
        return [info for _, info in found]

    # ------------------------------------------------------------------ artefacts

    def artefact_path(self, kind: str, key: str) -> Path:
        if not isinstance(kind, str) or not ARTEFACT_KIND_RE.fullmatch(kind):
            raise ValueError(f"Artefact kind {kind!r} must be lower-case letters, digits, '-' or '_'.")
        if not isinstance(key, str) or not ARTEFACT_KEY_RE.fullmatch(key):
            raise ValueError(f"Artefact key {key!r} must be letters, digits, '-' or '_' (at most 128).")
        return self.root / "artefacts" / kind / f"{key}.parquet"

    def save_array(self, kind: str, key: str, array: np.ndarray, params: dict) -> Path:
        """Store a derived array (projection, labels...) with the parameters that made it."""
        path = self.artefact_path(kind, key)
        array = np.asarray(array)
        if array.dtype == object or array.ndim == 0:
            raise ValueError("save_array needs a numeric array of at least one dimension.")
        description = {
            "kind": kind,
            "key": key,
            "shape": list(array.shape),
            "dtype": array.dtype.str,
            "params": params,
            **stamp(),
        }
        _write_table_atomically(_array_table(array, description), path)
        self._keep_within_quota(path)
        return path

    def load_array(self, kind: str, key: str) -> np.ndarray | None:
        """The stored array, or None when absent or damaged (a damaged one is set aside and noted)."""
        path = self.artefact_path(kind, key)
        if not path.is_file():
            return None
        try:
            array = _read_array(path)
        except Exception as exc:
            self._set_aside(path, kind, exc, note=(
                f"A damaged {kind} file was set aside ({path.name}); it will be recomputed."))
            return None
        quota.record_use(path)
        return array

    def load_array_params(self, kind: str, key: str) -> dict | None:
        """The parameters stored with an artefact, or None."""
        path = self.artefact_path(kind, key)
        try:
            return description_of(pq.read_schema(path)).get("params")
        except Exception:
            return None

    # ------------------------------------------------------------------ small JSON artefacts (topics, metrics)

    def json_artefact_path(self, kind: str, key: str) -> Path:
        return self.artefact_path(kind, key).with_suffix(".json")

    def save_json(self, kind: str, key: str, value: Any, params: dict) -> Path:
        """Store a small derived value (topic terms, metrics) as JSON beside its parameters and provenance.

        Floats are written with repr, so they read back bit for bit. Raises CacheError when the disk refuses.
        """
        path = self.json_artefact_path(kind, key)
        document = {
            "kind": kind,
            "key": key,
            "params": params,
            **stamp(),
            "value": value,
        }
        write_bytes_atomically(path, json.dumps(document, sort_keys=True).encode("utf-8"))
        self._keep_within_quota(path)
        return path

    def load_json(self, kind: str, key: str, decode=lambda value: value, then: str = "it will be recomputed"):
        """decode(the stored value), or None when absent or damaged (a damaged file is set aside and noted,
        with `then` saying what happens next).

        `decode` rebuilds the caller's types; if it raises, the file is treated as damaged too.
        """
        path = self.json_artefact_path(kind, key)
        if not path.is_file():
            return None
        try:
            document = json.loads(path.read_bytes())
            if document.get("kind") != kind or document.get("key") != key:
                raise ValueError("kind or key does not match the file name")
            value = decode(document["value"])
        except Exception as exc:
            self._set_aside(path, kind, exc, note=(
                f"A damaged {kind} file was set aside ({path.name}); {then}."))
            return None
        quota.record_use(path)
        return value

    # ------------------------------------------------------------------ disk quota

    def _keep_within_quota(self, written: Path) -> None:
        """After a write: evict least recently used derived files while they exceed the quota, never the
        file just written. An evicted file is computed again when next asked for."""
        if self.disk_quota_bytes is None:
            return
        with self._lock:
            quota.evict_over_quota(self.root, self.disk_quota_bytes, keep=[written])


# ---------------------------------------------------------------------- helpers


def slugify(cache_key: str) -> str:
    """A folder name for a cache key: safe characters only, plus a hash of the raw key (no collisions)."""
    safe = _UNSAFE_CHARS_RE.sub("_", cache_key).lstrip(".")[:80]
    digest = hashlib.sha256(cache_key.encode("utf-8")).hexdigest()[:10]
    return f"{safe}-{digest}" if safe else digest


def _model_name(cache_key: str) -> str:
    """The model part of a cache key ("all-MiniLM-L6-v2@<version>" -> "all-MiniLM-L6-v2"), for messages."""
    return cache_key.split("@", 1)[0] or cache_key


def _array_table(array: np.ndarray, description: dict) -> pa.Table:
    """1-D: one column "value"; 2-D: columns c0..c{k-1} (readable by anyone); else flattened."""
    if array.ndim == 1:
        columns = {"value": array}
    elif array.ndim == 2:
        columns = {f"c{i}": np.ascontiguousarray(array[:, i]) for i in range(array.shape[1])}
    else:
        columns = {"value": array.reshape(-1)}
    table = pa.table(columns)
    return with_description(table, description)


def _read_array(path: Path) -> np.ndarray:
    table = pq.read_table(path)
    description = description_of(table.schema)
    shape = tuple(int(s) for s in description["shape"])
    dtype = np.dtype(description["dtype"])
    if len(shape) == 2:
        expected = [f"c{i}" for i in range(shape[1])]
        if table.column_names != expected:
            raise ValueError("columns do not match the stored shape")
        array = np.empty(shape, dtype=dtype)
        for i, name in enumerate(expected):
            array[:, i] = table.column(name).to_numpy()
    else:
        array = table.column("value").to_numpy().astype(dtype, copy=False).reshape(shape)
    return array


def _frame_to_table(frame) -> pa.Table:
    """Arrow table of a frame; a column of mixed types (from Excel, say) is stored as text."""
    try:
        return pa.Table.from_pandas(frame)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        frame = frame.copy()
        for name in frame.columns:
            if frame[name].dtype == object:
                frame[name] = frame[name].map(lambda v: v if v is None or isinstance(v, str) else str(v))
        return pa.Table.from_pandas(frame)


def _write_table_atomically(table: pa.Table, path: Path, **write_options) -> None:
    write_atomically(path, lambda temporary: pq.write_table(table, temporary, **write_options))


