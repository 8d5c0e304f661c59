"""A corpus: the texts to embed plus every other column as metadata, named by its content."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

import pandas as pd


@dataclass(frozen=True)
class Corpus:
    """Rows of an uploaded table. `frame` keeps every column in the file's order; `text_column` names the texts.

    `key` is a content key (16 hex chars) of the frame's values and column names, so the same file
    uploaded twice has the same key, and any edit gives a new one. It is safe in paths and URLs.
    """

    frame: pd.DataFrame
    text_column: str
    name: str  # a display name, e.g. the uploaded file's name; never used to build a path
    key: str

    @property
    def texts(self) -> list[str]:
        """The texts as strings (missing values become "")."""
        raise NotImplementedError

    @property
    def metadata_columns(self) -> list[str]:
        """Every column but the text column."""
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class LoadReport:
    """What the loader detected, for the Data page to show."""

    format: str  # csv, tsv, excel, parquet, jsonl, text
    encoding: str | None  # utf-8, utf-8-sig, utf-16, latin-1; None for binary formats
    delimiter: str | None
    n_rows: int
    columns: list[str]
    text_column_guess: str | None


@dataclass(frozen=True)
class QualityReport:
    """Problems an analyst should know about before embedding."""

    n_rows: int
    empty_rows: list[int]  # positions of empty / missing texts
    duplicate_rows: list[int]  # positions of texts equal to an earlier one
    too_long_rows: list[int] = field(default_factory=list)  # positions over the model's token limit (truncated)
    token_limit: int | None = None


def read_table(data: bytes | BinaryIO, filename: str) -> tuple[pd.DataFrame, LoadReport]:
    """Read an uploaded file (CSV, TSV, Excel, Parquet, JSON Lines, plain text) into a frame.

    Detects encoding and delimiter. Raises CorpusError with a plain message for anything unreadable.
    """
    raise NotImplementedError


def guess_text_column(frame: pd.DataFrame) -> str | None:
    """The likeliest text column: string-typed, mostly non-empty, longest mean length, most distinct."""
    raise NotImplementedError


def make_corpus(frame: pd.DataFrame, text_column: str, name: str) -> Corpus:
    """Build a Corpus, validating the text column (missing or all-empty raises CorpusError)."""
    raise NotImplementedError


def load_corpus(path_or_bytes, filename: str | None = None, text_column: str | None = None) -> Corpus:
    """read_table + make_corpus, with the guessed text column when none is given."""
    raise NotImplementedError


def quality_report(corpus: Corpus, token_counts=None, token_limit: int | None = None) -> QualityReport:
    """Empty texts, duplicates, and (given per-text token counts and the model's limit) texts that get truncated."""
    raise NotImplementedError


def sample_corpus_path():
    """Path of the bundled sample corpus (data/samples/...)."""
    raise NotImplementedError
