"""SQLite persistence: clusters, nodes, remediations and alerts.

WAL with ``synchronous=FULL``: a write the API acknowledged survives a kill -9. Times are
stored as epoch seconds and written out as RFC 3339 by the service.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS clusters (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    cluster_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    confirmation_policy TEXT NOT NULL DEFAULT 'APPROVE_BEFORE_REPAIR',
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS nodes (
    cluster_id TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    node_name TEXT NOT NULL,
    host_name TEXT NOT NULL,
    PRIMARY KEY (cluster_id, instance_id)
);
CREATE TABLE IF NOT EXISTS remediations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    cluster_id TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    instance_name TEXT,
    mode TEXT NOT NULL,
    trigger TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    requested_by TEXT,
    create_time REAL NOT NULL,
    reviewed_by TEXT,
    review_time REAL,
    review_comment TEXT,
    start_time REAL,
    end_time REAL,
    error_message TEXT,
    update_time REAL NOT NULL,
    active_health_check_run_id TEXT,
    passive_health_check_event_id TEXT,
    -- lifecycle plan, fixed when the remediation enters PENDING
    pending_seconds REAL,
    quarantining_seconds REAL,
    quarantined_seconds REAL,
    running_seconds REAL,
    planned_error TEXT,
    next_transition_at REAL
);
CREATE INDEX IF NOT EXISTS remediations_by_instance ON remediations (cluster_id, instance_id, state);
CREATE INDEX IF NOT EXISTS remediations_due ON remediations (next_transition_at)
    WHERE next_transition_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS alerts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    cluster_id TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    target_vm TEXT NOT NULL,
    alert_name TEXT NOT NULL,
    severity TEXT NOT NULL,
    annotations TEXT NOT NULL,
    annotation TEXT,
    started_at REAL NOT NULL,
    resolved_at REAL,
    remediation_id TEXT
);
CREATE INDEX IF NOT EXISTS alerts_by_remediation ON alerts (remediation_id);
"""

# Columns added since the first schema: a database written by an older simulator gets them on
# open (NULL reads as "no quarantine" and "derive the typed annotation").
ADDED_COLUMNS = (
    ("remediations", "quarantining_seconds", "REAL"),
    ("remediations", "quarantined_seconds", "REAL"),
    ("alerts", "annotation", "TEXT"),
)


class Store:
    """One SQLite connection, used from the event loop's thread only."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.executescript(SCHEMA)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        for table, column, kind in ADDED_COLUMNS:
            present = {row["name"] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, committed (and synced) before the caller answers."""
        if self.db.in_transaction:  # nested: the outer transaction commits
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def one(self, sql: str, params: tuple | list = ()) -> sqlite3.Row | None:
        return self.db.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple | list = ()) -> list[sqlite3.Row]:
        return self.db.execute(sql, params).fetchall()
