"""A disconnected container in-process: start-up checks, expiry while running (injected clock)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from docintel.api.app import create_app
from docintel.cli.main import app as cli
from docintel.core.errors import ConfigurationError
from docintel.core.settings import Settings, load_settings
from docintel.licensing.license import (
    LicensePayload,
    LicensePlan,
    LicenseResource,
    key_id,
    license_path,
    public_key_text,
    sign_license,
)
from docintel.licensing.runtime import check_disconnected_start

ISSUED = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
EXPIRES = ISSUED + timedelta(days=10)
V31 = "2023-07-31"


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    """The billing service's key."""
    return Ed25519PrivateKey.generate()


def write_license(folder: Path, key: Ed25519PrivateKey, kinds: tuple[str, ...] = ("read",)) -> None:
    """A license issued a day ago, valid ten days."""
    payload = LicensePayload(
        license_id="lic-42",
        key_id=key_id(key.public_key()),
        resource=LicenseResource(id="res-1"),
        container_kinds=kinds,
        issued_at=ISSUED,
        expires_at=EXPIRES,
        plan=LicensePlan(pages_per_month=100, validity_days=10),
    )
    folder.mkdir(parents=True, exist_ok=True)
    license_path(folder).write_bytes(sign_license(payload, key))


def disconnected(tmp_path: Path, key: Ed25519PrivateKey, **extra: str) -> Settings:
    """Settings of a disconnected read container."""
    (tmp_path / "output").mkdir(exist_ok=True)
    args = {
        "Eula": "accept",
        "ContainerKind": "read",
        "Mounts:Shared": str(tmp_path / "shared"),
        "Mounts:License": str(tmp_path / "license"),
        "Mounts:Output": str(tmp_path / "output"),
        "License:PublicKey": public_key_text(key.public_key()),
        "Workers": "1",
        **extra,
    }
    return load_settings(args)


@pytest.fixture
def client(tmp_path: Path, key: Ed25519PrivateKey) -> Iterator[TestClient]:
    """A disconnected app with a valid license; the runner is not started but reads ready."""
    write_license(tmp_path / "license", key)
    app = create_app(disconnected(tmp_path, key), start_runner=False)
    app.state.service.runner.ready = True
    with TestClient(app) as c:
        yield c


def png() -> bytes:
    """A small valid PNG."""
    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, format="PNG")
    return buf.getvalue()


def analyze(c: TestClient) -> Any:
    """POST an analyze request."""
    url = f"/formrecognizer/documentModels/prebuilt-read:analyze?api-version={V31}"
    return c.post(url, content=png(), headers={"content-type": "image/png"})


def test_valid_license_serves(client: TestClient) -> None:
    """Valid: /ready 200, /status Valid with the expiry, analyze accepted."""
    assert client.get("/ready").status_code == 200
    status = client.get("/status").json()
    assert status["apiStatus"] == "Valid"
    assert "lic-42" in status["apiStatusMessage"] and "read" in status["apiStatusMessage"]
    assert analyze(client).status_code == 202


def test_expiry_while_running(client: TestClient) -> None:
    """Clock past expiresAt: not ready, Invalid, 403 on new work; results and reports stay."""
    service = client.app.state.service  # type: ignore[attr-defined]
    r = analyze(client)
    assert r.status_code == 202
    op_id = r.headers["apim-request-id"]
    service.store.claim(op_id)
    rec = service.store.get(op_id)
    service.runner.on_success(rec, 1)  # the usage record, as the runner writes it
    service.store.succeed(op_id, b'{"apiVersion":"2023-07-31"}', 1)

    service.clock = lambda: EXPIRES + timedelta(seconds=1)
    ready = client.get("/ready")
    assert ready.status_code == 503 and "expired" in ready.json()["reason"]
    status = client.get("/status").json()
    assert status["apiStatus"] == "Invalid"
    assert status["apiStatusMessage"].startswith("The license expired at")
    r = analyze(client)
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == "Forbidden"
    assert err["message"] == "The container license has expired."
    assert err["innererror"]["code"] == "AuthorizationFailed"
    poll = client.get(
        f"/formrecognizer/documentModels/prebuilt-read/analyzeResults/{op_id}?api-version={V31}"
    )
    assert poll.status_code == 200 and poll.json()["status"] == "succeeded"
    usage = client.get("/records/usage-logs")
    assert usage.status_code == 200
    assert usage.json()["meters"] == [{"name": "FormRecognizer.Read.Pages", "quantity": 1}]

    service.clock = lambda: EXPIRES - timedelta(seconds=1)  # back inside the window
    assert client.get("/ready").status_code == 200


def test_tampered_license_refuses_work(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    """One byte changed: /status Invalid with the reason, analyze 403, /ready 503."""
    write_license(tmp_path / "license", key)
    path = license_path(tmp_path / "license")
    path.write_bytes(path.read_bytes().replace(b'"pagesPerMonth":100', b'"pagesPerMonth":900'))
    app = create_app(disconnected(tmp_path, key), start_runner=False)
    app.state.service.runner.ready = True
    with TestClient(app) as c:
        status = c.get("/status").json()
        assert status["apiStatus"] == "Invalid" and "signature" in status["apiStatusMessage"]
        assert c.get("/ready").status_code == 503
        r = analyze(c)
        assert r.status_code == 403
        assert r.json()["error"]["message"] == "The container license is not valid."


@pytest.mark.parametrize(
    ("case", "match"),
    [
        ("tampered", "signature does not verify"),
        ("other-kind", "not read"),
        ("expired", "expired at"),
        ("missing-license", "No license file"),
        ("no-key", "No trusted public key"),
        ("missing-output", "Mounts:Output .* does not exist"),
        ("output-is-file", "Mounts:Output .* not a folder"),
    ],
)
def test_refuses_to_start(tmp_path: Path, key: Ed25519PrivateKey, case: str, match: str) -> None:
    """Every start-up failure is one clear ConfigurationError."""
    write_license(tmp_path / "license", key, ("layout",) if case == "other-kind" else ("read",))
    settings = disconnected(tmp_path, key)
    now = datetime.now(UTC)
    if case == "tampered":
        p = license_path(tmp_path / "license")
        p.write_bytes(p.read_bytes().replace(b"lic-42", b"lic-43"))
    elif case == "expired":
        now = EXPIRES + timedelta(days=1)
    elif case == "missing-license":
        license_path(tmp_path / "license").unlink()
    elif case == "no-key":
        settings = settings.with_overrides(license_public_key=None)
    elif case == "missing-output":
        settings = settings.with_overrides(output_dir=tmp_path / "nope")
    elif case == "output-is-file":
        (tmp_path / "file").write_text("x")
        settings = settings.with_overrides(output_dir=tmp_path / "file")
    with pytest.raises(ConfigurationError, match=match):
        check_disconnected_start(settings, now)


def test_valid_start(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    """A good license and a writable output folder pass (and leave no probe file behind)."""
    write_license(tmp_path / "license", key)
    payload = check_disconnected_start(disconnected(tmp_path, key), datetime.now(UTC))
    assert payload is not None and payload.license_id == "lic-42"
    assert list((tmp_path / "output").iterdir()) == []


def test_serve_exits_with_one_line(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    """``docintel serve`` without Mounts:Output in disconnected mode: one line, exit != 0."""
    write_license(tmp_path / "license", key)
    result = CliRunner().invoke(
        cli,
        [
            "serve",
            "Eula=accept",
            f"Mounts:License={tmp_path / 'license'}",
            f"License:PublicKey={public_key_text(key.public_key())}",
        ],
    )
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Mounts:Output is required" in lines[0]


def test_crash_between_record_and_response(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    """The record is written, the process dies before ``succeeded``; the re-run counts once."""
    write_license(tmp_path / "license", key)
    app = create_app(disconnected(tmp_path, key), start_runner=False)
    service = app.state.service
    runner = service.runner
    with TestClient(app) as c:
        op_id = analyze(c).headers["apim-request-id"]

    async def computed(rec: object) -> tuple[bytes, int]:
        return b'{"apiVersion":"2023-07-31"}', 3

    runner._analyze = computed  # the pages were analysed (no engines needed here)

    class CrashError(Exception):
        pass

    def crash(*args: object) -> None:
        raise CrashError

    real_succeed = service.store.succeed
    service.store.succeed = crash
    with pytest.raises(CrashError):
        asyncio.run(runner._run(op_id))
    assert service.store.get(op_id).status == "running"
    assert service.usage.report("read")["meters"][0]["quantity"] == 3

    # Restart: the unfinished operation is re-queued and run again to success.
    service.store.succeed = real_succeed
    assert op_id in service.store.requeue_unfinished()
    asyncio.run(runner._run(op_id))
    assert service.store.get(op_id).status == "succeeded"
    lines = (service.usage.folder).glob("*.jsonl")
    assert sum(len(p.read_text().splitlines()) for p in lines) == 1
    assert service.usage.report("read")["meters"] == [
        {"name": "FormRecognizer.Read.Pages", "quantity": 3}
    ]


def test_failed_usage_write_fails_the_operation(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    """No record, no success: an unwritable usage folder fails the operation."""
    write_license(tmp_path / "license", key)
    app = create_app(disconnected(tmp_path, key), start_runner=False)
    service = app.state.service
    with TestClient(app) as c:
        op_id = analyze(c).headers["apim-request-id"]

    async def computed(rec: object) -> tuple[bytes, int]:
        return b"{}", 1

    def broken(*args: object) -> int:
        raise OSError(28, "No space left on device")

    service.runner._analyze = computed
    service.usage.record = broken
    asyncio.run(service.runner._run(op_id))
    rec = service.store.get(op_id)
    assert rec.status == "failed" and "usage record" in rec.error["innererror"]["message"]
