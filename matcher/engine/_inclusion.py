"""The inclusion criterion: support at the host for participants with fewer opportunities.

It reads special-category data, so it stays on the coordinator's side: the host-side view
leaves it out (``matcher.privacy.PRIVATE_CRITERIA``).
"""

from __future__ import annotations

import numpy as np

from ._state import Fitted, column

__all__ = ["inclusion_score", "inclusion_reason"]


def inclusion_score(S: Fitted, pi, hj) -> np.ndarray:
    """1 at hosts offering support for participants with fewer opportunities, else 0;
    1 for everyone else: ``(len(pi), m)``."""
    need = S.P.fewer[pi][:, None]
    return np.where(need, column(S.H.support, hj), True).astype(np.float32)


def inclusion_reason(S: Fitted, i: int, j: int) -> str:
    """The sentence for the inclusion score."""
    if not S.P.fewer[i]:
        return "not applicable"
    if S.H.support[j]:
        return "the host offers inclusion support"
    return "the host offers no inclusion support"
