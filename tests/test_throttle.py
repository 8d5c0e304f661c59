"""The password throttle: delays grow with each wrong password, a lockout follows, and failures are forgotten
after a success or once the window has passed. A fake clock: nothing sleeps."""

import threading

import pytest

from embdash.throttle import LoginThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    return Clock()


def throttle(clock, **options):
    return LoginThrottle(**{"lockout_after": 5, "lockout_seconds": 600, "base_delay": 1, "max_delay": 8,
                            "clock": clock, **options})


def test_a_new_client_may_try_at_once(clock):
    assert throttle(clock).wait_seconds("1.2.3.4") == 0


def test_delays_double_with_each_failure_up_to_the_cap_then_lock_out(clock):
    gate = throttle(clock, lockout_after=6)
    waits = []
    for _ in range(6):
        waits.append(gate.record_failure("1.2.3.4"))
        assert gate.wait_seconds("1.2.3.4") == pytest.approx(waits[-1])
        if len(waits) < 6:
            assert not gate.is_locked_out("1.2.3.4")
            clock.advance(waits[-1])  # the client waits exactly as long as told
            assert gate.wait_seconds("1.2.3.4") == 0
    assert waits == [1, 2, 4, 8, 8, 600]
    assert gate.is_locked_out("1.2.3.4")


def test_an_attempt_inside_the_delay_must_wait_the_remainder(clock):
    gate = throttle(clock)
    for _ in range(3):
        gate.record_failure("a")
    clock.advance(1.5)
    assert gate.wait_seconds("a") == pytest.approx(4 - 1.5)


def test_a_lockout_lasts_its_window_and_then_the_client_starts_afresh(clock):
    gate = throttle(clock)
    for _ in range(5):
        gate.record_failure("a")
    assert gate.is_locked_out("a")
    clock.advance(599)
    assert gate.wait_seconds("a") == pytest.approx(1)
    clock.advance(1)
    assert gate.wait_seconds("a") == 0
    assert not gate.is_locked_out("a")
    assert gate.failures("a") == 0
    assert gate.record_failure("a") == 1  # the first delay again


def test_failures_are_forgotten_a_window_after_the_last_one(clock):
    gate = throttle(clock)
    gate.record_failure("a")
    gate.record_failure("a")
    clock.advance(599)
    assert gate.failures("a") == 2
    clock.advance(1)
    assert gate.failures("a") == 0


def test_a_success_resets_the_client(clock):
    gate = throttle(clock)
    for _ in range(4):
        gate.record_failure("a")
    gate.record_success("a")
    assert gate.wait_seconds("a") == 0
    assert gate.record_failure("a") == 1


def test_clients_are_throttled_apart(clock):
    gate = throttle(clock)
    for _ in range(5):
        gate.record_failure("attacker")
    assert gate.is_locked_out("attacker")
    assert gate.wait_seconds("visitor") == 0
    assert gate.record_failure("visitor") == 1


def test_memory_holds_only_the_clients_of_the_current_window(clock):
    gate = throttle(clock)
    for i in range(1000):
        gate.record_failure(f"10.0.{i // 256}.{i % 256}")
    clock.advance(600)
    gate.record_failure("late")
    assert len(gate._records) == 1


def test_concurrent_failures_are_all_counted():
    gate = LoginThrottle(lockout_after=10_000, lockout_seconds=3600)

    def fail_many():
        for _ in range(500):
            gate.record_failure("a")

    threads = [threading.Thread(target=fail_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gate.failures("a") == 4000


@pytest.mark.parametrize("options", [{"lockout_after": 0}, {"lockout_seconds": 0}, {"base_delay": 2, "max_delay": 1}])
def test_nonsense_settings_are_refused(options):
    with pytest.raises(ValueError):
        LoginThrottle(**options)
