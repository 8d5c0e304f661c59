"""The Map page after a server restart: every stage comes from the store, nothing is recomputed."""

import pandas as pd
import streamlit as st
from streamlit.testing.v1 import AppTest

from embdash.dataio.corpus import make_corpus
from embdash.dataio.store import Store
from tests.conftest import map_page_by_link

TOPICS = {
    "rivers": "The {} river flooded the valley and the boats stayed moored by the old bridge.",
    "music": "The band played a loud {} concert and the drummer broke two sticks.",
    "health": "The clinic gave the {} vaccine to every nurse before the fever season.",
}


def stored_corpus():
    rows = [(template.format(word), topic) for topic, template in TOPICS.items()
            for word in ("northern", "quiet", "famous", "long", "small", "old", "new", "green", "cold", "wide")]
    corpus = make_corpus(pd.DataFrame(rows, columns=["text", "topic_written"]), "text", "warm.csv")
    Store.default().save_corpus(corpus)
    return corpus


def shown(at: AppTest) -> tuple:
    """What the page shows of the map: its metrics and its cluster table."""
    assert not at.exception
    metrics = tuple((m.label, m.value) for m in at.metric)
    clusters = next(df.value for df in at.dataframe if "top terms" in df.value.columns)
    return metrics, clusters[["cluster", "topic", "size", "top terms"]].to_dict("records")


def test_the_map_page_after_a_restart_recomputes_nothing(stage_calls):
    corpus = stored_corpus()
    at = map_page_by_link(corpus)
    at.run()
    before = shown(at)
    assert int(dict(before[0])["Clusters"]) >= 2  # a map worth caching: clusters with topic terms
    # Its topics' quality beside it: three planted sentence templates make distinct topics (their coherence,
    # NPMI over one-sentence documents, sits near 0 whichever backend embedded them: only its range is checked).
    assert -1 <= float(dict(before[0])["Topic coherence"]) <= 1 and float(dict(before[0])["Topic diversity"]) > 0.5
    computed = dict(stage_calls)

    # A restart: every in-memory cache is gone, and cache.store() is a new Store on the same folder.
    st.cache_data.clear()
    st.cache_resource.clear()

    at.run()
    assert shown(at) == before
    assert stage_calls == computed
    assert not at.warning
