"""Password hashing with argon2 (argon2-cffi)."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "verify_password", "verify_dummy", "MIN_PASSWORD_LENGTH"]

#: Shortest password accepted for a real (non-demo) account.
MIN_PASSWORD_LENGTH = 12
_HASHER = PasswordHasher()
#: What the dummy hash hashes: never a password of an account (no account has a hash of it).
_DUMMY_SECRET = "matcher: no such account"


def hash_password(password: str, demo: bool = False) -> str:
    """An argon2 hash of ``password``; demo accounts may have a short one."""
    if not demo and len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a malformed hash)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash(_DUMMY_SECRET)


def verify_dummy(password: str) -> bool:
    """Spend the time of one :func:`verify_password` for a user name without an account.

    Sign-in then takes as long for an unknown user name as for a known one (no timing
    oracle); the result is always False.
    """
    verify_password(_dummy_hash(), password)
    return False


def warm_up() -> None:
    """Compute the dummy hash now, so that the first sign-in of an unknown name is not the
    one slower call."""
    _dummy_hash()
