"""The Data page: the sample corpus, quality numbers, recent corpora."""

from streamlit.testing.v1 import AppTest

TIMEOUT = 120


def test_data_page_shows_the_sample_corpus():
    at = AppTest.from_file("streamlit_app.py", default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    assert not at.exception
    assert at.title[0].value == "Your corpus"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "480"
    assert metrics["Empty texts"] == "0"
    assert metrics["Duplicates"] == "0"


def test_switching_back_to_the_sample():
    at = AppTest.from_file("streamlit_app.py", default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    at.button(key="data.sample").click().run()
    assert not at.exception
    assert "sample" in at.sidebar.caption[0].value


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
    at = AppTest.from_file("streamlit_app.py", default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    uploaded(at, "reviews.csv", REVIEWS.encode("utf-8"))
    assert not at.exception
    text_column = at.selectbox(key="data.text_column")
    assert text_column.value == "review"  # the likeliest column is pre-selected
    at.button(key="data.use").click().run()
    assert not at.exception
    assert any("reviews.csv" in s.value for s in at.success)
    assert "reviews.csv" in at.sidebar.caption[0].value
    assert {m.label: m.value for m in at.metric}["Documents"] == "5"


def test_a_broken_upload_gives_a_message_not_a_traceback():
    at = AppTest.from_file("streamlit_app.py", default_timeout=TIMEOUT)
    at.switch_page("pages/data_page.py").run()
    uploaded(at, "garbage.csv", bytes(range(256)) * 40)
    assert not at.exception
    assert at.error and "garbage.csv" in at.error[0].value
    assert "sample" in at.sidebar.caption[0].value  # what the user had is still there
