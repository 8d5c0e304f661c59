"""Topics against metadata: the period follows the data's span, counts and shares are exact, and the charts
carry every number they show."""

import pandas as pd
import pytest

from embdash.pipeline.topic_metadata import (
    category_columns,
    date_columns,
    period_for,
    topics_by_class,
    topics_over_time,
)
from embdash.render.topic_charts import (
    topic_order,
    topics_by_class_chart,
    topics_over_time_chart,
)


def test_date_columns_are_found_and_numbers_are_not_dates():
    frame = pd.DataFrame({
        "text": ["a", "b", "c"],
        "published": ["2021-03-01", "2021-04-15", "2022-01-02"],
        "stamp": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"]),
        "year": ["2019", "2020", "2021"],
        "rating": [1, 2, 3],
    })
    assert date_columns(frame, exclude=("text",)) == ["published", "stamp"]


@pytest.mark.parametrize("span, expected", [
    (pd.Timedelta(days=20), "day"), (pd.Timedelta(days=300), "week"), (pd.Timedelta(days=3 * 365), "month"),
    (pd.Timedelta(days=10 * 365), "quarter"), (pd.Timedelta(days=40 * 365), "year"),
])
def test_the_period_is_the_finest_that_stays_readable(span, expected):
    start = pd.Timestamp("2000-01-01", tz="UTC")
    assert period_for(pd.Series([start, start + span]))[0] == expected


def test_topics_over_time_counts_and_shares_exactly():
    topics = pd.Series(["a", "a", "b", "b", "b", "a"])
    dates = pd.Series(["2021-01-05", "2021-01-20", "2021-01-21", "2021-02-02", "2021-02-03", "not a date"])
    counts, period = topics_over_time(topics, dates)
    assert period == "day" or period == "week"
    daily = counts.groupby("topic")["documents"].sum().to_dict()
    assert daily == {"a": 2, "b": 3}  # the undated row is left out
    assert counts.groupby("period")["share"].sum().round(12).eq(1.0).all()


def test_topics_by_class_shares_sum_to_one_per_class():
    topics = pd.Series(["sport", "sport", "money", "money", "sport"])
    classes = pd.Series(["news", "news", "news", "blog", None])
    counts = topics_by_class(topics, classes)
    by = counts.set_index(["class", "topic"])
    assert by.loc[("news", "sport"), "documents"] == 2 and by.loc[("news", "sport"), "share"] == pytest.approx(2 / 3)
    assert by.loc[("blog", "money"), "share"] == 1.0 and by.loc[("blog", "sport"), "share"] == 0.0
    assert category_columns(pd.DataFrame({"c": ["x", "y", "x"], "id": [1, 2, 3], "one": ["z"] * 3}), max_classes=2) == ["c"]


def test_the_charts_show_the_numbers_in_their_tooltips():
    over_time, period = topics_over_time(pd.Series(["a", "b"]), pd.Series(["2021-01-01", "2021-03-01"]))
    spec = topics_over_time_chart(over_time, period).to_dict()
    assert {t["field"] for t in spec["encoding"]["tooltip"]} == {"period", "topic", "documents", "share"}
    assert spec["encoding"]["color"]["legend"]["symbolLimit"] == 0  # every topic in the legend
    heat = topics_by_class_chart(topics_by_class(pd.Series(["a", "b"]), pd.Series(["x", "y"])), "section").to_dict()
    assert heat["mark"]["type"] == "rect" and heat["encoding"]["y"]["title"] == "section"
    assert heat["encoding"]["x"]["axis"]["labelOverlap"] is False  # every topic named on the axis
    assert topic_order(["10: b", "unclustered", "2: a"]) == ["2: a", "10: b", "unclustered"]


def test_a_pick_in_the_time_chart_holds_exactly_the_documents_of_those_topics_and_periods():
    from embdash.pipeline.topic_metadata import document_periods, rows_over_time

    topics = pd.Series(["a", "a", "b", "b", "a", "b"])
    dates = pd.Series(["2021-01-05", "2021-01-20", "2021-01-21", "2021-02-02", "2021-02-03", None])
    periods = document_periods(dates)
    assert periods.isna().tolist() == [False] * 5 + [True]
    assert not rows_over_time(topics, dates).any()  # nothing picked: nothing highlighted
    assert rows_over_time(topics, dates, ["b"]).tolist() == [False, False, True, True, False, True]
    january = (periods.iloc[0], periods.iloc[2])
    in_january = rows_over_time(topics, dates, (), january)
    # Brute force: every dated row whose period starts within the range, whichever order the range comes in.
    assert in_january.tolist() == [bool(p is not pd.NaT and min(january) <= p <= max(january)) for p in periods]
    assert rows_over_time(topics, dates, ["a"], january[::-1]).tolist() == [
        t == "a" and inside for t, inside in zip(topics, in_january)]


def test_picked_heatmap_cells_hold_exactly_their_documents():
    from embdash.pipeline.topic_metadata import rows_by_class

    topics = pd.Series(["sport", "sport", "money", "money", "sport"])
    classes = pd.Series(["news", "blog", "news", None, 3])
    assert rows_by_class(topics, classes, [("sport", "news"), ("sport", "3")]).tolist() == [
        True, False, False, False, True]
    assert not rows_by_class(topics, classes, []).any()


def test_the_topic_charts_name_their_selections_for_the_page_to_read():
    over_time, period = topics_over_time(pd.Series(["a", "b"]), pd.Series(["2021-01-01", "2021-03-01"]))
    names = {p["name"] for p in topics_over_time_chart(over_time, period).to_dict()["params"]}
    from embdash.render.topic_charts import CLASS_SELECTIONS, TIME_SELECTIONS

    assert set(TIME_SELECTIONS) <= names
    heat = topics_by_class_chart(topics_by_class(pd.Series(["a", "b"]), pd.Series(["x", "y"])), "section").to_dict()
    assert set(CLASS_SELECTIONS) <= {p["name"] for p in heat["params"]}


def test_each_topic_has_the_map_colour_in_the_time_chart():
    from embdash.render import charts

    frame = pd.DataFrame({"x": [0.0, 1, 2, 3], "y": [0.0, 1, 2, 3], "cluster": [1, 0, -1, 1],
                          "topic": ["Renamed by hand", "0: tax · bank", "unclustered", "Renamed by hand"]})
    domain = charts.topic_domain(frame)
    assert domain == ["0: tax · bank", "Renamed by hand", "unclustered"]
    map_scale = charts.chart_to_dict(charts.map_chart(frame)[0])["encoding"]["color"]["scale"]
    counts, period = topics_over_time(frame["topic"], pd.Series(["2021-01-01", "2021-02-01", "2021-03-01", "2021-04-01"]))
    time_scale = topics_over_time_chart(counts, period, domain).to_dict()["encoding"]["color"]["scale"]
    assert dict(zip(time_scale["domain"], time_scale["range"])) == dict(zip(map_scale["domain"], map_scale["range"]))
