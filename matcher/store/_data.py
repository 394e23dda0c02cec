"""The workspace's data: participants, hosts and organisations in, typed frames out.

Tables are validated once, at import (``matcher.io``); what the store wrote it reads back
with the contract's dtypes, without validating again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..io import HOSTS, ORGANISATIONS, PARTICIPANTS, TableSchema, write_table, write_workbook
from ..privacy import (
    MIN_GROUP,
    candidate_view,
    check_aggregate_grouping,
    duplicate_pseudonyms,
    suppress_small_groups,
)
from . import _audit, _secrets
from . import _tables as T
from ._access import AccessDenied, User, check_grouping, require
from ._database import utc_now, write_transaction

__all__ = [
    "ImportReport",
    "Refusal",
    "ImportRefused",
    "import_tables",
    "import_upload",
    "participants",
    "read",
    "candidates",
    "aggregates",
    "export",
    "version",
    "CHUNK",
    "WRITE_CHUNK",
    "copy_rows",
]

#: Rows per statement when reading or writing many rows (keeps SQL parameters bounded).
CHUNK = 500
#: Rows per write of an import (one ``COPY`` on PostgreSQL, one ``executemany`` elsewhere).
WRITE_CHUNK = 20_000
#: Hex digits of a data version (a fingerprint, not a security hash).
VERSION_DIGITS = 12

_TABLES = {
    "participants": (T.participants, PARTICIPANTS),
    "hosts": (T.hosts, HOSTS),
    "organisations": (T.organisations, ORGANISATIONS),
}


@dataclass
class Refusal:
    """Rows of an upload left out of an import, and why, in plain words.

    Attributes
    ----------
    table : str
        ``participants`` or ``hosts``.
    rows : int
        How many rows were left out.
    reason : str
        Why, as a sentence a coordinator can act on.
    ids : list of str
        The rows' ids, in the order of the upload.
    """

    table: str
    rows: int
    reason: str
    ids: list = field(default_factory=list)

    def __str__(self) -> str:
        noun = _TABLE_NOUNS.get(self.table, self.table)
        return f"{self.rows} {noun[0] if self.rows == 1 else noun[1]} left out: {self.reason}"


#: How each table's rows are called in a report (one, several).
_TABLE_NOUNS = {
    "participants": ("participant", "participants"),
    "hosts": ("host", "hosts"),
    "organisations": ("organisation", "organisations"),
}


@dataclass
class ImportReport:
    """Rows added, changed and unchanged per table by one import, and the rows left out.

    ``written`` is False for a preview (:func:`import_upload` with ``dry_run``): the figures
    then say what the import would do.
    """

    added: dict = field(default_factory=dict)
    changed: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)
    refused: list = field(default_factory=list)
    written: bool = True

    def total_changes(self) -> int:
        """Rows added or changed, over every table."""
        return sum(self.added.values()) + sum(self.changed.values())

    def sentences(self) -> list[str]:
        """What the import does (or would do), one plain sentence per table and per group of
        rows left out.

        Examples
        --------
        >>> ImportReport({"participants": 2}, {"participants": 0}, {"participants": 11}).sentences()
        ['Participants: 2 added, 0 changed, 11 already up to date.']
        """
        out = []
        for t in sorted(set(self.added) | set(self.changed) | set(self.unchanged)):
            out.append(
                f"{t.capitalize()}: {self.added.get(t, 0)} added, {self.changed.get(t, 0)} "
                f"changed, {self.unchanged.get(t, 0)} already up to date."
            )
        return out + [f"{str(r)[0].upper()}{str(r)[1:]}." for r in self.refused]

    def __str__(self) -> str:
        parts = [
            f"{t}: {self.added.get(t, 0)} added, {self.changed.get(t, 0)} changed, "
            f"{self.unchanged.get(t, 0)} unchanged"
            for t in sorted(set(self.added) | set(self.changed) | set(self.unchanged))
        ]
        return "; ".join(parts + [str(r) for r in self.refused])


#: Refused ids named in an :class:`ImportRefused` message (the attribute holds all).
_REFUSED_SHOWN = 10
#: Other sending organisations named in the reason rows of an upload are left out.
_ORGS_SHOWN = 3


class ImportRefused(AccessDenied):
    """A coordinator's import holds rows they may not write; nothing was imported.

    Every refused row gets the same reason, whether its id is unknown, belongs to another
    organisation or names another sending organisation: the refusal tells nothing about
    other organisations' participants.

    Attributes
    ----------
    refused : list of str
        The refused rows' ``participant_id``, in the order of the upload.
    """

    #: The one reason given for every refused row.
    REASON = "the id is not one of your organisation's that you may import"

    def __init__(self, refused: list[str]):
        self.refused = list(refused)
        shown = ", ".join(self.refused[:_REFUSED_SHOWN])
        more = (
            f" and {len(self.refused) - _REFUSED_SHOWN} more"
            if len(self.refused) > _REFUSED_SHOWN
            else ""
        )
        super().__init__(
            f"nothing imported: {len(self.refused)} row(s) refused ({self.REASON}): {shown}{more}"
        )


# --- import ------------------------------------------------------------------------------


def _check_import(user: User, frames: dict) -> None:
    """Coordinators import their own participants only; hosts and organisations are an admin's."""
    require(user, "admin", "coordinator")
    if user.role == "coordinator" and (
        frames.get("hosts") is not None or frames.get("organisations") is not None
    ):
        raise AccessDenied("hosts and organisations are imported by an admin")


def _refuse_foreign_rows(conn, user: User, participants: pd.DataFrame) -> None:
    """Raise :class:`ImportRefused` unless every row is the coordinator's to write.

    A row is theirs when it names their sending organisation and its id is new or already
    theirs: an id belongs to the organisation that first imported it.
    """
    ids = [str(p) for p in participants["participant_id"]]
    stored = _existing(conn, T.participants, PARTICIPANTS, ids)
    owners = {pid: rec["sending_org"] for pid, rec in stored.items()}
    refused = [
        pid
        for pid, org in zip(ids, participants["sending_org"], strict=True)
        if org != user.organisation or owners.get(pid, user.organisation) != user.organisation
    ]
    if refused:
        raise ImportRefused(refused)


def import_tables(engine: sa.Engine, frames: dict, user: User) -> ImportReport:
    """Upsert validated tables by id, all or nothing, and report what changed.

    ``frames`` maps ``"participants"``, ``"hosts"`` and ``"organisations"`` to validated
    frames (or None to leave a table alone). The import holds the write lock while it
    compares and writes, so concurrent imports count consistently.
    """
    _check_import(user, frames)
    report = ImportReport()
    names = [n for n in _TABLES if frames.get(n) is not None]
    with write_transaction(engine, *[_TABLES[n][0] for n in names]) as conn:
        if user.role == "coordinator" and frames.get("participants") is not None:
            _refuse_foreign_rows(conn, user, frames["participants"])
        for name in names:
            table, schema = _TABLES[name]
            _upsert(conn, table, schema, frames[name], report)
        _check_pseudonyms(conn)
        _audit.write(conn, user, "import", "", str(report))
    return report


def _check_pseudonyms(conn) -> None:
    """Refuse an import after which two participants would share a pseudonym."""
    ids = conn.execute(sa.select(T.participants.c.participant_id)).scalars().all()
    clashes = duplicate_pseudonyms(ids, _secrets.pseudonym_key(conn))
    if clashes:
        pairs = "; ".join(", ".join(group) for group in clashes.values())
        raise ValueError(f"participants would share a pseudonym (rename one of each): {pairs}")


def import_upload(
    engine: sa.Engine,
    user: User,
    participants: pd.DataFrame | None = None,
    hosts: pd.DataFrame | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import the part of an upload the user may import; the report says what was left out
    and why (:attr:`ImportReport.refused`).

    A coordinator imports their own organisation's participants: rows naming another
    sending organisation, rows whose id another organisation holds (one neutral reason) and
    a hosts table are left out. An admin imports everything. With ``dry_run`` nothing is
    written and the report says what the import would do.
    """
    require(user, "admin", "coordinator")
    refused = []
    if user.role == "coordinator":
        participants, refused = _own_rows(user, participants)
        if hosts is not None:
            refused.append(
                Refusal(
                    "hosts",
                    len(hosts),
                    "host offers are imported by an administrator of the workspace",
                    [str(h) for h in hosts["host_id"]],
                )
            )
            hosts = None
    frames = {"participants": participants, "hosts": hosts}
    names = [n for n in ("participants", "hosts") if frames[n] is not None]
    opener = (
        engine.connect() if dry_run else write_transaction(engine, *[_TABLES[n][0] for n in names])
    )
    with opener as conn:
        if user.role == "coordinator" and participants is not None:
            taken = _foreign_ids(conn, user, participants)
            if taken:
                refused.append(Refusal("participants", len(taken), ImportRefused.REASON, taken))
                frames["participants"] = participants[~participants["participant_id"].isin(taken)]
        report = ImportReport(refused=refused, written=not dry_run)
        for name in names:
            table, schema = _TABLES[name]
            _upsert(conn, table, schema, frames[name], report, write=not dry_run)
        if not dry_run:
            _check_pseudonyms(conn)
            _audit.write(conn, user, "import", "", str(report))
    return report


def _own_rows(user: User, participants: pd.DataFrame | None):
    """A coordinator's rows of ``participants`` and the refusal of the others (by the
    sending organisation they name, which the uploader wrote themselves)."""
    if participants is None:
        return None, []
    mine = participants["sending_org"] == user.organisation
    others = participants[~mine]
    if others.empty:
        return participants, []
    counts = others["sending_org"].value_counts()
    named = ", ".join(f"{org} ({n})" for org, n in counts.head(_ORGS_SHOWN).items())
    more = f" and {len(counts) - _ORGS_SHOWN} more" if len(counts) > _ORGS_SHOWN else ""
    reason = (
        f"they name another sending organisation: {named}{more}; you import the participants "
        f"of {user.organisation} only (an administrator imports the others)"
    )
    ids = [str(p) for p in others["participant_id"]]
    return participants[mine], [Refusal("participants", len(others), reason, ids)]


def _foreign_ids(conn, user: User, participants: pd.DataFrame) -> list[str]:
    """Ids of rows naming the coordinator's organisation that another organisation holds."""
    ids = [str(p) for p in participants["participant_id"]]
    stored = _existing(conn, T.participants, PARTICIPANTS, ids)
    return [
        pid
        for pid in ids
        if stored.get(pid, {}).get("sending_org", user.organisation) != user.organisation
    ]


def _existing(conn, table, schema: TableSchema, ids: list) -> dict:
    """The stored rows among ``ids``, as {id: {column: value}}."""
    idc = schema.id_column
    found = {}
    for i in range(0, len(ids), CHUNK):
        q = sa.select(table).where(table.c[idc].in_(ids[i : i + CHUNK]))
        for rec in conn.execute(q).mappings():
            found[rec[idc]] = {c: rec[c] for c in schema.names}
    return found


def _upsert(
    conn, table, schema: TableSchema, frame: pd.DataFrame, report: ImportReport, write=True
) -> None:
    """Insert new ids, update changed rows, count the unchanged ones (count only when not
    ``write``)."""
    idc = schema.id_column
    rows = [_row(r, schema) for r in frame.to_dict("records")]
    existing = _existing(conn, table, schema, [r[idc] for r in rows])
    new = [r for r in rows if r[idc] not in existing]
    changed = [r for r in rows if r[idc] in existing and existing[r[idc]] != r]
    report.added[table.name] = len(new)
    report.changed[table.name] = len(changed)
    report.unchanged[table.name] = len(rows) - len(new) - len(changed)
    if write:
        _write_rows(conn, table, schema, new, changed)


def _write_rows(conn, table, schema: TableSchema, new: list, changed: list) -> None:
    """Insert ``new`` rows and update ``changed`` ones, in chunks."""
    idc = schema.id_column
    now = utc_now()
    for i in range(0, len(new), WRITE_CHUNK):
        chunk = new[i : i + WRITE_CHUNK]
        _write_chunk(conn, table.insert(), [{**r, "updated_at": now} for r in chunk])
    if changed:
        stmt = (
            table.update()
            .where(table.c[idc] == sa.bindparam("_id"))
            .values({c: sa.bindparam(c) for c in [*schema.names, "updated_at"] if c != idc})
        )
        for i in range(0, len(changed), WRITE_CHUNK):
            chunk = [{**r, "_id": r[idc], "updated_at": now} for r in changed[i : i + WRITE_CHUNK]]
            _write_chunk(conn, stmt, chunk)


def _write_chunk(conn, stmt, rows: list[dict]) -> None:
    """Execute one chunk of a write (a seam for the crash-midway test).

    New rows go to PostgreSQL with ``COPY`` (bench/results/scale.md: several times faster
    than batched ``INSERT``), in the import's transaction; elsewhere, and for updates, one
    ``executemany``.
    """
    if rows and conn.dialect.name == "postgresql" and isinstance(stmt, sa.Insert):
        copy_rows(conn, stmt.table, rows)
    else:
        conn.execute(stmt, rows)


def copy_rows(conn, table: sa.Table, rows: list[dict]) -> None:
    """Append ``rows`` to ``table`` with PostgreSQL's ``COPY ... FROM STDIN`` (psycopg 3)."""
    columns = list(rows[0])
    quote = conn.dialect.identifier_preparer.quote
    target = f"{quote(table.name)} ({', '.join(quote(c) for c in columns)})"
    raw = conn.connection.driver_connection  # the transaction's own connection
    with raw.cursor() as cur, cur.copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _row(record: dict, schema: TableSchema) -> dict:
    """A validated frame's row as the database stores it (Python scalars, '' for no text)."""
    out = {}
    for c in schema.columns:
        v = record.get(c.name)
        if c.kind == "date":
            v = None if v is None or pd.isna(v) else pd.Timestamp(v).date()
        elif c.kind in ("days", "count"):
            v = int(v)
        elif c.kind == "bool":
            v = bool(v)
        elif c.kind in ("latitude", "longitude"):
            v = None if v is None or pd.isna(v) else float(v)
        else:
            v = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
        out[c.name] = v
    return out


# --- read --------------------------------------------------------------------------------

#: dtype per column kind of the contract, as ``matcher.io`` types a validated frame;
#: every other kind is text.
_DTYPES = {
    "days": "int64",
    "count": "int64",
    "bool": bool,
    "latitude": "float64",
    "longitude": "float64",
}


def _typed(rows: list, schema: TableSchema) -> pd.DataFrame:
    """Stored rows as a frame with the dtypes of a validated one (no validation)."""
    df = pd.DataFrame(rows, columns=list(schema.names))
    for c in schema.columns:
        if c.kind == "date":
            df[c.name] = pd.to_datetime(df[c.name]).astype("datetime64[ns]")
        else:
            df[c.name] = df[c.name].astype(_DTYPES.get(c.kind, str))
    return df


def read(engine: sa.Engine, name: str, where=None) -> pd.DataFrame:
    """A stored table (``participants``, ``hosts``, ``organisations``) sorted by id."""
    table, schema = _TABLES[name]
    q = sa.select(*[table.c[c] for c in schema.names]).order_by(table.c[schema.id_column])
    if where is not None:
        q = q.where(where)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return _typed(rows, schema)


def participants(engine: sa.Engine, user: User) -> pd.DataFrame:
    """Participants the user may see in full: a coordinator their own, an admin all."""
    require(user, "admin", "coordinator")
    if user.role == "coordinator":
        return read(engine, "participants", T.participants.c.sending_org == user.organisation)
    return read(engine, "participants")


def candidates(engine: sa.Engine, user: User, host_id: str | None = None) -> pd.DataFrame:
    """What a host sees of the candidates: consenting, pseudonymised, no special category."""
    require(user, "admin", "host")
    if user.role == "host" and host_id not in (None, user.host_id):
        raise AccessDenied(f"{user.username} acts for host {user.host_id}, not {host_id}")
    with engine.connect() as conn:
        key = _secrets.pseudonym_key(conn)
    return candidate_view(read(engine, "participants"), key)


def aggregates(
    engine: sa.Engine, user: User, by: str | list = "home_country", min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """Counts and rates per group of one dimension of ``AGGREGATE_DIMENSIONS``, for analysts.

    Groups under ``min_group`` (never under ``MIN_GROUP``) are suppressed, and so are the
    groups that would let them be recovered from the table's total
    (``matcher.privacy.suppression_mask``).
    """
    by = [by] if isinstance(by, str) else list(by)
    check_grouping(user, by)
    dimension = check_aggregate_grouping(by)
    g = (
        read(engine, "participants")
        .groupby([dimension], as_index=False)
        .agg(
            participants=("participant_id", "size"),
            fewer_opportunities_rate=("fewer_opportunities", "mean"),
            consent_rate=("consent_share", "mean"),
        )
    )
    return suppress_small_groups(g, "participants", min_group)


def export(engine: sa.Engine, path, user: User) -> list[Path]:
    """Write participants, hosts (and organisations, if any): ``DIR`` (CSV files) or
    ``FILE.xlsx`` (one sheet each)."""
    tables = {"participants": participants(engine, user), "hosts": read(engine, "hosts")}
    orgs = read(engine, "organisations")
    if len(orgs):
        tables["organisations"] = orgs
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return [write_workbook(tables, path)]
    path.mkdir(parents=True, exist_ok=True)
    return [write_table(frame, path / f"{name}.csv") for name, frame in tables.items()]


def version(engine: sa.Engine, tables: tuple[str, ...]) -> str:
    """A fingerprint of ``tables`` that changes with every write to them (for caches).

    ``tables`` name data tables (row count and last update) or ``"decisions"`` (row count
    and last id).
    """
    queries = []
    for name in tables:
        if name == "decisions":
            queries.append(sa.select(sa.func.count(), sa.func.max(T.decisions.c.id)))
        else:
            table = _TABLES[name][0]
            queries.append(sa.select(sa.func.count(), sa.func.max(table.c.updated_at)))
    with engine.connect() as conn:
        parts = [tuple(conn.execute(q).one()) for q in queries]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:VERSION_DIGITS]
