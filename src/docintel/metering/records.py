"""Usage record format, hash-chain verification and the usage report (pure functions).

Records live in ``{Mounts:Output}/usage/YYYY-MM.jsonl``, one canonical JSON object per line.
All files form **one global chain**, read in file-name order then line order: record ``n``
carries ``seq = n`` (1, 2, 3, ...) and ``prev`` = SHA-256 (hex) of the exact line bytes of
record ``n - 1`` (the first record's ``prev`` is :data:`GENESIS`). Editing, deleting, inserting
or reordering any record, or deleting a whole month file, breaks ``seq`` or ``prev`` of the next
record. ``usage/head.json`` holds the ``seq`` and hash of the newest record, so removing records
from the end is detected as well. The chain proves integrity against accidental damage and naive
edits; someone who rewrites every later record and the head on purpose is not stopped by a hash
chain (that needs the billing service's copy: see connected mode).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docintel.core.errors import ConflictError

GENESIS = "0" * 64
API_TYPE = "FormRecognizer"
USAGE_FOLDER = "usage"
HEAD_FILE = "head.json"
ACK_FILE = "acknowledged.jsonl"
MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.jsonl$")


class UsageChainError(ConflictError):
    """409: the usage records fail verification, so no sum is reported."""

    message = "The usage records fail integrity verification."
    inner_code = "UsageRecordsInvalid"


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """One billable unit: pages of one meter for one operation."""

    seq: int
    prev: str
    record_id: str
    timestamp: str
    result_id: str
    model_id: str
    meter: str
    quantity: int
    container_kind: str

    def to_json(self) -> dict[str, Any]:
        """The JSON object as written (camelCase)."""
        return {
            "seq": self.seq,
            "prev": self.prev,
            "recordId": self.record_id,
            "timestamp": self.timestamp,
            "resultId": self.result_id,
            "modelId": self.model_id,
            "meter": self.meter,
            "quantity": self.quantity,
            "containerKind": self.container_kind,
        }

    @classmethod
    def from_json(cls, data: Any) -> UsageRecord:
        """Parse one record object (``ValueError`` when fields are missing or mistyped)."""
        if not isinstance(data, dict) or set(data) != _FIELDS:
            raise ValueError("unexpected fields")
        rec = cls(
            seq=data["seq"],
            prev=data["prev"],
            record_id=data["recordId"],
            timestamp=data["timestamp"],
            result_id=data["resultId"],
            model_id=data["modelId"],
            meter=data["meter"],
            quantity=data["quantity"],
            container_kind=data["containerKind"],
        )
        if not (isinstance(rec.seq, int) and isinstance(rec.quantity, int) and rec.quantity >= 0):
            raise ValueError("seq and quantity must be non-negative integers")
        parse_timestamp(rec.timestamp)
        return rec

    @property
    def when(self) -> datetime:
        """The record's timestamp."""
        return parse_timestamp(self.timestamp)


_FIELDS = {
    "seq",
    "prev",
    "recordId",
    "timestamp",
    "resultId",
    "modelId",
    "meter",
    "quantity",
    "containerKind",
}


# Paid add-ons (API_CONTRACT.md §10.2); barcodes and languages are free.
ADD_ON_FEATURES = ("ocrHighResolution", "formulas", "styleFont")


def operation_meters(
    model_meter: str, features: Iterable[str], pages: int
) -> list[tuple[str, int]]:
    """The (meter, pages) pairs one succeeded analyze bills: its model's meter and add-ons."""
    out = [(model_meter, pages)]
    out += [(f"FormRecognizer.AddOn.{f}.Pages", pages) for f in features if f in ADD_ON_FEATURES]
    return out


def record_line(rec: UsageRecord) -> bytes:
    """The exact bytes of a record's line (without the newline)."""
    return json.dumps(rec.to_json(), sort_keys=True, separators=(",", ":")).encode()


def line_hash(line: bytes) -> str:
    """SHA-256 hex of a record line (what the next record's ``prev`` holds)."""
    return hashlib.sha256(line).hexdigest()


def record_id(result_id: str, meter: str) -> str:
    """The idempotency key of a record: one per (operation, meter)."""
    return f"{result_id}:{meter}"


def parse_timestamp(text: str) -> datetime:
    """``YYYY-MM-DDTHH:MM:SS(.ffffff)Z`` → aware UTC datetime."""
    if not isinstance(text, str) or not text.endswith("Z"):
        raise ValueError(f"bad timestamp {text!r}")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def format_timestamp(ts: datetime) -> str:
    """Aware datetime → ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC)."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def month_files(folder: Path) -> list[Path]:
    """The record files of a usage folder, oldest month first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if MONTH_FILE.match(p.name) and p.is_file())


@dataclass(frozen=True, slots=True)
class VerifiedRecords:
    """The records of a usage folder after the chain checked out."""

    records: list[UsageRecord]
    duplicates: int  # records whose recordId was already seen (counted once)

    @property
    def unique(self) -> list[UsageRecord]:
        """Records with duplicates (same recordId) dropped, first kept."""
        seen: set[str] = set()
        out: list[UsageRecord] = []
        for r in self.records:
            if r.record_id not in seen:
                seen.add(r.record_id)
                out.append(r)
        return out


def _bad(where: str, seq: int, why: str) -> UsageChainError:
    return UsageChainError(f"Usage record {seq} ({where}) {why}.")


def verify_chain(folder: Path) -> VerifiedRecords:
    """Read every record of ``folder`` (the ``usage`` folder) and check the chain and the head.

    A torn final line (no newline: the process died mid-append, before the operation could
    succeed) at the very end of the newest file is ignored. Raises :class:`UsageChainError`
    naming the first bad record.
    """
    files = month_files(folder)
    records: list[UsageRecord] = []
    prev_hash, expect = GENESIS, 1
    for i, path in enumerate(files):
        data = path.read_bytes()
        lines = data.split(b"\n")
        tail = lines.pop()  # b"" when the file ends with a newline
        if tail and i != len(files) - 1:
            raise _bad(f"{path.name}, line {len(lines) + 1}", expect, "is truncated")
        for n, line in enumerate(lines, 1):
            where = f"{path.name}, line {n}"
            try:
                rec = UsageRecord.from_json(json.loads(line))
            except (ValueError, KeyError, TypeError):
                raise _bad(where, expect, "is not a valid usage record") from None
            if record_line(rec) != line:
                raise _bad(where, expect, "has been modified (not in canonical form)")
            if rec.seq != expect:
                raise _bad(where, expect, f"is missing or out of order (found seq {rec.seq})")
            if rec.prev != prev_hash:
                raise _bad(where, expect, "does not chain to the previous record")
            records.append(rec)
            prev_hash, expect = line_hash(line), expect + 1
    _check_head(folder, records, prev_hash)
    dup = len(records) - len({r.record_id for r in records})
    return VerifiedRecords(records, dup)


def _check_head(folder: Path, records: list[UsageRecord], last_hash: str) -> None:
    head_path = folder / HEAD_FILE
    try:
        head = json.loads(head_path.read_bytes())
        head_seq, head_hash = int(head["seq"]), str(head["hash"])
    except FileNotFoundError:
        # Only a crash right after the very first append leaves records without a head.
        if len(records) > 1:
            raise UsageChainError(f"The usage head file {HEAD_FILE} is missing.") from None
        return
    except (ValueError, KeyError, TypeError):
        raise UsageChainError(f"The usage head file {HEAD_FILE} is unreadable.") from None
    last = len(records)
    if head_seq > last:
        raise UsageChainError(
            f"Usage records {last + 1} to {head_seq} have been removed "
            f"(the head names record {head_seq})."
        )
    # The head may lag by one record (crash between append and head update), never more.
    if head_seq < last - 1:
        raise UsageChainError(f"The usage head file names record {head_seq}, not {last}.")
    if head_seq >= 1:
        expected = last_hash if head_seq == last else records[head_seq].prev
        if expected != head_hash:
            raise _bad("head", head_seq, "does not match the head file (it was modified)")


def summarize(
    records: Iterable[UsageRecord], month: int | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    """``[{"name", "quantity"}]`` per meter, sorted by name, optionally for one month."""
    totals: dict[str, int] = {}
    for r in records:
        if month is not None and year is not None:
            when = r.when
            if (when.year, when.month) != (year, month):
                continue
        totals[r.meter] = totals.get(r.meter, 0) + r.quantity
    return [{"name": k, "quantity": v} for k, v in sorted(totals.items())]


def usage_report(
    usage_folder: Path, service_name: str, month: int | None = None, year: int | None = None
) -> dict[str, Any]:
    """The ``/records/usage-logs`` body from a verified folder (``UsageChainError`` if broken)."""
    verified = verify_chain(usage_folder)
    return {
        "apiType": API_TYPE,
        "serviceName": service_name,
        "meters": summarize(verified.unique, month, year),
    }
