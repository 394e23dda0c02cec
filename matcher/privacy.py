"""What each audience may see: pseudonyms, special-category fields, small-group suppression.

One place for these rules, so that the engine, the workspace, the CLI and the dashboard
apply the same ones.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd

__all__ = [
    "SPECIAL_CATEGORY",
    "CANDIDATE_COLUMNS",
    "HOST_CONTACT_COLUMNS",
    "host_view",
    "PRIVATE_CRITERIA",
    "MIN_GROUP",
    "AGGREGATE_DIMENSIONS",
    "SALT_ENV",
    "pseudonym",
    "duplicate_pseudonyms",
    "keyed_digest",
    "set_pseudonym_key",
    "active_pseudonym_key",
    "pseudonym_salt_from_env",
    "candidate_view",
    "check_aggregate_grouping",
    "suppression_mask",
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

#: A host's contact details: shown to coordinators (and admins) only, never to host
#: accounts nor in anything exported to hosts.
HOST_CONTACT_COLUMNS = ("contact_person", "email", "phone", "website")

#: Criteria whose value would reveal to a host what the pseudonym hides: special-category
#: data (inclusion) and the sending organisation (cooperation: its past placements with this
#: host, which a host with few partner schools matches to one of them). On the host side
#: every candidate gets the same value on them, and neither value nor sentence is shown.
PRIVATE_CRITERIA = ("inclusion", "cooperation")

#: Smallest group an analyst sees a count or a rate for (a floor: callers may only raise it).
MIN_GROUP = 5

#: What aggregates may be grouped by, one at a time: never ids, never special category.
AGGREGATE_DIMENSIONS = ("home_country", "role", "activity", "isced_f")

#: Environment variable whose value, when set, is the pseudonym key of every workspace.
SALT_ENV = "MATCHER_PSEUDONYM_SALT"
#: What every pseudonym starts with, and how many hex digits of the HMAC follow.
PSEUDONYM_PREFIX = "C-"
#: 48 bits: collisions stay unlikely for a million participants, and imports check them.
PSEUDONYM_DIGITS = 12

# the key set by set_pseudonym_key (None: resolve it, see active_pseudonym_key)
_active_key: bytes | None = None


def pseudonym_salt_from_env() -> bytes | None:
    """``MATCHER_PSEUDONYM_SALT`` as a key, or None when it is not set (or empty)."""
    from ._config import Config

    salt = Config.from_env().pseudonym_salt
    return salt.encode("utf-8") if salt else None


def set_pseudonym_key(key: bytes | None) -> None:
    """Make ``key`` the process's pseudonym key (None: back to the default resolution).

    The dashboard sets its workspace's key (``Workspace.pseudonym_key()``), so that the
    candidates the engine lists carry the pseudonyms the workspace answers to.
    """
    global _active_key
    _active_key = key


def active_pseudonym_key() -> bytes:
    """The key :func:`pseudonym` uses when given none.

    The key set by :func:`set_pseudonym_key`, else ``MATCHER_PSEUDONYM_SALT``, else the
    secret of the default workspace (``MATCHER_DATABASE_URL``), created there when missing.
    There is no public default: a pseudonym is never computable without a secret.
    """
    if _active_key is not None:
        return _active_key
    from .store import pseudonym_key  # the store imports this module: resolved lazily

    return pseudonym_key()


def keyed_digest(key: bytes, text: str) -> str:
    """HMAC-SHA256 of ``text`` under ``key``, as hex: not reversible without the key."""
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonym(participant_id: str, key: bytes | None = None) -> str:
    """A candidate's stable pseudonym: ``C-`` and 12 hex digits of a keyed HMAC-SHA256.

    Parameters
    ----------
    participant_id : str
    key : bytes, optional
        The workspace's key (``Workspace.pseudonym_key()``); default
        :func:`active_pseudonym_key`. The same id gets different pseudonyms under
        different keys, and enumerating ids does not reverse them without the key.

    Examples
    --------
    >>> pseudonym("P0001", key=b"secret")
    'C-29B3420F6FDF'
    >>> pseudonym("P0001", key=b"secret") == pseudonym("P0001", key=b"other secret")
    False
    """
    key = active_pseudonym_key() if key is None else key
    return PSEUDONYM_PREFIX + keyed_digest(key, participant_id)[:PSEUDONYM_DIGITS].upper()


def duplicate_pseudonyms(participant_ids, key: bytes) -> dict[str, list[str]]:
    """Pseudonyms shared by several ids under ``key`` (pseudonym -> ids); empty when none."""
    seen: dict[str, list[str]] = {}
    for pid in dict.fromkeys(participant_ids):
        seen.setdefault(pseudonym(pid, key), []).append(pid)
    return {c: ids for c, ids in seen.items() if len(ids) > 1}


def candidate_view(participants: pd.DataFrame, key: bytes | None = None) -> pd.DataFrame:
    """Consenting participants as a host may see them: pseudonym and the allowed columns.

    ``key`` is the pseudonym key (default :func:`active_pseudonym_key`).
    """
    ok = participants[participants["consent_share"].astype(bool)]
    out = ok[list(CANDIDATE_COLUMNS)].copy()
    key = active_pseudonym_key() if key is None else key
    out.insert(0, "candidate", [pseudonym(p, key) for p in ok["participant_id"]])
    return out.reset_index(drop=True)


def check_aggregate_grouping(by) -> str:
    """The one grouping dimension of an aggregate query, checked against the allowed ones.

    Raises ValueError for anything but exactly one of :data:`AGGREGATE_DIMENSIONS`: ids and
    special-category fields are never a grouping, and cross-tabulations are refused because
    a table and its margins can be differenced to recover suppressed cells.
    """
    dims = [by] if isinstance(by, str) else list(by)
    if len(dims) != 1 or dims[0] not in AGGREGATE_DIMENSIONS:
        raise ValueError(
            f"aggregates group by exactly one of {', '.join(AGGREGATE_DIMENSIONS)}; got {by!r}"
        )
    return dims[0]


def suppression_mask(counts, min_group: int = MIN_GROUP) -> np.ndarray:
    """Which groups of a one-dimensional table to suppress so that none can be recovered.

    Primary suppression hides every group under ``min_group`` members (never under
    :data:`MIN_GROUP`, whatever the caller asks). Secondary suppression then hides the next
    smallest groups until at least two groups are hidden and their total exceeds their number.

    Why that suffices: an attacker who knows every published count and the table's total
    (from another query, say) knows the sum ``S`` of the ``k`` hidden groups, and that each
    has at least one member (it is listed). Each hidden group can then be anything in
    ``[1, S - (k - 1)]``, at least two values exactly when ``k >= 2`` and ``S > k``. Tables
    of different dimensions share only their total, so together they reveal no more.
    (When every group is hidden and still ``S <= k``, the total itself tells all: such a
    tiny table is suppressed whole.)

    Parameters
    ----------
    counts : array-like of int, shape (n_groups,)
        Members per group (each group listed has at least one).
    min_group : int, default MIN_GROUP
        Smallest group shown; raised to :data:`MIN_GROUP` when lower.

    Returns
    -------
    ndarray of bool, shape (n_groups,)
        True for the groups to suppress.

    Examples
    --------
    >>> suppression_mask([2, 30, 7, 12]).tolist()  # 2 alone would be 49 - 30 - 7 - 12
    [True, False, True, False]
    >>> suppression_mask([1, 1, 30, 9]).tolist()  # two hidden ones would both be 1
    [True, True, False, True]
    >>> suppression_mask([8, 9], min_group=1).tolist()  # the floor cannot be lowered
    [False, False]
    """
    counts = np.asarray(counts, dtype=np.int64)
    mask = counts < max(int(min_group), MIN_GROUP)
    for i in np.lexsort((np.arange(len(counts)), counts)):  # smallest first, stable
        k = int(mask.sum())
        if k == 0 or (k >= 2 and int(counts[mask].sum()) > k):
            break
        mask[i] = True
    return mask


def suppress_small_groups(
    counts: pd.DataFrame, count_col: str = "participants", min_group: int = MIN_GROUP
) -> pd.DataFrame:
    """Blank out every value of the groups that :func:`suppression_mask` hides.

    Small groups (under ``min_group``, never under :data:`MIN_GROUP`) and the secondary
    groups that keep them from being recovered through the table's total; a boolean
    ``suppressed`` column says which.
    """
    out = counts.copy()
    small = suppression_mask(out[count_col].to_numpy(), min_group)
    value_cols = [c for c in out.columns if out[c].dtype.kind in "fiu"]
    out[value_cols] = out[value_cols].astype(float)
    out.loc[small, value_cols] = float("nan")
    out["suppressed"] = small
    return out


def host_view(hosts: pd.DataFrame) -> pd.DataFrame:
    """Host offers without the contact details (:data:`HOST_CONTACT_COLUMNS`): what anyone
    but a coordinator or an admin may see of them.

    Examples
    --------
    >>> host_view(pd.DataFrame({"host_id": ["H1"], "email": ["a@b.example"]})).columns.tolist()
    ['host_id']
    """
    return hosts.drop(columns=[c for c in HOST_CONTACT_COLUMNS if c in hosts.columns])
