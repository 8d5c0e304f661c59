"""Topics against the corpus's other columns: how each topic's share moves over time, and how topics
spread across the classes of a categorical column."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Periods from the longest down: the first whose count over the data's span stays readable wins.
PERIODS = (("year", "Y"), ("quarter", "Q"), ("month", "M"), ("week", "W"), ("day", "D"))
MAX_PERIODS = 60
#: A column is a date column when at least this share of its non-blank values parse as dates.
DATE_SHARE = 0.9


def date_columns(frame: pd.DataFrame, exclude: tuple[str, ...] = ()) -> list[str]:
    """Columns holding dates: datetime dtypes, or text in which nearly every value parses as a date."""
    found = []
    for column in frame.columns:
        if column in exclude:
            continue
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            found.append(column)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            sample = values.dropna().astype(str).str.strip()
            sample = sample[sample != ""].head(500)
            # Plain numbers ("3", "2024") are counts or years far more often than dates written out.
            if len(sample) and not sample.str.fullmatch(r"[-+]?\d+(\.\d+)?").all():
                parsed = pd.to_datetime(sample, errors="coerce", utc=True, format="mixed")
                if parsed.notna().mean() >= DATE_SHARE:
                    found.append(column)
    return found


def category_columns(frame: pd.DataFrame, exclude: tuple[str, ...] = (), max_classes: int = 30) -> list[str]:
    """Columns with between 2 and `max_classes` distinct values: the ones a heatmap of topics can show."""
    return [c for c in frame.columns if c not in exclude and 2 <= frame[c].nunique(dropna=True) <= max_classes]


def as_dates(values: pd.Series) -> pd.Series:
    """Values as UTC timestamps (NaT where a value is not a date)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = values
        return dates.dt.tz_localize("UTC") if dates.dt.tz is None else dates.dt.tz_convert("UTC")
    return pd.to_datetime(values.astype(str), errors="coerce", utc=True, format="mixed")


def period_for(dates: pd.Series) -> tuple[str, str]:
    """(name, pandas frequency) of the finest period that cuts the data's span into at most MAX_PERIODS."""
    valid = dates.dropna()
    if valid.empty:
        return PERIODS[0]
    span_days = (valid.max() - valid.min()).total_seconds() / 86400
    days = {"year": 365.25, "quarter": 91.3, "month": 30.4, "week": 7.0, "day": 1.0}
    for name, freq in reversed(PERIODS):
        if span_days / days[name] <= MAX_PERIODS:
            return name, freq
    return PERIODS[0]


def topics_over_time(topics: pd.Series, dates: pd.Series) -> tuple[pd.DataFrame, str]:
    """(rows of period start, topic, documents, share of the period's documents; the period's name). Rows
    without a date are left out; every topic appears in every period (0 where it has no document)."""
    stamped = as_dates(dates)
    keep = stamped.notna().to_numpy()
    name, freq = period_for(stamped)
    periods = stamped[keep].dt.tz_localize(None).dt.to_period(freq).dt.start_time
    table = pd.crosstab(periods.to_numpy(), topics[keep].to_numpy())
    counts = table.stack().rename("documents").reset_index()
    counts.columns = ["period", "topic", "documents"]
    totals = counts.groupby("period")["documents"].transform("sum")
    counts["share"] = np.where(totals > 0, counts["documents"] / totals.where(totals > 0, 1), 0.0)
    return counts, name


def topics_by_class(topics: pd.Series, classes: pd.Series) -> pd.DataFrame:
    """Rows of class, topic, documents, share of the class's documents in that topic (each class sums to 1)."""
    keep = classes.notna().to_numpy()
    table = pd.crosstab(classes[keep].astype(str).to_numpy(), topics[keep].to_numpy())
    counts = table.stack().rename("documents").reset_index()
    counts.columns = ["class", "topic", "documents"]
    counts["share"] = counts["documents"] / counts.groupby("class")["documents"].transform("sum")
    return counts


def document_periods(dates: pd.Series) -> pd.Series:
    """Each document's period start (as topics_over_time bins them; NaT without a date)."""
    stamped = as_dates(dates)
    _, freq = period_for(stamped)
    periods = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    keep = stamped.notna()
    periods[keep] = stamped[keep].dt.tz_localize(None).dt.to_period(freq).dt.start_time
    return periods


def rows_over_time(topics: pd.Series, dates: pd.Series, picked_topics=(), period_range=None) -> np.ndarray:
    """Which documents a selection on the topics-over-time chart holds: those of the picked topics (any when
    none is picked) whose period starts within period_range (two timestamps, either order; any when None).
    All False when nothing is selected at all."""
    if not picked_topics and period_range is None:
        return np.zeros(len(topics), dtype=bool)
    keep = topics.isin(list(picked_topics)).to_numpy(copy=True) if picked_topics else np.ones(len(topics), dtype=bool)
    if period_range is not None:
        low, high = sorted(_naive(pd.Timestamp(value)) for value in period_range)
        keep &= document_periods(dates).between(low, high).to_numpy()
    return keep


def _naive(stamp: pd.Timestamp) -> pd.Timestamp:
    # Periods are naive UTC starts (see topics_over_time).
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


def rows_by_class(topics: pd.Series, classes: pd.Series, picked_cells) -> np.ndarray:
    """Which documents the picked (topic, class) cells of the topics-per-class heatmap hold."""
    keep = np.zeros(len(topics), dtype=bool)
    as_text = classes.astype(str).where(classes.notna(), None)
    for topic, name in picked_cells:
        keep |= ((topics == topic) & (as_text == str(name))).to_numpy()
    return keep
