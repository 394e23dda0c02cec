"""Accounts: creation (admins only), sign-in with lockout, listings."""

from __future__ import annotations

import math

import pandas as pd
import sqlalchemy as sa

from . import _audit, _passwords
from . import _tables as T
from ._access import ROLES, AccessDenied, User, require
from ._database import utc_now
from ._passwords import hash_password, verify_password
from ._throttle import SECONDS_PER_MINUTE, LoginThrottle

__all__ = [
    "SignInLocked",
    "add_user",
    "authenticate",
    "account",
    "users",
    "demo_users",
    "has_users",
]


class SignInLocked(AccessDenied):
    """Too many failed sign-ins for this user name: it is locked for a while."""


#: Roles whose account acts for someone: a sending organisation or a host.
_ACTS_FOR = {"coordinator": "organisation", "host": "host_id"}


def _new_user(username: str, role: str, acts_for: str) -> User:
    if not username or username != username.strip():
        raise ValueError("a user name must not be empty nor start or end with a space")
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    if role in _ACTS_FOR and not acts_for:
        raise ValueError(f"a {role} account needs --org (the sending organisation or the host id)")
    field = _ACTS_FOR.get(role)
    return User(username, role, **({field: acts_for} if field else {}))


def add_user(
    engine: sa.Engine,
    username: str,
    password: str,
    role: str,
    acts_for: str = "",
    demo: bool = False,
    *,
    by: User,
) -> User:
    """Create an account (admins only); the password is stored as an argon2 hash.

    ``acts_for`` is the sending organisation of a coordinator or the host id of a host
    (``matcher users add --org``); it is ignored for analysts and admins.
    """
    require(by, "admin")
    user = _new_user(username, role, acts_for)
    with engine.begin() as conn:
        exists = conn.execute(sa.select(T.users.c.username).where(T.users.c.username == username))
        if exists.first():
            raise ValueError(f"user {username!r} exists")
        conn.execute(
            T.users.insert().values(
                username=username,
                password_hash=hash_password(password, demo=demo),
                role=role,
                organisation=user.organisation,
                host_id=user.host_id,
                demo=demo,
                created_at=utc_now(),
            )
        )
        _audit.write(conn, by, "add_user", username, role)
    return user


def authenticate(
    engine: sa.Engine, username: str, password: str, throttle: LoginThrottle
) -> User | None:
    """The account for this user name and password, or None.

    An unknown user name costs one argon2 verification, as a known one does; failures are
    counted per user name (known or not) and too many lock it (:class:`SignInLocked`).
    """
    _passwords.warm_up()
    wait = throttle.locked_for(username)
    if wait:
        minutes = math.ceil(wait / SECONDS_PER_MINUTE)
        raise SignInLocked(f"too many failed sign-ins: try again in {minutes} minute(s)")
    rec = None
    if username:
        with engine.connect() as conn:
            q = sa.select(T.users).where(T.users.c.username == username)
            rec = conn.execute(q).mappings().first()
    if rec is None:
        ok = _passwords.verify_dummy(password)
    else:
        ok = verify_password(rec["password_hash"], password)
    if not ok:
        throttle.failed(username)
        return None
    throttle.succeeded(username)
    return User(rec["username"], rec["role"], rec["organisation"], rec["host_id"])


def account(engine: sa.Engine, username: str) -> User | None:
    """The account named ``username`` (demo accounts excluded), without a password check:
    for an identity an identity provider verified. None when there is none."""
    if not username:
        return None
    with engine.connect() as conn:
        q = sa.select(T.users).where(T.users.c.username == username, T.users.c.demo.is_(False))
        rec = conn.execute(q).mappings().first()
    if rec is None:
        return None
    return User(rec["username"], rec["role"], rec["organisation"], rec["host_id"])


_LISTED = ("username", "role", "organisation", "host_id", "demo")


def users(engine: sa.Engine, by: User) -> pd.DataFrame:
    """Every account (admins only): ``username, role, organisation, host_id, demo``."""
    require(by, "admin")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*[T.users.c[c] for c in _LISTED])).mappings().all()
    return pd.DataFrame(rows, columns=list(_LISTED))


def demo_users(engine: sa.Engine) -> pd.DataFrame:
    """The clearly marked demo accounts (public by design): ``username, role, acts_for``."""
    u = T.users.c
    q = sa.select(u.username, u.role, u.organisation, u.host_id).where(u.demo.is_(True))
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(u.created_at, u.username)).mappings().all()
    return pd.DataFrame(
        [(r["username"], r["role"], r["host_id"] or r["organisation"]) for r in rows],
        columns=["username", "role", "acts_for"],
    )


def has_users(engine: sa.Engine) -> bool:
    """Whether any account exists (a fresh workspace has none)."""
    with engine.connect() as conn:
        return conn.execute(sa.select(T.users.c.username).limit(1)).first() is not None
