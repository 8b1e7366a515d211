"""Wire-level checks of the REST contract that the SDK hides (raw HTTP on loopback)."""

from __future__ import annotations

import base64
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conformance.conftest import Server, start_server
from tests.helpers import documents as docs

pytestmark = [pytest.mark.conformance, pytest.mark.engine]

V31 = "2023-07-31"


def analyze(
    server: Server,
    body: bytes,
    *,
    model: str = "prebuilt-read",
    version: str = V31,
    content_type: str = "application/octet-stream",
    query: str = "",
) -> httpx.Response:
    """POST an analyze request."""
    url = f"{server.url}/formrecognizer/documentModels/{model}:analyze?api-version={version}{query}"
    return httpx.post(url, content=body, headers={"Content-Type": content_type}, timeout=60)


def poll(url: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll an Operation-Location until a terminal status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = httpx.get(url, timeout=30)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/json")
        body: dict[str, Any] = r.json()
        if body["status"] in ("succeeded", "failed"):
            return body
        assert body["status"] in ("notStarted", "running")
        time.sleep(0.2)
    raise AssertionError("operation did not finish")


def error_of(r: httpx.Response) -> dict[str, Any]:
    """The ``error`` object of an error response (and its JSON media type)."""
    assert r.headers["content-type"].startswith("application/json"), r.headers
    err: dict[str, Any] = r.json()["error"]
    return err


def test_202_with_absolute_operation_location_and_no_location(server: Server) -> None:
    """Exactly 202, an absolute Operation-Location built from the Host header, no Location."""
    r = analyze(server, docs.born_digital_pdf([["Hello world"]]))
    assert r.status_code == 202
    assert r.content == b""
    loc = r.headers["operation-location"]
    assert loc.startswith(
        f"{server.url}/formrecognizer/documentModels/prebuilt-read/analyzeResults/"
    )
    assert loc.endswith(f"?api-version={V31}")
    assert "location" not in {k.lower() for k in r.headers if k.lower() != "operation-location"}
    assert r.headers.get("apim-request-id")
    body = poll(loc)
    assert body["status"] == "succeeded"
    assert body["createdDateTime"].endswith("Z") and len(body["createdDateTime"]) == 20
    result = body["analyzeResult"]
    assert result["apiVersion"] == V31 and result["modelId"] == "prebuilt-read"
    assert result["stringIndexType"] == "textElements"
    assert result["content"] == "Hello world"


def test_missing_or_unknown_api_version_is_gateway_404(server: Server) -> None:
    """The gateway's 404 body for a missing or unsupported api-version."""
    for q in ("", "?api-version=2021-09-30-preview"):
        r = httpx.get(f"{server.url}/formrecognizer/documentModels{q}")
        assert r.status_code == 404
        assert error_of(r) == {"code": "404", "message": "Resource not found"}


def test_unknown_result_and_wrong_model_are_operation_not_found(server: Server) -> None:
    """Unknown result id, or a result polled under another model id → 404 OperationNotFound."""
    rid = uuid.uuid4()
    r = httpx.get(
        f"{server.url}/formrecognizer/documentModels/prebuilt-read/analyzeResults/{rid}?api-version={V31}"
    )
    assert r.status_code == 404
    err = error_of(r)
    assert err["code"] == "NotFound" and err["innererror"]["code"] == "OperationNotFound"
    loc = analyze(server, docs.image_bytes("PNG")).headers["operation-location"]
    other = loc.replace("/prebuilt-read/", "/prebuilt-layout/")
    assert httpx.get(other).status_code == 404


@pytest.mark.parametrize(
    ("query", "inner"),
    [
        ("&stringIndexType=bytes", "InvalidParameter"),
        ("&pages=a-b", "InvalidParameter"),
        ("&features=telepathy", "InvalidParameter"),
        ("&locale=not a locale", "InvalidParameter"),
    ],
)
def test_bad_query_parameters(server: Server, query: str, inner: str) -> None:
    """Bad parameter values → 400 InvalidArgument/InvalidParameter."""
    r = analyze(server, docs.image_bytes("PNG"), query=query)
    assert r.status_code == 400
    err = error_of(r)
    assert err["code"] == "InvalidArgument" and err["innererror"]["code"] == inner


def test_unsupported_media_type(server: Server) -> None:
    """A Content-Type analyze does not accept → 415."""
    r = analyze(server, b"hello", content_type="text/plain")
    assert r.status_code == 415
    assert error_of(r)["code"] == "UnsupportedMediaType"


def test_base64_source_and_bad_json_bodies(server: Server) -> None:
    """base64Source works; both/neither source or bad base64 → 400 InvalidContentSourceFormat."""
    pdf = docs.born_digital_pdf([["Base sixty four"]])
    ok = httpx.post(
        f"{server.url}/formrecognizer/documentModels/prebuilt-read:analyze?api-version={V31}",
        json={"base64Source": base64.b64encode(pdf).decode()},
    )
    assert ok.status_code == 202
    assert poll(ok.headers["operation-location"])["analyzeResult"]["content"] == "Base sixty four"
    for body in (
        {},
        {"urlSource": "http://127.0.0.1:9/x", "base64Source": "AAAA"},
        {"base64Source": "%%%"},
    ):
        r = httpx.post(
            f"{server.url}/formrecognizer/documentModels/prebuilt-read:analyze?api-version={V31}",
            json=body,
        )
        assert r.status_code == 400, body
        assert error_of(r)["innererror"]["code"] == "InvalidContentSourceFormat"


def test_unreachable_url_source(server: Server) -> None:
    """A urlSource nobody answers → 400 ContentSourceNotAccessible."""
    r = httpx.post(
        f"{server.url}/formrecognizer/documentModels/prebuilt-read:analyze?api-version={V31}",
        json={"urlSource": "http://127.0.0.1:9/nothing.pdf"},
        timeout=60,
    )
    assert r.status_code == 400
    assert error_of(r)["innererror"]["code"] == "ContentSourceNotAccessible"


def test_wrong_method_is_405(server: Server) -> None:
    """A known route with the wrong verb → 405 MethodNotAllowed envelope."""
    r = httpx.put(f"{server.url}/formrecognizer/info?api-version={V31}")
    assert r.status_code == 405
    assert error_of(r)["code"] == "MethodNotAllowed"


def units(text: str, index_type: str) -> list[str]:
    """``text`` split into the units a span counts in."""
    import regex

    if index_type == "textElements":
        return list(regex.findall(r"\X", text))
    if index_type == "utf16CodeUnit":
        raw = text.encode("utf-16-le")
        return [raw[i : i + 2].decode("utf-16-le", "surrogatepass") for i in range(0, len(raw), 2)]
    return list(text)


def join(units_: list[str]) -> str:
    """Units back to text (UTF-16 halves re-paired)."""
    return "".join(units_).encode("utf-16-le", "surrogatepass").decode("utf-16-le")


@pytest.mark.parametrize("index_type", ["textElements", "unicodeCodePoint", "utf16CodeUnit"])
def test_string_index_types_with_non_bmp_text(server: Server, index_type: str) -> None:
    """Spans count graphemes, code points or UTF-16 units as asked (𝐀 is non-BMP)."""
    pdf = _unicode_pdf("𝐀𝐁 e\u0301te tail 𝐂 end")
    r = analyze(server, pdf, query=f"&stringIndexType={index_type}")
    assert r.status_code == 202, r.text
    result = poll(r.headers["operation-location"])["analyzeResult"]
    assert result["stringIndexType"] == index_type
    content = result["content"]
    assert "𝐀𝐁" in content and "tail" in content
    seq = units(content, index_type)
    for word in result["pages"][0]["words"]:
        span = word["span"]
        assert join(seq[span["offset"] : span["offset"] + span["length"]]) == word["content"]
    for line in result["pages"][0]["lines"]:
        got = " ".join(join(seq[s["offset"] : s["offset"] + s["length"]]) for s in line["spans"])
        assert got == line["content"]
    tail = next(w for w in result["pages"][0]["words"] if w["content"] == "tail")
    expected = len(units(content[: content.index("tail")], index_type))
    assert tail["span"]["offset"] == expected


def _unicode_pdf(text: str) -> bytes:
    try:
        return docs.unicode_pdf(text)
    except FileNotFoundError:
        pytest.skip("DejaVu fonts not installed")


def test_container_endpoints(server: Server) -> None:
    """/, /ready, /status, /swagger and the swagger JSON pointed at this host."""
    assert httpx.get(f"{server.url}/").headers["content-type"].startswith("text/html")
    assert httpx.get(f"{server.url}/ready").status_code == 200
    status = httpx.get(f"{server.url}/status").json()
    assert status["apiStatus"] == "Valid"
    page = httpx.get(f"{server.url}/swagger")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert httpx.get(f"{server.url}/swagger-ui/swagger-ui-bundle.js").status_code == 200
    spec = httpx.get(f"{server.url}/swagger/{V31}/swagger.json").json()
    assert spec["host"] == server.url.removeprefix("http://")
    assert "/documentModels/{modelId}:analyze" in spec["paths"]


@pytest.mark.slow
def test_restart_in_the_middle_of_a_job_completes_it(tmp_path: Path) -> None:
    """Accepted work survives a crash: kill -9 during a job, restart, the job completes."""
    import signal

    shared = tmp_path / "shared"
    srv = start_server(shared, tmp_path / "a.log", "Workers=1")
    try:
        r = analyze(srv, docs.scanned_pdf(docs.sample_pages(4)))
        assert r.status_code == 202
        loc = r.headers["operation-location"]
    finally:
        srv.stop(signal.SIGKILL)
    port = int(srv.url.rsplit(":", 1)[1])
    srv2 = start_server(shared, tmp_path / "b.log", "Workers=1", port=port)
    try:
        body = poll(loc, timeout=300)
        assert body["status"] == "succeeded", body
        assert [p["pageNumber"] for p in body["analyzeResult"]["pages"]] == [1, 2, 3, 4]
    finally:
        srv2.stop()
