"""The REST surface in-process (no worker pool): routing, validation, error envelopes."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from docintel.api.app import create_app
from docintel.core.settings import load_settings

V30, V31 = "2022-08-31", "2023-07-31"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """An app whose runner is not started: operations stay ``notStarted``."""
    settings = load_settings({"Eula": "accept", "Mounts:Shared": str(tmp_path), "Workers": "1"})
    app = create_app(settings, start_runner=False)
    with TestClient(app, base_url="http://testserver:5000") as c:
        yield c


@pytest.fixture
def png() -> bytes:
    """A small valid PNG."""
    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, format="PNG")
    return buf.getvalue()


def err(r: Any) -> dict[str, Any]:
    """The error object, after checking the JSON media type."""
    assert r.headers["content-type"].startswith("application/json")
    e: dict[str, Any] = r.json()["error"]
    return e


def analyze_url(model: str = "prebuilt-read", version: str = V31, query: str = "") -> str:
    """The analyze route."""
    return f"/formrecognizer/documentModels/{model}:analyze?api-version={version}{query}"


def test_analyze_accepts_and_stores_before_202(client: TestClient, png: bytes) -> None:
    """202 with Operation-Location from the Host header; the operation exists right away."""
    r = client.post(
        analyze_url(), content=png, headers={"content-type": "application/octet-stream"}
    )
    assert r.status_code == 202, r.text
    loc = r.headers["operation-location"]
    assert loc.startswith("http://testserver:5000/formrecognizer/documentModels/prebuilt-read/")
    assert "location" not in r.headers
    poll = client.get(loc.removeprefix("http://testserver:5000"))
    assert poll.status_code == 200
    body = poll.json()
    assert body["status"] == "notStarted"
    assert poll.headers["retry-after"] == "1"
    assert set(body) == {"status", "createdDateTime", "lastUpdatedDateTime"}


def test_colon_may_be_percent_encoded(client: TestClient, png: bytes) -> None:
    """``%3A`` in place of the action colon is accepted."""
    url = f"/formrecognizer/documentModels/prebuilt-read%3Aanalyze?api-version={V31}"
    assert client.post(url, content=png).status_code == 202


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/formrecognizer/documentModels", 404, "404"),
        (f"/formrecognizer/nothing?api-version={V31}", 404, "404"),
        (f"/formrecognizer/documentModels/prebuilt-nope?api-version={V31}", 404, "NotFound"),
        (f"/formrecognizer/documentModels/-bad?api-version={V31}", 400, "InvalidArgument"),
        (
            f"/formrecognizer/documentModels/prebuilt-read/analyzeResults/{uuid.uuid4()}"
            f"?api-version={V31}",
            404,
            "NotFound",
        ),
        (f"/formrecognizer/operations/{uuid.uuid4()}?api-version={V31}", 404, "NotFound"),
    ],
)
def test_get_errors(client: TestClient, path: str, status: int, code: str) -> None:
    """Unknown routes/versions use the gateway body; unknown ids the typed envelope."""
    r = client.get(path)
    assert r.status_code == status
    assert err(r)["code"] == code


@pytest.mark.parametrize(
    ("query", "content_type", "body", "status", "inner"),
    [
        ("", "application/octet-stream", b"", 400, "InvalidContent"),
        ("", "application/octet-stream", b"GIF89a not supported", 400, "InvalidContent"),
        ("", "application/octet-stream", b"%PDF-1.7 broken", 400, "InvalidContent"),
        ("", "text/plain", b"hello", 415, None),
        ("&stringIndexType=x", "application/octet-stream", b"x", 400, "InvalidParameter"),
        ("&pages=0", "application/octet-stream", b"x", 400, "InvalidParameter"),
        ("&features=barcodes", "application/octet-stream", b"x", 400, "InvalidParameter"),
        ("", "application/json", b"{}", 400, "InvalidContentSourceFormat"),
        ("", "application/json", b"not json", 400, "InvalidContentSourceFormat"),
        ("", "application/json", b'{"base64Source": "@@"}', 400, "InvalidContentSourceFormat"),
        ("", "application/json", b'{"urlSource": "ftp://x/y"}', 400, "InvalidContentSourceFormat"),
        (
            "",
            "application/json",
            b'{"urlSource": "file:///etc/passwd"}',
            400,
            "ContentSourceNotAccessible",
        ),
    ],
)
def test_analyze_errors(
    client: TestClient, query: str, content_type: str, body: bytes, status: int, inner: str | None
) -> None:
    """Each bad request gets the contract's status and codes, never a crash."""
    r = client.post(analyze_url(query=query), content=body, headers={"content-type": content_type})
    assert r.status_code == status, r.text
    e = err(r)
    if inner is None:
        assert "innererror" not in e
    else:
        assert e["innererror"]["code"] == inner


def test_features_are_ignored_under_30(client: TestClient, png: bytes) -> None:
    """The 3.0 API has no ``features``: it is ignored rather than refused."""
    r = client.post(analyze_url(version=V30, query="&features=barcodes"), content=png)
    assert r.status_code == 202


def test_models_and_info(client: TestClient) -> None:
    """Prebuilt model list/get/delete and /info under both versions."""
    r = client.get(f"/formrecognizer/documentModels?api-version={V30}")
    ids = [m["modelId"] for m in r.json()["value"]]
    assert ids == [
        "prebuilt-read",
        "prebuilt-layout",
        "prebuilt-document",
        "prebuilt-invoice",
        "prebuilt-receipt",
    ]
    assert "nextLink" not in r.json()
    for version in (V30, V31):
        inv = client.get(f"/formrecognizer/documentModels/prebuilt-invoice?api-version={version}")
        schema = inv.json()["docTypes"]["invoice"]["fieldSchema"]
        assert schema["InvoiceTotal"]["type"] == "currency"
        assert schema["Items"]["items"]["properties"]["UnitPrice"]["type"] == "currency"
        # 3.1-only fields and the 3.0 ServiceAddress type (API_CONTRACT.md §7.1).
        assert ("TotalDiscount" in schema) == (version == V31)
        assert schema["ServiceAddress"]["type"] == ("string" if version == V30 else "address")
        rec = client.get(f"/formrecognizer/documentModels/prebuilt-receipt?api-version={version}")
        types = rec.json()["docTypes"]
        assert set(types) == {
            "receipt",
            "receipt.retailMeal",
            "receipt.creditCard",
            "receipt.gas",
            "receipt.parking",
            "receipt.hotel",
        }
        assert types["receipt"]["fieldSchema"]["Total"]["type"] == "number"
        assert types["receipt.hotel"]["fieldSchema"]["ArrivalDate"]["type"] == "date"
    doc = client.get(f"/formrecognizer/documentModels/prebuilt-document?api-version={V31}")
    assert "docTypes" not in doc.json()
    m = client.get(f"/formrecognizer/documentModels/prebuilt-read?api-version={V31}").json()
    assert m["description"] == "Extract text from documents." and m["tags"] == {}
    d = client.delete(f"/formrecognizer/documentModels/prebuilt-read?api-version={V31}")
    assert d.status_code == 400 and err(d)["innererror"]["code"] == "ModelReadOnly"
    info30 = client.get(f"/formrecognizer/info?api-version={V30}").json()
    assert info30 == {"customDocumentModels": {"count": 0, "limit": 5000}}
    info31 = client.get(f"/formrecognizer/info?api-version={V31}").json()
    assert info31["customNeuralDocumentModelBuilds"]["quotaResetDateTime"].endswith("T00:00:00Z")


def test_container_routes_and_headers(client: TestClient) -> None:
    """/ready is 503 until workers are up; every response carries apim-request-id; CORS."""
    r = client.get("/ready")
    assert r.status_code == 503 and r.json()["status"] == "notReady"
    assert r.headers["apim-request-id"]
    r = client.get("/status", headers={"x-ms-client-request-id": "abc"})
    assert r.json()["apiStatus"] == "Valid"
    assert r.headers["x-ms-client-request-id"] == "abc"
    pre = client.options(
        f"/formrecognizer/info?api-version={V31}",
        headers={"Origin": "http://studio", "Access-Control-Request-Method": "GET"},
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "*"
    assert client.get("/ContainerLiveness").status_code == 200


def test_require_key(tmp_path: Path) -> None:
    """With Authentication:RequireKey the key must match ApiKey (gateway 401 otherwise)."""
    settings = load_settings(
        {
            "Eula": "accept",
            "Mounts:Shared": str(tmp_path),
            "Authentication:RequireKey": "true",
            "Billing": "http://billing",
            "ApiKey": "s3cret",
        }
    )
    with TestClient(create_app(settings, start_runner=False)) as c:
        url = f"/formrecognizer/info?api-version={V31}"
        r = c.get(url, headers={"Ocp-Apim-Subscription-Key": "wrong"})
        assert r.status_code == 401 and err(r)["code"] == "401"
        assert c.get(url, headers={"Ocp-Apim-Subscription-Key": "s3cret"}).status_code == 200
        assert c.get("/status").status_code == 200


def test_size_limit(tmp_path: Path, png: bytes) -> None:
    """A body over Limits:MaxDocumentBytes → 400 InvalidContentLength."""
    settings = load_settings(
        {"Eula": "accept", "Mounts:Shared": str(tmp_path), "Limits:MaxDocumentBytes": "100"}
    )
    with TestClient(create_app(settings, start_runner=False)) as c:
        r = c.post(analyze_url(), content=png)
        assert r.status_code == 400 and err(r)["innererror"]["code"] == "InvalidContentLength"
