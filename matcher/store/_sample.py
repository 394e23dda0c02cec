"""The sample workspace: the bundled synthetic data and clearly marked demo accounts."""

from __future__ import annotations

import warnings

import pandas as pd

__all__ = ["DEMO_PASSWORD", "demo_accounts", "seed_sample"]

#: The password of every demo account (demo accounts exist in the sample workspace only).
DEMO_PASSWORD = "demo"
#: The host the demo host account acts for.
DEMO_HOST_ID = "H0001"


def demo_accounts(participants: pd.DataFrame) -> list[tuple[str, str, str]]:
    """``(username, role, acts_for)`` of the demo accounts; the coordinator acts for the
    sending organisation with the most participants."""
    busiest = participants["sending_org"].value_counts().index[0]
    return [
        ("demo-admin", "admin", ""),
        ("demo-coordinator", "coordinator", busiest),
        ("demo-host", "host", DEMO_HOST_ID),
        ("demo-analyst", "analyst", ""),
    ]


def seed_sample(workspace) -> bool:
    """Fill an empty workspace (no accounts yet) with the sample and the demo accounts.

    Returns whether anything was written; a workspace with accounts is left alone.
    """
    from ..io import load_hosts, load_organisations, load_participants
    from ..taxonomy import sample_dir

    if workspace.has_users():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sample's loader notes are expected
        participants = load_participants(sample_dir() / "participants.csv")
        hosts = load_hosts(sample_dir() / "hosts.csv")
        organisations = load_organisations(sample_dir() / "organisations.csv")
    seeder = workspace.admin_context("sample")
    try:
        workspace.import_tables(participants, hosts, user=seeder, organisations=organisations)
        for username, role, acts_for in demo_accounts(participants):
            workspace.add_user(username, DEMO_PASSWORD, role, acts_for, demo=True, by=seeder)
    finally:
        workspace.sign_out(seeder)
    return True
