"""What the map shows under a selection: a small table of its topics, and "More like this" only for a document
the user picks."""

from streamlit.testing.v1 import AppTest


def selection_script():
    import numpy as np
    import pandas as pd

    from embdash.ui import views

    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((30, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    frame = pd.DataFrame({"text": [f"document number {i}" for i in range(30)],
                          "topic": ["rivers"] * 20 + ["boats"] * 10, "cluster": [0] * 20 + [1] * 10})
    shown = frame.iloc[10:30]  # a filter kept rows 10..29
    picked = np.array([2, 12, 13])  # rows 12, 22 and 23
    views.selected_documents(shown, picked, "text")
    views.more_like_this(shown, frame, vectors, picked, "text", k=5)


def test_the_selection_is_summed_up_in_a_small_table_and_more_like_this_waits_to_be_asked():
    at = AppTest.from_function(selection_script).run()
    assert not at.exception
    assert "3 selected, in 2 topics:" in [c.value for c in at.caption]
    topics = next(frame.value for frame in at.dataframe if "share" in frame.value.columns)
    assert topics.to_dict("list") == {"topic": ["boats", "rivers"], "documents": [2, 1], "share": [0.667, 0.333]}
    picker = at.selectbox(key="map.more_like")
    assert picker.value is None and picker.options == ["row 12 · document number 12", "row 22 · document number 22",
                                                       "row 23 · document number 23"]
    assert not any(frame.value.columns.tolist()[:3] == ["rank", "row", "score"] for frame in at.dataframe)

    picker.set_value(22).run()
    hits = next(frame.value for frame in at.dataframe if frame.value.columns.tolist()[:3] == ["rank", "row", "score"])
    assert len(hits) == 5 and 22 not in hits["row"].tolist()
    assert "Nearest in meaning to row 22, from the whole corpus:" in [c.value for c in at.caption]
