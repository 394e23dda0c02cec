"""The persistent workspace: database, accounts with roles, decisions and outcomes."""

from ._passwords import hash_password, verify_password
from ._tables import DECISION_ACTIONS, SCHEMA_VERSION
from ._workspace import ROLES, AccessDenied, ImportReport, User, Workspace

__all__ = [
    "Workspace",
    "User",
    "ImportReport",
    "AccessDenied",
    "ROLES",
    "DECISION_ACTIONS",
    "SCHEMA_VERSION",
    "hash_password",
    "verify_password",
]
