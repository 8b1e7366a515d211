"""The billing service's data: resources, API key hashes, licenses issued, usage received (SQLite).

API keys are 32 random bytes (hex); only their SHA-256 is stored, so the database alone does not
let anyone act as a resource. (A salt adds nothing for keys of 256 random bits.)
The Ed25519 signing key lives in ``signing-key.pem`` beside the database, mode 0600; it is
created on first use and never leaves this folder (only its public half is ever printed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from docintel.core.fileio import sqlite_connection
from docintel.core.settings import ContainerKind

SIGNING_KEY_FILE = "signing-key.pem"
DB_FILE = "billing.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    endpoint        TEXT NOT NULL,
    container_kinds TEXT NOT NULL,
    pages_per_month INTEGER NOT NULL,
    validity_days   INTEGER NOT NULL,
    created         TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key_hash    TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resources(id),
    created     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS licenses (
    id             TEXT PRIMARY KEY,
    resource_id    TEXT NOT NULL REFERENCES resources(id),
    container_kind TEXT NOT NULL,
    issued_at      TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS usage (
    resource_id TEXT NOT NULL REFERENCES resources(id),
    record_id   TEXT NOT NULL,
    timestamp   TEXT NOT NULL,
    result_id   TEXT NOT NULL,
    model_id    TEXT NOT NULL,
    meter       TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    container_kind TEXT NOT NULL,
    received    TEXT NOT NULL,
    PRIMARY KEY (resource_id, record_id)
);
"""

KIND_NAMES = {k.value.lower(): k.value for k in ContainerKind}


@dataclass(frozen=True, slots=True)
class Resource:
    """A billing resource and its commitment plan."""

    id: str
    name: str
    endpoint: str
    container_kinds: tuple[str, ...]
    pages_per_month: int
    validity_days: int


def hash_key(api_key: str) -> str:
    """SHA-256 hex of an API key (what is stored)."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def normalise_kinds(kinds: Sequence[str]) -> tuple[str, ...]:
    """Canonical container kind names (``ValueError`` on an unknown one)."""
    out: list[str] = []
    for k in kinds:
        name = KIND_NAMES.get(k.strip().lower())
        if name is None:
            raise ValueError(
                f"unknown container kind {k!r} (one of {', '.join(KIND_NAMES.values())})"
            )
        if name not in out:
            out.append(name)
    if not out:
        raise ValueError("a plan needs at least one container kind")
    return tuple(out)


def load_or_create_signing_key(data_dir: Path) -> Ed25519PrivateKey:
    """The service's private key; generated (mode 0600, exclusive create) on first use."""
    path = data_dir / SIGNING_KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key") from None
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    return key


class BillingDB:
    """Resources, keys, licenses and usage in ``{data_dir}/billing.db``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_FILE
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return sqlite_connection(self.path)

    def create_resource(
        self,
        name: str,
        endpoint: str,
        container_kinds: Sequence[str],
        pages_per_month: int,
        validity_days: int,
        now: datetime,
    ) -> tuple[Resource, str]:
        """Create a resource with one API key; the key is returned once and stored hashed."""
        if pages_per_month < 0 or validity_days < 1:
            raise ValueError("pages per month must be >= 0 and validity days >= 1")
        res = Resource(
            id=uuid.uuid4().hex,
            name=name,
            endpoint=endpoint,
            container_kinds=normalise_kinds(container_kinds),
            pages_per_month=pages_per_month,
            validity_days=validity_days,
        )
        with self._connect() as db:
            db.execute(
                "INSERT INTO resources VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    res.id,
                    res.name,
                    res.endpoint,
                    json.dumps(res.container_kinds),
                    res.pages_per_month,
                    res.validity_days,
                    now.isoformat(),
                ),
            )
        return res, self.create_key(res.id, now)

    def create_key(self, resource_id: str, now: datetime) -> str:
        """A new API key for a resource (``KeyError`` if the resource is unknown)."""
        if self.resource(resource_id) is None:
            raise KeyError(resource_id)
        key = secrets.token_hex(32)
        with self._connect() as db:
            db.execute(
                "INSERT INTO api_keys VALUES (?, ?, ?)",
                (hash_key(key), resource_id, now.isoformat()),
            )
        return key

    def resource(self, resource_id: str) -> Resource | None:
        """A resource by id."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM resources WHERE id=?", (resource_id,)).fetchone()
        return _resource(row) if row else None

    def resource_for_key(self, api_key: str) -> Resource | None:
        """The resource an API key belongs to, or None."""
        with self._connect() as db:
            row = db.execute(
                "SELECT r.* FROM resources r JOIN api_keys k ON k.resource_id = r.id"
                " WHERE k.key_hash=?",
                (hash_key(api_key),),
            ).fetchone()
        return _resource(row) if row else None

    def log_license(
        self, license_id: str, resource_id: str, kind: str, issued: str, expires: str
    ) -> None:
        """Remember a license that was issued."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO licenses VALUES (?, ?, ?, ?, ?)",
                (license_id, resource_id, kind, issued, expires),
            )

    def add_usage(
        self, resource_id: str, records: Sequence[dict[str, Any]], received: str
    ) -> tuple[int, int]:
        """Store records not seen before (by record id); return (new, duplicates)."""
        new = 0
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            for r in records:
                cur = db.execute(
                    "INSERT OR IGNORE INTO usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        resource_id,
                        r["recordId"],
                        r["timestamp"],
                        r["resultId"],
                        r["modelId"],
                        r["meter"],
                        r["quantity"],
                        r["containerKind"],
                        received,
                    ),
                )
                new += cur.rowcount
            db.execute("COMMIT")
        return new, len(records) - new

    def usage_totals(self, resource_id: str) -> dict[str, int]:
        """Pages per meter received for a resource."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT meter, SUM(quantity) AS q, COUNT(*) AS n FROM usage"
                " WHERE resource_id=? GROUP BY meter ORDER BY meter",
                (resource_id,),
            ).fetchall()
        return {str(r["meter"]): int(r["q"]) for r in rows}

    def usage_count(self, resource_id: str) -> int:
        """Number of distinct records received for a resource."""
        with self._connect() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM usage WHERE resource_id=?", (resource_id,)
            ).fetchone()
        return int(row[0])


def _resource(row: sqlite3.Row) -> Resource:
    return Resource(
        id=row["id"],
        name=row["name"],
        endpoint=row["endpoint"],
        container_kinds=tuple(json.loads(row["container_kinds"])),
        pages_per_month=row["pages_per_month"],
        validity_days=row["validity_days"],
    )
