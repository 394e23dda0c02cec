"""Workspace at scale: importing 300,000 participants and 100,000 hosts, and the engine calls
of Find hosts with 100,000 hosts.

Import into a fresh PostgreSQL database (a server started on loopback, as the tests do) with
``COPY`` (the store's path) against the previous path, ``INSERT`` by ``executemany`` in
chunks of 500 rows, same run, same rows; and into SQLite. The rows are ``matcher sample``'s
40,000 x 10,000 repeated under new ids (validated once).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from _common import timeit
from _scale_data import instance

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from matcher import Matcher  # noqa: E402
from matcher.encode import CachedEncoder, HashingEncoder  # noqa: E402
from matcher.store import Workspace  # noqa: E402
from matcher.store import _data as D  # noqa: E402


def _tiled(frame: pd.DataFrame, id_col: str, prefix: str, rows: int) -> pd.DataFrame:
    out = pd.concat([frame] * -(-rows // len(frame)), ignore_index=True).iloc[:rows]
    out[id_col] = [f"{prefix}{i:07d}" for i in range(len(out))]
    return out


def _import(url: str, participants, hosts) -> float:
    ws = Workspace(url)
    t = time.perf_counter()
    ws.import_tables(participants, hosts, user=ws.admin_context())
    return time.perf_counter() - t


def _old_path(conn, stmt, rows):
    conn.execute(stmt, rows)


def _imports(participants, hosts) -> list[str]:
    from pg import PostgresUnavailable, Server

    rows = []
    try:
        server = Server()
    except PostgresUnavailable as exc:
        return [f"PostgreSQL not available here ({exc}): import not measured."]
    try:
        t_copy = _import(server.new_database(), participants, hosts)
        new_path, chunk = D._write_chunk, D.WRITE_CHUNK
        D._write_chunk, D.WRITE_CHUNK = _old_path, D.CHUNK
        try:
            t_insert = _import(server.new_database(), participants, hosts)
        finally:
            D._write_chunk, D.WRITE_CHUNK = new_path, chunk
        url = server.new_database()
        _import(url, participants, hosts)
        t_again = _import(url, participants, hosts)
    finally:
        server.stop()
    with tempfile.TemporaryDirectory() as tmp:
        t_sqlite = _import(f"sqlite:///{tmp}/ws.db", participants, hosts)
    n = len(participants) + len(hosts)
    rows = [
        f"Import of {len(participants):,} participants and {len(hosts):,} hosts into an empty "
        "workspace (validated frames; the time includes comparing with what is stored, the "
        "pseudonym check and the audit row):",
        "",
        "| database, path | seconds | rows a second |",
        "|---|---|---|",
        f"| PostgreSQL, INSERT executemany by 500 (before) | {t_insert:.0f} | {n / t_insert:,.0f} |",
        f"| PostgreSQL, COPY (now) | {t_copy:.0f} | {n / t_copy:,.0f} |",
        f"| PostgreSQL, the same files again (all unchanged) | {t_again:.0f} | {n / t_again:,.0f} |",
        f"| SQLite, executemany by {D.WRITE_CHUNK:,} | {t_sqlite:.0f} | {n / t_sqlite:,.0f} |",
        "",
        f"COPY is {t_insert / t_copy:.1f}x faster than the previous path.",
    ]
    return rows


def _find_hosts(participants, hosts) -> list[str]:
    from views.widgets import host_label, host_labels

    enc = CachedEncoder(HashingEncoder(384))
    m = Matcher(encoder=enc).fit(participants.iloc[:500], hosts)
    pid, hid = m.participant_ids_[0], m.host_ids_[-1]
    calls = {
        "recommend_hosts, top 10 with reasons": lambda: m.recommend_hosts(pid, k=10),
        "the same, filtered by 3 countries": lambda: m.recommend_hosts(
            pid, k=10, country=["DE", "FR", "IT"]
        ),
        "the same, sector text filter": lambda: m.recommend_hosts(pid, k=10, sector="restaurant"),
        "top 50": lambda: m.recommend_hosts(pid, k=50),
        "explain one host": lambda: m.explain(pid, hid),
        "host labels of the 'Why this host?' box, row by row (before)": lambda: {
            r.host_id: host_label(r) for r in m.hosts_.itertuples()
        },
        "the same labels, column-wise (now)": lambda: host_labels(m.hosts_),
    }
    lines = [
        "",
        f"Find hosts with {len(hosts):,} hosts: what each page run asks of the engine "
        "(HashingEncoder, median of 5):",
        "",
        "| call | ms |",
        "|---|---|",
    ]
    for name, fn in calls.items():
        lines.append(f"| {name} | {timeit(fn) * 1e3:.1f} |")
    profile = participants.iloc[[0]].assign(participant_id="NEW")
    t = time.perf_counter()
    Matcher(encoder=enc).fit(profile, hosts)
    lines.append(
        f"| a typed profile: fit against the hosts (texts cached) | {(time.perf_counter() - t) * 1e3:.0f} |"
    )
    return lines


def run(args) -> list[str]:
    """This part's section of ``scale.md``."""
    n_p, n_h = (6000, 2000) if args.quick else (300_000, 100_000)
    base_p, base_h = instance(4000, 1000) if args.quick else instance(40000, 10000)
    participants = _tiled(base_p, "participant_id", "P", n_p)
    hosts = _tiled(base_h, "host_id", "H", n_h)
    lines = ["## Workspace at scale (item 5)", ""]
    lines += _imports(participants, hosts)
    print("\n".join(lines), flush=True)
    lines += _find_hosts(base_p, hosts)
    return lines
