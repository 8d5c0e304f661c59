"""The server's job pool (embdash.jobs) in the dashboard: a heavy job waits its turn, its page showing its place
in line and a Cancel button; a closed tab leaves the line and stops its running job.

Streamlit ends a script run at its next `st` call after the visitor clicks something (a rerun) or closes the tab
(1.67 asks the session's script to stop on disconnect): the waiting notice makes such a call on every poll, so
the wait ends within half a second, and the pool gives the place or the slot back in its `finally`. A running
embedding also asks whether its session is still connected between batches.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from typing import Callable, ContextManager, Iterator

import streamlit as st

from embdash.jobs import JobPool, Limits, Ticket, default_slots
from embdash.ui.server_settings import settings

POLL_SECONDS = 0.5  # how often a waiting page updates its place and notices a click or a closed tab


@st.cache_resource(show_spinner=False)
def pool() -> JobPool:
    """The one pool of this server process, shared by every session."""
    return JobPool(settings().max_jobs or default_slots())


def limits() -> Limits:
    server = settings()
    return Limits.for_instance(server.public, server.job_seconds, server.job_texts)


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx(suppress_warning=True)
    return None if context is None else context.session_id


def _still_connected(session_id: str | None) -> Callable[[], bool]:
    """Is the session's browser tab still connected? Always true outside a server (AppTest, a bare script)."""
    from streamlit import runtime

    def connected() -> bool:
        return session_id is None or not runtime.exists() or runtime.get_instance().is_active_session(session_id)

    return connected


class Turn:
    """A job factory for the library (embed_texts(job=...)): called with a job's size, it returns the context that
    holds the job's turn. The last ticket stays readable (`ticket`), to say why a job stopped.

    `what` names the job's units in messages ("new words"). With `cancel` (a callback and its arguments, run
    when Cancel is clicked), a waiting page shows its place and a Cancel button; without, it waits quietly (inside
    st.cache_data, which must not draw widgets). `skip_if_small`: see JobPool.job.
    """

    def __init__(self, what: str, *, cancel: tuple[Callable, tuple] | None = None, cancel_key: str = "",
                 skip_if_small: bool = True):
        self.what, self.cancel, self.cancel_key, self.skip_if_small = what, cancel, cancel_key, skip_if_small
        self.ticket: Ticket | None = None

    def __call__(self, size: int) -> ContextManager[Ticket]:
        return self._held(size)

    def stop_reason(self) -> str | None:
        """Why its job should stop ("cancelled", "gone", "time"; see Ticket.stop_reason), or None: None too before
        the turn is taken."""
        return None if self.ticket is None else self.ticket.stop_reason()

    def should_stop(self) -> bool:
        """Asked by the running job between its steps."""
        return self.stop_reason() is not None

    @contextmanager
    def _held(self, size: int) -> Iterator[Ticket]:
        notice = _WaitingNotice(self.cancel, self.cancel_key) if self.cancel is not None else None
        session_id = _session_id()
        with pool().job(session_id or "local", size, limits(), what=self.what, on_wait=notice,
                        is_wanted=_still_connected(session_id), skip_if_small=self.skip_if_small,
                        poll_seconds=POLL_SECONDS) as ticket:
            self.ticket = ticket
            if notice is not None:
                notice.clear()
            yield ticket


class _WaitingNotice:
    """Where a waiting job says its place, with its Cancel button; drawn on the first wait, cleared at the turn."""

    def __init__(self, cancel: tuple[Callable, tuple], key: str):
        self.callback, self.args = cancel
        self.key = key
        self.holder = st.empty()
        self.text = None

    def __call__(self, place: int, waiting: int) -> None:
        if self.text is None:
            with self.holder.container():
                self.text = st.empty()
                st.button("Cancel", key=f"jobs.cancel.{self.key}", on_click=self.callback, args=self.args,
                          help="Leave the line; nothing is computed.")
        running = pool().slots
        self.text.info(f"Waiting for a turn: place {place} of {waiting} in line. The server runs {running} heavy "
                       f"job{'s' if running > 1 else ''} at once; this one starts when one ends.")

    def clear(self) -> None:
        self.holder.empty()


@contextmanager
def taken_when_needed(turn: Turn, size: int) -> Iterator[Callable[[], None]]:
    """Yields `take()`: the first call waits for the turn (a stage that must be computed), later calls do nothing;
    the turn is held until the block ends. A block whose results are all cached never takes one."""
    with ExitStack() as held:
        taken: list[Ticket] = []

        def take() -> None:
            if not taken:
                taken.append(held.enter_context(turn(size)))

        yield take
