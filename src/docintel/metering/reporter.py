"""Connected mode: send unacknowledged usage records to the billing service, with backoff.

Records are never edited or removed. Acknowledged record ids are appended (fsynced) to
``usage/acknowledged.jsonl``; a record is sent until its id is there. The billing service is
idempotent by record id, so a batch whose acknowledgement was lost is simply sent again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable, Sequence

import httpx

from docintel.core.fileio import fsync_dir
from docintel.metering.log import UsageLog
from docintel.metering.records import ACK_FILE, UsageRecord, verify_chain

log = logging.getLogger(__name__)

BATCH_SIZE = 500
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 600.0
REPORT_TIMEOUT_S = 30.0


class BillingUnavailableError(Exception):
    """The billing service could not be reached or refused the report."""


def backoff_delay(failures: int, interval: float) -> float:
    """Delay before the next attempt: ``interval`` after success, doubling after failures."""
    if failures <= 0:
        return interval
    return float(min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (failures - 1)))


class UsageReporter:
    """Reports the records of one :class:`UsageLog` to ``{billing}/usage``."""

    def __init__(self, usage: UsageLog, billing: str, api_key: str) -> None:
        self.usage = usage
        self.url = billing.rstrip("/") + "/usage"
        self.api_key = api_key
        self.failures = 0
        self.last_error: str | None = None

    def acknowledged(self) -> set[str]:
        """Record ids the billing service has acknowledged."""
        path = self.usage.folder / ACK_FILE
        if not path.exists():
            return set()
        out: set[str] = set()
        for line in path.read_bytes().split(b"\n"):
            try:
                out.add(str(json.loads(line)["recordId"]))
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line: its ids are simply sent again
        return out

    def pending(self) -> list[UsageRecord]:
        """Verified, unique records not yet acknowledged (``UsageChainError`` if broken)."""
        acked = self.acknowledged()
        return [r for r in verify_chain(self.usage.folder).unique if r.record_id not in acked]

    def report_once(self) -> int:
        """Send every pending record; return how many were acknowledged now."""
        with self.usage.locked():
            pending = self.pending()
        done = 0
        for i in range(0, len(pending), BATCH_SIZE):
            batch = pending[i : i + BATCH_SIZE]
            acked = self._send(batch)
            self._remember(acked)
            done += len(acked)
        return done

    def _send(self, batch: Sequence[UsageRecord]) -> list[str]:
        body = {"records": [r.to_json() for r in batch]}
        try:
            r = httpx.post(
                self.url,
                json=body,
                headers={"Ocp-Apim-Subscription-Key": self.api_key},
                timeout=REPORT_TIMEOUT_S,
            )
        except httpx.HTTPError as e:
            raise BillingUnavailableError(f"billing unreachable: {e}") from e
        if r.status_code != 200:
            raise BillingUnavailableError(f"billing answered {r.status_code}: {r.text[:200]}")
        try:
            acked = [str(x) for x in r.json()["acknowledged"]]
        except (ValueError, KeyError, TypeError) as e:
            raise BillingUnavailableError("billing answered without acknowledgements") from e
        sent = {rec.record_id for rec in batch}
        return [a for a in acked if a in sent]

    def _remember(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        with self.usage.locked():
            path = self.usage.folder / ACK_FILE
            new = not path.exists()
            with path.open("ab") as f:
                f.write(b"".join(json.dumps({"recordId": i}).encode() + b"\n" for i in ids))
                f.flush()
                os.fsync(f.fileno())
            if new:
                fsync_dir(self.usage.folder)

    async def run(
        self,
        interval: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Report forever: every ``interval`` seconds, with exponential backoff on failure."""
        while True:
            try:
                n = await asyncio.to_thread(self.report_once)
                if n:
                    log.info("reported %d usage record(s) to billing", n)
                self.failures, self.last_error = 0, None
            except asyncio.CancelledError:
                raise
            except Exception as e:
                self.failures += 1
                self.last_error = str(e)
                log.warning(
                    "usage report failed (attempt %d; records kept for retry): %s",
                    self.failures,
                    e,
                )
            await sleep(backoff_delay(self.failures, interval))
