"""What each column of a corpus holds: text, a category, a number, a date and time, or an identifier.

A CSV gives every column as strings, so the kind is read from the values: a `Time` column of timestamps is a date
and time (a range to filter on, a time scale to colour by), a `Retweet count` is a number whose heavy tail wants a
log colour scale, a `Language` column is a category, a tweet id is an identifier (nothing to colour or filter by).
Each decision looks at the non-empty values only, on a seeded sample of at most SAMPLE_ROWS rows, so a million-row
file is profiled in a fraction of a second. The user can override any kind (ColumnKinds.with_kind).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from typing import Iterable

import numpy as np
import pandas as pd

TEXT, CATEGORY, NUMBER, DATETIME, IDENTIFIER = "text", "category", "number", "date/time", "identifier"
KINDS = (TEXT, CATEGORY, NUMBER, DATETIME, IDENTIFIER)

SAMPLE_ROWS = 20_000
#: This share of the non-empty values must parse as numbers (or dates) for the column to be numbers (or dates):
#: a stray "n/a" or "unknown" does not turn a count into text.
PARSED_SHARE = 0.95
#: A column of at most this many distinct values (or this share of its rows, for large files) is a category.
CATEGORY_MAX_DISTINCT = 50
CATEGORY_MAX_SHARE = 0.05
#: Nearly every value distinct, short and without spaces: an identifier (ids, URLs, hashes), not a category.
IDENTIFIER_MIN_DISTINCT_SHARE = 0.95
#: Values of one word in at least this share, and many distinct ones: names of things (users, codes), an identifier.
ONE_WORD_SHARE = 0.8
#: A non-negative number whose largest value is this many times its 90th percentile gets a log colour scale.
HEAVY_TAIL_RATIO = 20.0

_DATE_LIKE = re.compile(r"\d{1,4}[-/.: ]\d{1,2}|[A-Za-z]{3,9}\.? \d{1,2}|\d{1,2} [A-Za-z]{3,9}")
_NUMBER_LIKE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
_URL_LIKE = re.compile(r"^(https?|ftp)://\S+$", re.IGNORECASE)
_ID_NAME = re.compile(r"(^|[\W_])(id|ids|uuid|guid|key|url|uri|link)$|^(id|uuid|guid)([\W_]|$)", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnProfile:
    """One column: its kind, how many values are missing and distinct, and for numbers and dates their range."""

    name: str
    kind: str
    missing: int
    distinct: int
    low: object = None  # numbers and dates: the smallest value
    high: object = None
    heavy_tail: bool = False  # numbers: a log colour scale shows them better

    def describe(self) -> str:
        """One line for the analyst, e.g. "date/time, 2016-01-01 to 2016-11-08, 12 missing"."""
        parts = [self.kind]
        if self.kind in (NUMBER, DATETIME) and self.low is not None:
            parts.append(f"{_short(self.low)} to {_short(self.high)}")
            if self.heavy_tail:
                parts.append("heavy tail (log scale)")
        else:
            parts.append(f"{self.distinct:,} distinct")
        if self.missing:
            parts.append(f"{self.missing:,} missing")
        return ", ".join(parts)


@dataclass(frozen=True)
class ColumnKinds:
    """The profiles of a table's columns, in its order; `overridden` names the kinds the user chose."""

    profiles: tuple[ColumnProfile, ...]
    overridden: frozenset[str] = field(default_factory=frozenset)

    def __getitem__(self, name: str) -> ColumnProfile:
        for profile in self.profiles:
            if profile.name == name:
                return profile
        raise KeyError(name)

    def kind(self, name: str) -> str:
        return self[name].kind

    def names(self, *kinds: str) -> list[str]:
        """The columns of these kinds, in the table's order."""
        return [profile.name for profile in self.profiles if profile.kind in kinds]

    def with_kind(self, name: str, kind: str, frame: pd.DataFrame) -> "ColumnKinds":
        """The same profiles, with column `name` read as `kind` (the user's choice). ValueError if no value of the
        column can be read that way (a column of words as numbers)."""
        if kind not in KINDS:
            raise ValueError(f"Unknown column kind {kind!r}; the kinds are {', '.join(KINDS)}.")
        profile = profile_column(frame[name], name, kind=kind)
        if kind in (NUMBER, DATETIME) and profile.low is None:
            raise ValueError(f"No value of {name!r} reads as a {kind}.")
        profiles = tuple(profile if p.name == name else p for p in self.profiles)
        return replace(self, profiles=profiles, overridden=self.overridden | {name})


def column_kinds(frame: pd.DataFrame, text_column: str | None = None) -> ColumnKinds:
    """Every column's profile; `text_column` (the corpus's texts) is text whatever its values look like."""
    return ColumnKinds(tuple(
        profile_column(frame[name], name, kind=TEXT if name == text_column else None) for name in frame.columns
    ))


def profile_column(column: pd.Series, name: str, kind: str | None = None) -> ColumnProfile:
    """The column's profile, its kind detected unless given."""
    present = _present(column)
    missing = len(column) - len(present)
    sample = _sample(present)
    kind = kind or detect_kind(sample, n_rows=len(column), name=name)
    distinct = int(present.astype(str).nunique()) if len(present) else 0
    if kind == NUMBER:
        values = as_numbers(present).dropna()
        if len(values):
            return ColumnProfile(name, kind, missing, distinct, _plain(values.min()), _plain(values.max()),
                                 heavy_tailed(values.to_numpy()))
    if kind == DATETIME:
        values = as_datetimes(present).dropna()
        if len(values):
            return ColumnProfile(name, kind, missing, distinct, values.min(), values.max())
    return ColumnProfile(name, kind, missing, distinct)


def detect_kind(values: pd.Series, n_rows: int | None = None, name: str = "") -> str:
    """The kind of a column from its non-empty values (a sample will do); `n_rows`: the whole column's length;
    `name`: the column's name, which tells distinct integers named "ID" from measured ones."""
    n_rows = len(values) if n_rows is None else n_rows
    if len(values) == 0:
        return CATEGORY  # nothing to read: one "missing" category
    if pd.api.types.is_bool_dtype(values.dtype):
        return CATEGORY
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return DATETIME
    numeric = pd.api.types.is_numeric_dtype(values.dtype)
    strings = values.astype(str).str.strip()
    distinct_share = strings.nunique() / len(strings)
    if numeric or _share(strings.str.fullmatch(_NUMBER_LIKE.pattern)) >= PARSED_SHARE:
        whole = as_numbers(values).dropna()
        integers = len(whole) and bool(np.all(np.mod(whole.to_numpy(dtype=float), 1) == 0))
        if integers and distinct_share >= IDENTIFIER_MIN_DISTINCT_SHARE and len(strings) >= 20 and (
                _looks_like_a_sequence(whole) or strings.str.len().median() >= 12 or _ID_NAME.search(name)):
            return IDENTIFIER  # row numbers, tweet ids: distinct integers nobody measures
        if integers and strings.nunique() <= 2:
            return CATEGORY  # 0/1 flags
        return NUMBER
    if _share(strings.str.contains(_DATE_LIKE, regex=True)) >= PARSED_SHARE and \
            as_datetimes(strings).notna().mean() >= PARSED_SHARE:
        return DATETIME
    n_distinct = strings.nunique()
    few = n_distinct <= max(CATEGORY_MAX_DISTINCT, CATEGORY_MAX_SHARE * n_rows)
    if few and distinct_share < 0.5:
        return CATEGORY
    if _share(strings.str.fullmatch(_URL_LIKE.pattern, case=False)) >= PARSED_SHARE:
        return IDENTIFIER  # links: many sources at most, never words to read
    # Mostly single words (a user name may hold a space), short: names of things, not sentences.
    one_word = _share(~strings.str.contains(r"\s", regex=True)) >= ONE_WORD_SHARE and strings.str.len().median() <= 40
    if one_word and not few:
        return IDENTIFIER  # ids, user names, hashes: too many to colour by, nothing to read
    if few:
        return CATEGORY
    return TEXT


def as_numbers(column: pd.Series) -> pd.Series:
    """The column as floats; values that are not numbers become NaN. A decimal comma is read as a point."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.astype(float)
    text = column.astype("string").str.strip()
    comma_decimal = text.str.fullmatch(r"[+-]?\d+,\d+").fillna(False)
    text = text.mask(comma_decimal, text.str.replace(",", ".", regex=False))
    return pd.to_numeric(text, errors="coerce").astype(float)


def as_datetimes(column: pd.Series) -> pd.Series:
    """The column as timestamps (timezone-naive, in UTC where the values name a zone); others become NaT."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        values = column
    else:
        text = column.astype("string")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "could not infer format": each value is then parsed on its own
            # The format of the first value, for all at once (fast); where that leaves values unread, each on its own.
            values = pd.to_datetime(text, errors="coerce", utc=True)
            if values.isna().sum() > text.fillna("").str.strip().eq("").sum():
                values = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    return values


def heavy_tailed(values: np.ndarray) -> bool:
    """Non-negative numbers whose largest is at least HEAVY_TAIL_RATIO times their 90th percentile (counts of
    retweets, followers, words): on a linear colour scale all but a few points would share one colour."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) < 10 or values.min() < 0:
        return False
    typical = np.percentile(values, 90)
    if typical == 0:  # mostly zeros: compare with the smallest value that is not
        positive = values[values > 0]
        if len(positive) == 0:
            return False
        typical = positive.min()
    return bool(values.max() >= HEAVY_TAIL_RATIO * typical)


def _present(column: pd.Series) -> pd.Series:
    present = column.dropna()
    if pd.api.types.is_object_dtype(present.dtype) or pd.api.types.is_string_dtype(present.dtype):
        present = present[present.astype(str).str.strip() != ""]
    return present


def _sample(values: pd.Series) -> pd.Series:
    if len(values) <= SAMPLE_ROWS:
        return values
    return values.sample(SAMPLE_ROWS, random_state=0)


def _share(matches: pd.Series) -> float:
    return float(matches.fillna(False).astype(bool).mean()) if len(matches) else 0.0


def _looks_like_a_sequence(values: pd.Series) -> bool:
    """Distinct integers that fill most of their range (1..n, 1000..1999): row numbers."""
    span = float(values.max() - values.min()) + 1
    return span <= 2 * len(values)


def _plain(value):
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _short(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)  # 2015 is a year more often than a count
    return str(value)


def typed(frame: pd.DataFrame, kinds: ColumnKinds) -> pd.DataFrame:
    """A copy of `frame` with its number columns as floats and its date/time columns as timestamps, as the kinds
    say; values that do not read as such become missing. Other columns are left as they are."""
    frame = frame.copy()
    for profile in kinds.profiles:
        if profile.name not in frame.columns:
            continue
        if profile.kind == NUMBER:
            frame[profile.name] = as_numbers(frame[profile.name])
        elif profile.kind == DATETIME:
            frame[profile.name] = as_datetimes(frame[profile.name])
    return frame


def kinds_table(kinds: ColumnKinds) -> pd.DataFrame:
    """The profiles as a table (column, kind, details) for the Data page and exports; a kind the user chose says
    so in its details."""
    def details(profile: ColumnProfile) -> str:
        found = profile.describe().partition(", ")[2]  # what follows the kind
        return ", ".join(filter(None, ["chosen by you" if profile.name in kinds.overridden else "", found]))

    return pd.DataFrame({
        "column": [p.name for p in kinds.profiles],
        "kind": [p.kind for p in kinds.profiles],
        "details": [details(p) for p in kinds.profiles],
    })


def kinds_lines(kinds: ColumnKinds) -> Iterable[str]:
    """One line per column, name and kind, for `embdash inspect`."""
    width = max((len(p.name) for p in kinds.profiles), default=0)
    for profile in kinds.profiles:
        yield f"  {profile.name:<{width}}  {profile.describe()}"
