"""The time left while embedding: estimated from tokens done per second, shown in minutes and seconds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from embdash.models import speed
from embdash.models.speed import RunClock, seconds_left, time_left_text
from tests.fakes import FAKE_SPEC, PlantedTopicsEmbedder


def synthetic_run(seed: int = 0, n_texts: int = 3000, per_text_seconds: float = 0.0005, per_token_seconds: float = 2e-4):
    """Batches planned longest first (long documents, then short ones), and the seconds each one takes: a
    fixed cost per text plus one per token, with 10% noise. Returns (tokens per batch, texts per batch, seconds)."""
    rng = np.random.default_rng(seed)
    tokens = np.sort(np.minimum(rng.lognormal(3.5, 1.0, n_texts).astype(int) + 2, 256))[::-1]
    batch_tokens, batch_texts, start = [], [], 0
    while start < n_texts:
        size = min(256, max(4096 // tokens[start], 1))
        batch_tokens.append(int(tokens[start:start + size].sum()))
        batch_texts.append(len(tokens[start:start + size]))
        start += size
    work = per_text_seconds * np.array(batch_texts) + per_token_seconds * np.array(batch_tokens)
    seconds = work * rng.uniform(0.9, 1.1, len(work))
    return np.array(batch_tokens), np.array(batch_texts), seconds


@pytest.mark.parametrize("seed", range(5))
def test_the_estimate_after_a_few_batches_is_close_to_the_time_really_left(seed):
    tokens, texts, seconds = synthetic_run(seed)
    for k in (3, len(tokens) // 4, len(tokens) // 2):
        truth = seconds[k:].sum()  # brute force: the remaining batches' own times
        estimate = seconds_left(tokens[:k].sum(), seconds[:k].sum(), tokens[k:].sum())
        assert 0.75 * truth <= estimate <= 1.25 * truth, (k, estimate, truth)
        # What counting texts instead would say: the first, longest, batches make it far too long.
        by_texts = seconds[:k].sum() / texts[:k].sum() * texts[k:].sum()
        if k == 3:
            assert by_texts > 2 * truth


def test_before_the_first_batch_the_prior_speed_decides_then_the_runs_own():
    assert seconds_left(0, 0.0, 10_000, prior_tokens_per_second=500) == pytest.approx(20)
    assert seconds_left(0, 0.0, 10_000) is None  # nothing to go by
    # Measured 1,000 tokens/s: a prior of 500 tokens/s (a quieter machine, another corpus) no longer counts.
    assert seconds_left(4096, 4.096, 10_000, prior_tokens_per_second=500) == pytest.approx(10)
    assert seconds_left(500, 1.0, 0) == 0


@pytest.mark.parametrize("seconds, text", [
    (None, "estimating the time left"),
    (3, "a few seconds left"),
    (43, "about 45 s left"),
    (200, "about 3 min 20 s left"),
    (1531, "about 25 min 30 s left"),
    (180, "about 3 min left"),
    (7260, "about 2 h 1 min left"),
    (7200, "about 2 h left"),
])
def test_time_left_is_said_in_minutes_and_seconds(seconds, text):
    assert time_left_text(seconds) == text


def test_no_time_left_shows_raw_seconds_beyond_a_minute():
    for seconds in np.linspace(60, 20_000, 400):
        shown = time_left_text(seconds)
        assert "min" in shown or " h" in shown
        number_before_s = [w for w, nxt in zip(shown.split(), shown.split()[1:]) if nxt == "s"]
        assert all(int(n) < 60 for n in number_before_s)


def test_the_run_clock_reports_tokens_done_against_time_spent():
    now = [100.0]
    clock = RunClock([300, 100, 100], [1, 2, 2], prior_tokens_per_second=None, clock=lambda: now[0])
    assert clock.seconds_left() is None and clock.total_texts == 5
    now[0] += 3.0  # the first batch: 300 tokens in 3 s
    clock.batch_done()
    assert (clock.done_texts, clock.done_tokens) == (1, 300)
    assert clock.seconds_left() == pytest.approx(2.0)  # 200 tokens at 100 tokens/s
    assert clock.measured_tokens_per_second() == pytest.approx(100)


def test_the_last_speed_is_kept_per_model_and_read_before_the_next_run(tmp_path):
    embedder = PlantedTopicsEmbedder()
    assert speed.prior_tokens_per_second(embedder, tmp_path) == FAKE_SPEC.docs_per_second * speed.CATALOGUE_SENTENCE_TOKENS
    speed.remember_speed(tmp_path, embedder.cache_key, 812.34)
    speed.remember_speed(tmp_path, "other@1", 5.0)
    assert speed.prior_tokens_per_second(embedder, tmp_path) == pytest.approx(812.3)
    kept = json.loads((tmp_path / speed.SPEEDS_FILE).read_text())
    assert set(kept) == {embedder.cache_key, "other@1"}
    (tmp_path / speed.SPEEDS_FILE).write_text("{ not json")  # damaged: back to the catalogue, no error
    assert speed.prior_tokens_per_second(embedder, tmp_path) == FAKE_SPEC.docs_per_second * speed.CATALOGUE_SENTENCE_TOKENS


def test_a_speed_that_cannot_be_saved_is_no_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    speed.remember_speed(blocker, "m@1", 10.0)  # its folder is a file: nothing saved, nothing raised
    assert speed.remembered_speeds(blocker) == {}


def test_every_catalogue_speed_names_the_machine_and_day_it_was_measured_on():
    from datetime import date

    from embdash.models.catalogue import CATALOGUE, measured_speed, speed_label

    for spec in CATALOGUE:
        measured = measured_speed(spec.id)
        assert measured is not None and measured.texts_per_second == spec.docs_per_second > 0
        assert measured.cpu.strip() and measured.cores >= 1
        date.fromisoformat(measured.measured)
        tokens = f" (~{measured.tokens_per_second:,.0f} tokens/s)" if measured.tokens_per_second else ""
        assert speed_label(spec) == (f"~{spec.docs_per_second:,.0f} short sentences/s{tokens} on {measured.cores} "
                                     f"cores ({measured.cpu}, measured {measured.measured})")


def test_the_speed_script_merges_its_rows_labelled_with_this_machine(tmp_path):
    from bench import models_speed as script

    path = tmp_path / "speeds.json"
    path.write_text(json.dumps({"models": {"kept": {"texts_per_second": 1.0}}}))
    row = {"model": "m", "docs_per_second": 350.0, "tokens_per_second": 4500.0, "cold_load_s": 6.9}
    script.write_results([row], path)
    models = json.loads(path.read_text())["models"]
    assert models["kept"] == {"texts_per_second": 1.0}  # models not measured now keep their entry
    assert models["m"]["texts_per_second"] == 350.0 and models["m"]["cores"] == script.usable_cores()
    assert models["m"]["cpu"] == script.cpu_name() != ""


def test_a_restarted_clock_leaves_out_what_was_done_before_and_takes_batches_in_any_order():
    """Ray's first batches also wait for the workers to load the model: the speed is measured from the
    restart on, over the batches done since, whichever order they come back in."""
    now = [0.0]
    clock = RunClock([100, 100, 200, 400], [1, 1, 2, 4], clock=lambda: now[0])
    now[0] += 60.0  # the workers start, then return their first batches (3rd and 1st in the plan)
    clock.batch_done(2)
    clock.batch_done(0)
    assert (clock.done_texts, clock.done_tokens) == (3, 300)
    clock.restart()
    assert clock.seconds_left() is None  # nothing measured since
    now[0] += 2.0
    clock.batch_done(3)  # 400 tokens in 2 s: 200 tokens/s, 100 tokens left
    assert clock.seconds_left() == pytest.approx(0.5)
