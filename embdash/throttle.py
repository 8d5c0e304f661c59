"""Throttling of password attempts per client: growing delays after each wrong password, then a lockout.

Shared by every session of a server process (one object, guarded by a lock), and free of Streamlit: the
clock is injectable, so the rules are tested without sleeping. A client is whatever the caller names it
(the dashboard uses the visitor's IP address).

After the n-th consecutive failure a client waits min(base_delay * 2**(n-1), max_delay) seconds before the
next attempt is even checked; after `lockout_after` failures it waits `lockout_seconds`. A client's failures
are forgotten `lockout_seconds` after its last one, and at once after a success.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class _Record:
    failures: int
    last_failure: float
    blocked_until: float


class LoginThrottle:
    def __init__(
        self,
        lockout_after: int = 10,
        lockout_seconds: float = 900.0,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if lockout_after < 1:
            raise ValueError(f"lockout_after must be at least 1, got {lockout_after}")
        if lockout_seconds <= 0 or base_delay <= 0 or max_delay < base_delay:
            raise ValueError("lockout_seconds and base_delay must be positive, max_delay at least base_delay")
        self.lockout_after = lockout_after
        self.lockout_seconds = float(lockout_seconds)
        self.base_delay = float(base_delay)
        self.max_delay = float(max_delay)
        self._clock = clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, client: str) -> float:
        """How long `client` must wait before its next attempt is checked; 0 if it may try now."""
        with self._lock:
            now = self._clock()
            record = self._current(client, now)
            return max(0.0, record.blocked_until - now) if record else 0.0

    def failures(self, client: str) -> int:
        """The client's consecutive failures still remembered."""
        with self._lock:
            record = self._current(client, self._clock())
            return record.failures if record else 0

    def record_failure(self, client: str) -> float:
        """Count a wrong password; returns how long the client must now wait."""
        with self._lock:
            now = self._clock()
            self._forget_expired(now)
            record = self._records.get(client) or _Record(0, now, now)
            record.failures += 1
            record.last_failure = now
            record.blocked_until = now + self.delay_after(record.failures)
            self._records[client] = record
            return record.blocked_until - now

    def record_success(self, client: str) -> None:
        with self._lock:
            self._records.pop(client, None)

    def delay_after(self, failures: int) -> float:
        """The wait imposed after `failures` consecutive wrong passwords."""
        if failures >= self.lockout_after:
            return self.lockout_seconds
        doublings = min(failures - 1, 64)  # past that the cap holds anyway, and 2.0**n would overflow
        return min(self.base_delay * 2.0**doublings, self.max_delay)

    def is_locked_out(self, client: str) -> bool:
        with self._lock:
            now = self._clock()
            record = self._current(client, now)
            return bool(record and record.failures >= self.lockout_after and record.blocked_until > now)

    def _current(self, client: str, now: float) -> _Record | None:
        record = self._records.get(client)
        if record and now - record.last_failure >= self.lockout_seconds:
            del self._records[client]
            return None
        return record

    def _forget_expired(self, now: float) -> None:
        # Keeps memory bounded by the clients seen within one window, whoever keeps trying.
        expired = [c for c, r in self._records.items() if now - r.last_failure >= self.lockout_seconds]
        for client in expired:
            del self._records[client]
