"""The ``k`` best entries of score rows, best first, ties broken by the lower index.

One rule for a single row (``top_k``, one participant's ranking) and for a block of rows
(``top_k_rows``, everyone's rankings in blocks), so that both give the same hosts in the
same order: sort by score, descending, then by index, ascending, and keep the first ``k``.
``argpartition`` alone would pick an arbitrary subset of entries tied at the k-th place.
"""

from __future__ import annotations

import numpy as np

__all__ = ["top_k", "top_k_rows"]


def top_k(score: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best-scoring True entries of ``mask``, best first (ties by index).

    Examples
    --------
    >>> top_k(np.array([0.2, 0.9, 0.5, 0.9]), np.array([True, True, True, False]), 2).tolist()
    [1, 2]
    >>> top_k(np.array([0.5, 0.5, 0.5]), np.array([True, True, True]), 2).tolist()
    [0, 1]
    """
    idx = np.flatnonzero(mask)
    if len(idx) == 0 or k <= 0:
        return idx[:0]
    s = score[idx]
    if len(idx) > k:
        part = np.argpartition(-s, k - 1)[:k]
        keep = np.flatnonzero(s >= s[part].min())  # every entry tied at the k-th place too
        idx, s = idx[keep], s[keep]
    return idx[np.lexsort((idx, -s))][:k]


def top_k_rows(score: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """Row by row, the ``k`` best True entries of ``mask``: what :func:`top_k` gives each row.

    Parameters
    ----------
    score : ndarray (n, m)
    mask : ndarray (n, m) bool
    k : int

    Returns
    -------
    ndarray (n, min(k, m)) int64
        Column indices, best first, ties by the lower index; -1 pads rows with fewer than
        ``k`` True entries.

    Examples
    --------
    >>> s = np.array([[0.2, 0.9, 0.5], [0.1, 0.1, 0.1]])
    >>> top_k_rows(s, np.array([[True, True, True], [False, True, True]]), 2).tolist()
    [[1, 2], [1, 2]]
    >>> top_k_rows(s, np.array([[True, False, False], [False, False, False]]), 2).tolist()
    [[0, -1], [-1, -1]]
    """
    n, m = score.shape
    k = min(k, m)
    if k <= 0 or n == 0:
        return np.full((n, max(k, 0)), -1, dtype=np.int64)
    neg = np.where(mask, -score.astype(np.float64), np.inf)
    part = np.argpartition(neg, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m), (n, 1))
    vals = np.take_along_axis(neg, part, axis=1)
    worst = vals.max(axis=1)
    ties = np.flatnonzero(np.isfinite(worst) & ((neg <= worst[:, None]).sum(axis=1) > k))
    for r in ties:  # more entries tie at the k-th place than fit: the lowest indices win
        cand = np.flatnonzero(neg[r] <= worst[r])
        part[r] = cand[np.lexsort((cand, neg[r, cand]))][:k]
        vals[r] = neg[r, part[r]]
    order = np.lexsort((part, vals), axis=-1)
    part = np.take_along_axis(part, order, axis=1)
    part[~np.isfinite(np.take_along_axis(vals, order, axis=1))] = -1
    return part.astype(np.int64)
