"""Connecting to a Dask scheduler, and what the workers receive."""

from __future__ import annotations

import copy

import numpy as np

__all__ = ["connect", "local_cluster", "partitions", "scattered"]

#: How long to wait for the scheduler before saying it cannot be reached.
CONNECT_TIMEOUT = "10s"
#: Participants (or hosts) per partition when no size is given.
DEFAULT_PARTITION = 2000


def connect(address: str):
    """A ``distributed.Client`` for the scheduler at ``address`` (``tcp://host:8786``).

    A scheduler that cannot be reached is one ``ValueError`` naming the address.
    """
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        raise ValueError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def local_cluster(n_workers: int = 2, threads_per_worker: int = 1):
    """A ``Client`` on a ``LocalCluster`` of this machine (tests, single-node runs).

    Workers are processes; close the client and its cluster with ``client.close()`` and
    ``client.cluster.close()``.
    """
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=threads_per_worker,
        processes=True,
        dashboard_address=None,
    )
    return Client(cluster)


def partitions(n: int, size: int | None = None) -> list[np.ndarray]:
    """Row positions ``0..n-1`` cut into consecutive partitions of ``size`` (the last shorter).

    The cut depends on ``n`` and ``size`` only, never on the number of workers, so the
    results come back in the same pieces whatever the cluster.

    Examples
    --------
    >>> [p.tolist() for p in partitions(5, 2)]
    [[0, 1], [2, 3], [4]]
    """
    size = size or DEFAULT_PARTITION
    return [np.arange(s, min(s + size, n)) for s in range(0, n, size)]


def scattered(client, matcher):
    """The fitted matcher sent to every worker once: a future the tasks take as argument.

    The encoder stays behind: workers score and explain from the fitted arrays and never
    encode (its cache holds an open database and a lock).
    """
    portable = copy.copy(matcher)
    portable.encoder = None
    portable.encoder_ = None
    return client.scatter(portable, broadcast=True, hash=False)
