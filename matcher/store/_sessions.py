"""Signed, expiring session tokens: what lets a dashboard session survive a reload.

A token is a random session id signed with ``itsdangerous`` (HMAC, with the time it was
signed) under a key that lives in this process only: a token is worth nothing once the
process restarts, when forged, when older than the idle limit, or once the session is closed
(sign-out). The session id maps to a handle the workspace issued at sign-in, so resuming a
session never signs anyone in without a password or an identity provider.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from ._access import User

__all__ = ["Sessions", "SESSION_SALT"]

#: Separates these signatures from any other use of the key (itsdangerous' salt).
SESSION_SALT = "matcher-dashboard-session"
#: Bytes of randomness in a session id and in the signing key.
SESSION_ID_BYTES = KEY_BYTES = 32


@dataclass
class _Open:
    user: User
    last_seen: float


class Sessions:
    """Open dashboard sessions of one workspace, each behind a signed, expiring token.

    Parameters
    ----------
    idle_seconds : float
        A token older than this is refused, and so is a session unused for this long
        (``Config.session_idle_minutes``); :meth:`renew` re-signs an active session's token.
    clock : callable, optional
        Seconds since the epoch (``time.time``); tests pass another.

    Examples
    --------
    >>> from matcher.store import User
    >>> sessions = Sessions(idle_seconds=60)
    >>> token = sessions.open(User("anna", "analyst", token="t"))
    >>> sessions.resume(token).username
    'anna'
    >>> sessions.resume(token[:-2] + "xx") is None   # a forged signature
    True
    """

    def __init__(self, idle_seconds: float, clock=time.time):
        self.idle_seconds = float(idle_seconds)
        self._clock = clock
        # the signature's time comes from the same clock as the checks (tests move it)
        signer = type("ClockSigner", (TimestampSigner,), {"get_timestamp": lambda _: int(clock())})
        self._signer = URLSafeTimedSerializer(
            secrets.token_bytes(KEY_BYTES),
            salt=SESSION_SALT,
            signer=signer,
            signer_kwargs={"digest_method": hashlib.sha256},
        )
        self._open: dict[str, _Open] = {}
        self._lock = threading.Lock()

    def open(self, user: User) -> str:
        """A new session for ``user`` (a handle) and its signed token."""
        sid = secrets.token_urlsafe(SESSION_ID_BYTES)
        with self._lock:
            self._open[sid] = _Open(user, self._clock())
        return self._sign(sid)

    def _sign(self, sid: str) -> str:
        return self._signer.dumps(sid)

    def _session_id(self, token) -> str | None:
        """The session id of a well-signed token not older than the idle limit, else None."""
        if not isinstance(token, str) or not token:
            return None
        try:
            sid, signed_at = self._signer.loads(token, return_timestamp=True)
        except BadSignature:  # includes SignatureExpired and malformed tokens
            return None
        age = self._clock() - signed_at.timestamp()
        return sid if isinstance(sid, str) and age <= self.idle_seconds else None

    def resume(self, token) -> User | None:
        """The handle of the session behind ``token``, or None when the token is forged,
        expired, or its session was closed or left idle; counts as activity."""
        sid = self._session_id(token)
        if sid is None:
            return None
        now = self._clock()
        with self._lock:
            rec = self._open.get(sid)
            if rec is None:
                return None
            if now - rec.last_seen > self.idle_seconds:
                del self._open[sid]
                return None
            rec.last_seen = now
            return rec.user

    def renew(self, token) -> str | None:
        """A freshly signed token for the same open session (None if ``token`` is not valid)."""
        if self.resume(token) is None:
            return None
        return self._sign(self._session_id(token))

    def close(self, token) -> None:
        """End the session behind ``token`` (if any)."""
        sid = self._session_id(token)
        with self._lock:
            self._open.pop(sid, None)

    def close_user(self, user: User) -> None:
        """End every session of the handle ``user`` (sign-out)."""
        with self._lock:
            for sid in [s for s, rec in self._open.items() if rec.user.token == user.token]:
                del self._open[sid]
