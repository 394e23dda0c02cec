"""The persistent workspace: database, accounts with roles, decisions and outcomes.

Every access rule lives here: the workspace applies them to its tables, and
:func:`participants_for`, :func:`hosts_for`, :func:`lead_organisations` and
:func:`coverage_for` apply the same rules to data held elsewhere (e.g. an upload).
"""

from ..lifecycle import InvalidStep
from ._access import (
    ROLES,
    AccessDenied,
    User,
    coverage_for,
    host_contacts,
    hosts_for,
    lead_organisations,
    participants_for,
)
from ._accounts import SignInLocked
from ._data import ImportRefused, ImportReport, Refusal
from ._database import WorkspaceUnavailable, redact_url
from ._passwords import hash_password, verify_password
from ._sample import DEMO_PASSWORD, seed_sample
from ._tables import DECISION_ACTIONS, RATINGS, SCHEMA_VERSION
from ._workspace import Workspace, pseudonym_key

__all__ = [
    "Workspace",
    "pseudonym_key",
    "User",
    "ImportReport",
    "ImportRefused",
    "Refusal",
    "AccessDenied",
    "InvalidStep",
    "SignInLocked",
    "ROLES",
    "DECISION_ACTIONS",
    "RATINGS",
    "SCHEMA_VERSION",
    "hash_password",
    "verify_password",
    "participants_for",
    "hosts_for",
    "host_contacts",
    "lead_organisations",
    "coverage_for",
    "DEMO_PASSWORD",
    "seed_sample",
    "WorkspaceUnavailable",
    "redact_url",
]
