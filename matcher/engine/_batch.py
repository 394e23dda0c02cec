"""Rankings for everyone, in blocks of the score matrix: bounded memory, same results.

A block of participant rows (or host columns) is scored against the whole other side at
once, its top ``k`` taken row by row with :func:`top_k_rows`, and result rows (with their
reasons) built for those ``k`` only. The block holds ``config.block_pairs`` pairs at most,
so memory does not grow with the data; each block's rankings equal what
``recommend_hosts`` / ``recommend_participants`` give one id at a time, because both run
the same scoring and selection on rows that do not depend on the block they sit in.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ._place import pair_km
from ._sector import pair_text_evidence

__all__ = [
    "block_size",
    "host_rankings",
    "candidate_rankings",
    "host_ranking_block",
    "candidate_ranking_block",
    "in_threads",
]


def in_threads(fn, items, threads: int | None = None) -> Iterator:
    """``fn(item)`` for each item, in order, on ``threads`` threads (default: every core).

    numpy's array work releases the GIL, so two blocks are scored at once on two cores; at
    most ``threads + 1`` results wait to be consumed, which keeps memory bounded.
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    threads = threads or os.cpu_count() or 1
    if threads == 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(threads) as pool:
        pending = []
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) > threads:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def block_size(n_other: int, block_pairs: int) -> int:
    """Rows per block so that a block holds at most ``block_pairs`` pairs (at least one row).

    Examples
    --------
    >>> block_size(10_000, 2_000_000), block_size(5_000_000, 2_000_000)
    (200, 1)
    """
    return max(1, int(block_pairs) // max(int(n_other), 1))


def host_ranking_block(matcher, pi: np.ndarray, k: int, wanted, min_score, explain) -> pd.DataFrame:
    """Host rankings of the participant rows ``pi``, one table (``participant_id`` first).

    ``wanted`` is the hosts' filter mask ``(n_hosts,)``; the columns are those of
    ``recommend_hosts`` after ``participant_id``.
    """
    from ._matcher import HOST_RESULT_COLUMNS

    top, score, comps, match = matcher._host_ranking(pi, wanted, min_score, k)
    written = top >= 0
    # the sector reasons' evidence and the distances of the rows written, in one go
    text = np.zeros(top.shape, dtype=np.float32)
    km = np.zeros(top.shape, dtype=np.float64)
    if written.any():
        rows_i = np.broadcast_to(np.asarray(pi)[:, None], top.shape)[written]
        km[written] = pair_km(matcher._S, rows_i, top[written])
        if explain:
            text[written] = pair_text_evidence(matcher._S, rows_i, top[written])
    rows = []
    for r, i in enumerate(pi):
        for rank, j in enumerate(top[r][written[r]], start=1):
            row = matcher._host_row(
                rank, i, r, j, score, comps, match, explain,
                float(text[r, rank - 1]), float(km[r, rank - 1]),
            )  # fmt: skip
            row["participant_id"] = matcher.participant_ids_[i]
            rows.append(row)
    return pd.DataFrame(rows, columns=["participant_id", *HOST_RESULT_COLUMNS])


def host_rankings(
    matcher,
    participant_ids=None,
    k: int = 10,
    *,
    country=None,
    org_type=None,
    sector: str | None = None,
    min_score: float | None = None,
    explain: bool = True,
    block_pairs: int | None = None,
    threads: int | None = None,
) -> Iterator[pd.DataFrame]:
    """The ``k`` best hosts of every participant (default: all), one table per block.

    Filters as in :meth:`Matcher.recommend_hosts`; ``block_pairs`` defaults to the
    configuration's, ``threads`` to every core. Each table has ``participant_id`` then the
    columns of ``recommend_hosts``, participants in the order given.
    """
    pi_all = matcher._rows(participant_ids, "p")
    wanted = matcher._host_filter(country, org_type, sector)
    rows = block_size(len(matcher.host_ids_), block_pairs or matcher.config_.block_pairs)
    blocks = [pi_all[s : s + rows] for s in range(0, len(pi_all), rows)]
    return in_threads(
        lambda pi: host_ranking_block(matcher, pi, k, wanted, min_score, explain), blocks, threads
    )


def candidate_rankings(
    matcher,
    host_ids=None,
    k: int = 10,
    *,
    consenting_only: bool = True,
    pseudonymise: bool = True,
    role: str | None = None,
    home_country=None,
    min_score: float | None = None,
    explain: bool = True,
    block_pairs: int | None = None,
    threads: int | None = None,
) -> Iterator[pd.DataFrame]:
    """The ``k`` best candidates of every host (default: all), one table per block.

    Options as in :meth:`Matcher.recommend_participants` (pseudonymised, consenting only by
    default). Each table has ``host_id`` then the columns of ``recommend_participants``.
    """
    hj_all = matcher._rows(host_ids, "h")
    wanted = matcher._participant_filter(consenting_only, role, home_country)
    cols = block_size(len(matcher.participant_ids_), block_pairs or matcher.config_.block_pairs)
    blocks = [hj_all[s : s + cols] for s in range(0, len(hj_all), cols)]
    options = (k, wanted, min_score, pseudonymise, explain)
    if pseudonymise and len(matcher.participant_ids_):
        # the pseudonym key is read (or the workspace created) on first use: once, before
        # the threads, never by two at a time
        matcher.pseudonym(matcher.participant_ids_[0])
    return in_threads(lambda hj: candidate_ranking_block(matcher, hj, *options), blocks, threads)


def candidate_ranking_block(
    matcher, hj: np.ndarray, k: int, wanted, min_score, pseudonymise, explain
) -> pd.DataFrame:
    """Candidate rankings of the host columns ``hj``, one table (``host_id`` first)."""
    from ._matcher import candidate_result_columns

    top, score, comps = matcher._candidate_ranking(hj, wanted, min_score, k, pseudonymise)
    rows = []
    for c, j in enumerate(hj):
        for rank, i in enumerate(top[c][top[c] >= 0], start=1):
            row = matcher._candidate_row(rank, i, c, j, score, comps, pseudonymise, explain)
            row["host_id"] = matcher.host_ids_[j]
            rows.append(row)
    return pd.DataFrame(rows, columns=["host_id", *candidate_result_columns(pseudonymise)])
