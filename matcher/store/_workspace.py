"""The persistent workspace: participants, hosts, users, decisions and an audit log in one
database (SQLite by default, any SQLAlchemy URL via ``MATCHER_DATABASE_URL``).

:class:`Workspace` is a thin facade: the logic lives in ``_data`` (tables in and out),
``_accounts`` (users), ``_decisions`` (decisions, outcomes, learned scorers) and ``_audit``,
and the access rules in ``_access``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._config import Config
from ..privacy import MIN_GROUP
from . import _accounts, _audit, _data, _database, _decisions
from ._access import SYSTEM, User
from ._data import ImportReport

__all__ = ["Workspace"]


class Workspace:
    """A database of participants, hosts, users, decisions and outcomes.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default ``Config.database_url`` (``MATCHER_DATABASE_URL``), a SQLite
        file in ``.matcher/`` in WAL mode. PostgreSQL works too
        (``postgresql+psycopg://user@host/db``).

    Raises
    ------
    WorkspaceUnavailable
        When the database cannot be reached, or a SQLite file's folder does not exist
        (other than ``.matcher/``); one line naming the URL without its password.

    Examples
    --------
    >>> ws = Workspace("sqlite:///:memory:")
    >>> ws.schema_version()
    4
    """

    def __init__(self, url: str | None = None):
        self.url = _database.sqlite_url(url or Config.from_env().database_url)
        self.engine = _database.open_engine(self.url)
        self.upgrade()

    # --- schema --------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        return _database.schema_version(self.engine)

    def upgrade(self) -> None:
        """Create missing tables and bring an older schema up to :data:`SCHEMA_VERSION`."""
        _database.upgrade(self.engine)

    def version(self, *tables: str) -> str:
        """A fingerprint that changes with every write to ``tables`` (default: participants,
        hosts and decisions), to key caches of what was read."""
        return _data.version(self.engine, tables or ("participants", "hosts", "decisions"))

    # --- data ----------------------------------------------------------------------------

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
        frames = {"participants": participants, "hosts": hosts, "organisations": organisations}
        return _data.import_tables(self.engine, frames, user)

    def import_upload(
        self,
        user: User,
        participants: pd.DataFrame | None = None,
        hosts: pd.DataFrame | None = None,
    ) -> ImportReport:
        """Import what the user may import of an upload: a coordinator their own
        participants, an admin everything; the rest is left out."""
        return _data.import_upload(self.engine, user, participants, hosts)

    def participants(self, user: User = SYSTEM) -> pd.DataFrame:
        """Participants the user may see in full: a coordinator their own, an admin all."""
        return _data.participants(self.engine, user)

    def hosts(self, user: User = SYSTEM) -> pd.DataFrame:
        """Host offers: every role may read them (they are published offers)."""
        return _data.read(self.engine, "hosts")

    def organisations(self, user: User = SYSTEM) -> pd.DataFrame:
        """Organisations for KA2 partner search (public profiles: everyone may read them)."""
        return _data.read(self.engine, "organisations")

    def candidates(self, user: User, host_id: str | None = None) -> pd.DataFrame:
        """What a host sees of the candidates: consenting, pseudonymised, no special category."""
        return _data.candidates(self.engine, user, host_id)

    def aggregates(
        self, user: User, by: str | list = "home_country", min_group: int = MIN_GROUP
    ) -> pd.DataFrame:
        """Counts and rates per group for analysts, groups under ``min_group`` suppressed."""
        return _data.aggregates(self.engine, user, by, min_group)

    def export(self, path, user: User = SYSTEM) -> list[Path]:
        """Write participants, hosts (and organisations, if any): ``DIR`` (CSV files) or
        ``FILE.xlsx`` (one sheet each)."""
        return _data.export(self.engine, path, user)

    # --- accounts ------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        password: str,
        role: str,
        acts_for: str = "",
        demo: bool = False,
        by: User = SYSTEM,
    ) -> User:
        """Create an account; ``acts_for`` is a coordinator's sending organisation or a
        host's host id. The password is stored as an argon2 hash."""
        return _accounts.add_user(self.engine, username, password, role, acts_for, demo, by)

    def authenticate(self, username: str, password: str) -> User | None:
        """The account for this user name and password, or None."""
        return _accounts.authenticate(self.engine, username, password)

    def users(self, by: User = SYSTEM) -> pd.DataFrame:
        """Every account (admins only): ``username, role, organisation, host_id, demo``."""
        return _accounts.users(self.engine, by)

    def demo_users(self) -> pd.DataFrame:
        """The demo accounts, public by design: ``username, role, acts_for``."""
        return _accounts.demo_users(self.engine)

    def has_users(self) -> bool:
        """Whether any account exists."""
        return _accounts.has_users(self.engine)

    # --- decisions and outcomes ----------------------------------------------------------

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
        return _decisions.record(self.engine, user, participant_id, host_id, action, reason, rating)

    def respond(
        self, user: User, candidate: str, host_id: str, accept: bool, reason: str = ""
    ) -> int:
        """A host accepts or declines a proposal, naming the candidate by pseudonym."""
        return _decisions.respond(self.engine, user, candidate, host_id, accept, reason)

    def decisions(self, user: User = SYSTEM) -> pd.DataFrame:
        """Decisions the user may see (hosts see pseudonyms and their own host only)."""
        return _decisions.decisions(self.engine, user)

    def open_proposals(self, user: User = SYSTEM) -> pd.DataFrame:
        """Proposals still waiting for the host's answer (their latest decision is 'propose')."""
        return _decisions.open_proposals(self.engine, user)

    def history(self) -> pd.DataFrame:
        """All decisions, for the engine's cooperation criterion (internal use)."""
        return _decisions.decisions(self.engine, SYSTEM)

    def forget(self, participant_id: str, user: User = SYSTEM) -> dict:
        """Delete a participant and every decision about them (the audit keeps a hash only)."""
        return _decisions.forget(self.engine, participant_id, user)

    def save_scorer(self, scorer, name: str = "default", user: User = SYSTEM) -> None:
        """Keep a learned scorer (``matcher.learning.LearnedScorer``) with the workspace."""
        _decisions.save_scorer(self.engine, scorer, name, user)

    def load_scorer(self, name: str = "default"):
        """The saved scorer, or None."""
        return _decisions.load_scorer(self.engine, name)

    # --- audit ---------------------------------------------------------------------------

    def audit_log(self, user: User = SYSTEM) -> pd.DataFrame:
        """The audit log, oldest first (admins only)."""
        return _audit.audit_log(self.engine, user)
