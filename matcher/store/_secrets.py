"""The workspace's secrets: random keys created with the workspace and kept in it.

Pseudonyms and the audit log's participant references are HMACs under these keys, so that
enumerating plausible ids (P0000-P9999) reverses neither without access to the database.
"""

from __future__ import annotations

import secrets as _random

import sqlalchemy as sa

from ..privacy import pseudonym_salt_from_env
from . import _tables as T

__all__ = ["ensure", "secret", "pseudonym_key", "audit_key", "SECRET_BYTES", "SECRET_NAMES"]

#: Random bytes per secret (256 bits, the size of an HMAC-SHA256 key).
SECRET_BYTES = 32
#: The secrets every workspace has: candidates' pseudonyms, participants in the audit log.
SECRET_NAMES = ("pseudonym", "audit")


def ensure(conn) -> None:
    """Create the missing secrets, inside the caller's transaction ``conn`` (idempotent)."""
    have = set(conn.execute(sa.select(T.secrets.c.name)).scalars())
    for name in SECRET_NAMES:
        if name not in have:
            value = _random.token_hex(SECRET_BYTES)
            conn.execute(T.secrets.insert().values(name=name, value=value))


def secret(conn, name: str) -> bytes:
    """The secret called ``name`` (one of :data:`SECRET_NAMES`), read through ``conn``."""
    value = conn.execute(sa.select(T.secrets.c.value).where(T.secrets.c.name == name)).scalar()
    if value is None:
        raise RuntimeError(f"the workspace has no {name} secret: run Workspace.upgrade()")
    return bytes.fromhex(value)


def pseudonym_key(conn) -> bytes:
    """``MATCHER_PSEUDONYM_SALT`` when set, else the workspace's pseudonym secret."""
    return pseudonym_salt_from_env() or secret(conn, "pseudonym")


def audit_key(conn) -> bytes:
    """The key of participant references in the audit log (always the workspace's own)."""
    return secret(conn, "audit")
