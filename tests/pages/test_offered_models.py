"""The operator's EMBDASH_MODELS holds on every page and in every link: the Learn pages list only the offered
models, a link or a session naming another one falls back with a note, and the left-out model is never loaded
nor gets a vector written. Custom models appear only with EMBDASH_MODEL_DIR, and never on read-only instances."""

import pytest
from streamlit.testing.v1 import AppTest

from embdash.dataio.corpus import load_corpus, sample_corpus_path
from embdash.errors import ModelError
from embdash.learn import words
from embdash.models.catalogue import get_spec
from embdash.ui import cache, state
from tests.conftest import REPO

TIMEOUT = 300
OFFERED = ("paraphrase-MiniLM-L3-v2", "glove-6b-50d")  # the fastest sentence model and the word vectors
LEFT_OUT = "all-mpnet-base-v2"  # 440 MB unpacked and about 5x slower: what an operator leaves out
LEARN_PAGES = ["embedding", "similarity", "arithmetic", "wordmap", "layer", "dimensions", "uses"]


@pytest.fixture()
def loaded(own_data_folder, monkeypatch):
    """The ids of the models the app loads (the real loader, recorded), GloVe's word vectors included."""
    ids: list[str] = []
    real_load, real_glove = cache.load_embedder, words.glove_vectors

    def load(model_id, *args, **kwargs):
        ids.append(model_id)
        return real_load(model_id, *args, **kwargs)

    def glove_vectors(*args, **kwargs):
        ids.append(words.GLOVE_ID)
        return real_glove(*args, **kwargs)

    monkeypatch.setattr(cache, "load_embedder", load)
    monkeypatch.setattr(words, "glove_vectors", glove_vectors)
    return ids


def offering(monkeypatch, *model_ids: str) -> None:
    monkeypatch.setenv("EMBDASH_MODELS", ",".join(model_ids))


def learn_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=TIMEOUT)
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(f"pages/learn_{page}_page.py")
    at.run()
    assert not at.exception
    return at


def names(*model_ids: str) -> set[str]:
    return {get_spec(model_id).name for model_id in model_ids}


def cache_keys_written(data_folder) -> list[str]:
    folder = data_folder / "embeddings"
    return [path.name for path in folder.iterdir()] if folder.is_dir() else []


@pytest.mark.parametrize("page", LEARN_PAGES)
def test_a_learn_page_link_to_a_model_left_out_never_loads_it(page, monkeypatch, loaded, own_data_folder):
    offering(monkeypatch, *OFFERED)
    at = learn_page(page, **{f"{page}.model": LEFT_OUT})
    if page != "layer":  # none of the offered models has PyTorch layers to open: the page says so instead
        picker = at.selectbox(key=f"{page}.model")
        assert set(picker.options) <= names(*OFFERED) and picker.value in OFFERED
        assert any("does not offer" in w.value and LEFT_OUT in w.value for w in at.warning)
    else:
        assert any("None of the models this server offers can" in i.value for i in at.info)
    assert set(loaded) <= set(OFFERED), loaded
    assert loaded or page == "layer"  # the lesson was computed, with an offered model
    written = cache_keys_written(own_data_folder)
    assert not any("mpnet" in name for name in written), written
    assert not (own_data_folder / "models" / LEFT_OUT).exists()  # never unpacked


def test_the_layer_page_falls_back_to_an_offered_transformer(monkeypatch, loaded):
    offering(monkeypatch, "glove-6b-50d", "all-MiniLM-L6-v2")
    at = learn_page("layer", **{"layer.model": LEFT_OUT})
    picker = at.selectbox(key="layer.model")
    assert picker.value == "all-MiniLM-L6-v2" and set(picker.options) == names("glove-6b-50d", "all-MiniLM-L6-v2")
    assert at.dataframe[0].value["token"].tolist()[:3] == ["[CLS]", "i", "sat"]  # the layers are shown
    assert set(loaded) == {"all-MiniLM-L6-v2"}


def test_a_session_naming_a_model_left_out_gets_the_default(monkeypatch, loaded):
    offering(monkeypatch, *OFFERED)
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.session_state[state.MODEL_KEY] = LEFT_OUT
    at.switch_page("pages/learn_similarity_page.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="similarity.model").value == OFFERED[0]  # the first offered model is the default
    assert set(loaded) == {OFFERED[0]}


def test_without_glove_the_arithmetic_lesson_shows_the_sentence_model_only(monkeypatch, loaded):
    offering(monkeypatch, "paraphrase-MiniLM-L3-v2")
    at = learn_page("arithmetic", **{"arithmetic.sentence_vocabulary": "5000"})
    assert any("does not offer the GloVe" in i.value for i in at.info)
    assert at.dataframe[0].value["word"].tolist()  # the sentence model's answers
    assert set(loaded) == {"paraphrase-MiniLM-L3-v2"}


def test_the_app_caches_refuse_a_model_left_out_whatever_asks(monkeypatch, loaded):
    """Below the pages: every load and every cached vector of the app passes one check."""
    offering(monkeypatch, *OFFERED)
    corpus = load_corpus(sample_corpus_path(), text_column="text")
    for ask in (lambda: cache.embedder(LEFT_OUT, corpus), lambda: cache.vectors(corpus, LEFT_OUT),
                lambda: cache.embed_texts_cached(LEFT_OUT, corpus, ("king",)), lambda: cache.layer_view(LEFT_OUT, "hi"),
                lambda: cache.embedder("st:minilm", corpus)):
        with pytest.raises(ModelError):
            ask()
    offering(monkeypatch, "paraphrase-MiniLM-L3-v2")
    with pytest.raises(ModelError, match="does not offer the model glove-6b-50d"):
        cache.vocabulary_vectors(words.GLOVE_ID, 5000, corpus)
    assert loaded == []


# --- custom models in the sidebar ---------------------------------------------------------------------------


def sidebar_app(**params) -> AppTest:
    """The Map page, opened with `params` in its link (AppTest shows the sidebar on the first page only)."""
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=TIMEOUT)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    return at


def test_the_sidebar_lists_only_offered_models(monkeypatch, loaded, own_data_folder):
    offering(monkeypatch, *OFFERED)
    at = sidebar_app(model_id=LEFT_OUT)
    assert set(at.selectbox(key="model_id").options) == names(*OFFERED)
    assert at.selectbox(key="model_id").value == OFFERED[0]
    assert any("does not offer" in w.value and LEFT_OUT in w.value for w in at.sidebar.warning)
    assert set(loaded) == {OFFERED[0]}
    assert not any("mpnet" in name for name in cache_keys_written(own_data_folder))


def add_custom(at: AppTest, name: str) -> AppTest:
    at.text_input(key="custom_model_input").input(name)
    at.button(key="custom_model_add").click().run()
    assert not at.exception
    return at


def test_custom_models_are_off_without_a_model_dir(monkeypatch, loaded):
    offering(monkeypatch, "glove-6b-50d")  # the quickest map
    monkeypatch.delenv("EMBDASH_MODEL_DIR", raising=False)
    at = sidebar_app(model_id="st:minilm")
    assert not [t for t in at.text_input if t.key == "custom_model_input"]
    assert any("does not offer" in w.value for w in at.sidebar.warning)
    assert not any(model_id.startswith("st:") for model_id in loaded)


def test_paths_typed_as_custom_models_are_refused_in_one_line(model_dir, monkeypatch, loaded):
    offering(monkeypatch, "glove-6b-50d")
    at = sidebar_app()
    for typed in ["/", "/usr", "../..", "/etc/passwd", "escape"]:
        add_custom(at, typed)
        message = at.error[0].value
        assert "not a path" in message and "\n" not in message and str(model_dir) not in message, message
        assert at.selectbox(key="model_id").value == "glove-6b-50d"
    add_custom(at, "no-such-model")
    assert "No model folder named 'no-such-model'" in at.error[0].value
    at.run()  # a rerun while the name is being edited: the answer goes, the box stays open
    assert not at.error
    assert next(e for e in at.sidebar.expander if e.label == "Add your own model").proto.expanded
    assert not any(model_id.startswith("st:") for model_id in loaded)


def test_a_model_from_the_model_dir_is_added_and_used(model_dir, monkeypatch, loaded):
    offering(monkeypatch, "glove-6b-50d")
    at = add_custom(sidebar_app(), "minilm")
    assert any("Added and selected minilm" in s.value for s in at.success)
    assert at.selectbox(key="model_id").value == "st:minilm"
    assert {m.label for m in at.metric} >= {"Trustworthiness (2-D)", "Clusters"}  # the map, made with it
    at.switch_page("pages/learn_embedding_page.py").run()
    assert not at.exception
    assert at.selectbox(key="embedding.model").value == "st:minilm"  # the lesson follows the sidebar
    assert {m.label: m.value for m in at.metric}["Dimensions"] == "384"
    assert set(loaded) == {"glove-6b-50d", "st:minilm"}


def test_read_only_instances_have_no_custom_models(model_dir, monkeypatch, loaded):
    offering(monkeypatch, "glove-6b-50d")
    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")
    at = sidebar_app(model_id="st:minilm")
    assert not [t for t in at.text_input if t.key == "custom_model_input"]
    assert any("does not offer" in w.value for w in at.sidebar.warning)
    assert not any(model_id.startswith("st:") for model_id in loaded)


def test_a_link_may_name_its_model_by_id(monkeypatch, own_data_folder):
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.query_params["model_id"] = "tfidf-lsa"  # the id, as the CLI names it, not the name the sidebar shows
    at.run()  # the Map, with the sidebar (a switched page drops it in AppTest)
    assert not at.exception
    assert at.session_state[state.MODEL_KEY] == "tfidf-lsa"
    assert at.sidebar.selectbox(key=state.MODEL_KEY).value == "tfidf-lsa"
    assert not [w.value for w in [*at.warning, *at.sidebar.warning] if "does not offer" in w.value]
