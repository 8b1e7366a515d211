"""The whole disconnected cycle on loopback, with the official SDK.

billing service (subprocess) → resource and key via the CLI → ``docintel serve
DownloadLicense=True`` → the container started disconnected with the license and an output
folder → pages analysed with ``DocumentAnalysisClient`` → ``/records/usage-logs`` and the month
endpoint, and ``docintel usage report`` offline, all with exact page counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from azure.ai.formrecognizer import DocumentAnalysisClient
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError

from tests.conformance.conftest import free_port, start_server
from tests.helpers import documents as docs

pytestmark = [pytest.mark.conformance, pytest.mark.slow]

CLI = [sys.executable, "-m", "docintel.cli.main"]
READ = "FormRecognizer.Read.Pages"
LAYOUT = "FormRecognizer.Layout.Pages"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """``docintel ...`` as a subprocess."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def billing(tmp_path: Path) -> Iterator[str]:
    """``docintel billing serve`` on a free loopback port."""
    port = free_port()
    log = (tmp_path / "billing.log").open("wb")
    proc = subprocess.Popen(
        [*CLI, "billing", "serve", "--data", str(tmp_path / "billing"), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "billing.log").read_text()
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "billing service did not start"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def test_download_disconnect_analyze_report(tmp_path: Path, billing: str) -> None:
    """Download → disconnected run → SDK analyze → usage reports with exact page counts."""
    created = run_cli(
        "billing",
        "resource",
        "create",
        *("--data", str(tmp_path / "billing"), "--name", "acme", "--kinds", "read"),
        "--json",
    )
    assert created.returncode == 0, created.stderr
    res = json.loads(created.stdout)
    lic, out = tmp_path / "license", tmp_path / "output"
    lic.mkdir()
    out.mkdir()
    trust = f"License:PublicKey={res['publicKey']}"

    download = run_cli(
        "serve",
        *("Eula=accept", "DownloadLicense=True", "ContainerKind=read"),
        *(f"Billing={billing}", f"ApiKey={res['apiKey']}", f"Mounts:License={lic}"),
        *(f"Mounts:Output={out}", trust),
    )
    assert download.returncode == 0, download.stderr
    assert (lic / "license.json").is_file()
    assert "docintel serve Eula=accept ContainerKind=read" in download.stdout

    shown = run_cli("license", "show", str(lic), "--public-key", res["publicKey"], "--kind", "read")
    assert shown.returncode == 0 and "Signature:   valid" in shown.stdout

    server = start_server(
        tmp_path / "shared",
        tmp_path / "server.log",
        "ContainerKind=read",
        f"Mounts:License={lic}",
        f"Mounts:Output={out}",
        trust,
    )
    try:
        status = httpx.get(f"{server.url}/status").json()
        assert status["apiStatus"] == "Valid"
        client = DocumentAnalysisClient(server.url, AzureKeyCredential("unused"))
        pdf2 = docs.born_digital_pdf(docs.sample_pages(2))
        pdf3 = docs.born_digital_pdf(docs.sample_pages(3))
        for body in (pdf2, pdf3, pdf2):
            result = client.begin_analyze_document("prebuilt-read", body).result()
            assert result.pages
        # A layout model is not served by a read container: no analysis, no record.
        with pytest.raises(HttpResponseError):
            client.begin_analyze_document("prebuilt-layout", pdf2).result()

        everything = httpx.get(f"{server.url}/records/usage-logs").json()
        assert everything == {
            "apiType": "FormRecognizer",
            "serviceName": "read",
            "meters": [{"name": READ, "quantity": 7}],
        }
        now = datetime.now(UTC)
        month = httpx.get(f"{server.url}/records/usage-logs/{now.month}/{now.year}").json()
        assert month["meters"] == [{"name": READ, "quantity": 7}]
        other = httpx.get(f"{server.url}/records/usage-logs/{now.month}/{now.year - 1}").json()
        assert other["meters"] == []
        assert httpx.get(f"{server.url}/records/usage-logs/13/{now.year}").status_code == 400
    finally:
        server.stop()

    offline = run_cli("usage", "report", "--output", str(out))
    assert offline.returncode == 0, offline.stderr
    assert json.loads(offline.stdout)["meters"] == [{"name": READ, "quantity": 7}]
    # An edited record: the offline report refuses to sum and names the record.
    (path,) = (out / "usage").glob("*.jsonl")
    lines = path.read_bytes().splitlines(keepends=True)
    lines[0] = lines[0].replace(b'"quantity":2', b'"quantity":1')
    path.write_bytes(b"".join(lines))
    broken = run_cli("usage", "report", "--output", str(out))
    assert broken.returncode != 0
    assert "Usage record 2" in broken.stderr and broken.stdout == ""


def test_refuses_to_start_without_license(tmp_path: Path) -> None:
    """Disconnected with an empty license folder: one line, non-zero exit."""
    lic = tmp_path / "license"
    lic.mkdir()
    r = run_cli(
        "serve",
        "Eula=accept",
        f"Mounts:License={lic}",
        f"Mounts:Output={tmp_path}",
        "License:PublicKey=" + "A" * 43 + "=",
    )
    assert r.returncode != 0
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("docintel: License check failed: No license")
