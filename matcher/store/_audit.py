"""The audit log: who did what, when; participants appear as a hash only."""

from __future__ import annotations

import hashlib

import pandas as pd
import sqlalchemy as sa

from . import _tables as T
from ._access import User, require
from ._database import utc_now

__all__ = ["write", "audit_log", "participant_hash", "AUDIT_DETAILS_MAX"]

#: Longest ``details`` text an audit row keeps (longer ones are cut).
AUDIT_DETAILS_MAX = 2000
#: Hex digits of a participant id's hash in the audit log.
PARTICIPANT_HASH_DIGITS = 12


def participant_hash(participant_id: str) -> str:
    """How the audit log names a participant: a short SHA-1, never the id.

    Examples
    --------
    >>> participant_hash("P0001")[:5]
    'sha1:'
    """
    digest = hashlib.sha1(participant_id.encode()).hexdigest()
    return "sha1:" + digest[:PARTICIPANT_HASH_DIGITS]


def write(conn, user: User, action: str, target: str, details: str) -> None:
    """Append one row to the audit log, inside the caller's transaction ``conn``."""
    conn.execute(
        T.audit.insert().values(
            at=utc_now(),
            username=user.username,
            action=action,
            target=target,
            details=details[:AUDIT_DETAILS_MAX],
        )
    )


def audit_log(engine: sa.Engine, user: User) -> pd.DataFrame:
    """The whole audit log, oldest first (admins only)."""
    require(user, "admin")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(T.audit).order_by(T.audit.c.id)).mappings().all()
    return pd.DataFrame(rows, columns=[c.name for c in T.audit.columns])
