"""The official azure-ai-formrecognizer 3.3.3 SDK, unmodified, against a live docintel."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from azure.ai.formrecognizer import (
    AnalyzeResult,
    DocumentAnalysisClient,
    DocumentModelAdministrationClient,
)
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from tests.conformance.conftest import Server
from tests.helpers import documents as docs
from tests.helpers.http import serve_folder

pytestmark = [pytest.mark.conformance, pytest.mark.engine, pytest.mark.slow]

VERSIONS = ("2022-08-31", "2023-07-31")
TWO_PAGES = docs.sample_pages(2)
ONE_PAGE = [docs.PARAGRAPHS]


@functools.cache
def document(kind: str) -> bytes:
    """Test documents by kind (generated once per session)."""
    if kind == "pdf":
        return docs.born_digital_pdf(TWO_PAGES)
    if kind == "scanned-pdf":
        return docs.scanned_pdf(TWO_PAGES)
    if kind == "tiff":
        return docs.multipage_tiff(TWO_PAGES)
    return docs.image_bytes(kind.upper())


EXPECTED = {
    "pdf": (2, "inch"),
    "scanned-pdf": (2, "inch"),
    "jpeg": (1, "pixel"),
    "png": (1, "pixel"),
    "bmp": (1, "pixel"),
    "tiff": (2, "pixel"),
    "heif": (1, "pixel"),
}


def client(server: Server, version: str) -> DocumentAnalysisClient:
    """An SDK client for one api-version."""
    return DocumentAnalysisClient(server.url, AzureKeyCredential("any-key"), api_version=version)


def check_result(result: AnalyzeResult, kind: str, model: str) -> None:
    """Pages, units, text and the span invariants the SDK users rely on."""
    pages, unit = EXPECTED[kind]
    assert result.model_id == model
    assert len(result.pages) == pages
    words_text = " ".join(w.content for p in result.pages for w in p.words).lower()
    for needle in ("committee", "budget", "revenue", "office"):
        assert needle in words_text, f"{needle!r} not read from {kind}"
    for page in result.pages:
        assert page.unit == unit
        assert page.width and page.height
        for w in page.words:
            assert result.content[w.span.offset : w.span.offset + w.span.length] == w.content
            assert 0 <= w.confidence <= 1
            assert len(w.polygon) == 4
        for line in page.lines:
            joined = "".join(result.content[s.offset : s.offset + s.length] for s in line.spans)
            assert joined == line.content
            assert " ".join(w.content for w in line.get_words()) == line.content
    for para in result.paragraphs:
        text = "\n".join(result.content[s.offset : s.offset + s.length] for s in para.spans)
        assert text.replace("\n", " ") == para.content.replace("\n", " ")


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_analyze_every_file_type(server: Server, version: str, kind: str) -> None:
    """Every supported file type, with read under one version and layout under the other."""
    model = (
        "prebuilt-layout"
        if (version == "2023-07-31") == (kind in ("pdf", "png", "tiff"))
        else "prebuilt-read"
    )
    poller = client(server, version).begin_analyze_document(model, document(kind))
    result = poller.result()
    assert result.api_version == version
    check_result(result, kind, model)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("model", ["prebuilt-read", "prebuilt-layout"])
def test_analyze_from_url(server: Server, version: str, model: str, tmp_path: Path) -> None:
    """``begin_analyze_document_from_url`` against a loopback HTTP server."""
    (tmp_path / "doc.pdf").write_bytes(document("pdf"))
    with serve_folder(tmp_path) as base:
        result = (
            client(server, version)
            .begin_analyze_document_from_url(model, f"{base}/doc.pdf")
            .result()
        )
    check_result(result, "pdf", model)


def test_pages_parameter_keeps_original_numbers(server: Server) -> None:
    """``pages=2`` analyses only page 2 and reports it as page 2."""
    result = (
        client(server, "2023-07-31")
        .begin_analyze_document("prebuilt-read", document("pdf"), pages="2")
        .result()
    )
    assert [p.page_number for p in result.pages] == [2]
    assert "Page 2 heading" in result.content
    assert "Page 1 heading" not in result.content


def test_layout_has_paragraphs_with_bounding_regions(server: Server) -> None:
    """Layout paragraphs carry spans and bounding regions on the right page."""
    result = (
        client(server, "2023-07-31")
        .begin_analyze_document("prebuilt-layout", document("pdf"))
        .result()
    )
    assert result.paragraphs
    for p in result.paragraphs:
        assert p.bounding_regions and p.bounding_regions[0].page_number in (1, 2)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"%PDF-1.7\nthis is not really a pdf", "InvalidRequest"),
        (b"\x00\x01\x02 random bytes that are no document", "InvalidRequest"),
        (b"", "InvalidRequest"),
        ("encrypted", "InvalidRequest"),
        ("tiny-image", "InvalidRequest"),
    ],
)
def test_bad_input_is_a_clear_error(server: Server, payload: bytes | str, code: str) -> None:
    """Corrupt, empty, encrypted, too-small inputs: HttpResponseError with the contract's code."""
    if payload == "encrypted":
        payload = docs.encrypted_pdf()
    elif payload == "tiny-image":
        payload = docs.image_bytes("PNG", ["x"], size=(30, 30), font_px=10)
    assert isinstance(payload, bytes)
    with pytest.raises(HttpResponseError) as err:
        client(server, "2023-07-31").begin_analyze_document("prebuilt-read", payload).result()
    assert err.value.error is not None
    assert err.value.error.code == code


def test_unknown_model_is_not_found(server: Server) -> None:
    """An unknown model id → ResourceNotFoundError (404 ModelNotFound)."""
    with pytest.raises(ResourceNotFoundError):
        client(server, "2023-07-31").begin_analyze_document("prebuilt-nothing", document("png"))


def test_bad_pages_parameter(server: Server) -> None:
    """A malformed ``pages`` → 400 InvalidArgument."""
    with pytest.raises(HttpResponseError) as err:
        client(server, "2022-08-31").begin_analyze_document(
            "prebuilt-read", document("pdf"), pages="3-1"
        )
    assert err.value.status_code == 400
    assert err.value.error is not None and err.value.error.code == "InvalidArgument"


@pytest.mark.parametrize("version", VERSIONS)
def test_model_management(server: Server, version: str) -> None:
    """list/get models, resource details, prebuilt delete refused."""
    admin = DocumentModelAdministrationClient(
        server.url, AzureKeyCredential("k"), api_version=version
    )
    ids = [m.model_id for m in admin.list_document_models()]
    assert ids[:2] == ["prebuilt-read", "prebuilt-layout"]
    model = admin.get_document_model("prebuilt-layout")
    assert model.description and model.created_on
    details = admin.get_resource_details()
    assert details.custom_document_models.count == 0
    assert details.custom_document_models.limit == 5000
    with pytest.raises(ResourceNotFoundError):
        admin.get_document_model("custom-unknown")
    with pytest.raises(HttpResponseError):
        admin.delete_document_model("prebuilt-read")
    assert list(admin.list_operations()) == []
