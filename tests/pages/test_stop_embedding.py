"""The stop button while embedding: the Map page keeps the batches done, says so, and embeds the rest on request."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from embdash.dataio.corpus import load_corpus, sample_corpus_path
from embdash.dataio.store import Store
from embdash.hashing import text_hash
from tests.conftest import REPO
from tests.fakes import PlantedTopicsEmbedder

APP = REPO / "streamlit_app.py"
TIMEOUT = 300


class PressesStop(PlantedTopicsEmbedder):
    """Presses the stop button (calls its callback) while its first batch is being embedded, as a user would."""

    def __init__(self):
        super().__init__()
        self.embedded: list[str] = []

    def embed(self, texts):
        from embdash.ui import cache

        if not self.embedded:
            for name in list(st.session_state):
                if str(name).startswith(cache._PROGRESS):
                    cache.ask_to_stop(name[len(cache._PROGRESS):])
        self.embedded.extend(texts)
        return super().embed(texts)


def test_a_stopped_embedding_keeps_its_batches_says_so_and_embeds_only_the_rest_next(own_data_folder, monkeypatch):
    from embdash.ui import cache

    model = PressesStop()
    monkeypatch.setattr(cache, "load_embedder", lambda model_id, fit_texts=None: model)
    texts = load_corpus(sample_corpus_path()).texts
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/map_page.py").run()

    assert not at.exception
    first_batch = list(model.embedded)
    assert 0 < len(first_batch) < len(texts)
    message = next(i.value for i in at.info if i.value.startswith("Stopped"))
    assert message == (f"Stopped after {len(first_batch):,} of {len(texts):,} new texts; they are kept, "
                       f"the rest will be embedded next time.")
    assert not at.metric  # the page stops there: no map from half the vectors
    _, found = Store(own_data_folder).load_vectors(model.cache_key, [text_hash(t) for t in texts])
    assert {t for t, f in zip(texts, found) if f} == set(first_batch)

    go_on = next(b for b in at.button if b.label.startswith("Embed the remaining"))
    assert go_on.label == f"Embed the remaining {len(texts) - len(first_batch):,} texts"
    go_on.click().run()
    assert not at.exception
    assert not any(i.value.startswith("Stopped") for i in at.info)
    corpus_embedded = [t for t in model.embedded if t in set(texts)]
    assert sorted(corpus_embedded) == sorted(texts)  # each text once: the first batch was not redone
    assert {m.label for m in at.metric} >= {"Clusters"}
