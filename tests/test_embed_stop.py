"""Stopping an embedding run between batches keeps what was done; the next run embeds only the rest."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from embdash.dataio.store import Store
from embdash.errors import EmbeddingStopped
from embdash.hashing import text_hash
from embdash.models import embed as embed_module
from embdash.models import speed
from embdash.models.embed import EmbedProgress, embed_texts
from tests.fakes import FAKE_SPEC, PlantedTopicsEmbedder, planted_texts


class Recording(PlantedTopicsEmbedder):
    """Remembers the texts of each call."""

    def __init__(self):
        super().__init__()
        self.batches: list[list[str]] = []

    def embed(self, texts):
        self.batches.append(list(texts))
        return super().embed(texts)


class Interrupted(BaseException):
    """What Streamlit raises in a running script when a button press reruns it (not an Exception)."""


@pytest.fixture
def texts() -> list[str]:
    return planted_texts(per_topic=100)[0]  # 600 distinct texts


def stored(store: Store, embedder, texts: list[str]) -> set[str]:
    _, found = store.load_vectors(embedder.cache_key, [text_hash(t) for t in texts])
    return {t for t, f in zip(texts, found) if f}


@pytest.mark.parametrize("k", [0, 1, 3])
def test_stopping_after_k_batches_keeps_exactly_those_texts_and_the_next_run_embeds_the_rest(tmp_path, texts, k):
    store = Store(tmp_path)
    first = Recording()
    with pytest.raises(EmbeddingStopped) as stopped:
        embed_texts(texts, first, store, batch_size=50, should_stop=lambda: len(first.batches) >= k)
    done = [t for batch in first.batches for t in batch]
    assert len(first.batches) == k
    assert (stopped.value.done, stopped.value.total) == (len(done), len(texts))
    assert f"Stopped after {len(done):,} of {len(texts):,}" in str(stopped.value)
    assert stored(Store(tmp_path), first, texts) == set(done)  # read back as a new session would

    second = Recording()
    result = embed_texts(texts, second, Store(tmp_path), batch_size=50)
    assert sorted(t for batch in second.batches for t in batch) == sorted(set(texts) - set(done))
    assert (result.n_cached, result.n_computed) == (len(done), len(texts) - len(done))
    assert result.vectors.tobytes() == PlantedTopicsEmbedder().embed(texts).tobytes()


def test_an_exception_from_the_progress_callback_also_keeps_the_batches_done(tmp_path, texts):
    store = Store(tmp_path)
    embedder = Recording()

    def rerun_after_two_batches(done, total):
        if len(embedder.batches) == 2:
            raise Interrupted()

    with pytest.raises(Interrupted):
        embed_texts(texts, embedder, store, batch_size=50, progress=rerun_after_two_batches)
    assert stored(Store(tmp_path), embedder, texts) == {t for batch in embedder.batches for t in batch}
    assert len(embedder.batches) == 2


def test_each_batch_reports_texts_done_and_a_shrinking_time_left(tmp_path, texts):
    slow = PlantedTopicsEmbedder(spec=replace(FAKE_SPEC, docs_per_second=10.0))  # as the catalogue says
    reports: list[EmbedProgress] = []
    embed_texts(texts, slow, Store(tmp_path), batch_size=50, on_batch=reports.append)
    assert [r.done for r in reports] == list(range(0, len(texts) + 1, 50))
    assert {r.total for r in reports} == {len(texts)}
    # Before the first batch: the catalogue's speed; at the end: nothing left.
    tokens = embed_module.planned_tokens(texts, slow).sum()
    prior = speed.catalogue_tokens_per_second(slow.spec)
    assert reports[0].seconds_left == pytest.approx(tokens / prior, rel=1e-3)
    assert reports[-1].seconds_left == 0


def test_a_long_enough_run_keeps_its_speed_for_the_next_first_estimate(tmp_path, texts, monkeypatch):
    monkeypatch.setattr(speed, "MIN_SECONDS_TO_REMEMBER", 0.0)
    embedder = PlantedTopicsEmbedder()
    embed_texts(texts[:300], embedder, Store(tmp_path), batch_size=50)
    kept = speed.remembered_speeds(tmp_path)[embedder.cache_key]["tokens_per_second"]
    assert kept > 0
    reports: list[EmbedProgress] = []
    embed_texts(texts[300:], embedder, Store(tmp_path), batch_size=50, on_batch=reports.append)
    tokens = embed_module.planned_tokens(texts[300:], embedder).sum()
    assert reports[0].seconds_left == pytest.approx(tokens / kept, rel=1e-3)
    assert np.isfinite([r.seconds_left for r in reports]).all()
