"""On a read-only instance a visitor's link or widgets cannot ask for unbounded work: seeds come from a
short list, zero-shot label names are capped, the arithmetic vocabulary is capped; each says so."""

import pytest
from streamlit.testing.v1 import AppTest

from embdash.ui import state
from embdash.ui.public_limits import LIMITS
from tests.conftest import REPO

APP = str(REPO / "streamlit_app.py")
TIMEOUT = 300


@pytest.fixture
def read_only(monkeypatch):
    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")


def by_link(page: str, model: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[state.MODEL_KEY] = model
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(f"pages/{page}").run()
    assert not at.exception
    return at


def test_a_linked_seed_outside_the_public_list_falls_back_to_the_default(read_only):
    at = by_link("map_page.py", "tfidf-lsa", **{"umap.seed": "1234"})
    seed = at.sidebar.selectbox(key="umap.seed")
    assert seed.value == 42 and list(seed.options) == [str(s) for s in LIMITS.seeds]
    assert any("offers the seeds" in w.value for w in [*at.sidebar.warning, *at.warning])
    assert umap_settings(at).proto.expanded  # the notice is in that box: it is shown open, not folded away


def umap_settings(at: AppTest):
    return next(e for e in at.sidebar.expander if e.label == "Map settings (UMAP)")


def test_a_linked_seed_from_the_public_list_is_used(read_only):
    at = by_link("map_page.py", "tfidf-lsa", **{"umap.seed": "2"})
    assert at.sidebar.selectbox(key="umap.seed").value == 2
    assert not any("offers the seeds" in w.value for w in [*at.sidebar.warning, *at.warning])
    assert not umap_settings(at).proto.expanded


def test_a_private_instance_takes_any_seed():
    at = by_link("map_page.py", "tfidf-lsa", **{"umap.seed": "1234"})
    assert at.sidebar.number_input(key="umap.seed").value == 1234


def test_zero_shot_label_names_are_capped_with_a_notice(read_only):
    at = by_link("classify_page.py", "tfidf-lsa")
    at.radio(key="classify.source").set_value("Label names only (zero-shot)").run()
    names = [f"label number {i}" for i in range(300)]
    at.text_area(key="classify.names").set_value("\n".join(names)).run()
    assert not at.exception
    assert any(f"at most {LIMITS.typed_texts} label names" in w.value for w in at.warning)
    label_table = next(frame.value for frame in at.dataframe if "description" in frame.value)
    assert label_table["label"].tolist() == names[:LIMITS.typed_texts]
    predictions = next(frame.value for frame in at.dataframe if "predicted" in frame.value)
    assert set(predictions["predicted"]) <= set(names[:LIMITS.typed_texts])


def test_the_arithmetic_vocabulary_is_capped_with_a_notice(read_only):
    at = by_link("learn_arithmetic_page.py", "paraphrase-MiniLM-L3-v2", **{"arithmetic.sentence_vocabulary": "50000"})
    vocabulary = at.slider(key="arithmetic.sentence_vocabulary")
    assert vocabulary.value == 5_000 and vocabulary.max == LIMITS.sentence_vocabulary
    assert any("at most 10,000 words" in w.value for w in at.warning)


def test_rag_chunks_have_the_default_sizes_whatever_the_link_asks(read_only):
    from embdash.tasks.chunking import TokenChunkParams

    at = by_link("rag_page.py", "tfidf-lsa", **{"rag.method": "tokens", "rag.tokens.max_tokens": "16",
                                               "rag.tokens.overlap_tokens": "8"})
    assert any("the link's chunk settings were not used" in w.value for w in at.warning)
    default = TokenChunkParams()
    assert any(f"max tokens {default.max_tokens}, overlap tokens {default.overlap_tokens}" in c.value for c in at.caption)
    assert not [s for s in at.slider if s.key and s.key.startswith("rag.tokens.")]  # nothing to move


def test_a_link_with_the_default_chunk_sizes_gets_no_notice(read_only):
    at = by_link("rag_page.py", "tfidf-lsa", **{"rag.method": "sentences", "rag.sentences.max_chars": "600"})
    assert not any("chunk settings" in w.value for w in at.warning)


def test_a_private_instance_takes_the_links_chunk_sizes():
    at = by_link("rag_page.py", "tfidf-lsa", **{"rag.method": "tokens", "rag.tokens.max_tokens": "16",
                                               "rag.tokens.overlap_tokens": "8"})
    assert at.slider(key="rag.tokens.max_tokens").value == 16
