"""The Map page shows topics over a date column and per class of a categorical column, with the tables behind
the charts; a corpus with neither shows no such section."""

import pandas as pd

from embdash.dataio.corpus import make_corpus
from embdash.dataio.store import Store
from tests.conftest import map_page_by_link

TOPICS = {
    "tides": "The {} tide left the fishing boats stranded on the mud below the harbour wall.",
    "chess": "The {} chess player sacrificed her queen and won the endgame with two pawns.",
    "bread": "The {} bakery let the sourdough rise overnight before baking it at dawn.",
}
WORDS = ("early", "quiet", "famous", "young", "small", "old", "new", "patient", "cold", "bold")


def stored(with_columns: bool):
    rows = [(template.format(word), topic, f"2023-{1 + i % 6:02d}-{10 + i:02d}")
            for topic, template in TOPICS.items() for i, word in enumerate(WORDS)]
    frame = pd.DataFrame(rows, columns=["text", "desk", "published"])
    if not with_columns:
        frame = frame[["text"]].assign(text=frame["text"] + " (plain)")
    corpus = make_corpus(frame, "text", "dated.csv")
    Store.default().save_corpus(corpus)
    return corpus


def test_topics_over_time_and_per_class_with_their_tables():
    at = map_page_by_link(stored(True))
    at.run()
    assert not at.exception
    assert "Topics against your columns" in [h.value for h in at.subheader]
    assert {"Topics over time, by", "Topics per class of"} <= {s.label for s in at.selectbox}
    over_time, per_class = at.dataframe[-2].value, at.dataframe[-1].value
    assert over_time.to_numpy().sum() == 30  # every dated document counted once
    assert sorted(per_class.index) == ["bread", "chess", "tides"]
    assert per_class.sum(axis=1).round(2).eq(1.0).all()  # each desk's documents, all placed
    # Three planted desks, three topics: each desk falls (almost) wholly in one topic.
    assert (per_class.max(axis=1) >= 0.8).all()


def test_no_dates_and_no_classes_no_section():
    at = map_page_by_link(stored(False))
    at.run()
    assert not at.exception
    assert "Topics against your columns" not in [h.value for h in at.subheader]
