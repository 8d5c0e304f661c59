"""Pages taking turns on the server's job pool (embdash.ui.jobs), run headlessly with a fake model: a page that must
wait shows its place and a Cancel button, Cancel says nothing was embedded and offers to go on, and a public
instance's time and size limits stop or refuse a job with a message, never a traceback."""

from __future__ import annotations

import itertools
import threading
import time

import streamlit as st
from streamlit.testing.v1 import AppTest

from embdash.dataio.corpus import load_corpus, sample_corpus_path
from tests.conftest import REPO
from tests.fakes import SlowEmbedder

APP = REPO / "streamlit_app.py"
TIMEOUT = 120


def map_page(monkeypatch, model) -> AppTest:
    from embdash.ui import cache

    monkeypatch.setattr(cache, "load_embedder", lambda model_id, fit_texts=None: model)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.switch_page("pages/map_page.py")
    return at


def corpus_texts_embedded(model: SlowEmbedder) -> int:
    """How many of the corpus's texts the model embedded (the map's topic terms come after them)."""
    texts = set(load_corpus(sample_corpus_path()).texts)
    return len([text for text in model.embedded if text in texts])


def infos(at: AppTest) -> list[str]:
    return [element.value for element in at.info]


def test_a_page_that_must_wait_shows_its_place_and_cancel_leaves_the_line(own_data_folder, monkeypatch):
    from embdash.ui import jobs

    monkeypatch.setenv("EMBDASH_MAX_JOBS", "1")
    st.cache_resource.clear()
    n_texts = len(load_corpus(sample_corpus_path()).texts)
    pool = jobs.pool()
    assert pool.slots == 1
    first_visitor = pool.submit("first visitor", 10_000)  # holds the only slot
    assert first_visitor.state == "running"

    def end_the_wait_once_shown():
        # The page's run ends only when its wait does: once it has waited a few polls, its ticket is cancelled
        # from here, so the run ends and the test can read what the page showed while it waited.
        deadline = time.monotonic() + 60
        while pool.waiting == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(3 * jobs.POLL_SECONDS)
        for ticket in list(pool._waiting):
            ticket.cancel()

    helper = threading.Thread(target=end_the_wait_once_shown, daemon=True)
    helper.start()
    model = SlowEmbedder()
    at = map_page(monkeypatch, model).run()
    helper.join(5)
    assert not at.exception
    assert any(text.startswith("Waiting for a turn: place 1 of 1 in line. The server runs 1 heavy job at once")
               for text in infos(at)), infos(at)
    assert [e.value for e in at.error] == ["The job left the line before its turn."]
    assert model.embedded == []  # nothing computed while waiting

    at.button(key=next(b.key for b in at.button if b.label == "Cancel")).click().run()
    assert not at.exception
    assert f"Cancelled: none of the {n_texts:,} new texts were embedded." in infos(at)
    assert not at.metric and model.embedded == []  # the page stops there
    assert pool.waiting == 0

    pool.release(first_visitor)  # the first visitor's job ends
    go_on = next(b for b in at.button if b.label == f"Embed the {n_texts:,} texts")
    go_on.click().run()
    assert not at.exception
    assert corpus_texts_embedded(model) == n_texts and at.metric  # embedded at once, and the map is drawn
    assert pool.running == 0 and pool.waiting == 0


def test_a_public_instance_stops_a_job_at_its_time_limit_and_goes_on_when_asked(own_data_folder, monkeypatch):
    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")
    monkeypatch.setenv("EMBDASH_JOB_SECONDS", "1")
    n_texts = len(load_corpus(sample_corpus_path()).texts)
    model = SlowEmbedder(seconds=1.1)  # past the limit after the first batch
    at = map_page(monkeypatch, model).run()
    assert not at.exception
    done = len(model.embedded)
    assert 0 < done < n_texts
    assert (f"This server gives each job 1 s: stopped after {done:,} of {n_texts:,} new texts. "
            "They are kept; the rest waits for another turn.") in infos(at)
    assert not at.metric

    model.seconds = 0.0
    monkeypatch.setenv("EMBDASH_JOB_SECONDS", "600")  # the map's own turn, next, gets time to finish
    at.button(key=next(b.key for b in at.button if b.label == f"Embed the remaining {n_texts - done:,} texts")).click().run()
    assert not at.exception
    assert corpus_texts_embedded(model) == n_texts  # the rest only: each text once
    assert at.metric


def test_a_public_instance_refuses_a_job_larger_than_its_limit_before_computing(own_data_folder, monkeypatch):
    monkeypatch.setenv("EMBDASH_PASSWORD", "")
    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")
    monkeypatch.setenv("EMBDASH_JOB_TEXTS", "100")
    n_texts = len(load_corpus(sample_corpus_path()).texts)
    model = SlowEmbedder()
    at = map_page(monkeypatch, model).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"This server takes at most 100 new texts in one job, and this one has {n_texts:,}. Choose fewer, or ask "
        "whoever runs the server to prepare them ahead."]
    assert model.embedded == [] and not at.metric


def test_a_public_instance_stops_a_map_at_its_time_limit_keeps_its_stages_and_goes_on(own_data_folder, monkeypatch):
    from embdash.ui import jobs

    model = SlowEmbedder()
    at = map_page(monkeypatch, model).run()  # a private instance: the texts embedded, the map of seed 42 drawn
    assert not at.exception and at.metric

    monkeypatch.setenv("EMBDASH_READ_ONLY", "true")
    monkeypatch.setenv("EMBDASH_JOB_SECONDS", "1")
    # The server's clock moves a second each time a job looks at it: the new map's layout is over its limit by
    # its third epoch, wherever this test runs.
    ticks = itertools.count()
    monkeypatch.setattr(jobs.pool(), "clock", lambda: float(next(ticks)))
    embedded_before = len(model.embedded)
    at = map_page(monkeypatch, model)
    at.query_params["umap.seed"] = "2"
    at.run()
    assert not at.exception
    assert len(model.embedded) == embedded_before  # the vectors came from the cache: no embedding job ran
    assert infos(at) == [
        "This server gives each job 1 s, and the map needed more: it stopped while projecting to 2-D for the map "
        "and to the clustering space (UMAP). The stages finished are kept, so the next turn goes on from there."]
    assert not at.metric
    assert jobs.pool().running == 0  # the slot was given back

    monkeypatch.setattr(jobs.pool(), "clock", time.monotonic)
    monkeypatch.setenv("EMBDASH_JOB_SECONDS", "600")  # the next turn, long enough for the whole map
    at.button(key=next(b.key for b in at.button if b.label == "Go on with the map")).click().run()
    assert not at.exception and at.metric and not infos(at)

