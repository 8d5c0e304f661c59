"""The Data page: the sample corpus, quality numbers, recent corpora."""

from streamlit.testing.v1 import AppTest

from embdash.dataio.corpus import load_corpus, sample_corpus_path
from tests.conftest import REPO

APP = REPO / "streamlit_app.py"

TIMEOUT = 120


def test_data_page_shows_the_sample_corpus():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    assert not at.exception
    assert at.title[0].value == "Your corpus"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "480"
    assert metrics["Empty texts"] == "0"
    assert metrics["Duplicates"] == "0"


def current_corpus_heading(at: AppTest) -> str:
    # AppTest drops the entrypoint's sidebar after switch_page, so read the page's own heading.
    heading = next(h.value for h in at.subheader if h.value.startswith("Current corpus"))
    return heading.replace("\\", "")  # user text is shown with markdown escaped


REVIEWS = "id;review;stars\n" + "".join(
    f"{i};{text};{i % 5 + 1}\n"
    for i, text in enumerate(
        [
            "The soup was cold and the waiter ignored us.",
            "Lovely garden terrace, friendly staff, great coffee.",
            "My package arrived two weeks late and damaged.",
            "The hotel room smelled of smoke but the view was stunning.",
            "Customer support fixed my login problem in minutes.",
        ]
    )
)


def uploaded(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, content, "text/csv"))
    return at.run()


def test_upload_a_csv_and_use_it():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    uploaded(at, "reviews.csv", REVIEWS.encode("utf-8"))
    assert not at.exception
    text_column = at.selectbox(key="data.text_column")
    assert text_column.value == "review"  # the likeliest column is pre-selected
    at.button(key="data.use").click().run()
    assert not at.exception
    assert any("reviews.csv" in s.value for s in at.success)
    assert current_corpus_heading(at) == "Current corpus: reviews.csv"
    assert {m.label: m.value for m in at.metric}["Documents"] == "5"

    # The sample is listed among the recent corpora, and one click goes back to it.
    sample_key = load_corpus(sample_corpus_path(), text_column="text").key
    at.button(key=f"open-{sample_key}").click().run()
    assert not at.exception
    assert current_corpus_heading(at) == "Current corpus: sample_corpus.csv"


def test_a_broken_upload_gives_a_message_not_a_traceback():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    uploaded(at, "garbage.csv", bytes(range(256)) * 40)
    assert not at.exception
    assert at.error and "garbage.csv" in at.error[0].value.replace("\\", "")
    assert current_corpus_heading(at) == "Current corpus: sample_corpus.csv"  # what the user had is kept


def test_a_bomb_upload_is_refused_with_the_limit_and_the_loaded_corpus_stays():
    from bench.bench_reader_bombs import parquet_rows_bomb

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    uploaded(at, "reviews.csv", REVIEWS.encode("utf-8"))
    at.button(key="data.use").click().run()
    assert current_corpus_heading(at) == "Current corpus: reviews.csv"

    # 48 KB on the wire, 2 million rows once read: refused from the file's footer.
    at.file_uploader[0].set_value(("bomb.parquet", parquet_rows_bomb(), "application/octet-stream"))
    at.run()
    assert not at.exception
    message = at.error[0].value.replace("\\", "")
    assert "bomb.parquet" in message and "2,000,000 rows" in message and "EMBDASH_MAX_ROWS" in message
    assert current_corpus_heading(at) == "Current corpus: reviews.csv"
    assert {m.label: m.value for m in at.metric}["Documents"] == "5"


def test_the_quality_report_is_computed_once_per_corpus(monkeypatch, own_data_folder):
    import streamlit as st

    import embdash.dataio.corpus
    from embdash.pipeline import stages

    computed = []
    real_report, real_counts = embdash.dataio.corpus.quality_report, stages.token_counts
    monkeypatch.setattr(embdash.dataio.corpus, "quality_report",
                        lambda *args, **kwargs: computed.append("report") or real_report(*args, **kwargs))
    monkeypatch.setattr(stages, "token_counts", lambda *args: computed.append("tokens") or real_counts(*args))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    assert not at.exception
    first = {m.label: m.value for m in at.metric}
    assert first["Documents"] == "480" and first["Truncated"] == "0"
    assert computed == ["tokens", "report"]  # a data folder of its own: the first visit computes it

    # Later visits, and a restarted server reading the store: nothing is tokenised or counted again.
    at.switch_page("pages/data_page.py").run()
    st.cache_resource.clear()
    at.switch_page("pages/data_page.py").run()
    assert not at.exception
    assert computed == ["tokens", "report"]
    assert {m.label: m.value for m in at.metric} == first


def test_the_columns_are_listed_with_their_kinds_and_a_chosen_kind_sticks():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    kinds = next(frame.value for frame in at.dataframe if list(frame.value.columns) == ["column", "kind", "details"])
    assert dict(zip(kinds["column"], kinds["kind"])) == {
        "text": "text", "category": "category", "source": "category", "year": "number", "rating": "number"}
    assert kinds.set_index("column").loc["rating", "details"] == "1 to 5, 375 missing"

    key = at.session_state["corpus_key"]
    at.session_state["column_kind_choices"] = {key: {"year": "category", "source": "number"}}  # the second: impossible
    at.run()
    assert not at.exception
    kinds = next(frame.value for frame in at.dataframe if list(frame.value.columns) == ["column", "kind", "details"])
    assert kinds.set_index("column").loc["year"].tolist() == ["category", "chosen by you, 11 distinct"]
    assert kinds.set_index("column").loc["source", "kind"] == "category"  # no source reads as a number: dropped


def test_the_text_column_changes_without_uploading_again():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    sample_key = at.session_state["corpus_key"]
    at.selectbox(key=f"data.current_text_column.{sample_key}").set_value("category").run()
    assert not at.exception
    assert at.session_state["corpus_key"] != sample_key
    assert at.selectbox(key=f"data.current_text_column.{at.session_state['corpus_key']}").value == "category"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "480" and metrics["Duplicates"] == f"{480 - 12:,}"  # 12 distinct categories

    at.selectbox(key=f"data.current_text_column.{at.session_state['corpus_key']}").set_value("rating").run()
    assert not at.exception
    assert [e.value for e in at.error] == []  # rating has texts in 105 rows: a corpus, with empty texts said
    at.selectbox(key=f"data.current_text_column.{at.session_state['corpus_key']}").set_value("text").run()
    assert at.session_state["corpus_key"] == sample_key  # the same table and column: the same corpus


def test_a_corpus_not_in_english_is_named_and_a_model_that_reads_it_is_one_click_away():
    import pandas as pd

    from tests.test_languages import ENGLISH, SLOVENE

    frame = pd.DataFrame({"text": [f"{s} ({i})" for i in range(8) for s in SLOVENE] + ENGLISH, "lang": ["sl"] * 24 + ["en"] * 3})
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    at.file_uploader[0].set_value(("novice.csv", frame.to_csv(index=False).encode(), "text/csv"))
    at.run()
    at.button(key="data.use").click().run()
    assert not at.exception
    assert any(m.value == "**Languages** (read from the texts): Slovenian 89%, English 11% (of 27 texts read)"
               for m in at.markdown)
    assert any(c.value.replace("\\", "") == "The column lang says: Slovenian 89%, English 11%." for c in at.caption)
    [warning] = [w.value.replace("\\", "") for w in at.warning if "Slovenian" in w.value]
    assert warning.startswith("Most of these texts are in Slovenian (89% of those read), and all-MiniLM-L6-v2 reads "
                              "English only. Models here that read Slovenian: multilingual-e5-small")
    at.button(key="data.languages.switch.multilingual-e5-small").click().run()
    assert not at.exception
    assert at.session_state["model_id"] == "multilingual-e5-small"
    assert not [w for w in at.warning if "Slovenian" in w.value]  # the model now reads it: nothing to say
