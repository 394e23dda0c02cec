"""Password hashing with argon2 (argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "verify_password", "MIN_PASSWORD_LENGTH"]

#: Shortest password accepted for a real (non-demo) account.
MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()


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
