"""Learning agreements as the coordinator edited them: kept with the placement, so that the
draft opens as it was left and the agreed placements' spreadsheet carries the agreed dates."""

from __future__ import annotations

import json

import pandas as pd
import sqlalchemy as sa

from .. import lifecycle as lc
from . import _audit
from . import _tables as T
from ._access import require
from ._database import utc_now, write_transaction
from ._decisions import _pair_state
from ._locks import own_participant

__all__ = ["save_agreement", "agreements", "forget", "AGREEMENT_COLUMNS", "AGREED"]

#: The states whose placement has a learning agreement.
AGREED = ("accepted", "completed")
#: The columns of :func:`agreements` (``fields``: the edited fields, a dict).
AGREEMENT_COLUMNS = ("participant_id", "host_id", "sending_org", "fields", "username", "updated_at")
#: Longest text kept in one field (a pasted document is refused, not cut).
MAX_FIELD = 20_000


def _checked(fields: dict) -> str:
    """The fields as JSON; refused (``ValueError`` naming the field) unless each is what the
    draft holds: dates as ``YYYY-MM-DD`` or None (start not after end), outcomes a list of
    texts, the rest text, none longer than :data:`MAX_FIELD`."""
    import datetime as dt

    from ..documents import EDITABLE_FIELDS

    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not a field of a learning agreement: {', '.join(sorted(unknown))}")
    dates = {}
    for name, value in fields.items():
        if name == "outcomes" and not isinstance(value, list):
            raise ValueError("outcomes: a list of texts expected")
        items = value if isinstance(value, list) else [value]
        if not all(v is None or isinstance(v, str) for v in items):
            raise ValueError(f"{name}: text expected")
        if sum(len(v or "") for v in items) > MAX_FIELD:
            raise ValueError(f"{name}: longer than {MAX_FIELD:,} characters")
        if name in ("start", "end") and value is not None:
            try:
                dates[name] = dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{name}: a date as YYYY-MM-DD expected, got {value!r}") from None
    if len(dates) == 2 and dates["start"] > dates["end"]:
        raise ValueError(f"start {dates['start']} is after end {dates['end']}")
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def save_agreement(engine: sa.Engine, user, participant_id: str, host_id: str, fields: dict):
    """Keep the edited fields of a placement's learning agreement (replacing earlier ones).

    A coordinator saves their own participants' agreements, an admin anyone's; only for a
    placement the host accepted (or completed): ``ValueError`` otherwise.
    """
    body = _checked(fields)
    with write_transaction(engine, T.agreements) as conn:
        org = own_participant(conn, user, participant_id)
        state = _pair_state(conn, participant_id, host_id)
        if state not in AGREED:
            now = state or "nothing recorded"
            raise ValueError(
                f"{participant_id} -> {host_id} is {now}: a learning agreement is kept once "
                f"the host {lc.STATE_AFTER['accept']} the placement"
            )
        a = T.agreements.c
        where = (a.participant_id == participant_id) & (a.host_id == host_id)
        conn.execute(T.agreements.delete().where(where))
        conn.execute(
            T.agreements.insert().values(
                participant_id=participant_id,
                host_id=host_id,
                sending_org=org,
                body=body,
                username=user.username,
                updated_at=utc_now(),
            )  # fmt: skip
        )
        ref = _audit.participant_reference(conn, participant_id)
        _audit.write(conn, user, "agreement", f"{ref}{_audit.TARGET_SEPARATOR}{host_id}", "")


def agreements(engine: sa.Engine, user) -> pd.DataFrame:
    """The saved agreements the user may see: a coordinator their organisation's, an admin
    all (:data:`AGREEMENT_COLUMNS`)."""
    require(user, "admin", "coordinator")
    a = T.agreements.c
    q = sa.select(a.participant_id, a.host_id, a.sending_org, a.body, a.username, a.updated_at)
    if user.role == "coordinator":
        q = q.where(a.sending_org == user.organisation)
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(a.updated_at)).all()
    out = pd.DataFrame(
        [(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]) for r in rows],
        columns=list(AGREEMENT_COLUMNS),
    )
    return out


def forget(conn, participant_id: str) -> int:
    """Delete a participant's agreements (part of erasing them); the rows deleted."""
    a = T.agreements
    return conn.execute(a.delete().where(a.c.participant_id == participant_id)).rowcount
