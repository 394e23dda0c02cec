"""A throw-away PostgreSQL server on loopback for the workspace tests (Debian's packages)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid

from app_driver import free_port


class PostgresUnavailable(RuntimeError):
    pass


def _bin() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL is not installed (make test installs the Debian package postgresql)"
        )
    return os.path.dirname(found[-1])


def _run(cmd, user):
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise PostgresUnavailable(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-500:]}")
    return proc


class Server:
    def __init__(self):
        self.bin = _bin()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.dir = tempfile.mkdtemp(prefix="matcher-pg-")
        self.port = free_port()
        if self.user:
            shutil.chown(self.dir, self.user)
        data = os.path.join(self.dir, "data")
        _run(
            [
                f"{self.bin}/initdb",
                "-D",
                data,
                "-A",
                "trust",
                "-U",
                "matcher",
                "--no-sync",
                "-E",
                "UTF8",
            ],
            self.user,
        )
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
        _run(
            [
                f"{self.bin}/pg_ctl",
                "-D",
                data,
                "-o",
                opts,
                "-w",
                "-t",
                "60",
                "-l",
                os.path.join(self.dir, "log"),
                "start",
            ],
            self.user,
        )
        self.data = data

    def new_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:10]
        _run(
            [
                f"{self.bin}/createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "matcher",
                name,
            ],
            None,
        )
        return f"postgresql+psycopg://matcher@127.0.0.1:{self.port}/{name}"

    def stop(self):
        try:
            _run([f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"], self.user)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
