"""Appending usage records durably, once per (operation, meter), from threads and processes.

Writers serialise on a thread lock (dispatch tasks of one process) and an ``fcntl.flock`` on
``usage/.lock`` (several processes on one host sharing ``Mounts:Output``). Under the lock the
writer catches up with what other processes appended (it keeps the byte offset it has read of
each file), so the chain tail and the set of recorded ids are always current: a re-run of an
operation that already has its record (crash between record and response) appends nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from docintel.core.fileio import fsync_dir, write_atomic
from docintel.metering.records import (
    GENESIS,
    HEAD_FILE,
    USAGE_FOLDER,
    UsageRecord,
    format_timestamp,
    line_hash,
    month_files,
    record_id,
    record_line,
    usage_report,
)

log = logging.getLogger(__name__)

LOCK_FILE = ".lock"


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive ``flock`` on ``path`` (created if needed) for the duration of the block."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class UsageLog:
    """The usage records of one output folder (``Mounts:Output``)."""

    def __init__(self, output_dir: Path, container_kind: str) -> None:
        self.folder = output_dir / USAGE_FOLDER
        self.container_kind = container_kind
        self._lock = threading.Lock()
        self._offsets: dict[str, int] = {}
        self._ids: set[str] = set()
        self._tail_seq = 0
        self._tail_hash = GENESIS
        self._tail_file: str | None = None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold both the thread lock and the cross-process file lock."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock, file_lock(self.folder / LOCK_FILE):
            yield

    def record(
        self,
        result_id: str,
        model_id: str,
        meters: Sequence[tuple[str, int]],
        now: datetime,
    ) -> int:
        """Append one record per meter not yet recorded for ``result_id``; fsync; return count."""
        with self.locked():
            self._catch_up()
            path = self._target_file(now)
            lines: list[bytes] = []
            seq, prev = self._tail_seq, self._tail_hash
            for meter, quantity in meters:
                rid = record_id(result_id, meter)
                if rid in self._ids:
                    continue
                seq += 1
                rec = UsageRecord(
                    seq=seq,
                    prev=prev,
                    record_id=rid,
                    timestamp=format_timestamp(now),
                    result_id=result_id,
                    model_id=model_id,
                    meter=meter,
                    quantity=quantity,
                    container_kind=self.container_kind,
                )
                line = record_line(rec)
                lines.append(line)
                prev = line_hash(line)
            if not lines:
                return 0
            self._append(path, lines)
            write_atomic(
                self.folder / HEAD_FILE, json.dumps({"seq": seq, "hash": prev}).encode() + b"\n"
            )
            self._catch_up()
            return len(lines)

    def report(
        self, service_name: str, month: int | None = None, year: int | None = None
    ) -> dict[str, Any]:
        """The verified usage report (under the lock, so no append is seen half-done)."""
        with self.locked():
            return usage_report(self.folder, service_name, month, year)

    def recorded(self, result_id: str, meter: str) -> bool:
        """Whether a record for this (operation, meter) exists."""
        with self.locked():
            self._catch_up()
            return record_id(result_id, meter) in self._ids

    # -- internals --------------------------------------------------------------------------
    def _target_file(self, now: datetime) -> Path:
        name = f"{now.year:04d}-{now.month:02d}.jsonl"
        # A clock set back must not put a record before the chain's newest file.
        if self._tail_file is not None and self._tail_file > name:
            name = self._tail_file
        return self.folder / name

    def _append(self, path: Path, lines: list[bytes]) -> None:
        new = not path.exists()
        with path.open("ab") as f:
            f.write(b"".join(line + b"\n" for line in lines))
            f.flush()
            os.fsync(f.fileno())
        if new:
            fsync_dir(self.folder)

    def _catch_up(self) -> None:
        """Read what was appended since last time (by any process); rescan if files shrank."""
        files = month_files(self.folder)
        names = {p.name for p in files}
        sizes = {p.name: p.stat().st_size for p in files}
        if any(n not in names or sizes[n] < off for n, off in self._offsets.items()):
            self._reset()
        for path in files:
            start = self._offsets.get(path.name, 0)
            if sizes[path.name] == start:
                continue
            with path.open("rb+") as f:
                f.seek(start)
                data = f.read()
                end = data.rfind(b"\n") + 1
                if end < len(data) and path == files[-1]:
                    # A torn line from a crash mid-append: its operation never succeeded.
                    log.warning("dropping a torn usage record at the end of %s", path.name)
                    f.truncate(start + end)
                    os.fsync(f.fileno())
            for line in data[:end].split(b"\n")[:-1]:
                self._learn(line, path.name)
            self._offsets[path.name] = start + end

    def _learn(self, line: bytes, file_name: str) -> None:
        try:
            obj = json.loads(line)
            self._ids.add(str(obj["recordId"]))
            self._tail_seq = max(self._tail_seq, int(obj["seq"]))
        except (ValueError, KeyError, TypeError):
            log.error("unreadable usage record in %s (the report will flag it)", file_name)
        self._tail_hash = line_hash(line)
        self._tail_file = file_name

    def _reset(self) -> None:
        self._offsets.clear()
        self._ids.clear()
        self._tail_seq, self._tail_hash, self._tail_file = 0, GENESIS, None
