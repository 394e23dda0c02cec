"""Rankings for everyone and the analysts' aggregates, over partitions on Dask workers."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .. import insights, privacy
from ._client import partitions, scattered

__all__ = ["recommend_hosts", "recommend_participants", "best_matches", "coverage", "supply_demand"]

#: Partitions computed ahead of the one being written: the workers stay busy while the
#: client holds a bounded number of results.
AHEAD = 8


def _host_part(matcher, ids, k, options) -> pd.DataFrame:
    # one thread per task: Dask runs as many tasks as the worker has threads
    blocks = matcher.recommend_hosts_batch(ids, k, threads=1, **options)
    return pd.concat(list(blocks), ignore_index=True)


def _candidate_part(matcher, ids, k, options, key) -> pd.DataFrame:
    # the worker names candidates under the client's pseudonym key, never its own default
    privacy.set_pseudonym_key(key)
    blocks = list(matcher.recommend_participants_batch(ids, k, threads=1, **options))
    return pd.concat(blocks, ignore_index=True)


def _in_order(client, fn, remote, id_parts, *args) -> Iterator[pd.DataFrame]:
    """Submit ``fn(remote, ids, *args)`` per partition, at most :data:`AHEAD` in flight, and
    yield the results in partition order."""
    pending = []
    for ids in id_parts:
        pending.append(client.submit(fn, remote, ids, *args, pure=False))
        if len(pending) > AHEAD:
            yield pending.pop(0).result()
    for future in pending:
        yield future.result()


def recommend_hosts(matcher, client, k: int = 10, partition_size: int | None = None, **options):
    """``matcher.recommend_hosts_batch`` over partitions of participants on the cluster.

    Returns an iterator of tables in participant order, equal to the local ones. Options
    are those of ``recommend_hosts_batch`` (filters, ``explain``, ``block_pairs``).
    """
    remote = scattered(client, matcher)
    ids = matcher.participant_ids_
    parts = [list(ids[p]) for p in partitions(len(ids), partition_size)]
    return _in_order(client, _host_part, remote, parts, k, options)


def recommend_participants(
    matcher, client, k: int = 10, partition_size: int | None = None, **options
):
    """``matcher.recommend_participants_batch`` over partitions of hosts on the cluster."""
    remote = scattered(client, matcher)
    ids = matcher.host_ids_
    parts = [list(ids[p]) for p in partitions(len(ids), partition_size)]
    key = privacy.active_pseudonym_key()
    return _in_order(client, _candidate_part, remote, parts, k, options, key)


def best_matches(matcher, client, partition_size: int | None = None) -> pd.DataFrame:
    """:func:`matcher.insights.best_matches`, its blocks computed on the cluster."""
    remote = scattered(client, matcher)
    ids = matcher.participant_ids_[insights.placed_rows(matcher)]
    parts = [list(ids[p]) for p in partitions(len(ids), partition_size)]
    return pd.concat(list(_in_order(client, _best_part, remote, parts)), ignore_index=True)


def _best_part(matcher, ids) -> pd.DataFrame:
    return insights.best_matches(matcher, participant_ids=ids)


def coverage(matcher, client, by: str | None = None, partition_size: int | None = None):
    """:func:`matcher.insights.coverage` from best matches computed on the cluster."""
    return insights.coverage_of(best_matches(matcher, client, partition_size), by, matcher.config_)


def supply_demand(matcher, client, partition_size: int | None = None) -> pd.DataFrame:
    """:func:`matcher.insights.supply_demand`: supply and demand parts summed over partitions."""
    remote = scattered(client, matcher)
    h_parts = partitions(len(matcher.host_ids_), partition_size)
    placed = insights.placed_rows(matcher)  # accompanying persons take no place
    p_parts = [placed[p] for p in partitions(len(placed), partition_size)]
    supply = client.map(insights.supply_part, [remote] * len(h_parts), h_parts, pure=False)
    demand = client.map(insights.demand_part, [remote] * len(p_parts), p_parts, pure=False)
    return insights.balance(
        pd.concat(client.gather(supply), ignore_index=True),
        pd.concat(client.gather(demand), ignore_index=True),
    )
