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
from ..privacy import MIN_GROUP, host_view, pseudonym
from . import (
    _accounts,
    _agreements,
    _audit,
    _data,
    _database,
    _decisions,
    _locks,
    _preferences,
    _secrets,
)
from ._access import AccessDenied, Handles, User
from ._data import ImportReport
from ._sessions import Sessions
from ._throttle import SECONDS_PER_MINUTE, LoginThrottle

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

    The workspace acts for the users it signed in only: :meth:`authenticate` returns a
    handle (a :class:`User` carrying a secret token registered in this instance) that every
    method taking a ``user`` checks; a ``User`` built by hand is refused with
    :class:`AccessDenied` (a ``PermissionError``). The command line and tests act with
    :meth:`admin_context`.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default ``Config.database_url`` (``MATCHER_DATABASE_URL``), a SQLite
        file in ``.matcher/`` in WAL mode. PostgreSQL works too
        (``postgresql+psycopg://user@host/db``).
    config : Config, optional
        Sign-in lockout settings (``login_*``), the default URL and the embedding cache
        that :meth:`forget` scrubs (``cache_dir``); default ``Config.from_env()``.

    Raises
    ------
    WorkspaceUnavailable
        When the database cannot be reached, or a SQLite file's folder does not exist
        (other than ``.matcher/``); one line naming the URL without its password.

    Examples
    --------
    >>> ws = Workspace("sqlite:///:memory:")
    >>> ws.schema_version()
    5
    >>> admin = ws.admin_context()
    >>> ws.users(admin).empty
    True
    """

    def __init__(self, url: str | None = None, config: Config | None = None):
        config = config or Config.from_env()
        self.url = _database.sqlite_url(url or config.database_url)
        self.engine = _database.open_engine(self.url)
        self._cache_dir = config.cache_dir
        self._handles = Handles()
        self._throttle = LoginThrottle(
            config.login_max_failures,
            config.login_window_minutes * SECONDS_PER_MINUTE,
            config.login_lockout_minutes * SECONDS_PER_MINUTE,
        )
        self._sessions = Sessions(config.session_idle_minutes * SECONDS_PER_MINUTE)
        self.upgrade()

    def _acting(self, user: User) -> User:
        """``user`` if this workspace issued it (else :class:`AccessDenied`)."""
        return self._handles.check(user)

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

    # --- sign-in -------------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> User | None:
        """A handle for the account with this user name and password, or None.

        Takes as long for an unknown user name as for a known one; failures lock a user
        name (``Config.login_*``), after which it raises :class:`SignInLocked`.
        """
        user = _accounts.authenticate(self.engine, username, password, self._throttle)
        return None if user is None else self._handles.issue(user)

    def admin_context(self, username: str = "system") -> User:
        """A handle with full rights, for the command line and tests only (never a page).

        ``username`` is what the audit log records for its actions.
        """
        return self._handles.issue(User(username, "admin"))

    def sign_in_identity(self, username: str) -> User | None:
        """A handle for the account named ``username``, for a caller that verified the
        person's identity with an identity provider (the dashboard's OpenID Connect
        sign-in, where the user name is the e-mail address the provider vouches for).

        None when no such account exists; demo accounts cannot sign in this way.
        """
        user = _accounts.account(self.engine, username)
        return None if user is None else self._handles.issue(user)

    def sign_out(self, user: User) -> None:
        """Revoke a handle and end its sessions: later calls with it are refused."""
        self._sessions.close_user(user)
        self._handles.revoke(user)

    # --- sessions (a dashboard session that survives a reload) ---------------------------

    def open_session(self, user: User) -> str:
        """A signed token for a session of ``user`` (a handle of this workspace), to keep in
        a browser cookie; it expires after ``Config.session_idle_minutes`` unless renewed."""
        return self._sessions.open(self._acting(user))

    def resume_session(self, token: str) -> User | None:
        """The handle behind a session token, or None if the token is forged, expired, or
        its session was closed or left idle (counts as activity)."""
        user = self._sessions.resume(token)
        if user is None:
            return None
        try:
            return self._acting(user)
        except AccessDenied:  # the handle was revoked meanwhile
            self._sessions.close(token)
            return None

    def renew_session(self, token: str) -> str | None:
        """A freshly signed token for the same session (None if ``token`` is not valid)."""
        return self._sessions.renew(token)

    def end_session(self, token: str) -> None:
        """End the session behind ``token`` (the handle stays valid)."""
        self._sessions.close(token)

    # --- pseudonyms ----------------------------------------------------------------------

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
        *,
        user: User,
        organisations: pd.DataFrame | None = None,
    ) -> ImportReport:
        """Upsert validated tables by id, all or nothing, and report what changed.

        Coordinators import their own organisation's participants only: an id belongs to
        the organisation that first imported it, and a row that is not theirs refuses the
        whole import (:class:`ImportRefused`). Hosts and organisations are an admin's.
        """
        frames = {"participants": participants, "hosts": hosts, "organisations": organisations}
        return _data.import_tables(self.engine, frames, self._acting(user))

    def import_upload(
        self,
        user: User,
        participants: pd.DataFrame | None = None,
        hosts: pd.DataFrame | None = None,
        dry_run: bool = False,
    ) -> ImportReport:
        """Import what the user may import of an upload: a coordinator the rows of their own
        organisation, an admin everything; the report's ``refused`` says what was left out
        and why. ``dry_run``: write nothing, report what the import would do."""
        return _data.import_upload(self.engine, self._acting(user), participants, hosts, dry_run)

    def participants(self, user: User) -> pd.DataFrame:
        """Participants the user may see in full: a coordinator their own, an admin all."""
        return _data.participants(self.engine, self._acting(user))

    def hosts(self, user: User | None = None) -> pd.DataFrame:
        """Host offers: anyone may read them (they are published offers), without their
        contact details, which coordinators and admins get (``user``)."""
        hosts = _data.read(self.engine, "hosts")
        if user is not None and self._acting(user).role in ("coordinator", "admin"):
            return hosts
        return host_view(hosts)

    def organisations(self) -> pd.DataFrame:
        """Organisations for KA2 partner search (public profiles: anyone may read them)."""
        return _data.read(self.engine, "organisations")

    def matching_tables(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """``(participants, hosts, history)`` to fit a shared matcher on (internal use).

        Every participant and decision: what is shown from a matcher fitted on them must go
        through the access rules (``participants_for``, ``candidate_view``) first.
        """
        hosts = _data.read(self.engine, "hosts")
        return _data.read(self.engine, "participants"), hosts, self.history()

    def candidates(self, user: User, host_id: str | None = None) -> pd.DataFrame:
        """What a host sees of the candidates: consenting, pseudonymised, no special category."""
        return _data.candidates(self.engine, self._acting(user), host_id)

    def aggregates(
        self, user: User, by: str | list = "home_country", min_group: int = MIN_GROUP
    ) -> pd.DataFrame:
        """Counts and rates per group of one dimension (``privacy.AGGREGATE_DIMENSIONS``),
        for analysts; small groups and those that would reveal them are suppressed
        (``min_group`` may raise the floor of 5, never lower it)."""
        return _data.aggregates(self.engine, self._acting(user), by, min_group)

    def export(self, path, user: User) -> list[Path]:
        """Write participants, hosts (and organisations, if any): ``DIR`` (CSV files) or
        ``FILE.xlsx`` (one sheet each)."""
        return _data.export(self.engine, path, self._acting(user))

    # --- accounts ------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        password: str,
        role: str,
        acts_for: str = "",
        demo: bool = False,
        *,
        by: User,
    ) -> User:
        """Create an account (``by`` an admin); ``acts_for`` is a coordinator's sending
        organisation or a host's host id. The password (at least
        ``MIN_PASSWORD_LENGTH`` characters but for demo accounts) is stored as an argon2
        hash. Returns the account's description, not a handle."""
        return _accounts.add_user(
            self.engine, username, password, role, acts_for, demo, by=self._acting(by)
        )

    def users(self, by: User) -> pd.DataFrame:
        """Every account (admins only): ``username, role, organisation, host_id, demo``."""
        return _accounts.users(self.engine, self._acting(by))

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
        """Record a decision: coordinators shortlist, propose (consenting participants only),
        withdraw and complete (with a rating 1-5) for their own participants; hosts accept
        or decline open proposals to them. Each step must follow the pair's state
        (``matcher.lifecycle``), else ``InvalidStep`` (a ``ValueError``) says why."""
        return _decisions.record(
            self.engine, self._acting(user), participant_id, host_id, action, reason, rating
        )

    def respond(
        self, user: User, candidate: str, host_id: str, accept: bool, reason: str = ""
    ) -> int:
        """A host accepts or declines a proposal, naming the candidate by pseudonym."""
        return _decisions.respond(
            self.engine, self._acting(user), candidate, host_id, accept, reason
        )

    def mark_interest(self, user: User, candidate: str, host_id: str, note: str = "") -> int:
        """A host marks interest in a consenting candidate, named by pseudonym; the sending
        organisation sees it (:meth:`interests`). Once per candidate, and not in one
        proposed to the host already (``InvalidStep``)."""
        return _decisions.mark_interest(self.engine, self._acting(user), candidate, host_id, note)

    def interests(self, user: User) -> pd.DataFrame:
        """Hosts' marks of interest: a host its own (``candidate, host_id, at``), the
        sending side those on its participants (``participant_id, host_id, at, state``)."""
        return _decisions.interests(self.engine, self._acting(user))

    def candidate_profile(self, user: User, candidate: str, host_id: str) -> dict:
        """The pseudonymised profile of a candidate proposed to ``host_id`` (open, accepted
        or completed proposals only): occupation, field, goals, languages and levels,
        durations and dates; never the id, the school or special-category data."""
        return _decisions.candidate_profile(self.engine, self._acting(user), candidate, host_id)

    def states(self, user: User) -> pd.DataFrame:
        """Where each (participant, host) pair of the user's participants stands now: one row
        per pair (``matcher.lifecycle.current_states``: ``state`` is shortlisted, proposed,
        accepted, declined, completed or withdrawn, with ``since``, ``reason``, ``rating``
        and a host's ``interested`` flag). Coordinators get their own, admins all.

        Accepted placements are ``states[states.state == "accepted"]``, open proposals
        ``states[states.state == "proposed"]``.
        """
        return _decisions.states(self.engine, self._acting(user))

    def decisions(self, user: User) -> pd.DataFrame:
        """Decisions the user may see: the sending side its own; a host one row per proposal
        addressed to it (pseudonym, state, its own note), never shortlists or internal notes."""
        return _decisions.decisions(self.engine, self._acting(user))

    def open_proposals(self, user: User) -> pd.DataFrame:
        """Proposals still waiting for the host's answer (their latest state is 'propose')."""
        return _decisions.open_proposals(self.engine, self._acting(user))

    def lock(self, user: User, participant_id: str, host_id: str, reason: str = "") -> None:
        """Lock a participant's placement at a host by hand: allocations keep it (a
        coordinator their own participants, an admin anyone's)."""
        _locks.lock(self.engine, self._acting(user), participant_id, host_id, reason)

    def unlock(self, user: User, participant_id: str) -> bool:
        """Remove a participant's lock; False when there was none."""
        return _locks.unlock(self.engine, self._acting(user), participant_id)

    def save_agreement(self, user: User, participant_id: str, host_id: str, fields: dict):
        """Keep a placement's learning agreement as edited (``matcher.documents``'
        ``agreement_fields``): once the host accepted, by the participant's coordinator."""
        _agreements.save_agreement(self.engine, self._acting(user), participant_id, host_id, fields)

    def agreements(self, user: User) -> pd.DataFrame:
        """Saved learning agreements the user may see: ``participant_id, host_id,
        sending_org, fields, username, updated_at``."""
        return _agreements.agreements(self.engine, self._acting(user))

    def locks(self, user: User) -> pd.DataFrame:
        """Locked placements the user may see: ``participant_id, host_id, sending_org,
        reason, username, at``."""
        return _locks.locks(self.engine, self._acting(user))

    def history(self) -> pd.DataFrame:
        """All decisions, for the engine's cooperation criterion (internal use)."""
        return _decisions.all_decisions(self.engine)

    def forget(self, participant_id: str, user: User, cache_dir=None) -> dict:
        """Erase a participant: their row, their decisions, the audit log's notes about
        them, and their texts' vectors in the embedding cache (``cache_dir``, default the
        workspace's ``Config.cache_dir``). The audit log keeps a keyed hash only."""
        cache_dir = self._cache_dir if cache_dir is None else cache_dir
        return _decisions.forget(self.engine, participant_id, self._acting(user), cache_dir)

    def save_scorer(self, scorer, name: str = "default", *, user: User) -> None:
        """Keep a learned scorer (``matcher.learning.LearnedScorer``) with the workspace."""
        _decisions.save_scorer(self.engine, scorer, self._acting(user), name)

    def load_scorer(self, name: str = "default"):
        """The saved scorer, or None."""
        return _decisions.load_scorer(self.engine, name)

    # --- the user's own settings ---------------------------------------------------------

    def save_filter(self, user: User, page: str, name: str, values: dict) -> None:
        """Keep a named filter (JSON-able ``values``) of ``user`` on a dashboard ``page``."""
        _preferences.save_filter(self.engine, self._acting(user), page, name, values)

    def saved_filters(self, user: User, page: str) -> dict[str, dict]:
        """``user``'s own saved filters on ``page``: ``{name: values}``."""
        return _preferences.saved_filters(self.engine, self._acting(user), page)

    def delete_filter(self, user: User, page: str, name: str) -> None:
        """Forget one of ``user``'s saved filters."""
        _preferences.delete_filter(self.engine, self._acting(user), page, name)

    def add_participant(self, user: User, participant: pd.DataFrame) -> ImportReport:
        """Add one validated participant row (e.g. a profile typed in the dashboard) to the
        user's organisation: a coordinator's own, an admin's as the row names it.

        Refuses (``ValueError``) an id that the user's organisation already uses, so that a
        typed profile never overwrites a participant; an id another organisation holds is
        refused like any import (:class:`ImportRefused`).
        """
        user = self._acting(user)
        if len(participant) != 1:
            raise ValueError("add one participant at a time")
        pid = str(participant["participant_id"].iloc[0])
        known = _data.read(self.engine, "participants")
        if user.role == "coordinator":  # another organisation's id: refused as any import
            known = known[known["sending_org"] == user.organisation]
        if pid in set(known["participant_id"]):
            raise ValueError(f"{pid} is already a participant: choose another id")
        return self.import_tables(participant, user=user)

    # --- audit ---------------------------------------------------------------------------

    def audit_log(self, user: User) -> pd.DataFrame:
        """The audit log, oldest first (admins only)."""
        return _audit.audit_log(self.engine, self._acting(user))
