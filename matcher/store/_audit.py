"""The audit log: who did what, when; participants appear as a keyed hash only."""

from __future__ import annotations

import hashlib

import pandas as pd
import sqlalchemy as sa

from ..privacy import keyed_digest
from . import _secrets
from . import _tables as T
from ._access import User, require
from ._database import utc_now

__all__ = [
    "write",
    "audit_log",
    "participant_hash",
    "participant_reference",
    "forget_notes",
    "rekey_legacy_references",
    "AUDIT_DETAILS_MAX",
]

#: Longest ``details`` text an audit row keeps (longer ones are cut).
AUDIT_DETAILS_MAX = 2000
#: Hex digits of a participant id's keyed hash in the audit log.
PARTICIPANT_HASH_DIGITS = 16
#: What a participant reference starts with; up to schema 4 it was an unsalted SHA-1.
HASH_PREFIX, LEGACY_PREFIX = "hmac:", "sha1:"
#: Hex digits of the legacy (schema <= 4) SHA-1 references.
LEGACY_HASH_DIGITS = 12
#: What replaces a legacy reference to a participant who is no longer in the workspace.
FORGOTTEN = "forgotten"
#: Between the participant and the host in the target of a decision's audit row.
TARGET_SEPARATOR = "->"


def participant_hash(participant_id: str, key: bytes) -> str:
    """How the audit log names a participant: an HMAC under the workspace's audit key.

    Given the id, an admin can find the participant's rows; given the log alone, ids cannot
    be enumerated back without the key.

    Examples
    --------
    >>> participant_hash("P0001", b"k")[:5]
    'hmac:'
    """
    return HASH_PREFIX + keyed_digest(key, participant_id)[:PARTICIPANT_HASH_DIGITS]


def participant_reference(conn, participant_id: str) -> str:
    """:func:`participant_hash` under the workspace's audit key, read through ``conn``."""
    return participant_hash(participant_id, _secrets.audit_key(conn))


def _legacy_hash(participant_id: str) -> str:
    """The unsalted SHA-1 reference of schema <= 4 (kept only to find and replace it)."""
    return LEGACY_PREFIX + hashlib.sha1(participant_id.encode()).hexdigest()[:LEGACY_HASH_DIGITS]


def _rows_about(conn, reference: str) -> list:
    a = T.audit.c
    about = (a.target == reference) | a.target.startswith(reference + TARGET_SEPARATOR)
    return conn.execute(sa.select(a.id, a.target).where(about)).all()


def _rewrite(conn, rows: list, old: str, new: str, keep_notes: bool) -> int:
    """Replace the reference ``old`` by ``new`` in ``rows``; blank their notes unless kept."""
    for row_id, target in rows:
        values = {"target": new + target[len(old) :]}
        if not keep_notes:
            values["details"] = ""
        conn.execute(T.audit.update().where(T.audit.c.id == row_id).values(**values))
    return len(rows)


def forget_notes(conn, participant_id: str) -> int:
    """Blank the notes of every audit row about the participant (legacy ones re-keyed).

    Returns the number of rows whose note went.
    """
    new = participant_reference(conn, participant_id)
    n = _rewrite(conn, _rows_about(conn, new), new, new, keep_notes=False)
    old = _legacy_hash(participant_id)
    return n + _rewrite(conn, _rows_about(conn, old), old, new, keep_notes=False)


def rekey_legacy_references(conn) -> None:
    """Replace the SHA-1 references of schema <= 4 by keyed ones (a migration step).

    References to current participants are re-keyed with their notes; the others are
    participants already forgotten: reference and note go.
    """
    ids = conn.execute(sa.select(T.participants.c.participant_id)).scalars().all()
    for pid in ids:
        old = _legacy_hash(pid)
        new = participant_reference(conn, pid)
        _rewrite(conn, _rows_about(conn, old), old, new, keep_notes=True)
    a = T.audit.c
    rest = conn.execute(sa.select(a.id, a.target).where(a.target.startswith(LEGACY_PREFIX)))
    for row_id, target in rest.all():
        old = target.split(TARGET_SEPARATOR)[0]
        _rewrite(conn, [(row_id, target)], old, FORGOTTEN, keep_notes=False)


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
