"""Batch steps on a Dask cluster: encoding, rankings for everyone, coverage, supply and demand.

Each step splits one side (participants, or hosts for candidate rankings) into partitions,
sends the fitted matcher to the workers once (``Client.scatter``) and maps the same block
functions the local path uses (``Matcher.recommend_hosts_batch``, ``insights``) over the
partitions with Dask futures. The results equal the local ones, whatever the number of
workers. A ``LocalCluster`` runs the same code on one machine (the tests do).

Examples
--------
>>> from matcher.cluster import connect
>>> client = connect("tcp://scheduler:8786")                      # doctest: +SKIP
>>> for table in recommend_hosts(matcher, client, k=10):          # doctest: +SKIP
...     table.to_csv(out, header=False)
"""

from ._client import connect, local_cluster, partitions, scattered
from ._encode import ClusterEncoder, cluster_encoder
from ._rank import best_matches, coverage, recommend_hosts, recommend_participants, supply_demand

__all__ = [
    "connect",
    "local_cluster",
    "partitions",
    "scattered",
    "ClusterEncoder",
    "cluster_encoder",
    "recommend_hosts",
    "recommend_participants",
    "best_matches",
    "coverage",
    "supply_demand",
]
