"""The persistent workspace: participants, hosts, users, decisions and an audit log in one
database (SQLite by default, any SQLAlchemy URL via ``MATCHER_DATABASE_URL``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .._config import Config
from ..io import HOSTS, ORGANISATIONS, PARTICIPANTS, validate_table, write_table, write_workbook
from ..privacy import MIN_GROUP, SPECIAL_CATEGORY, candidate_view, pseudonym, suppress_small_groups
from . import _tables as T
from ._passwords import hash_password, verify_password

__all__ = ["Workspace", "User", "ImportReport", "ROLES", "AccessDenied"]

ROLES = ("coordinator", "host", "analyst", "admin")
CHUNK = 500


class AccessDenied(PermissionError):
    """The user's role does not allow this."""


@dataclass(frozen=True)
class User:
    """Who acts: ``organisation`` is the sending organisation (coordinator) or host id (host)."""

    username: str
    role: str
    organisation: str = ""


SYSTEM = User("system", "admin")


@dataclass
class ImportReport:
    added: dict = field(default_factory=dict)
    changed: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)

    def total_changes(self) -> int:
        return sum(self.added.values()) + sum(self.changed.values())

    def __str__(self) -> str:
        return "; ".join(
            f"{t}: {self.added.get(t, 0)} added, {self.changed.get(t, 0)} changed, {self.unchanged.get(t, 0)} unchanged"
            for t in sorted(set(self.added) | set(self.changed) | set(self.unchanged))
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _sqlite_url(url: str) -> str:
    """Make a relative SQLite path absolute and create its folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        path = Path(url[len(prefix) :]).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    return url


class Workspace:
    """A database of participants, hosts, users, decisions and outcomes.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default ``Config.database_url`` (``MATCHER_DATABASE_URL``), a SQLite
        file in ``.matcher/`` in WAL mode. PostgreSQL works too
        (``postgresql+psycopg://user@host/db``).

    Examples
    --------
    >>> ws = Workspace("sqlite:///:memory:")
    >>> ws.schema_version()
    3
    """

    def __init__(self, url: str | None = None):
        url = _sqlite_url(url or Config.from_env().database_url)
        self.url = url
        kwargs: dict = {"future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 60, "check_same_thread": False}
            if url == "sqlite:///:memory:":
                kwargs["poolclass"] = sa.pool.StaticPool
        self.engine = sa.create_engine(url, **kwargs)
        if url.startswith("sqlite"):

            @sa.event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn, _):
                cur = dbapi_conn.cursor()
                if url != "sqlite:///:memory:":
                    cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=60000")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

        self.upgrade()

    # --- schema ----------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            v = conn.execute(
                sa.select(T.meta.c.value).where(T.meta.c.key == "schema_version")
            ).scalar()
        return int(v) if v is not None else 0

    def upgrade(self) -> None:
        """Create missing tables and bring an older schema up to :data:`SCHEMA_VERSION`.

        Each future version adds one step to ``_MIGRATIONS`` (version -> function run in a
        transaction); the recorded version moves only when its step committed.
        """
        T.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            current = conn.execute(
                sa.select(T.meta.c.value).where(T.meta.c.key == "schema_version")
            ).scalar()
            if current is None:
                conn.execute(
                    T.meta.insert().values(key="schema_version", value=str(T.SCHEMA_VERSION))
                )
                return
            version = int(current)
            if version > T.SCHEMA_VERSION:
                raise RuntimeError(
                    f"the workspace has schema version {version}; this matcher knows up to {T.SCHEMA_VERSION}: upgrade matcher"
                )
            for v in range(version + 1, T.SCHEMA_VERSION + 1):
                _MIGRATIONS[v](conn)
                conn.execute(
                    T.meta.update().where(T.meta.c.key == "schema_version").values(value=str(v))
                )

    # --- import and export -----------------------------------------------------------------

    def import_tables(
        self,
        participants: pd.DataFrame | None = None,
        hosts: pd.DataFrame | None = None,
        user: User = SYSTEM,
        organisations: pd.DataFrame | None = None,
    ) -> ImportReport:
        """Upsert validated tables by id, all or nothing, and report what changed.

        Coordinators import their own organisation's participants only; hosts and
        organisations are an admin's.
        """
        _require(user, "admin", "coordinator")
        if user.role == "coordinator" and (hosts is not None or organisations is not None):
            raise AccessDenied("hosts and organisations are imported by an admin")
        report = ImportReport()
        with self.engine.begin() as conn:
            for frame, table, schema in (
                (participants, T.participants, PARTICIPANTS),
                (hosts, T.hosts, HOSTS),
                (organisations, T.organisations, ORGANISATIONS),
            ):
                if frame is None:
                    continue
                if user.role == "coordinator" and table is T.participants:
                    foreign = set(frame["sending_org"]) - {user.organisation}
                    if foreign:
                        raise AccessDenied(
                            f"{user.username} may import only participants of {user.organisation!r}"
                        )
                self._upsert(conn, table, schema, frame, report)
            self._audit(conn, user, "import", "", str(report))
        return report

    def _upsert(self, conn, table, schema, frame, report) -> None:
        idc = schema.id_column
        rows = [_row(r, schema) for r in frame.to_dict("records")]
        existing = {}
        ids = [r[idc] for r in rows]
        for i in range(0, len(ids), CHUNK):
            q = sa.select(table).where(table.c[idc].in_(ids[i : i + CHUNK]))
            for rec in conn.execute(q).mappings():
                existing[rec[idc]] = {c: rec[c] for c in schema.names}
        new, changed = [], []
        for r in rows:
            old = existing.get(r[idc])
            if old is None:
                new.append(r)
            elif old != r:
                changed.append(r)
        now = _now()
        for i in range(0, len(new), CHUNK):
            self._write_chunk(
                conn, table.insert(), [{**r, "updated_at": now} for r in new[i : i + CHUNK]]
            )
        if changed:
            stmt = (
                table.update()
                .where(table.c[idc] == sa.bindparam("_id"))
                .values({c: sa.bindparam(c) for c in [*schema.names, "updated_at"] if c != idc})
            )
            for i in range(0, len(changed), CHUNK):
                self._write_chunk(
                    conn,
                    stmt,
                    [{**r, "_id": r[idc], "updated_at": now} for r in changed[i : i + CHUNK]],
                )
        report.added[table.name] = len(new)
        report.changed[table.name] = len(changed)
        report.unchanged[table.name] = len(rows) - len(new) - len(changed)

    def _write_chunk(self, conn, stmt, rows) -> None:
        conn.execute(stmt, rows)

    def participants(self, user: User = SYSTEM) -> pd.DataFrame:
        """Participants the user may see in full: a coordinator their own, an admin all."""
        _require(user, "admin", "coordinator")
        q = sa.select(T.participants)
        if user.role == "coordinator":
            q = q.where(T.participants.c.sending_org == user.organisation)
        return self._frame(q.order_by(T.participants.c.participant_id), PARTICIPANTS)

    def hosts(self, user: User = SYSTEM) -> pd.DataFrame:
        """Host offers: every role may read them (they are published offers)."""
        q = sa.select(T.hosts).order_by(T.hosts.c.host_id)
        return self._frame(q, HOSTS)

    def _frame(self, query, schema) -> pd.DataFrame:
        with self.engine.connect() as conn:
            df = pd.DataFrame(conn.execute(query).mappings().all())
        if df.empty:
            df = pd.DataFrame(columns=list(schema.names))
        df = df[list(schema.names)]
        return validate_table(df, schema) if len(df) else df

    def organisations(self, user: User = SYSTEM) -> pd.DataFrame:
        """Organisations for KA2 partner search (public profiles: everyone may read them)."""
        return self._frame(
            sa.select(T.organisations).order_by(T.organisations.c.org_id), ORGANISATIONS
        )

    def candidates(self, user: User, host_id: str | None = None) -> pd.DataFrame:
        """What a host sees of the candidates: consenting, pseudonymised, no special category."""
        _require(user, "admin", "host")
        if user.role == "host" and host_id not in (None, user.organisation):
            raise AccessDenied(f"{user.username} acts for host {user.organisation}, not {host_id}")
        return candidate_view(
            self._frame(
                sa.select(T.participants).order_by(T.participants.c.participant_id), PARTICIPANTS
            )
        )

    def aggregates(
        self, user: User, by: str | list = "home_country", min_group: int = MIN_GROUP
    ) -> pd.DataFrame:
        """Counts and rates per group for analysts, groups under ``min_group`` suppressed."""
        _require(user, "admin", "analyst")
        p = self._frame(sa.select(T.participants), PARTICIPANTS)
        by = [by] if isinstance(by, str) else list(by)
        if set(by) & set(SPECIAL_CATEGORY) and user.role != "admin":
            raise AccessDenied("special-category fields cannot be a grouping for analysts")
        g = p.groupby(by, as_index=False).agg(
            participants=("participant_id", "size"),
            fewer_opportunities_rate=("fewer_opportunities", "mean"),
            consent_rate=("consent_share", "mean"),
        )
        return suppress_small_groups(g, "participants", min_group)

    def export(self, path, user: User = SYSTEM) -> list[Path]:
        """Write participants, hosts (and organisations, if any): ``DIR`` (CSV files) or
        ``FILE.xlsx`` (one sheet each)."""
        tables = {"participants": self.participants(user), "hosts": self.hosts(user)}
        orgs = self.organisations(user)
        if len(orgs):
            tables["organisations"] = orgs
        path = Path(path)
        if path.suffix.lower() == ".xlsx":
            return [write_workbook(tables, path)]
        path.mkdir(parents=True, exist_ok=True)
        return [write_table(frame, path / f"{name}.csv") for name, frame in tables.items()]

    # --- users -----------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        password: str,
        role: str,
        organisation: str = "",
        demo: bool = False,
        by: User = SYSTEM,
    ) -> User:
        """Create an account; the password is stored as an argon2 hash."""
        _require(by, "admin")
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        if role in ("coordinator", "host") and not organisation:
            raise ValueError(
                f"a {role} account needs --org (the sending organisation or the host id)"
            )
        with self.engine.begin() as conn:
            if conn.execute(
                sa.select(T.users.c.username).where(T.users.c.username == username)
            ).first():
                raise ValueError(f"user {username!r} exists")
            conn.execute(
                T.users.insert().values(
                    username=username,
                    password_hash=hash_password(password, demo=demo),
                    role=role,
                    organisation=organisation,
                    demo=demo,
                    created_at=_now(),
                )
            )
            self._audit(conn, by, "add_user", username, role)
        return User(username, role, organisation)

    def authenticate(self, username: str, password: str) -> User | None:
        with self.engine.connect() as conn:
            rec = (
                conn.execute(sa.select(T.users).where(T.users.c.username == username))
                .mappings()
                .first()
            )
        if rec is None or not verify_password(rec["password_hash"], password):
            return None
        return User(rec["username"], rec["role"], rec["organisation"])

    def users(self, by: User = SYSTEM) -> pd.DataFrame:
        _require(by, "admin")
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    sa.select(
                        T.users.c.username, T.users.c.role, T.users.c.organisation, T.users.c.demo
                    )
                )
                .mappings()
                .all()
            )
        return pd.DataFrame(rows, columns=["username", "role", "organisation", "demo"])

    # --- decisions and outcomes ------------------------------------------------------------

    def record(
        self,
        user: User,
        participant_id: str,
        host_id: str,
        action: str,
        reason: str = "",
        rating: int | None = None,
    ) -> int:
        """Record a decision: coordinators shortlist, propose, withdraw and complete (with a
        rating 1-5) for their own participants; hosts accept or decline proposals to them."""
        if action not in T.DECISION_ACTIONS:
            raise ValueError(f"action must be one of {T.DECISION_ACTIONS}")
        if rating is not None and (action != "complete" or not 1 <= int(rating) <= 5):
            raise ValueError("a rating (1-5) goes with 'complete' only")
        with self.engine.begin() as conn:
            org = _sending_org(conn, participant_id)
            if (
                conn.execute(
                    sa.select(T.hosts.c.host_id).where(T.hosts.c.host_id == host_id)
                ).scalar()
                is None
            ):
                raise KeyError(f"unknown host_id '{host_id}'")
            if user.role == "coordinator":
                if org != user.organisation:
                    raise AccessDenied(
                        f"{participant_id} is not a participant of {user.organisation!r}"
                    )
                if action in ("accept", "decline"):
                    raise AccessDenied("only the host accepts or declines")
            elif user.role == "host":
                if host_id != user.organisation:
                    raise AccessDenied(
                        f"{user.username} acts for host {user.organisation}, not {host_id}"
                    )
                if action not in ("accept", "decline"):
                    raise AccessDenied("a host accepts or declines proposals")
                proposed = conn.execute(
                    sa.select(sa.func.count())
                    .select_from(T.decisions)
                    .where(
                        (T.decisions.c.participant_id == participant_id)
                        & (T.decisions.c.host_id == host_id)
                        & (T.decisions.c.action == "propose")
                    )
                ).scalar()
                if not proposed:
                    raise AccessDenied("nothing was proposed to this host for this candidate")
            elif user.role != "admin":
                raise AccessDenied(f"role {user.role} records no decisions")
            result = conn.execute(
                T.decisions.insert().values(
                    participant_id=participant_id,
                    host_id=host_id,
                    sending_org=org,
                    action=action,
                    reason=reason or "",
                    rating=rating,
                    username=user.username,
                    at=_now(),
                )
            )
            self._audit(conn, user, action, f"{_hash(participant_id)}->{host_id}", reason or "")
            return int(result.inserted_primary_key[0])

    def respond(
        self, user: User, candidate: str, host_id: str, accept: bool, reason: str = ""
    ) -> int:
        """A host accepts or declines a proposal, naming the candidate by pseudonym."""
        _require(user, "host", "admin")
        with self.engine.connect() as conn:
            proposed = (
                conn.execute(
                    sa.select(T.decisions.c.participant_id)
                    .where((T.decisions.c.host_id == host_id) & (T.decisions.c.action == "propose"))
                    .distinct()
                )
                .scalars()
                .all()
            )
        matches = [
            p
            for p in proposed
            if pseudonym(p) == candidate or (user.role == "admin" and p == candidate)
        ]
        if not matches:
            raise KeyError(f"no proposal of candidate {candidate} to host {host_id}")
        return self.record(user, matches[0], host_id, "accept" if accept else "decline", reason)

    def decisions(self, user: User = SYSTEM) -> pd.DataFrame:
        """Decisions the user may see (hosts see pseudonyms and their own host only)."""
        q = sa.select(T.decisions).order_by(T.decisions.c.id)
        if user.role == "coordinator":
            q = q.where(T.decisions.c.sending_org == user.organisation)
        elif user.role == "host":
            q = q.where(T.decisions.c.host_id == user.organisation)
        elif user.role != "admin":
            raise AccessDenied("analysts see aggregates only")
        with self.engine.connect() as conn:
            df = pd.DataFrame(
                conn.execute(q).mappings().all(), columns=[c.name for c in T.decisions.columns]
            )
        if user.role == "host":
            df["participant_id"] = [pseudonym(p) for p in df["participant_id"]]
            df = df.rename(columns={"participant_id": "candidate"}).drop(columns=["sending_org"])
        return df

    def open_proposals(self, user: User = SYSTEM) -> pd.DataFrame:
        """Proposals still waiting for the host's answer (their latest decision is 'propose')."""
        d = self.decisions(user)
        id_col = "candidate" if "candidate" in d else "participant_id"
        last = d.sort_values("id").groupby([id_col, "host_id"]).tail(1)
        return last[last["action"] == "propose"].reset_index(drop=True)

    def history(self) -> pd.DataFrame:
        """All decisions, for the engine's cooperation criterion (internal use)."""
        return self.decisions(SYSTEM)

    def forget(self, participant_id: str, user: User = SYSTEM) -> dict:
        """Delete a participant and every decision about them (the audit keeps a hash only)."""
        _require(user, "admin", "coordinator")
        with self.engine.begin() as conn:
            org = _sending_org(conn, participant_id)
            if user.role == "coordinator" and org != user.organisation:
                raise AccessDenied(
                    f"{participant_id} is not a participant of {user.organisation!r}"
                )
            n_dec = conn.execute(
                T.decisions.delete().where(T.decisions.c.participant_id == participant_id)
            ).rowcount
            conn.execute(
                T.participants.delete().where(T.participants.c.participant_id == participant_id)
            )
            self._audit(conn, user, "forget", _hash(participant_id), f"{n_dec} decisions deleted")
        return {"participants": 1, "decisions": n_dec}

    # --- learned scoring -----------------------------------------------------------------

    def save_scorer(self, scorer, name: str = "default", user: User = SYSTEM) -> None:
        """Keep a learned scorer (``matcher.learning.LearnedScorer``) with the workspace."""
        _require(user, "admin")
        with self.engine.begin() as conn:
            conn.execute(T.models.delete().where(T.models.c.name == name))
            conn.execute(
                T.models.insert().values(name=name, body=scorer.to_json(), created_at=_now())
            )
            self._audit(conn, user, "save_model", name, json.dumps(scorer.metrics)[:500])

    def load_scorer(self, name: str = "default"):
        """The saved scorer, or None."""
        from ..learning import LearnedScorer

        with self.engine.connect() as conn:
            body = conn.execute(sa.select(T.models.c.body).where(T.models.c.name == name)).scalar()
        return LearnedScorer.from_json(body) if body else None

    def audit_log(self, user: User = SYSTEM) -> pd.DataFrame:
        _require(user, "admin")
        with self.engine.connect() as conn:
            return pd.DataFrame(
                conn.execute(sa.select(T.audit).order_by(T.audit.c.id)).mappings().all(),
                columns=[c.name for c in T.audit.columns],
            )

    def _audit(self, conn, user: User, action: str, target: str, details: str) -> None:
        conn.execute(
            T.audit.insert().values(
                at=_now(),
                username=user.username,
                action=action,
                target=target,
                details=details[:2000],
            )
        )


def _sending_org(conn, participant_id: str) -> str:
    """The participant's sending organisation (KeyError for an unknown id)."""
    org = conn.execute(
        sa.select(T.participants.c.sending_org).where(
            T.participants.c.participant_id == participant_id
        )
    ).scalar()
    if org is None:
        raise KeyError(f"unknown participant_id '{participant_id}'")
    return org


def _hash(participant_id: str) -> str:
    return "sha1:" + hashlib.sha1(participant_id.encode()).hexdigest()[:12]


def _require(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise AccessDenied(f"role {user.role} may not do this (needs {' or '.join(roles)})")


def _row(record: dict, schema) -> dict:
    out = {}
    for c in schema.columns:
        v = record.get(c.name)
        if c.kind == "date":
            v = None if v is None or pd.isna(v) else pd.Timestamp(v).date()
        elif c.kind in ("days", "count"):
            v = int(v)
        elif c.kind == "bool":
            v = bool(v)
        else:
            v = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
        out[c.name] = v
    return out


def _v2_models(conn) -> None:
    """Version 2 adds the table of learned scoring models."""
    T.models.create(conn, checkfirst=True)


def _v3_organisations(conn) -> None:
    """Version 3 adds the organisations of KA2 partner search."""
    T.organisations.create(conn, checkfirst=True)


# version -> function(conn) bringing the schema from version-1 to version
_MIGRATIONS: dict = {2: _v2_models, 3: _v3_organisations}
