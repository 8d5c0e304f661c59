"""The password gate through the real app (AppTest): wrong passwords wait longer each time and then lock the
client out, the wait is on screen, each failure is logged without the text typed, and a session that passed is
known to the server's upload guard. The throttle's clock is a fake one: nothing sleeps."""

import logging

import pytest
from streamlit.testing.v1 import AppTest

from embdash.throttle import LoginThrottle
from embdash.ui import gate, upload_guard
from tests.conftest import REPO

APP = REPO / "streamlit_app.py"
TIMEOUT = 300
PASSWORD = "open sesame"


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The gate's throttle, built from the settings as on a server, on a clock the test moves."""
    clock = Clock()
    throttles = {}

    def throttle(lockout_after, lockout_minutes):
        key = (lockout_after, lockout_minutes)
        if key not in throttles:
            throttles[key] = LoginThrottle(lockout_after=lockout_after, lockout_seconds=lockout_minutes * 60,
                                           clock=clock)
        return throttles[key]

    monkeypatch.setattr(gate, "login_throttle", throttle)
    monkeypatch.setattr(gate, "_passed_sessions", set())
    monkeypatch.setenv("EMBDASH_PASSWORD", PASSWORD)
    return clock


def attempt(at: AppTest, text: str) -> AppTest:
    return at.text_input(key="gate.password").input(text).run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def still_gated(at: AppTest) -> bool:
    return [t.value for t in at.title] == ["embdash"]


def test_wrong_passwords_wait_longer_each_time_and_the_wait_is_on_screen(clock):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception and still_gated(at)
    attempt(at, "wrong")
    assert errors(at) == ["That is not the password. Try again in 1 s."]
    attempt(at, PASSWORD)  # during the wait: not even compared
    assert still_gated(at)
    assert errors(at) == ["That is not the password. Try again in 1 s."]
    clock.now += 1
    attempt(at, "wrong again")
    assert errors(at) == ["That is not the password. Try again in 2 s."]
    clock.now += 2
    attempt(at, "still wrong")
    assert errors(at) == ["That is not the password. Try again in 4 s."]
    assert at.session_state["gate.password"] == ""  # the typed text does not stay in the session
    clock.now += 4
    attempt(at, PASSWORD)
    assert not at.exception
    assert at.title[0].value == "Map of the corpus"


def test_a_rerun_does_not_count_the_same_entry_again(clock):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    attempt(at, "wrong")
    clock.now += 10
    at.run()
    at.run()
    assert gate.login_throttle(10, 15).failures("localhost") == 1


def test_too_many_wrong_passwords_lock_the_client_out_for_the_window(clock, monkeypatch):
    monkeypatch.setenv("EMBDASH_LOGIN_LOCKOUT_AFTER", "3")
    monkeypatch.setenv("EMBDASH_LOGIN_LOCKOUT_MINUTES", "5")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    for _ in range(3):
        attempt(at, "guess")
        clock.now += 10
    clock.now -= 10
    assert errors(at) == ["Too many wrong passwords from your address: try again in 5 min."]
    other_tab = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()  # a new session: same client
    attempt(other_tab, PASSWORD)
    assert still_gated(other_tab)
    assert errors(other_tab) == ["Too many wrong passwords from your address: try again in 5 min."]
    clock.now += 5 * 60
    attempt(other_tab, PASSWORD)
    assert not other_tab.exception
    assert other_tab.title[0].value == "Map of the corpus"


def test_each_failure_is_logged_with_client_and_count_never_the_text(clock, caplog):
    caplog.set_level(logging.WARNING, logger="embdash.ui.gate")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    attempt(at, "hunter2-secret-guess")
    clock.now += 1
    attempt(at, "another-secret-guess")
    lines = [r.getMessage() for r in caplog.records if r.name == "embdash.ui.gate"]
    assert len(lines) == 2
    assert "client localhost (1 in a row)" in lines[0] and "client localhost (2 in a row)" in lines[1]
    assert not any("secret-guess" in line for line in lines)


def test_the_upload_guard_admits_a_session_only_once_it_passed(clock):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    attempt(at, "wrong")
    assert gate._passed_sessions == set()
    clock.now += 1
    attempt(at, PASSWORD)
    assert not at.exception
    [session_id] = gate._passed_sessions
    assert upload_guard.refusal(session_id) is None
    assert upload_guard.refusal("a-session-that-never-typed-it") == upload_guard.NOT_ADMITTED
