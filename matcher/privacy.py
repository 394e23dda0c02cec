"""What each audience may see: pseudonyms, special-category fields, small-group suppression.

One place for these rules, so that the engine, the workspace, the CLI and the dashboard
apply the same ones.
"""

from __future__ import annotations

import hashlib
import os

import pandas as pd

__all__ = [
    "SPECIAL_CATEGORY",
    "CANDIDATE_COLUMNS",
    "PRIVATE_CRITERIA",
    "MIN_GROUP",
    "pseudonym",
    "candidate_view",
    "suppress_small_groups",
]

#: Special-category personal data (GDPR art. 9): never shown to hosts, never aggregated
#: into groups smaller than MIN_GROUP.
SPECIAL_CATEGORY = ("fewer_opportunities", "needs_accessibility")

#: What a host may see of a consenting candidate (with a pseudonym instead of the id).
CANDIDATE_COLUMNS = (
    "role",
    "activity",
    "home_country",
    "occupation",
    "isced_f",
    "description",
    "languages",
    "duration_min_days",
    "duration_max_days",
    "available_from",
    "available_to",
)

#: Criteria whose value would reveal special-category data to a host.
PRIVATE_CRITERIA = ("inclusion",)

#: Smallest group an analyst sees a count or a rate for.
MIN_GROUP = 5


def pseudonym(participant_id: str) -> str:
    """A stable pseudonym, salted with ``MATCHER_PSEUDONYM_SALT`` (set a secret one)."""
    salt = os.environ.get("MATCHER_PSEUDONYM_SALT", "matcher")
    return (
        "C-"
        + hashlib.blake2b(f"{salt}:{participant_id}".encode(), digest_size=4).hexdigest().upper()
    )


def candidate_view(participants: pd.DataFrame) -> pd.DataFrame:
    """Consenting participants as a host may see them: pseudonym and the allowed columns."""
    ok = participants[participants["consent_share"].astype(bool)]
    out = ok[list(CANDIDATE_COLUMNS)].copy()
    out.insert(0, "candidate", [pseudonym(p) for p in ok["participant_id"]])
    return out.reset_index(drop=True)


def suppress_small_groups(
    counts: pd.DataFrame, count_col: str = "participants", min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """Blank out every value of rows whose group has fewer than ``min_group`` members."""
    out = counts.copy()
    small = out[count_col] < min_group
    value_cols = [c for c in out.columns if out[c].dtype.kind in "fiu"]
    out[value_cols] = out[value_cols].astype(float)
    out.loc[small, value_cols] = float("nan")
    out["suppressed"] = small
    return out
