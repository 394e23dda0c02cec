"""The soft criteria, each a pair: a vectorised score and the sentence that explains it.

Every ``score(S, pi, hj)`` takes the fitted state, a block of participant rows ``pi`` (index
array) and host columns ``hj`` (index array or ``slice(None)``) and returns ``ndarray
(len(pi), n_hosts_in_block)`` float32 in [0, 1]; ``reason(S, i, j)`` says why pair ``(i, j)``
scores what it does, from the same arrays and constants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ._history import cooperation_reason, cooperation_score
from ._inclusion import inclusion_reason, inclusion_score
from ._language import language_reason, language_score
from ._place import (
    destination_reason,
    destination_score,
    travel_reason,
    travel_reason_for_host,
    travel_score,
)
from ._sector import sector_reason, sector_score
from ._stay import dates_reason, dates_score, duration_reason, duration_score

__all__ = ["Criterion", "CRITERIA", "CRITERION"]


@dataclass(frozen=True)
class Criterion:
    """A soft criterion: its name, its score function and its reason function; and, where
    the coordinator's sentence says more than a host may read, the host's sentence."""

    name: str
    score: Callable
    reason: Callable
    host_reason: Callable | None = None


CRITERION: dict[str, Criterion] = {
    c.name: c
    for c in (
        Criterion("sector", sector_score, sector_reason),
        Criterion("language", language_score, language_reason),
        Criterion("duration", duration_score, duration_reason),
        Criterion("dates", dates_score, dates_reason),
        Criterion("destination", destination_score, destination_reason),
        Criterion("travel", travel_score, travel_reason, travel_reason_for_host),
        Criterion("inclusion", inclusion_score, inclusion_reason),
        Criterion("cooperation", cooperation_score, cooperation_reason),
    )
}
#: Names of the soft criteria, in the order of the score breakdown.
CRITERIA: tuple[str, ...] = tuple(CRITERION)
