"""Column kinds read from the values, as a CSV gives them (strings): what an analyst would call each column."""

import numpy as np
import pandas as pd
import pytest

from embdash.dataio import columns
from embdash.dataio.columns import CATEGORY, DATETIME, IDENTIFIER, NUMBER, TEXT

N = 400
rng = np.random.default_rng(0)
SENTENCES = [f"the {w} report said {i} things about the {v} market today" for i, (w, v) in
             enumerate(zip(rng.choice(["daily", "weekly", "annual"], N), rng.choice(["stock", "bond", "housing"], N)))]


def tweets_like() -> pd.DataFrame:
    """The columns of an election-tweets file, as strings, the way read_table gives a CSV."""
    times = pd.Timestamp("2016-01-05 03:36") + pd.to_timedelta(rng.integers(0, 200 * 24 * 3600, N), unit="s")
    retweets = np.round(rng.pareto(1.2, N) * 300).astype(int)
    retweets[7] = 490_180
    frame = pd.DataFrame({
        "Content": SENTENCES,
        "Time": times.strftime("%Y-%m-%d %H:%M:%S"),
        "Language": rng.choice(["en", "es", "und", "fr"], N),
        "Retweet count": retweets.astype(str),
        "Latitude": [f"{x:.4f}" for x in rng.uniform(33, 42, N)],
        "Tweet id": [str(780_000_000_000_000_000 + int(x)) for x in rng.choice(10**12, N, replace=False)],
        "Row": [str(i + 1) for i in range(N)],
        "Source URL": [f"https://example.org/status/{i}" for i in rng.choice(10**6, N, replace=False)],
        "User": [f"user_{i}" for i in rng.choice(10**6, N, replace=False)],
        "Is retweet": rng.choice(["True", "False"], N),
        "Flag": rng.choice(["0", "1"], N),
    })
    frame.loc[[3, 5], "Latitude"] = ""
    return frame


def test_each_kind_of_column_is_named_as_an_analyst_would():
    kinds = columns.column_kinds(tweets_like(), text_column="Content")
    assert {p.name: p.kind for p in kinds.profiles} == {
        "Content": TEXT, "Time": DATETIME, "Language": CATEGORY, "Retweet count": NUMBER, "Latitude": NUMBER,
        "Tweet id": IDENTIFIER, "Row": IDENTIFIER, "Source URL": IDENTIFIER, "User": IDENTIFIER,
        "Is retweet": CATEGORY, "Flag": CATEGORY,
    }
    assert kinds["Retweet count"].heavy_tail and not kinds["Latitude"].heavy_tail
    assert kinds["Latitude"].missing == 2 and kinds["Latitude"].low >= 33 and kinds["Latitude"].high <= 42
    assert kinds.names(CATEGORY) == ["Language", "Is retweet", "Flag"]


def test_a_date_column_has_its_range_and_a_time_zone_is_read_as_utc():
    stamps = pd.Series(["2016-03-01T10:00:00+02:00", "2016-03-02T00:00:00Z", "Mar 5, 2016", "2016-03-04 12:30"] * 10)
    profile = columns.profile_column(stamps, "when")
    assert profile.kind == DATETIME
    assert profile.low == pd.Timestamp("2016-03-01 08:00") and profile.high == pd.Timestamp("2016-03-05")
    assert "2016-03-01 08:00 to 2016-03-05" in profile.describe()


def test_years_and_counts_are_numbers_not_dates_and_stray_words_do_not_make_text():
    years = pd.Series([str(y) for y in rng.integers(1990, 2025, N)])
    assert columns.profile_column(years, "year").kind == NUMBER
    counts = pd.Series([str(x) for x in rng.integers(0, 40, N)] + ["n/a"] * 5)
    profile = columns.profile_column(counts, "count")
    assert profile.kind == NUMBER and profile.low == 0 and profile.high <= 39


def test_decimal_commas_are_read_as_numbers():
    values = pd.Series(["3,5", "2,25", "10", "-1,5"] * 10)
    profile = columns.profile_column(values, "score")
    assert profile.kind == NUMBER and (profile.low, profile.high) == (-1.5, 10)


def test_the_text_column_is_text_whatever_it_holds():
    frame = pd.DataFrame({"label": ["a", "b"] * 50, "body": ["yes", "no"] * 50})
    assert columns.column_kinds(frame, text_column="body").kind("body") == TEXT
    assert columns.column_kinds(frame).kind("body") == CATEGORY


def test_an_empty_column_and_real_typed_columns():
    frame = pd.DataFrame({
        "empty": [None] * 30, "floats": np.linspace(0, 1, 30), "bools": [True, False] * 15,
        "stamps": pd.date_range("2020-01-01", periods=30, freq="D"),
    })
    kinds = columns.column_kinds(frame)
    assert [kinds.kind(c) for c in frame.columns] == [CATEGORY, NUMBER, CATEGORY, DATETIME]
    assert kinds["empty"].missing == 30 and kinds["stamps"].high == pd.Timestamp("2020-01-30")


def test_the_user_can_override_a_kind_and_an_impossible_one_is_refused():
    frame = tweets_like()
    kinds = columns.column_kinds(frame, text_column="Content")
    as_category = kinds.with_kind("Retweet count", CATEGORY, frame)
    assert as_category.kind("Retweet count") == CATEGORY and as_category.overridden == {"Retweet count"}
    assert kinds.kind("Retweet count") == NUMBER  # the original is unchanged
    assert as_category.with_kind("Row", NUMBER, frame)["Row"].high == N
    with pytest.raises(ValueError, match="reads as a number"):
        kinds.with_kind("Language", NUMBER, frame)
    with pytest.raises(ValueError, match="Unknown column kind"):
        kinds.with_kind("Language", "colour", frame)


@pytest.mark.parametrize("values, heavy", [
    ([1] * 50 + [2] * 30 + [1000], True),  # one viral post
    (list(range(100)), False),
    ([-5, 1, 2, 3000] * 10, False),  # negative values: no log scale
    ([0] * 95 + [1] * 5, False),
])
def test_heavy_tails(values, heavy):
    assert columns.heavy_tailed(np.asarray(values)) is heavy


def test_a_large_file_is_profiled_from_a_sample_but_counted_whole():
    n = 3 * columns.SAMPLE_ROWS
    frame = pd.DataFrame({"score": rng.normal(size=n).round(3).astype(str), "group": rng.choice(list("abcdef"), n)})
    frame.loc[:9, "score"] = None
    kinds = columns.column_kinds(frame)
    assert kinds.kind("score") == NUMBER and kinds["score"].missing == 10
    assert kinds.kind("group") == CATEGORY and kinds["group"].distinct == 6


def test_inspect_lines_and_the_table_name_every_column_once():
    kinds = columns.column_kinds(tweets_like(), text_column="Content")
    lines = list(columns.kinds_lines(kinds))
    assert len(lines) == 11 and lines[1].split()[0] == "Time" and "date/time" in lines[1]
    table = columns.kinds_table(kinds.with_kind("Flag", NUMBER, tweets_like()))
    assert table["column"].tolist() == list(tweets_like().columns)
    assert table.set_index("column").loc["Flag", "kind"] == "number"
    assert table.set_index("column").loc["Flag", "details"] == "chosen by you, 0 to 1"
    assert table.set_index("column").loc["Retweet count", "details"].endswith("heavy tail (log scale)")
