"""Sign-in lockout: too many failures for one user name lock it for a while."""

from __future__ import annotations

import threading
import time
from collections import deque

__all__ = ["LoginThrottle", "SECONDS_PER_MINUTE"]

SECONDS_PER_MINUTE = 60
#: Tracked user names above which names without recent failures are dropped.
PRUNE_ABOVE = 1024


class LoginThrottle:
    """Failed sign-ins per user name; ``max_failures`` within ``window`` seconds lock the
    name for ``lockout`` seconds.

    Names are tracked whether or not an account has them, so that a lock tells nothing
    about which names exist.

    Parameters
    ----------
    max_failures : int
    window, lockout : float
        Seconds.
    clock : callable, default time.monotonic
        The time in seconds (a seam for tests).

    Examples
    --------
    >>> t = LoginThrottle(max_failures=2, window=60, lockout=60)
    >>> t.failed("anna"); t.failed("anna"); t.locked_for("anna") > 0
    True
    """

    def __init__(self, max_failures: int, window: float, lockout: float, clock=time.monotonic):
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self.clock = clock
        self._failures: dict[str, deque] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_for(self, username: str) -> float:
        """Seconds until ``username`` may try again (0 when it is not locked)."""
        with self._lock:
            return max(0.0, self._locked_until.get(username, 0.0) - self.clock())

    def failed(self, username: str) -> None:
        """Count a failed sign-in; lock the name on the ``max_failures``-th in the window."""
        now = self.clock()
        with self._lock:
            times = self._failures.setdefault(username, deque())
            times.append(now)
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.max_failures:
                self._locked_until[username] = now + self.lockout
                times.clear()
            if len(self._failures) > PRUNE_ABOVE:
                self._prune(now)

    def succeeded(self, username: str) -> None:
        """Forget the name's failures after a successful sign-in."""
        with self._lock:
            self._failures.pop(username, None)
            self._locked_until.pop(username, None)

    def _prune(self, now: float) -> None:
        """Drop names with no failure in the window and no lock (caller holds the lock)."""
        for name in [n for n, t in self._failures.items() if not t or t[-1] <= now - self.window]:
            del self._failures[name]
        for name in [n for n, until in self._locked_until.items() if until <= now]:
            del self._locked_until[name]
