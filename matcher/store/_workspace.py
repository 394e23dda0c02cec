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
from ..privacy import MIN_GROUP, pseudonym
from . import _accounts, _audit, _data, _database, _decisions, _secrets
from ._access import SYSTEM, User
from ._data import ImportReport

__all__ = ["Workspace", "pseudonym_key"]

# resolved URL (or the salt's marker) -> pseudonym key, so that pseudonymising a long list
# opens the default workspace once
_KEYS: dict[str, bytes] = {}


def pseudonym_key(url: str | None = None) -> bytes:
    """The pseudonym key of the workspace at ``url`` (default: the configured workspace).

    ``MATCHER_PSEUDONYM_SALT`` when set; else the workspace's random secret, the workspace
    being created when missing. Commands that read files (no workspace named) pseudonymise
    with the default workspace's key, so their pseudonyms are those the workspace answers to.
    """
    from ..privacy import pseudonym_salt_from_env

    salt = pseudonym_salt_from_env()
    if salt is not None:
        return salt
    resolved = _database.sqlite_url(url or Config.from_env().database_url)
    if resolved not in _KEYS:
        ws = Workspace(resolved)
        _KEYS[resolved] = ws.pseudonym_key()
        ws.engine.dispose()
    return _KEYS[resolved]


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
    5
    """

    def __init__(self, url: str | None = None):
        self.url = _database.sqlite_url(url or Config.from_env().database_url)
        self.engine = _database.create_engine(self.url)
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

    def pseudonym_key(self) -> bytes:
        """The key of this workspace's pseudonyms: ``MATCHER_PSEUDONYM_SALT`` when set, else
        the random secret created with the workspace."""
        with self.engine.connect() as conn:
            return _secrets.pseudonym_key(conn)

    def pseudonym(self, participant_id: str) -> str:
        """The participant's pseudonym in this workspace (as hosts see it)."""
        return pseudonym(participant_id, self.pseudonym_key())

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
        """Counts and rates per group of one dimension (``privacy.AGGREGATE_DIMENSIONS``),
        for analysts; small groups and those that would reveal them are suppressed
        (``min_group`` may raise the floor of 5, never lower it)."""
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

    def forget(self, participant_id: str, user: User = SYSTEM, cache_dir=None) -> dict:
        """Erase a participant: their row, their decisions, the audit log's notes about
        them, and their texts' vectors in the embedding cache (``cache_dir``, default
        ``Config.cache_dir``). The audit log keeps a keyed hash only."""
        cache_dir = Config.from_env().cache_dir if cache_dir is None else cache_dir
        return _decisions.forget(self.engine, participant_id, user, cache_dir)

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
