"""How long embedding will take: the time-left estimate, and the speeds it starts from.

Work is counted in tokens, not texts: batches run longest first, so a speed in texts per second measured
on the first (longest) batches would overstate the time left by the ratio of their length to the average.
Before the first batch the speed is the one last measured with this model on this machine (a small JSON
file in the data folder), else the catalogue's figure; after it, this run's own.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable, Sequence

from embdash.dataio.atomic import write_text_atomically
from embdash.errors import CacheError
from embdash.models.catalogue import measured_speed

SPEEDS_FILE = "embedding-speeds.json"
MIN_SECONDS_TO_REMEMBER = 1.0  # shorter runs measure start-up costs more than speed
# Tokens per text of the short sentences the catalogue's texts/s were measured on (SICK, bench/models_speed.py),
# for models whose catalogue entry has no tokens/s of its own.
CATALOGUE_SENTENCE_TOKENS = 12  # 11.4-12.4 with the MiniLM tokenizer (bench/bench_token_batches.py, models_speed.py)


def seconds_left(done_tokens: float, elapsed: float, remaining_tokens: float,
                 prior_tokens_per_second: float | None = None) -> float | None:
    """Seconds to embed `remaining_tokens` at the speed measured so far (`done_tokens` in `elapsed` seconds);
    before anything is done, at the prior speed. None when there is no speed to go by.

    The prior is not blended in afterwards: a stored speed from a quiet machine misled the estimate by
    half on a busy one, where the first batch had already measured the truth."""
    if done_tokens > 0 and elapsed > 0:
        speed = done_tokens / elapsed
    elif prior_tokens_per_second:
        speed = prior_tokens_per_second
    else:
        return None
    return max(float(remaining_tokens), 0.0) / speed


def time_left_text(seconds: float | None) -> str:
    """"about 3 min 20 s left": rounded as far as an estimate deserves, never raw seconds."""
    if seconds is None:
        return "estimating the time left"
    seconds = max(float(seconds), 0.0)
    if seconds < 10:
        return "a few seconds left"
    if seconds < 60:
        return f"about {round(seconds / 5) * 5:.0f} s left"
    if seconds < 3600:
        minutes, rest = divmod(round(seconds / 10) * 10, 60)
        return f"about {minutes:.0f} min left" if rest == 0 else f"about {minutes:.0f} min {rest:.0f} s left"
    hours, rest = divmod(round(seconds / 60) * 60, 3600)
    return f"about {hours:.0f} h left" if rest == 0 else f"about {hours:.0f} h {rest / 60:.0f} min left"


class RunClock:
    """The time left of one run, batch by batch: tokens done against seconds spent since it started."""

    def __init__(self, batch_tokens: Sequence[int], batch_texts: Sequence[int],
                 prior_tokens_per_second: float | None = None, clock: Callable[[], float] = time.perf_counter):
        self.batch_tokens, self.batch_texts = list(batch_tokens), list(batch_texts)
        self.prior = prior_tokens_per_second
        self.clock = clock
        self.started = clock()
        self.batches_done = self.done_tokens = self.done_texts = 0
        self.tokens_before_start = 0  # done before `started` (see restart): not part of the measured speed
        self.total_tokens, self.total_texts = sum(self.batch_tokens), sum(self.batch_texts)

    def batch_done(self, index: int | None = None) -> None:
        """Batch `index` is done (default: the next in plan order; Ray returns batches in any order)."""
        index = self.batches_done if index is None else index
        self.done_tokens += self.batch_tokens[index]
        self.done_texts += self.batch_texts[index]
        self.batches_done += 1

    def restart(self) -> None:
        """Measure the speed from now on, leaving out what is done so far (e.g. batches that waited for
        workers to start)."""
        self.started = self.clock()
        self.tokens_before_start = self.done_tokens

    def elapsed(self) -> float:
        return self.clock() - self.started

    def seconds_left(self) -> float | None:
        return seconds_left(self.done_tokens - self.tokens_before_start, self.elapsed(),
                            self.total_tokens - self.done_tokens, self.prior)

    def measured_tokens_per_second(self) -> float | None:
        """This run's speed, when it ran long enough to say."""
        elapsed, tokens = self.elapsed(), self.done_tokens - self.tokens_before_start
        if not tokens or elapsed < MIN_SECONDS_TO_REMEMBER:
            return None
        return tokens / elapsed


# --- speeds measured before ---------------------------------------------------------------------------


def remembered_speeds(folder: Path) -> dict:
    """model cache key -> {"tokens_per_second": ...}; empty when none were kept or the file is unreadable."""
    try:
        speeds = json.loads((Path(folder) / SPEEDS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return speeds if isinstance(speeds, dict) else {}


def remember_speed(folder: Path, model_key: str, tokens_per_second: float) -> None:
    """Keep the last speed measured with a model (by cache key). A folder that cannot be written is no
    problem: the next estimate starts from the catalogue instead."""
    speeds = remembered_speeds(folder)
    speeds[model_key] = {"tokens_per_second": round(float(tokens_per_second), 1),
                         "measured": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    try:
        write_text_atomically(Path(folder) / SPEEDS_FILE, json.dumps(speeds, indent=1, sort_keys=True))
    except CacheError:
        pass


def prior_tokens_per_second(embedder, folder: Path | None) -> float | None:
    """The speed to expect from `embedder` before measuring: the last one measured in `folder` (the data
    folder), else the catalogue's, else None (a custom model never measured)."""
    if folder is not None:
        remembered = remembered_speeds(folder).get(embedder.cache_key)
        speed = remembered.get("tokens_per_second") if isinstance(remembered, dict) else None
        if isinstance(speed, (int, float)) and speed > 0:
            return float(speed)
    return catalogue_tokens_per_second(embedder.spec)


def catalogue_tokens_per_second(spec) -> float | None:
    """The catalogue's speed in tokens/s: as measured, else from its texts/s on short sentences."""
    measured = measured_speed(spec.id)
    if measured is not None and measured.tokens_per_second:
        return measured.tokens_per_second
    return spec.docs_per_second * CATALOGUE_SENTENCE_TOKENS if spec.docs_per_second else None
