"""The embedded operation store: SQLite (WAL) for records, files for inputs and results.

An analyze operation is written (input bytes fsynced, then its row committed) before the API
answers ``202``, so accepted work survives a crash. Results are stored gzip-compressed as files
next to the database and referenced by the row. Several processes on one host may share the
store (SQLite serialises writers; ``claim_next`` is atomic).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from docintel.core.fileio import SharedConnection, fsync_dir, write_atomic

Status = Literal["notStarted", "running", "succeeded", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS operations (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    model_id      TEXT NOT NULL,
    api_version   TEXT NOT NULL,
    options       TEXT NOT NULL,
    status        TEXT NOT NULL,
    created       REAL NOT NULL,
    updated       REAL NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    input_name    TEXT,
    result_name   TEXT,
    error         TEXT,
    pages         INTEGER
);
CREATE INDEX IF NOT EXISTS operations_status ON operations(status, created);
CREATE INDEX IF NOT EXISTS operations_created ON operations(created);
"""


@dataclass(slots=True)
class OperationRecord:
    """One stored operation (analyze request)."""

    id: str
    kind: str
    model_id: str
    api_version: str
    options: dict[str, Any]
    status: Status
    created: float
    updated: float
    attempts: int
    input_name: str | None
    result_name: str | None
    error: dict[str, Any] | None
    pages: int | None


class OperationStore:
    """Operations, their inputs and results under one folder (``Mounts:Shared``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.inputs = root / "inputs"
        self.results = root / "results"
        for d in (root, self.inputs, self.results):
            d.mkdir(parents=True, exist_ok=True)
        self.db_path = root / "docintel.db"
        self._shared = SharedConnection(self.db_path)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self._shared()

    # -- inputs ---------------------------------------------------------------------------
    def input_path(self, op_id: str) -> Path:
        """Where the input bytes of an operation live."""
        return self.inputs / f"{op_id}.bin"

    def new_input_file(self) -> tuple[str, Path]:
        """A fresh operation id and a temporary path to stream its upload into."""
        op_id = str(uuid.uuid4())
        return op_id, self.inputs / f".{op_id}.upload"

    def commit_input(self, op_id: str, tmp: Path) -> Path:
        """fsync a streamed upload and move it into place."""
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        final = self.input_path(op_id)
        tmp.replace(final)
        fsync_dir(self.inputs)
        return final

    # -- operations -----------------------------------------------------------------------
    def create(
        self,
        op_id: str,
        *,
        kind: str,
        model_id: str,
        api_version: str,
        options: dict[str, Any],
        input_name: str | None,
        now: float | None = None,
    ) -> OperationRecord:
        """Record a new operation in ``notStarted`` (its input must already be durable)."""
        ts = time.time() if now is None else now
        with self._connect() as db:
            db.execute(
                "INSERT INTO operations (id, kind, model_id, api_version, options, status, created,"
                " updated, input_name) VALUES (?, ?, ?, ?, ?, 'notStarted', ?, ?, ?)",
                (op_id, kind, model_id, api_version, json.dumps(options), ts, ts, input_name),
            )
        rec = self.get(op_id)
        assert rec is not None
        return rec

    def get(self, op_id: str) -> OperationRecord | None:
        """The operation, or None when unknown or purged."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM operations WHERE id = ?", (op_id,)).fetchone()
        return _record(row) if row else None

    def claim(self, op_id: str) -> bool:
        """Move a ``notStarted`` operation to ``running``; False when someone else took it."""
        now = time.time()
        with self._connect() as db:
            cur = db.execute(
                "UPDATE operations SET status='running', updated=?, attempts=attempts+1"
                " WHERE id=? AND status='notStarted'",
                (now, op_id),
            )
            return cur.rowcount == 1

    def release(self, op_id: str) -> None:
        """Put one ``running`` operation back to ``notStarted`` (its worker died)."""
        with self._connect() as db:
            db.execute(
                "UPDATE operations SET status='notStarted', updated=?"
                " WHERE id=? AND status='running'",
                (time.time(), op_id),
            )

    def pending(self) -> list[str]:
        """Ids of operations waiting to run, oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id FROM operations WHERE status='notStarted' ORDER BY created"
            ).fetchall()
        return [r["id"] for r in rows]

    def requeue_unfinished(self) -> list[str]:
        """After a restart: every ``running`` operation goes back to ``notStarted``."""
        now = time.time()
        with self._connect() as db:
            db.execute(
                "UPDATE operations SET status='notStarted', updated=? WHERE status='running'",
                (now,),
            )
        return self.pending()

    def succeed(self, op_id: str, result_json: bytes, pages: int) -> None:
        """Store the result (compressed file), then mark the operation ``succeeded``."""
        name = f"{op_id}.json.gz"
        write_atomic(self.results / name, gzip.compress(result_json, compresslevel=3))
        with self._connect() as db:
            db.execute(
                "UPDATE operations SET status='succeeded', updated=?, result_name=?, pages=?"
                " WHERE id=?",
                (time.time(), name, pages, op_id),
            )
        self._drop_input(op_id)

    def fail(self, op_id: str, error: dict[str, Any]) -> None:
        """Mark the operation ``failed`` with an Azure ``Error`` object."""
        with self._connect() as db:
            db.execute(
                "UPDATE operations SET status='failed', updated=?, error=? WHERE id=?",
                (time.time(), json.dumps(error), op_id),
            )
        self._drop_input(op_id)

    def result_json(self, rec: OperationRecord) -> bytes | None:
        """The stored analyzeResult JSON bytes of a succeeded operation."""
        if not rec.result_name:
            return None
        try:
            return gzip.decompress((self.results / rec.result_name).read_bytes())
        except FileNotFoundError:
            return None

    def purge_older_than(self, cutoff: float) -> int:
        """Delete operations (rows, inputs, results) created before ``cutoff``; returns count."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, result_name FROM operations WHERE created < ? AND status IN"
                " ('succeeded', 'failed')",
                (cutoff,),
            ).fetchall()
            for r in rows:
                if r["result_name"]:
                    (self.results / r["result_name"]).unlink(missing_ok=True)
                self._drop_input(r["id"])
            db.executemany("DELETE FROM operations WHERE id = ?", [(r["id"],) for r in rows])
        # Stray uploads of requests that died before their row was written.
        for tmp in self.inputs.glob(".*.upload"):
            with contextlib.suppress(OSError):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
        return len(rows)

    def _drop_input(self, op_id: str) -> None:
        self.input_path(op_id).unlink(missing_ok=True)


def _record(row: sqlite3.Row) -> OperationRecord:
    return OperationRecord(
        id=row["id"],
        kind=row["kind"],
        model_id=row["model_id"],
        api_version=row["api_version"],
        options=json.loads(row["options"]),
        status=row["status"],
        created=row["created"],
        updated=row["updated"],
        attempts=row["attempts"],
        input_name=row["input_name"],
        result_name=row["result_name"],
        error=json.loads(row["error"]) if row["error"] else None,
        pages=row["pages"],
    )
