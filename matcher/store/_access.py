"""Who may see and do what: accounts' roles and the rules applied to every table.

The workspace applies these rules to its own tables; the same functions apply them to a
dataset uploaded for one session, so that the dashboard never filters by role itself.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field, replace

import pandas as pd

from ..privacy import (
    HOST_CONTACT_COLUMNS,
    MIN_GROUP,
    SPECIAL_CATEGORY,
    host_view,
    suppress_small_groups,
)

__all__ = [
    "ROLES",
    "AccessDenied",
    "User",
    "Handles",
    "require",
    "participants_for",
    "hosts_for",
    "host_contacts",
    "lead_organisations",
    "check_grouping",
    "coverage_for",
]

ROLES = ("coordinator", "host", "analyst", "admin")


class AccessDenied(PermissionError):
    """The user's role does not allow this."""


@dataclass(frozen=True)
class User:
    """Who acts, with the organisation or host they act for.

    Parameters
    ----------
    username : str
    role : {"coordinator", "host", "analyst", "admin"}
    organisation : str, default ""
        The sending organisation a coordinator acts for (as in ``sending_org``); empty for
        the other roles.
    host_id : str, default ""
        The host a host account acts for (as in ``host_id``); empty for the other roles.
    token : str, default ""
        The secret of a handle issued by a :class:`~matcher.store.Workspace`
        (``authenticate`` or ``admin_context``); a workspace acts only for the handles it
        issued, so a ``User`` built by hand describes an account but cannot act.

    Examples
    --------
    >>> User("h", "host", host_id="H0001").acts_for
    'H0001'
    """

    username: str
    role: str
    organisation: str = ""
    host_id: str = ""
    token: str = field(default="", repr=False, compare=False)

    def __post_init__(self):
        if self.host_id and self.role != "host":
            raise ValueError(f"only a host account has a host_id, not a {self.role}")
        if self.role == "host" and self.organisation:
            raise ValueError("a host account acts for a host_id, not a sending organisation")

    @property
    def acts_for(self) -> str:
        """The sending organisation or the host id this user acts for ("" for none)."""
        return self.host_id or self.organisation


#: Bytes of randomness in a handle's token.
TOKEN_BYTES = 32


class Handles:
    """The users a workspace acts for: handles it issued, each carrying a secret token.

    A handle is the ``User`` of an account with a random token registered here; a ``User``
    built by hand (no token, or a token registered for another account) is refused.

    Examples
    --------
    >>> handles = Handles()
    >>> admin = handles.issue(User("root", "admin"))
    >>> handles.check(admin) is admin
    True
    >>> handles.check(User("root", "admin"))
    Traceback (most recent call last):
    ...
    matcher.store._access.AccessDenied: not a user signed in with this workspace
    """

    def __init__(self):
        self._by_token: dict[str, User] = {}
        self._lock = threading.Lock()

    def issue(self, user: User) -> User:
        """A handle for ``user``'s account, registered until :meth:`revoke`."""
        handle = replace(user, token=secrets.token_urlsafe(TOKEN_BYTES))
        with self._lock:
            self._by_token[handle.token] = handle
        return handle

    def check(self, user) -> User:
        """``user`` if it is a handle issued here; else raise :class:`AccessDenied`."""
        token = getattr(user, "token", "")
        with self._lock:
            issued = self._by_token.get(token) if isinstance(token, str) and token else None
        if issued is None or issued != user or not secrets.compare_digest(issued.token, token):
            raise AccessDenied("not a user signed in with this workspace")
        return user

    def revoke(self, user: User) -> None:
        """Forget a handle (sign-out); later calls with it are refused."""
        with self._lock:
            self._by_token.pop(getattr(user, "token", ""), None)


def require(user: User, *roles: str) -> None:
    """Raise :class:`AccessDenied` unless ``user`` has one of ``roles``."""
    if user.role not in roles:
        raise AccessDenied(f"role {user.role} may not do this (needs {' or '.join(roles)})")


def participants_for(user: User, participants: pd.DataFrame) -> pd.DataFrame:
    """Participants the user may see in full: a coordinator their own, an admin all.

    The rule of :meth:`Workspace.participants`, for a frame held outside the workspace
    (e.g. an upload); returns a view of the rows of ``participants``.
    """
    require(user, "admin", "coordinator")
    if user.role == "coordinator":
        return participants[participants["sending_org"] == user.organisation]
    return participants


def hosts_for(user: User, hosts: pd.DataFrame) -> pd.DataFrame:
    """The hosts a user answers for: a host account its own (without contact details, which
    are for coordinators), an admin every host."""
    require(user, "admin", "host")
    if user.role == "host":
        return host_view(hosts[hosts["host_id"] == user.host_id])
    return hosts


def host_contacts(user: User, hosts: pd.DataFrame) -> pd.DataFrame:
    """Hosts' contact details (``host_id`` and :data:`~matcher.privacy.HOST_CONTACT_COLUMNS`):
    for coordinators and admins only."""
    require(user, "admin", "coordinator")
    return hosts[["host_id", *[c for c in HOST_CONTACT_COLUMNS if c in hosts.columns]]]


def lead_organisations(user: User, organisations: pd.DataFrame) -> pd.DataFrame:
    """Organisations the user may lead a KA2 partnership for.

    A coordinator leads for their own organisation only (matched by name); the other roles
    may pick any organisation.
    """
    if user.role == "coordinator":
        return organisations[organisations["name"] == user.organisation]
    return organisations


def check_grouping(user: User, by: list[str]) -> None:
    """Aggregates are for analysts and admins; only an admin may group by special category."""
    require(user, "admin", "analyst")
    if set(by) & set(SPECIAL_CATEGORY) and user.role != "admin":
        raise AccessDenied("special-category fields cannot be a grouping for analysts")


def coverage_for(user: User, matcher, by: str, min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Coverage per group (``matcher.insights.coverage``) as an analyst may see it.

    Returns
    -------
    DataFrame, one row per group of ``by`` with at least one covered value
        ``by``, ``participants``, ``coverage``, ``suppressed``; groups under
        ``min_group`` participants are suppressed and left out.
    """
    from .. import insights

    check_grouping(user, [by])
    groups = suppress_small_groups(insights.coverage(matcher, by), "participants", min_group)
    return groups.dropna(subset=["coverage"])
