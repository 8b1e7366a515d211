"""``/records/usage-logs``: shape, month filter, 400 on bad month/year, 409 on a broken chain."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from docintel.api.app import create_app
from docintel.core.settings import load_settings

LAYOUT = "FormRecognizer.Layout.Pages"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """A standalone layout app with an output folder (records are written in standalone too)."""
    (tmp_path / "out").mkdir()
    settings = load_settings(
        {
            "Eula": "accept",
            "ContainerKind": "layout",
            "Mounts:Shared": str(tmp_path / "shared"),
            "Mounts:Output": str(tmp_path / "out"),
        }
    )
    app = create_app(settings, start_runner=False)
    usage = app.state.service.usage
    usage.record("a", "prebuilt-layout", [(LAYOUT, 2)], datetime(2024, 1, 31, tzinfo=UTC))
    usage.record("b", "prebuilt-layout", [(LAYOUT, 5)], datetime(2024, 2, 1, tzinfo=UTC))
    with TestClient(app) as c:
        yield c


def test_all_and_month(client: TestClient) -> None:
    """The documented body, all records and one month."""
    r = client.get("/records/usage-logs")
    assert r.status_code == 200
    assert r.json() == {
        "apiType": "FormRecognizer",
        "serviceName": "layout",
        "meters": [{"name": LAYOUT, "quantity": 7}],
    }
    assert client.get("/records/usage-logs/2/2024").json()["meters"] == [
        {"name": LAYOUT, "quantity": 5}
    ]
    assert client.get("/records/usage-logs/01/2024").json()["meters"] == [
        {"name": LAYOUT, "quantity": 2}
    ]
    assert client.get("/records/usage-logs/3/2024").json()["meters"] == []


@pytest.mark.parametrize(
    ("month", "year", "param"),
    [("0", "2024", "MONTH"), ("13", "2024", "MONTH"), ("x", "2024", "MONTH"), ("1", "24", "YEAR")],
)
def test_bad_month_or_year(client: TestClient, month: str, year: str, param: str) -> None:
    """400 ``InvalidArgument`` envelope naming the parameter."""
    r = client.get(f"/records/usage-logs/{month}/{year}")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "InvalidArgument" and param in err["innererror"]["message"]


def test_broken_chain_is_reported_not_summed(client: TestClient, tmp_path: Path) -> None:
    """409 ``Conflict``/``UsageRecordsInvalid`` naming the first bad record."""
    jan = tmp_path / "out" / "usage" / "2024-01.jsonl"
    jan.write_bytes(jan.read_bytes().replace(b'"quantity":2', b'"quantity":1'))
    for url in ("/records/usage-logs", "/records/usage-logs/2/2024"):
        r = client.get(url)
        assert r.status_code == 409
        err = r.json()["error"]
        assert err["code"] == "Conflict"
        assert err["innererror"]["code"] == "UsageRecordsInvalid"
        assert "Usage record 2 (2024-02.jsonl, line 1)" in err["innererror"]["message"]


def test_no_output_folder_is_404(tmp_path: Path) -> None:
    """Without Mounts:Output nothing is recorded: 404 with the envelope."""
    settings = load_settings({"Eula": "accept", "Mounts:Shared": str(tmp_path)})
    with TestClient(create_app(settings, start_runner=False)) as c:
        r = c.get("/records/usage-logs")
        assert r.status_code == 404
        assert "Mounts:Output" in r.json()["error"]["innererror"]["message"]
