"""Durable file and SQLite helpers shared by the stores (operations, usage records, billing)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """fsync a directory so that a new or renamed entry in it is durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so it is either old or new, and durable, after a crash."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


class SharedConnection:
    """One SQLite connection per process and database, used by one thread at a time.

    Threads of one process queue on a lock instead of on SQLite's busy handler, which sleeps
    in steps of up to 100 ms under write contention; other processes (replicas on one host)
    still meet the busy timeout.
    """

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(
            path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def __call__(self) -> Iterator[sqlite3.Connection]:
        """The connection, held exclusively for the with-block."""
        with self._lock:
            yield self._db

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()


@contextlib.contextmanager
def sqlite_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A short-lived autocommit connection in WAL mode with full fsync, rows by name.

    One connection per call is cheap for SQLite and safe across threads and processes.
    """
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.row_factory = sqlite3.Row
        yield db
    finally:
        db.close()
