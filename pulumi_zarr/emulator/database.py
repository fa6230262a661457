"""Collections in SQLite: in memory by default, or a file so they survive a restart."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS collections (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    account_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    created     TEXT NOT NULL,
    s3_bucket   TEXT NOT NULL,
    path        TEXT NOT NULL,
    crs         TEXT NOT NULL,
    generation  INTEGER NOT NULL DEFAULT 0,
    reingest    INTEGER NOT NULL DEFAULT 0,
    started_at  REAL NOT NULL,
    ready_at    REAL NOT NULL,
    result      TEXT,
    computed_at REAL,
    previous    TEXT,
    runs        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS collections_account ON collections (account_id, seq);
"""
#: Columns added since the first state files: (name, definition).
#: ``folded``: the name case-folded (Python's casefold, as the search compares), so that a
#: search is one SQL query instead of a scan of every row in Python.
_ADDED = (("runs", "INTEGER NOT NULL DEFAULT 0"), ("folded", "TEXT"))


@dataclass
class Row:
    """One stored collection; ``result``/``previous`` are ingestion outcomes (see ingestion.py)."""

    seq: int
    id: str
    account_id: str
    name: str
    created: str
    s3_bucket: str
    path: str
    crs: str
    generation: int
    reingest: bool
    started_at: float
    ready_at: float
    result: dict[str, Any] | None
    computed_at: float | None
    previous: dict[str, Any] | None
    runs: int = 0


#: The columns of a listing: each outcome without its arrays (under the column's name; as
#: stored when it is not JSON).
_LISTED_COLUMNS = ", ".join(
    f"CASE WHEN json_valid({f.name}) THEN json_remove({f.name}, '$.arrays') ELSE {f.name} END"
    f" AS {f.name}"
    if f.name in ("result", "previous")
    else f.name
    for f in fields(Row)
)


def _row(values: sqlite3.Row) -> Row:
    data = dict(values)
    data.pop("folded", None)
    for key in ("result", "previous"):
        data[key] = json.loads(data[key]) if data[key] else None
    data["reingest"] = bool(data["reingest"])
    return Row(**data)


class Database:
    """Thread-safe access to the collections table (one connection, one lock)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            if str(path) != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            have = {r[1] for r in self._db.execute("PRAGMA table_info(collections)")}
            for name, definition in _ADDED:
                if name not in have:
                    self._db.execute(f"ALTER TABLE collections ADD COLUMN {name} {definition}")
            unfolded = self._db.execute(
                "SELECT id, name FROM collections WHERE folded IS NULL"
            ).fetchall()
            for id_, name_ in unfolded:  # state files from before the column
                self._db.execute(
                    "UPDATE collections SET folded = ? WHERE id = ?", (name_.casefold(), id_)
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def insert(
        self,
        *,
        id: str,
        account_id: str,
        name: str,
        created: str,
        s3_bucket: str,
        path: str,
        crs: str,
        started_at: float,
        ready_at: float,
    ) -> Row:
        with self._lock:
            self._db.execute(
                "INSERT INTO collections (id, account_id, name, folded, created, s3_bucket, path,"
                " crs, started_at, ready_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    id,
                    account_id,
                    name,
                    name.casefold(),
                    created,
                    s3_bucket,
                    path,
                    crs,
                    started_at,
                    ready_at,
                ),
            )
        row = self.get(id)
        assert row is not None
        return row

    def get(self, id: str, account_id: str | None = None) -> Row | None:
        sql, args = "SELECT * FROM collections WHERE id = ?", [id]
        if account_id is not None:
            sql, args = sql + " AND account_id = ?", [*args, account_id]
        with self._lock:
            found = self._db.execute(sql, args).fetchone()
        return _row(found) if found else None

    def page(self, account_id: str, after_seq: int, search: str | None, limit: int) -> list[Row]:
        """Up to ``limit`` rows of an account with ``seq > after_seq`` whose name contains
        ``search`` (case-insensitive), in creation order; their outcomes without the arrays,
        which a listing of collections does not show (SQLite drops them faster than Python
        parses them: a collection of 1,000 arrays carries ~300 KB of them)."""
        sql = f"SELECT {_LISTED_COLUMNS} FROM collections WHERE account_id = ? AND seq > ?"
        args: list[Any] = [account_id, after_seq]
        if search:
            sql, args = sql + " AND instr(folded, ?) > 0", [*args, search.casefold()]
        with self._lock:
            found = self._db.execute(sql + " ORDER BY seq LIMIT ?", [*args, limit]).fetchall()
        return [_row(values) for values in found]

    def rename(self, id: str, name: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE collections SET name = ?, folded = ? WHERE id = ?",
                (name, name.casefold(), id),
            )

    def delete(self, id: str) -> bool:
        with self._lock:
            return self._db.execute("DELETE FROM collections WHERE id = ?", (id,)).rowcount > 0

    def restart_ingestion(
        self, id: str, previous: dict[str, Any] | None, started_at: float, ready_at: float
    ) -> int:
        """Start a new ingestion run (reingest); returns its generation."""
        with self._lock:
            self._db.execute(
                "UPDATE collections SET generation = generation + 1, reingest = 1, runs = 0,"
                " started_at = ?, ready_at = ?, result = NULL, computed_at = NULL, previous = ?"
                " WHERE id = ?",
                (started_at, ready_at, json.dumps(previous) if previous else None, id),
            )
            found = self._db.execute(
                "SELECT generation FROM collections WHERE id = ?", (id,)
            ).fetchone()
        return int(found[0]) if found else -1

    def set_result(self, id: str, generation: int, result: dict[str, Any]) -> bool:
        """Store an ingestion outcome, unless the collection was deleted or reingested since."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE collections SET result = ?, computed_at = ?"
                " WHERE id = ? AND generation = ?",
                (json.dumps(result), time.time(), id, generation),
            )
        return cursor.rowcount > 0

    def count_run(self, id: str, generation: int) -> None:
        """Note that a run of the ingestion ``generation`` started."""
        with self._lock:
            self._db.execute(
                "UPDATE collections SET runs = runs + 1 WHERE id = ? AND generation = ?",
                (id, generation),
            )

    def pending(self) -> list[tuple[str, int, int]]:
        """(id, generation, runs started) of every ingestion without an outcome (to resume
        after a restart)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, generation, runs FROM collections WHERE result IS NULL ORDER BY seq"
            ).fetchall()
        return [(r[0], int(r[1]), int(r[2])) for r in rows]
