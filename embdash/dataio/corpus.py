"""A corpus: the texts to embed plus every other column as metadata, named by its content."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from embdash.dataio.frames import json_bytes, json_values, normalise_frame, text_values
from embdash.dataio.readers import (
    DEFAULT_MAX_BYTES,
    column_list,
    display_name,
    read_table,
)
from embdash.errors import CorpusError


@dataclass(frozen=True, eq=False)
class Corpus:
    """Rows of an uploaded table. `frame` keeps every column in the file's order; `text_column` names the texts.

    `key` is a content key (16 hex chars) of the frame's values and column names, so the same file
    uploaded twice has the same key, and any edit gives a new one. It is safe in paths and URLs.
    Build one with `make_corpus` (which normalises the frame and computes the key).
    """

    frame: pd.DataFrame
    text_column: str
    name: str  # a display name, e.g. the uploaded file's name; never used to build a path
    key: str

    @property
    def texts(self) -> list[str]:
        """The texts as strings (missing values become "")."""
        return text_values(self.frame[self.text_column])

    @property
    def metadata_columns(self) -> list[str]:
        """Every column but the text column."""
        return [c for c in self.frame.columns if c != self.text_column]

    def __len__(self) -> int:
        return len(self.frame)

    # Equality by content: a DataFrame field would make the generated __eq__ / __hash__ raise.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Corpus):
            return NotImplemented
        return (self.key, self.text_column, self.name) == (other.key, other.text_column, other.name)

    def __hash__(self) -> int:
        return hash((self.key, self.text_column, self.name))


@dataclass(frozen=True)
class QualityReport:
    """Problems an analyst should know about before embedding."""

    n_rows: int
    empty_rows: list[int]  # positions of empty / missing texts
    duplicate_rows: list[int]  # positions of texts equal to an earlier one
    too_long_rows: list[int] = field(default_factory=list)  # positions over the model's token limit (truncated)
    token_limit: int | None = None


def make_corpus(frame: pd.DataFrame, text_column: str, name: str) -> Corpus:
    """Build a Corpus, validating the text column (missing or all-empty raises CorpusError)."""
    frame = normalise_frame(frame)
    text_column = str(text_column) if text_column is not None else None
    if text_column not in frame.columns:
        columns = ", ".join(repr(c) for c in frame.columns[:12]) or "none"
        raise CorpusError(f"There is no column named {text_column!r} to use as text; the columns are {columns}.")
    if len(frame) == 0:
        raise CorpusError(f"{display_name(name)} has no rows.")
    texts = text_values(frame[text_column])
    if not any(t.strip() for t in texts):
        raise CorpusError(f"The text column {text_column!r} is empty in every row; choose another column.")
    frame[text_column] = pd.Series(texts, index=frame.index, dtype="str")
    return Corpus(frame=frame, text_column=text_column, name=name, key=corpus_key(frame, text_column))


def load_corpus(
    path_or_bytes: bytes | BinaryIO | str | os.PathLike,
    filename: str | None = None,
    text_column: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Corpus:
    """read_table + make_corpus, with the guessed text column when none is given."""
    if filename is None and isinstance(path_or_bytes, (str, os.PathLike)):
        filename = Path(path_or_bytes).name
    frame, report = read_table(path_or_bytes, filename, max_bytes=max_bytes)
    chosen = text_column if text_column is not None else report.text_column_guess
    if chosen is None:
        raise CorpusError(
            f"{display_name(filename)} has no column of text (its columns {column_list(frame)} "
            "hold only numbers, dates or blanks)."
        )
    return make_corpus(frame, chosen, name=filename or "corpus")


def quality_report(corpus: Corpus, token_counts=None, token_limit: int | None = None) -> QualityReport:
    """Empty texts, duplicates, and (given per-text token counts and the model's limit) texts that get truncated."""
    texts = corpus.texts
    empty_rows = [i for i, t in enumerate(texts) if not t.strip()]
    duplicate_rows = _duplicate_positions(texts)
    too_long_rows: list[int] = []
    if token_counts is not None and token_limit is not None:
        counts = list(token_counts)
        if len(counts) != len(texts):
            raise ValueError(f"token_counts has {len(counts)} entries but the corpus has {len(texts)} texts")
        too_long_rows = [i for i, n in enumerate(counts) if n is not None and n > token_limit]
    return QualityReport(
        n_rows=len(texts),
        empty_rows=empty_rows,
        duplicate_rows=duplicate_rows,
        too_long_rows=too_long_rows,
        token_limit=token_limit,
    )


def sample_corpus_path() -> Path:
    """Path of the bundled sample corpus (data/samples/...)."""
    return Path(__file__).resolve().parents[2] / "data" / "samples" / "sample_corpus.csv"


def corpus_key(frame: pd.DataFrame, text_column: str) -> str:
    """Content key (16 hex chars): sha256 over column names, the text column and every value as JSON.

    JSON of plain Python values is stable across pandas versions (pandas' own hashing is not).
    Missing values (None, NaN, NaT) all serialise as null.
    """
    digest = hashlib.sha256()
    digest.update(json_bytes({"text_column": str(text_column), "columns": [str(c) for c in frame.columns]}))
    for name in frame.columns:
        digest.update(b"\x1e")  # record separator: column boundaries can't be confused
        digest.update(json_bytes(json_values(frame[name])))
    return digest.hexdigest()[:16]


def _duplicate_positions(texts: list[str]) -> list[int]:
    """Positions of non-empty texts that equal an earlier text (empties are reported as empty, once)."""
    seen: set[str] = set()
    duplicates = []
    for position, text in enumerate(texts):
        if not text.strip():
            continue
        if text in seen:
            duplicates.append(position)
        else:
            seen.add(text)
    return duplicates
