"""The language criterion: the best CEFR fit over the host's working languages."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import taxonomy as tx
from ._state import Fitted

__all__ = ["language_table", "language_score", "language_reason", "lang_name"]

#: Rank of a language not held (A1..C2 and native rank 1..7).
_NOT_HELD = 0


lang_name = tx.language_name


@lru_cache(maxsize=8)
def language_table(gap_scores: tuple) -> np.ndarray:
    """Score ``ndarray (8, 8)`` for (level wanted, level held), CEFR ranks 1-7, 0 for none.

    Examples
    --------
    >>> t = language_table((1.0, 0.5, 0.0))
    >>> float(t[3, 3]), float(t[4, 3]), float(t[5, 3]), float(t[3, 0])
    (1.0, 0.5, 0.0, 0.0)
    """
    table = np.zeros((8, 8), dtype=np.float32)
    for w in range(1, 8):
        for h in range(1, 8):
            gap = max(0, w - h)
            table[w, h] = gap_scores[gap] if gap < len(gap_scores) else 0.0
    return table


def language_score(S: Fitted, pi, hj) -> np.ndarray:
    """Best over the host's working languages of the graded CEFR gap: ``(len(pi), m)``.

    Gap 0 (or better) scores ``language_gap_scores[0]``, one level short the next value
    (bridgeable with Online Language Support), and so on; a language not held scores 0. A
    host that names no working language scores 1.
    """
    P, H = S.P, S.H
    held = P.levels[pi]  # (n, L)
    wanted_t = H.wanted_t[:, hj]  # (L, m)
    table = language_table(tuple(S.config.language_gap_scores))
    best = np.zeros((held.shape[0], wanted_t.shape[1]), dtype=np.float32)
    # only pairs where the host wants the language and the participant holds it can score:
    # a national language is one of a few dozen, so most pairs are skipped
    for lang in np.flatnonzero(H.wanted_any & held.any(axis=0)):
        rows, cols = np.flatnonzero(held[:, lang]), np.flatnonzero(wanted_t[lang])
        if len(rows) and len(cols):
            s = table[wanted_t[lang][cols][None, :], held[rows, lang][:, None]]
            sub = np.ix_(rows, cols)
            best[sub] = np.maximum(best[sub], s)
    best[:, ~H.has_wanted[hj]] = 1.0
    return best


def language_reason(S: Fitted, i: int, j: int) -> str:
    """The sentence for the language score: the language that decides it, levels held and wanted."""
    return _language_sentence(
        tuple(S.P.levels[i].tolist()),
        tuple(S.H.wanted_t[:, j].tolist()),
        S.vocab.languages,
        tuple(S.config.language_gap_scores),
    )


@lru_cache(maxsize=65536)
def _language_sentence(held: tuple, wanted: tuple, names: tuple, gap_scores: tuple) -> str:
    """:func:`language_reason` from the levels held and wanted (cached: few combinations
    recur across the many pairs of a batch)."""
    if not any(wanted):
        return "the host sets no language requirement"
    held_a, wanted_a = np.array(held), np.array(wanted)
    table = language_table(gap_scores)
    langs = np.flatnonzero(wanted_a)
    scores = table[wanted_a[langs], held_a[langs]]
    best = langs[int(np.argmax(scores))]  # the language the score comes from
    if held_a[best] == _NOT_HELD:
        asked = " or ".join(f"{lang_name(names[k])} {_level(wanted_a[k])}" for k in langs)
        return f"no level held in the host's working languages ({asked})"
    name, have, want = lang_name(names[best]), _level(held_a[best]), _level(wanted_a[best])
    gap = int(wanted_a[best]) - int(held_a[best])
    if gap <= 0:
        return f"{name} {have} meets the host's {want}"
    if gap == 1:
        return (
            f"{name} {have} is one level below the host's {want} "
            "(bridgeable with Online Language Support)"
        )
    return f"{name} {have} is {gap} levels below the host's {want}"


def _level(rank) -> str:
    return tx.CEFR_LEVELS[int(rank) - 1]
