"""A fair share of the server's compute: at most N heavy jobs at once, the others waiting in line.

A page that has to embed, project or cluster asks the server's JobPool for a turn (`pool.job(...)`). It
waits first in first out, told its place in the line as it changes, and can leave the line at any time.
A running job asks `ticket.should_stop()` between batches: true once it was cancelled, once its visitor has
gone, or once it has run past its time limit, so a job that holds a slot holds it for no longer than its
limit (plus the batch under way). The slot is given back whatever happens (`finally`).

Small jobs skip the line (FAST_LANE_TEXTS): a Learn page embedding two sentences, a classifier's few
examples, a search query. Their work is a fraction of a second, so making them wait behind a minute-long
job would cost their visitor far more than it saves anyone, and they are too small to starve anybody. They
also skip the model's cache lock (embdash.models.embed): at worst two visitors embed the same handful of
texts once each.

Nothing here knows Streamlit: the dashboard passes its own `on_wait` (to show the place) and `is_wanted`
(is the browser tab still open?) callables. Only threads of one process share a pool; processes share the
store's file locks, which have a timeout of their own (Limits.lock_seconds).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, ContextManager, Iterator

from embdash.errors import EmbdashError

#: Jobs of at most this many texts skip the line and the model's lock (see the module's docstring). 64 short
#: texts take about 0.2 s with the default model on 2 cores.
FAST_LANE_TEXTS = 64
#: At most this many jobs wait at once; one more is refused with a "try again" message.
MAX_WAITING = 32
#: Without a time limit (a private instance), a job waits this long for another job's model lock before it
#: gives up; with one, the holder's limit plus LOCK_MARGIN_SECONDS (it finishes the batch under way).
PRIVATE_LOCK_SECONDS = 600.0
LOCK_MARGIN_SECONDS = 30.0

OnWait = Callable[[int, int], None]  # (place in the line from 1, jobs waiting)
JobFactory = Callable[[int], ContextManager["Ticket"]]  # number of texts -> a held turn


class JobRefused(EmbdashError):
    """The job was not started: too large for this server, or too many jobs already waiting."""


class JobCancelled(EmbdashError):
    """The job left the line before its turn (its visitor cancelled or went away)."""


def default_slots(cpus: int | None = None) -> int:
    """Jobs at once when the operator sets none: one core left for the pages themselves, at least one job.
    A model already uses every core for one job, so more at once would only share them."""
    cpus = os.cpu_count() if cpus is None else cpus
    return max(1, (cpus or 1) - 1)


@dataclass(frozen=True)
class Limits:
    """What one job may use. None: no limit."""

    seconds: float | None = None  # a running job is asked to stop after this long
    texts: int | None = None  # a job of more texts (documents, words) is refused before it starts
    lock_seconds: float | None = PRIVATE_LOCK_SECONDS  # waiting for another job's model lock, at most

    @classmethod
    def for_instance(cls, public: bool, seconds: float | None, texts: int | None) -> "Limits":
        """A public instance (read-only, or behind a password) limits each visitor's jobs; a private one does not."""
        if not public:
            return cls()
        lock = PRIVATE_LOCK_SECONDS if seconds is None else seconds + LOCK_MARGIN_SECONDS
        return cls(seconds=seconds, texts=texts, lock_seconds=lock)


class Ticket:
    """One job's place in the pool: waiting, then running, then done (or cancelled)."""

    def __init__(self, pool: "JobPool", number: int, owner: str, size: int, limits: Limits, fast: bool,
                 is_wanted: Callable[[], bool] | None):
        self.pool, self.number, self.owner, self.size = pool, number, owner, size
        self.limits = limits
        self.fast = fast  # skipped the line: holds no slot
        self.state = "waiting"
        self.started: float | None = None  # pool clock when it got its turn
        self._cancelled = threading.Event()
        self._is_wanted = is_wanted

    def __repr__(self) -> str:
        return f"Ticket({self.number}, owner={self.owner!r}, size={self.size}, {self.state})"

    def place(self) -> tuple[int, int] | None:
        """(place in the line from 1, jobs waiting), or None when not waiting."""
        return self.pool.place(self)

    def cancel(self) -> None:
        """Leave the line, or ask the running job to stop at its next batch; its slot is freed when it does."""
        self._cancelled.set()
        self.pool._cancelled(self)

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def gone(self) -> bool:
        """Its visitor is no longer there (the tab was closed)."""
        return self._is_wanted is not None and not self._is_wanted()

    def over_time(self) -> bool:
        return (self.limits.seconds is not None and self.started is not None
                and self.pool.clock() - self.started > self.limits.seconds)

    def stop_reason(self) -> str | None:
        """Why the job should stop: "cancelled", "gone" or "time"; None while it may go on."""
        if self.cancelled:
            return "cancelled"
        if self.gone():
            return "gone"
        if self.over_time():
            return "time"
        return None

    def should_stop(self) -> bool:
        """Asked by the running job between batches."""
        return self.stop_reason() is not None


class JobPool:
    """At most `slots` jobs running at once; the others wait first in first out (at most `max_waiting`)."""

    def __init__(self, slots: int, *, fast_lane: int = FAST_LANE_TEXTS, max_waiting: int = MAX_WAITING,
                 clock: Callable[[], float] = time.monotonic):
        if slots < 1:
            raise ValueError("A job pool needs at least one slot.")
        self.slots, self.fast_lane, self.max_waiting, self.clock = slots, fast_lane, max_waiting, clock
        self._waiting: deque[Ticket] = deque()
        self._running: set[Ticket] = set()
        self._numbers = itertools.count(1)
        self._changed = threading.Condition()

    def __repr__(self) -> str:
        return f"JobPool({self.slots} slots, {len(self._running)} running, {len(self._waiting)} waiting)"

    @property
    def running(self) -> int:
        """Jobs holding a slot now (fast-lane jobs hold none)."""
        with self._changed:
            return len(self._running)

    @property
    def waiting(self) -> int:
        with self._changed:
            return len(self._waiting)

    @contextmanager
    def job(self, owner: str, size: int, limits: Limits = Limits(), *, what: str = "texts",
            on_wait: OnWait | None = None, is_wanted: Callable[[], bool] | None = None,
            skip_if_small: bool = True, poll_seconds: float = 0.25) -> Iterator[Ticket]:
        """Hold a turn for a job of `size` texts (`what`, for messages) while the block runs; the slot is given
        back when it ends, however it ends. While waiting, `on_wait(place, waiting)` is called every
        `poll_seconds` (an exception it raises leaves the line); `is_wanted()` false leaves the line too.

        Raises JobRefused before any wait (too large for `limits`, or the line is full) and JobCancelled when
        the job left the line before its turn. `skip_if_small`: a job of at most `fast_lane` texts skips the
        line (for embedding; a projection's cost does not shrink with its size the same way).
        """
        ticket = self.submit(owner, size, limits, what=what, is_wanted=is_wanted, skip_if_small=skip_if_small)
        try:
            self.wait_for_turn(ticket, on_wait, poll_seconds)
            yield ticket
        finally:
            self.release(ticket)

    def submit(self, owner: str, size: int, limits: Limits = Limits(), *, what: str = "texts",
               is_wanted: Callable[[], bool] | None = None, skip_if_small: bool = True) -> Ticket:
        """A ticket in the line (or running at once in the fast lane); JobRefused when it cannot be taken."""
        if limits.texts is not None and size > limits.texts:
            raise JobRefused(f"This server takes at most {limits.texts:,} {what} in one job, and this one has "
                             f"{size:,}. Choose fewer, or ask whoever runs the server to prepare them ahead.")
        fast = skip_if_small and size <= self.fast_lane
        with self._changed:
            ticket = Ticket(self, next(self._numbers), owner, size, limits, fast, is_wanted)
            if fast:
                self._start(ticket)
                return ticket
            if len(self._running) >= self.slots and len(self._waiting) >= self.max_waiting:
                raise JobRefused(f"The server is busy ({len(self._waiting)} jobs waiting for their turn); "
                                 "try again in a minute.")
            self._waiting.append(ticket)
            self._start_next()
            return ticket

    def wait_for_turn(self, ticket: Ticket, on_wait: OnWait | None = None, poll_seconds: float = 0.25) -> None:
        """Block until `ticket` runs. JobCancelled if it was cancelled or its visitor left first; an exception
        from `on_wait` leaves the line and goes on up (a Streamlit rerun, a closed tab)."""
        while True:
            with self._changed:
                if ticket.state == "running":
                    return
                if ticket.state == "waiting" and (ticket.cancelled or ticket.gone()):
                    self._leave(ticket, "cancelled")
                if ticket.state == "cancelled":
                    raise JobCancelled("The job left the line before its turn.")
                place = self._place(ticket)
            if on_wait is not None and place is not None:
                try:
                    on_wait(*place)
                except BaseException:
                    self.release(ticket)
                    raise
            with self._changed:
                if ticket.state == "waiting" and not ticket.cancelled:
                    self._changed.wait(poll_seconds)

    def place(self, ticket: Ticket) -> tuple[int, int] | None:
        with self._changed:
            return self._place(ticket)

    def release(self, ticket: Ticket) -> None:
        """Give the ticket's slot back, or take it out of the line; the next in line starts. Idempotent."""
        with self._changed:
            if ticket.state == "running":
                self._running.discard(ticket)
                ticket.state = "done"
            elif ticket.state == "waiting":
                self._leave(ticket, "cancelled")
                return
            self._start_next()

    def _place(self, ticket: Ticket) -> tuple[int, int] | None:
        if ticket.state != "waiting":
            return None
        return list(self._waiting).index(ticket) + 1, len(self._waiting)

    def _leave(self, ticket: Ticket, state: str) -> None:
        self._waiting.remove(ticket)
        ticket.state = state
        self._start_next()

    def _start_next(self) -> None:
        """Start the oldest waiting jobs while slots are free (under the lock)."""
        while self._waiting and len(self._running) < self.slots:
            self._start(self._waiting.popleft())
        self._changed.notify_all()

    def _start(self, ticket: Ticket) -> None:
        ticket.state, ticket.started = "running", self.clock()
        if not ticket.fast:
            self._running.add(ticket)

    def _cancelled(self, ticket: Ticket) -> None:
        with self._changed:
            if ticket.state == "waiting":
                self._leave(ticket, "cancelled")  # the places behind it move up now
            self._changed.notify_all()
