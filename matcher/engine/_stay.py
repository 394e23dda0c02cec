"""Duration and dates: how long the participant can stay, and when both sides are available."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from ._prepare import OPEN_END, OPEN_START
from ._state import Fitted, column

__all__ = [
    "duration_overlap",
    "duration_score",
    "duration_reason",
    "date_overlap_days",
    "dates_score",
    "dates_reason",
    "common_window",
    "day",
]


def duration_overlap(S: Fitted, pi, hj) -> tuple[np.ndarray, np.ndarray]:
    """Shortest and longest stay acceptable to both, ``(lo, hi)`` each ``(len(pi), m)``.

    The overlap is empty where ``lo > hi``.
    """
    P, H = S.P, S.H
    lo = np.maximum(P.dmin[pi][:, None], column(H.dmin, hj))
    hi = np.minimum(P.dmax[pi][:, None], column(H.dmax, hj))
    return lo, hi


def duration_score(S: Fitted, pi, hj) -> np.ndarray:
    """Share of the participant's duration window that the host also accepts: ``(len(pi), m)``."""
    lo, hi = duration_overlap(S, pi, hj)
    width = (S.P.dmax[pi] - S.P.dmin[pi] + 1)[:, None]
    return np.clip((hi - lo + 1) / width, 0.0, 1.0).astype(np.float32)


def duration_reason(S: Fitted, i: int, j: int) -> str:
    """The sentence for the duration score."""
    P, H = S.P, S.H
    pmin, pmax, hmin, hmax = int(P.dmin[i]), int(P.dmax[i]), int(H.dmin[j]), int(H.dmax[j])
    lo, hi = max(pmin, hmin), min(pmax, hmax)
    if lo > hi:
        return f"stay {pmin}-{pmax} days does not overlap the host's {hmin}-{hmax}"
    if (lo, hi) == (pmin, pmax):
        return f"stay {pmin}-{pmax} days fits the host's {hmin}-{hmax}"
    return f"stay {pmin}-{pmax} days overlaps the host's {hmin}-{hmax} on {lo}-{hi} days"


def date_overlap_days(S: Fitted, pi, hj) -> np.ndarray:
    """Days both are available, ``(len(pi), m)`` (huge when either side is open)."""
    start = np.maximum(S.P.start[pi][:, None], column(S.H.start, hj))
    end = np.minimum(S.P.end[pi][:, None], column(S.H.end, hj))
    return end - start + 1


def dates_score(S: Fitted, pi, hj) -> np.ndarray:
    """Share of the stays acceptable to both that fit in the common window: ``(len(pi), m)``."""
    lo, hi = duration_overlap(S, pi, hj)
    days = date_overlap_days(S, pi, hj)
    return np.clip((days - lo + 1) / np.maximum(hi - lo + 1, 1), 0.0, 1.0).astype(np.float32)


@lru_cache(maxsize=8192)
def day(x: float) -> str:
    """ISO date of a day number (days since 1970-01-01)."""
    return (dt.date(1970, 1, 1) + dt.timedelta(days=int(x))).isoformat()


def common_window(S: Fitted, i: int, j: int) -> tuple[float, float, str]:
    """First and last common day of pair ``(i, j)`` and the window as text."""
    s, e = max(S.P.start[i], S.H.start[j]), min(S.P.end[i], S.H.end[j])
    text = f"{day(s) if s != OPEN_START else '...'} to {day(e) if e != OPEN_END else '...'}"
    return s, e, text


def no_overlap(S: Fitted, i: int, j: int) -> str:
    """``no overlap: ...`` for a pair whose date windows share no day: whose ends before
    whose starts."""
    if S.P.end[i] < S.H.start[j]:
        return (
            f"no overlap: the participant's window ends on {day(S.P.end[i])}, before the "
            f"host's starts on {day(S.H.start[j])}"
        )
    return (
        f"no overlap: the host's window ends on {day(S.H.end[j])}, before the participant's "
        f"starts on {day(S.P.start[i])}"
    )


def dates_reason(S: Fitted, i: int, j: int) -> str:
    """The sentence for the dates score."""
    s, e, span = common_window(S, i, j)
    if s == OPEN_START and e == OPEN_END:
        return "no date limits on either side"
    lo = max(int(S.P.dmin[i]), int(S.H.dmin[j]))
    days = int(e - s + 1)
    if days <= 0:
        return no_overlap(S, i, j)
    if days < lo:
        return f"common window {span} ({days} days) is shorter than the shortest stay ({lo} days)"
    open_ended = s == OPEN_START or e == OPEN_END
    return f"common window {span}" + ("" if open_ended else f" ({days} days)")
