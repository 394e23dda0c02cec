"""The fitted state every criterion reads: frames, arrays, taxonomy links and history."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._config import Config
from ._geography import Travel
from ._history import History
from ._links import NaceLink, OccupationLink
from ._prepare import GroupArrays, HostArrays, ParticipantArrays, Vocab

__all__ = ["Fitted", "column"]

_P_TEXT = ("occupation", "description", "home_country", "preferred_countries", "role", "activity")
_H_TEXT = ("name", "sector", "description", "country", "org_type", "accepts")


@dataclass
class Fitted:
    """What ``Matcher.fit`` builds once; criteria and rules are functions of it.

    ``tax_by_field`` is the crosswalk relevance ``(n_fields, n_hosts)`` (NaN for hosts whose
    NACE class is unknown); ``text_range`` the (floor, ceiling) of cosines that the sector
    criterion maps onto [0, 1] for the encoder in use; ``G`` the groups of learners with
    their accompanying persons; ``travel`` where both sides are (sending towns, hosts' towns
    or coordinates) and who travels green. ``p`` and ``h`` hold the text
    columns the reasons read, as lists (``S.p["occupation"][i]``).
    """

    config: Config
    participants: pd.DataFrame
    hosts: pd.DataFrame
    vocab: Vocab
    P: ParticipantArrays
    H: HostArrays
    occupations: list[OccupationLink]
    nace: list[NaceLink]
    tax_by_field: np.ndarray
    history: History
    text_range: tuple[float, float]
    G: GroupArrays
    travel: Travel

    def __post_init__(self):
        # plain lists of the text columns the reasons read: pandas' per-cell access costs
        # about 0.1 ms, too much for reasons built per result row
        self.p = {c: self.participants[c].tolist() for c in _P_TEXT}
        self.h = {c: self.hosts[c].tolist() for c in _H_TEXT}


def column(x: np.ndarray, hj) -> np.ndarray:
    """A host-side array as a row block: ``(1, m)`` for a vector, ``(m, ...)`` otherwise."""
    return x[hj][None, ...] if x.ndim == 1 else x[hj]
