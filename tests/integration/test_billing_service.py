"""The billing service on loopback: resources, keys, license issue, download flow, usage reports."""

from __future__ import annotations

import asyncio
import json
import socket
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from docintel.billing.app import create_billing_app
from docintel.billing.db import DB_FILE, SIGNING_KEY_FILE, BillingDB
from docintel.cli.main import app as cli
from docintel.core.settings import load_settings
from docintel.licensing.license import license_path, parse_public_keys, verify_license_bytes
from docintel.metering.log import UsageLog
from docintel.metering.records import ACK_FILE
from docintel.metering.reporter import BillingUnavailableError, UsageReporter, backoff_delay

READ = "FormRecognizer.Read.Pages"


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThreadServer:
    """The billing app served by uvicorn on a thread (start/stop/restart on one port)."""

    def __init__(self, data: Path, port: int) -> None:
        self.data, self.port = data, port
        self.url = f"http://127.0.0.1:{port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Serve until ``stop``; returns once the socket accepts connections."""
        config = uvicorn.Config(
            create_billing_app(self.data), host="127.0.0.1", port=self.port, log_level="error"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            assert time.monotonic() < deadline, "billing service did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        """Shut down and wait for the thread."""
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(20)


@dataclass
class Billing:
    """A running billing service with one resource."""

    server: ThreadServer
    data: Path
    resource_id: str
    api_key: str
    public_key: str


def create_resource(data: Path, kinds: str = "read,layout", *extra: str) -> dict[str, Any]:
    """``docintel billing resource create --json`` → its output."""
    result = CliRunner().invoke(
        cli,
        [
            *("billing", "resource", "create", "--data", str(data), "--name", "acme"),
            *("--kinds", kinds, "--validity-days", "7", "--json", *extra),
        ],
    )
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.output)
    return out


@pytest.fixture
def billing(tmp_path: Path) -> Iterator[Billing]:
    """Billing service with a read+layout resource."""
    data = tmp_path / "billing"
    res = create_resource(data)
    server = ThreadServer(data, free_port())
    server.start()
    try:
        yield Billing(server, data, res["resourceId"], res["apiKey"], res["publicKey"])
    finally:
        server.stop()


def test_signing_key_is_private_and_keys_are_hashed(billing: Billing) -> None:
    """0600 key file; the API key itself appears nowhere in the database."""
    mode = stat.S_IMODE((billing.data / SIGNING_KEY_FILE).stat().st_mode)
    assert mode == 0o600
    db_bytes = b"".join(p.read_bytes() for p in billing.data.glob(f"{DB_FILE}*"))
    assert billing.api_key.encode() not in db_bytes
    assert BillingDB(billing.data).resource_for_key(billing.api_key) is not None
    assert b"PRIVATE" not in httpx.get(f"{billing.server.url}/public-key").content


def test_issue_license(billing: Billing) -> None:
    """A license for a kind in the plan verifies against the printed public key."""
    url = f"{billing.server.url}/licenses"
    headers = {"Ocp-Apim-Subscription-Key": billing.api_key}
    r = httpx.post(url, json={"containerKind": "Layout"}, headers=headers)
    assert r.status_code == 200
    payload = verify_license_bytes(r.content, parse_public_keys(billing.public_key))
    assert payload.container_kinds == ("layout",)
    assert payload.resource.id == billing.resource_id
    assert payload.expires_at - payload.issued_at == timedelta(days=7)
    bad_key = httpx.post(
        url, json={"containerKind": "read"}, headers={"Ocp-Apim-Subscription-Key": "x"}
    )
    assert bad_key.status_code == 401
    not_in_plan = httpx.post(url, json={"containerKind": "invoice"}, headers=headers)
    assert not_in_plan.status_code == 403 and "not in the plan" in not_in_plan.text
    unknown = httpx.post(url, json={"containerKind": "nope"}, headers=headers)
    assert unknown.status_code == 400


def download(
    tmp_path: Path, billing_url: str, api_key: str, public_key: str | None, kind: str = "read"
) -> Any:
    """``docintel serve DownloadLicense=True ...`` in-process."""
    lic = tmp_path / "license"
    lic.mkdir(exist_ok=True)
    args = [
        "serve",
        "Eula=accept",
        "DownloadLicense=True",
        f"ContainerKind={kind}",
        f"Billing={billing_url}",
        f"ApiKey={api_key}",
        f"Mounts:License={lic}",
        f"Mounts:Output={tmp_path / 'out'}",
    ]
    if public_key:
        args.append(f"License:PublicKey={public_key}")
    return CliRunner().invoke(cli, args)


def test_download_license_flow(tmp_path: Path, billing: Billing) -> None:
    """Exit 0, license written and verified, run templates printed."""
    result = download(tmp_path, billing.server.url, billing.api_key, billing.public_key)
    assert result.exit_code == 0, result.output
    written = license_path(tmp_path / "license")
    assert verify_license_bytes(written.read_bytes(), parse_public_keys(billing.public_key))
    assert "docintel serve Eula=accept ContainerKind=read Mounts:License=" in result.output
    assert (
        "docker run" in result.output and f"License:PublicKey={billing.public_key}" in result.output
    )
    assert [p.name for p in (tmp_path / "license").iterdir()] == ["license.json"]


@pytest.mark.parametrize(
    "case", ["wrong-key", "kind-not-in-plan", "unreachable", "no-trusted-key", "wrong-trusted-key"]
)
def test_download_failures_write_nothing(tmp_path: Path, billing: Billing, case: str) -> None:
    """One clear line, non-zero exit, empty license folder."""
    url, key, pub, kind = billing.server.url, billing.api_key, billing.public_key, "read"
    if case == "wrong-key":
        key = "0" * 64
    elif case == "kind-not-in-plan":
        kind = "invoice"
    elif case == "unreachable":
        url = f"http://127.0.0.1:{free_port()}"
    elif case == "no-trusted-key":
        pub = None
    else:
        pub = create_resource(tmp_path / "other-billing")["publicKey"]
    result = download(tmp_path, url, key, pub, kind)
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("docintel: license download failed")
    assert list((tmp_path / "license").iterdir()) == []


def test_usage_reports_are_idempotent(billing: Billing) -> None:
    """The same batch twice is acknowledged twice and counted once."""
    rec = {
        "recordId": "op-1:" + READ,
        "timestamp": "2024-05-01T00:00:00.000000Z",
        "resultId": "op-1",
        "modelId": "prebuilt-read",
        "meter": READ,
        "quantity": 4,
        "containerKind": "read",
    }
    headers = {"Ocp-Apim-Subscription-Key": billing.api_key}
    first = httpx.post(f"{billing.server.url}/usage", json={"records": [rec]}, headers=headers)
    again = httpx.post(f"{billing.server.url}/usage", json={"records": [rec]}, headers=headers)
    assert first.json() == {"acknowledged": [rec["recordId"]], "accepted": 1, "duplicates": 0}
    assert again.json() == {"acknowledged": [rec["recordId"]], "accepted": 0, "duplicates": 1}
    totals = httpx.get(f"{billing.server.url}/usage", headers=headers).json()
    assert totals["meters"] == [{"name": READ, "quantity": 4}] and totals["records"] == 1
    assert httpx.post(f"{billing.server.url}/usage", json={"records": [rec]}).status_code == 401


def test_connected_reporting_survives_billing_outage(tmp_path: Path, billing: Billing) -> None:
    """Billing down: records stay, nothing lost; back up: all reported, none twice."""
    log = UsageLog(tmp_path / "out", "read")
    reporter = UsageReporter(log, billing.server.url, billing.api_key)
    t = datetime(2024, 5, 1, tzinfo=UTC)
    log.record("op-1", "prebuilt-read", [(READ, 2)], t)
    assert reporter.report_once() == 1

    billing.server.stop()
    log.record("op-2", "prebuilt-read", [(READ, 3)], t)
    log.record("op-3", "prebuilt-read", [(READ, 5)], t)
    with pytest.raises(BillingUnavailableError):
        reporter.report_once()
    assert [r.result_id for r in reporter.pending()] == ["op-2", "op-3"]

    billing.server.start()  # same port, same data folder
    assert reporter.report_once() == 2
    assert reporter.report_once() == 0
    # An acknowledgement lost on the way back: the batch is sent again, counted once.
    (log.folder / ACK_FILE).unlink()
    assert reporter.report_once() == 3
    headers = {"Ocp-Apim-Subscription-Key": billing.api_key}
    totals = httpx.get(f"{billing.server.url}/usage", headers=headers).json()
    assert totals == {
        "resourceId": billing.resource_id,
        "records": 3,
        "meters": [{"name": READ, "quantity": 10}],
    }
    assert log.report("read")["meters"] == [{"name": READ, "quantity": 10}]  # records untouched


def test_reporter_backs_off_and_recovers(tmp_path: Path, billing: Billing) -> None:
    """The background loop doubles its delay while billing is down (fake sleep: no waiting)."""
    log = UsageLog(tmp_path / "out", "read")
    log.record("op-1", "prebuilt-read", [(READ, 1)], datetime(2024, 5, 1, tzinfo=UTC))
    reporter = UsageReporter(log, f"http://127.0.0.1:{free_port()}", billing.api_key)
    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)
        if len(delays) == 4:
            reporter.url = f"{billing.server.url}/usage"  # billing comes back
        if len(delays) == 6:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(reporter.run(interval=600, sleep=fake_sleep))
    assert delays == [2.0, 4.0, 8.0, 16.0, 600, 600]
    assert reporter.pending() == [] and reporter.failures == 0
    assert backoff_delay(20, 600) == 600


def test_connected_container_status_and_records(tmp_path: Path, billing: Billing) -> None:
    """A connected app keeps serving while billing is down and says so in /status."""
    from fastapi.testclient import TestClient

    from docintel.api.app import create_app

    settings = load_settings(
        {
            "Eula": "accept",
            "Billing": f"http://127.0.0.1:{free_port()}",
            "ApiKey": billing.api_key,
            "Mounts:Shared": str(tmp_path / "shared"),
            "Mounts:Output": str(tmp_path / "out"),
        }
    )
    app = create_app(settings, start_runner=False)
    service = app.state.service
    assert service.reporter is not None
    service.usage.record("op-1", "prebuilt-read", [(READ, 1)], datetime.now(UTC))
    with pytest.raises(BillingUnavailableError):
        service.reporter.report_once()
    service.reporter.failures, service.reporter.last_error = 1, "down"
    with TestClient(app) as c:
        status = c.get("/status").json()
        assert status["apiStatus"] == "Valid" and "retrying" in status["apiStatusMessage"]
        assert c.get("/records/usage-logs").json()["meters"] == [{"name": READ, "quantity": 1}]
