"""An optional password gate (EMBDASH_PASSWORD): one password for the whole instance, asked once per
browser session. It keeps casual visitors out of a shared server; it is not a user account system.

Wrong passwords are throttled per client (embdash.throttle): each one doubles the wait before the next is
even compared, and too many lock the client out for a while; each is logged, never with the text typed.
The sessions that passed are kept in a registry the server's upload guard (embdash.ui.upload_guard)
consults, so a session that never typed the password cannot send files either.
"""

from __future__ import annotations

import functools
import hmac
import logging
import math
import threading

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from embdash.config import Settings
from embdash.throttle import LoginThrottle

log = logging.getLogger(__name__)

_PASSED = "gate.passed"
_INPUT = "gate.password"
_FAILED = "gate.failed"  # the session's last attempt was wrong or refused: say so on screen

_passed_sessions: set[str] = set()
_passed_lock = threading.Lock()


def require_password(settings: Settings) -> None:
    """Stop the page until the visitor has typed the password in this session; no-op if none is set."""
    if not settings.password:
        return
    if st.session_state.get(_PASSED):
        return
    st.title("embdash")
    st.text_input("Password", type="password", key=_INPUT, on_change=_attempt, args=(settings,),
                  help="This instance is protected by a password; ask whoever runs it.")
    if message := _refusal_message(settings):
        st.error(message)
    st.stop()


def _attempt(settings: Settings) -> None:
    """One attempt per submitted text (a callback, so a rerun never compares a stale entry again)."""
    typed = st.session_state.get(_INPUT, "")
    st.session_state[_INPUT] = ""  # the typed text does not stay in the session
    if not typed:
        return
    client = client_id(settings)
    throttle = login_throttle(settings.login_lockout_after, settings.login_lockout_minutes)
    if throttle.wait_seconds(client) > 0:  # not compared at all: guessing during the wait gains nothing
        st.session_state[_FAILED] = True
        return
    # Constant-time comparison: the time taken tells nothing about how much of the password matched.
    if hmac.compare_digest(typed.encode("utf-8"), settings.password.encode("utf-8")):
        throttle.record_success(client)
        st.session_state[_PASSED] = True
        st.session_state.pop(_FAILED, None)
        admit(current_session_id())
        return
    wait = throttle.record_failure(client)
    st.session_state[_FAILED] = True
    log.warning("embdash: wrong password from client %s (%d in a row); next attempt checked in %d s",
                client, throttle.failures(client), math.ceil(wait))


def _refusal_message(settings: Settings) -> str | None:
    if not st.session_state.get(_FAILED):
        return None
    throttle = login_throttle(settings.login_lockout_after, settings.login_lockout_minutes)
    client = client_id(settings)
    wait = throttle.wait_seconds(client)
    if wait <= 0:
        return "That is not the password."
    if throttle.is_locked_out(client):
        return f"Too many wrong passwords from your address: try again in {_duration(wait)}."
    return f"That is not the password. Try again in {_duration(wait)}."


def _duration(seconds: float) -> str:
    seconds = math.ceil(seconds)
    if seconds < 90:
        return f"{seconds} s"
    return f"{math.ceil(seconds / 60)} min"


@functools.cache
def login_throttle(lockout_after: int, lockout_minutes: int) -> LoginThrottle:
    """The server's one throttle for these settings, shared by every session."""
    return LoginThrottle(lockout_after=lockout_after, lockout_seconds=lockout_minutes * 60)


def client_id(settings: Settings) -> str:
    """Who is trying: the visitor's IP address, from the proxy's header when the operator names one.

    Streamlit reports no address for a loopback connection (nor under AppTest): those visitors are all
    this machine.
    """
    if settings.client_ip_header:
        forwarded = st.context.headers.get(settings.client_ip_header, "")
        # A proxy appends the address it saw: the last entry is the one a visitor cannot forge.
        if last := forwarded.split(",")[-1].strip():
            return last
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "localhost"


def current_session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else None


def admit(session_id: str | None) -> None:
    """Remember that this session passed the gate (for the upload guard); forget sessions that ended."""
    if session_id is None:
        return
    with _passed_lock:
        if runtime.exists():
            active = runtime.get_instance().is_active_session
            _passed_sessions.intersection_update({s for s in _passed_sessions if active(s)})
        _passed_sessions.add(session_id)


def has_passed(session_id: str) -> bool:
    with _passed_lock:
        return session_id in _passed_sessions
