"""What a user keeps for themselves: named filters of the dashboard's pages."""

from __future__ import annotations

import json

import sqlalchemy as sa

from . import _tables as T
from ._access import User
from ._database import utc_now

__all__ = ["save_filter", "saved_filters", "delete_filter", "FILTER_NAME_MAX"]

#: Longest name of a saved filter, and of its JSON body (characters).
FILTER_NAME_MAX, FILTER_BODY_MAX = 128, 10_000


def save_filter(engine: sa.Engine, user: User, page: str, name: str, values: dict) -> None:
    """Keep ``values`` (JSON-able) under ``name`` for ``user`` on ``page``; the same name
    replaces the earlier filter."""
    name = name.strip()
    if not name or len(name) > FILTER_NAME_MAX:
        raise ValueError(f"a filter needs a name of 1 to {FILTER_NAME_MAX} characters")
    body = json.dumps(values, default=str, sort_keys=True)
    if len(body) > FILTER_BODY_MAX:
        raise ValueError("this filter is too large to save")
    key = {"username": user.username, "page": page, "name": name}
    with engine.begin() as conn:
        conn.execute(sa.delete(T.saved_filters).where(*_where(key)))
        conn.execute(T.saved_filters.insert().values(**key, body=body, updated_at=utc_now()))


def saved_filters(engine: sa.Engine, user: User, page: str) -> dict[str, dict]:
    """``{name: values}`` of ``user``'s filters on ``page``, by name."""
    f = T.saved_filters.c
    q = (
        sa.select(f.name, f.body)
        .where(f.username == user.username, f.page == page)
        .order_by(f.name)
    )
    with engine.connect() as conn:
        return {name: json.loads(body) for name, body in conn.execute(q).all()}


def delete_filter(engine: sa.Engine, user: User, page: str, name: str) -> None:
    """Forget ``user``'s filter ``name`` on ``page`` (nothing if there is none)."""
    key = {"username": user.username, "page": page, "name": name}
    with engine.begin() as conn:
        conn.execute(sa.delete(T.saved_filters).where(*_where(key)))


def _where(key: dict) -> list:
    return [T.saved_filters.c[k] == v for k, v in key.items()]
