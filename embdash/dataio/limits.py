"""Limits on what a file may expand to: rows, and the size of its values once read.

A small file can hold a huge table (Parquet and Excel compress repeated values almost to nothing), so the
upload's size says little. Every reader counts what it has read, as it reads, through a ReadBudget, and
stops with a one-line CorpusError as soon as a limit is passed; where the file says its size up front
(Parquet's footer, the zip directory of an .xlsx), that is checked before anything is decoded.
"""

from __future__ import annotations

from dataclasses import dataclass

from embdash.errors import CorpusError

MB = 1024 * 1024
#: What a cell costs besides its text (a pointer or a number in the frame): an estimate, not a measure.
CELL_BYTES = 8


class TableTooLarge(CorpusError):
    """The file holds more rows, or more data once read, than this server accepts."""


@dataclass(frozen=True)
class ReadLimits:
    """The most rows a table may have, and the most bytes its values may take once read."""

    max_rows: int = 1_000_000
    max_expanded_mb: int = 512

    @property
    def max_expanded_bytes(self) -> int:
        return self.max_expanded_mb * MB

    @classmethod
    def from_settings(cls, settings) -> "ReadLimits":
        """From a config.Settings (the dashboard's, which may come from st.secrets)."""
        return cls(max_rows=settings.max_rows, max_expanded_mb=settings.max_expanded_mb)

    @classmethod
    def from_environment(cls) -> "ReadLimits":
        """EMBDASH_MAX_ROWS and EMBDASH_MAX_EXPANDED_MB from the environment (the command line, notebooks)."""
        from embdash import config

        return cls(max_rows=config.setting_value("max_rows"), max_expanded_mb=config.setting_value("max_expanded_mb"))


class ReadBudget:
    """Rows and bytes read so far, against the limits; raises TableTooLarge the moment one is passed."""

    def __init__(self, limits: ReadLimits, label: str):
        self.limits = limits
        self.label = label
        self.rows = 0
        self.bytes = 0

    def add(self, rows: int, n_bytes: int) -> None:
        """Count `rows` more rows whose values take `n_bytes` once read."""
        self.rows += rows
        self.bytes += n_bytes
        if self.rows > self.limits.max_rows:
            raise too_many_rows(self.label, self.rows, self.limits, exact=False)
        if self.bytes > self.limits.max_expanded_bytes:
            raise too_much_data(self.label, self.bytes, self.limits, exact=False)

    def check_rows(self, total_rows: int) -> None:
        """A row count the file states before it is read (Parquet's footer)."""
        if total_rows > self.limits.max_rows:
            raise too_many_rows(self.label, total_rows, self.limits, exact=True)

    def check_bytes(self, at_least: int) -> None:
        """A size the values will take at least, known before reading them (footers, zip directories)."""
        if at_least > self.limits.max_expanded_bytes:
            raise too_much_data(self.label, at_least, self.limits, exact=True)


def too_many_rows(label: str, rows: int, limits: ReadLimits, exact: bool) -> TableTooLarge:
    count = f"{rows:,} rows" if exact else f"more than {limits.max_rows:,} rows"
    return TableTooLarge(
        f"{label} has {count}, over this server's limit of {limits.max_rows:,} "
        "(the setting EMBDASH_MAX_ROWS); upload a sample of its rows."
    )


def too_much_data(label: str, n_bytes: int, limits: ReadLimits, exact: bool) -> TableTooLarge:
    size = f"{n_bytes / MB:,.0f} MB" if exact else f"more than {limits.max_expanded_mb:,} MB"
    return TableTooLarge(
        f"{label} expands to {size} of data once read, over this server's limit of {limits.max_expanded_mb:,} MB "
        "(the setting EMBDASH_MAX_EXPANDED_MB); upload a sample of its rows or fewer columns."
    )
