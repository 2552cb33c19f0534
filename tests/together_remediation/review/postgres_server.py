"""A throw-away PostgreSQL 15 on 127.0.0.1 for the shared-state tests.

initdb and pg_ctl refuse to run as root, so as root they run as the ``postgres`` user (through
``runuser``), with the data directory owned by that user; any other user runs them directly.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("TOGETHER_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def postgres_missing_reason() -> str | None:
    """Why the tests cannot start PostgreSQL here, or None when they can."""
    for tool in ("initdb", "pg_ctl", "psql"):
        if not (PG_BIN / tool).exists():
            return f"PostgreSQL 15 is not installed ({PG_BIN / tool} is missing; apt-get install postgresql-15)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root needs runuser to start PostgreSQL as the postgres user"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """``start()`` a fresh cluster, ``conn_str(...)`` to reach it, ``stop()`` to discard it."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="together-pg-"))
        self.data_dir = self.root / "data"
        self.port = _free_port()
        self.user = "postgres"

    def _as_owner(self, *command: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return list(command)

    def _run(self, *command: str) -> str:
        result = subprocess.run(self._as_owner(*command), capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout

    def start(self) -> PostgresServer:
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres", group="postgres")
        else:
            self.user = os.environ.get("USER") or "postgres"
        # trust is enough: the server listens on loopback only and lives for one test session
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data_dir), "-U", self.user, "-A", "trust",
            "--no-sync", "-E", "UTF8",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} -c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.root / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )
        return self

    def sql(self, statement: str, database: str = "postgres") -> str:
        return self._run(
            str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
            "-d", database, "-At", "-v", "ON_ERROR_STOP=1", "-c", statement,
        )

    def conn_str(self, database: str = "postgres") -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def stop(self) -> None:
        subprocess.run(
            self._as_owner(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)
