"""The workspace's tables (SQLAlchemy Core) and its schema version."""

from __future__ import annotations

import sqlalchemy as sa

from ..io import HOSTS, ORGANISATIONS, PARTICIPANTS
from ..lifecycle import ACTIONS

__all__ = [
    "metadata",
    "SCHEMA_VERSION",
    "meta",
    "participants",
    "hosts",
    "users",
    "decisions",
    "audit",
    "DECISION_ACTIONS",
    "RATINGS",
    "models",
    "organisations",
    "secrets",
    "locks",
    "agreements",
]

#: Bumped with every change to the tables; ``Workspace.upgrade`` brings older files up to it.
SCHEMA_VERSION = 5

#: What a decision records: the lifecycle's steps and a host's interest.
DECISION_ACTIONS = ACTIONS

#: The ratings a completed placement may get (1 poor ... 5 excellent).
RATINGS = (1, 2, 3, 4, 5)

metadata = sa.MetaData()

_SQL_TYPES = {
    "days": sa.Integer,
    "count": sa.Integer,
    "date": sa.Date,
    "bool": sa.Boolean,
    "latitude": sa.Float,
    "longitude": sa.Float,
}


def _columns(schema):
    """The SQL columns of a data contract: typed where the contract has a type, else text."""
    cols = []
    for c in schema.columns:
        kind = _SQL_TYPES.get(c.kind, sa.Text)
        cols.append(
            sa.Column(
                c.name,
                kind,
                primary_key=c.name == schema.id_column,
                nullable=c.kind in ("date", "latitude", "longitude"),
            )
        )
    return cols


meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

participants = sa.Table(
    "participants",
    metadata,
    *_columns(PARTICIPANTS),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index("ix_participants_sending_org", participants.c.sending_org)

hosts = sa.Table(
    "hosts",
    metadata,
    *_columns(HOSTS),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(128), primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    # the sending organisation a coordinator acts for ("" for the other roles)
    sa.Column("organisation", sa.Text, nullable=False, default=""),
    sa.Column("demo", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # version 4: the host a host account acts for ("" for the other roles)
    sa.Column("host_id", sa.Text, nullable=False, default=""),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("participant_id", sa.Text, nullable=False, index=True),
    sa.Column("host_id", sa.Text, nullable=False, index=True),
    sa.Column("sending_org", sa.Text, nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("rating", sa.Integer, nullable=True),
    sa.Column("username", sa.String(128), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

audit = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("username", sa.String(128), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.Text, nullable=False, default=""),
    sa.Column("details", sa.Text, nullable=False, default=""),
)

# version 2: learned scoring models (JSON, see matcher.learning.LearnedScorer)
models = sa.Table(
    "models",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# version 3: organisations (KA2 partner search), as in the organisations table contract
organisations = sa.Table(
    "organisations",
    metadata,
    *_columns(ORGANISATIONS),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# version 5: the workspace's random secrets (pseudonym and audit keys), hex, never exported
#: The tables whose columns follow an io data contract (new optional columns are added to
#: an older workspace by :func:`matcher.store._database.upgrade`).
DATA_TABLES = (participants, hosts, organisations)

secrets = sa.Table(
    "secrets",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# saved filters of the dashboard, per user and page (JSON); created on open (create_all)
saved_filters = sa.Table(
    "saved_filters",
    metadata,
    sa.Column("username", sa.String(128), primary_key=True),
    sa.Column("page", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(128), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# placements a coordinator locked by hand for the allocation (one per participant); created
# on open like every new table, no schema version of its own
locks = sa.Table(
    "locks",
    metadata,
    sa.Column("participant_id", sa.Text, primary_key=True),
    sa.Column("host_id", sa.Text, nullable=False),
    sa.Column("sending_org", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("username", sa.String(128), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

# learning agreements as the coordinator edited them (one per placement, the fields as JSON);
# created on open like every new table
agreements = sa.Table(
    "agreements",
    metadata,
    sa.Column("participant_id", sa.Text, primary_key=True),
    sa.Column("host_id", sa.Text, primary_key=True),
    sa.Column("sending_org", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("username", sa.String(128), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
