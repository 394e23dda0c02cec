"""Placements locked by hand: a coordinator keeps a participant at a host whatever an
allocation would choose (``matcher.allocate(..., locks=...)``)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from . import _audit
from . import _tables as T
from ._access import AccessDenied, User, require
from ._database import utc_now, write_transaction

__all__ = ["lock", "unlock", "locks", "LOCK_COLUMNS"]

#: The columns of :func:`locks`.
LOCK_COLUMNS = ("participant_id", "host_id", "sending_org", "reason", "username", "at")


def own_participant(conn, user: User, participant_id: str) -> str:
    """The participant's sending organisation, if the user may lock their placement."""
    require(user, "admin", "coordinator")
    p = T.participants.c
    org = conn.execute(sa.select(p.sending_org).where(p.participant_id == participant_id)).scalar()
    if org is None:
        raise KeyError(f"unknown participant_id '{participant_id}'")
    if user.role == "coordinator" and org != user.organisation:
        raise AccessDenied(f"{participant_id} is not a participant of {user.organisation!r}")
    return org


def lock(
    engine: sa.Engine, user: User, participant_id: str, host_id: str, reason: str = ""
) -> None:
    """Lock a participant's placement at a host (replacing a lock they had).

    Coordinators lock their own participants, admins anyone's; hosts and analysts cannot.
    """
    with write_transaction(engine, T.locks) as conn:
        org = own_participant(conn, user, participant_id)
        known = conn.execute(sa.select(T.hosts.c.host_id).where(T.hosts.c.host_id == host_id))
        if known.scalar() is None:
            raise KeyError(f"unknown host_id '{host_id}'")
        conn.execute(T.locks.delete().where(T.locks.c.participant_id == participant_id))
        conn.execute(
            T.locks.insert().values(
                participant_id=participant_id,
                host_id=host_id,
                sending_org=org,
                reason=reason or "",
                username=user.username,
                at=utc_now(),
            )
        )
        ref = _audit.participant_reference(conn, participant_id)
        _audit.write(conn, user, "lock", f"{ref}{_audit.TARGET_SEPARATOR}{host_id}", reason or "")


def unlock(engine: sa.Engine, user: User, participant_id: str) -> bool:
    """Remove a participant's lock; False when there was none."""
    with write_transaction(engine, T.locks) as conn:
        own_participant(conn, user, participant_id)
        gone = conn.execute(
            T.locks.delete().where(T.locks.c.participant_id == participant_id)
        ).rowcount
        if gone:
            ref = _audit.participant_reference(conn, participant_id)
            _audit.write(conn, user, "unlock", ref, "")
        return bool(gone)


def locks(engine: sa.Engine, user: User) -> pd.DataFrame:
    """The locks the user may see: a coordinator their organisation's, an admin all.

    Returns
    -------
    DataFrame with :data:`LOCK_COLUMNS`, oldest first
    """
    require(user, "admin", "coordinator")
    q = sa.select(*(T.locks.c[c] for c in LOCK_COLUMNS)).order_by(T.locks.c.at)
    if user.role == "coordinator":
        q = q.where(T.locks.c.sending_org == user.organisation)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=list(LOCK_COLUMNS))


def forget(conn, participant_id: str) -> int:
    """Delete a participant's lock (part of erasing them); the rows deleted."""
    return conn.execute(T.locks.delete().where(T.locks.c.participant_id == participant_id)).rowcount
