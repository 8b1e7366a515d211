"""prebuilt-document, prebuilt-invoice and prebuilt-receipt through the official SDK.

The SDK's typed accessors are the contract here: ``field.value`` must be a ``date``, a
``CurrencyValue``, an ``AddressValue``, a ``float``, a ``list`` or a ``dict`` as the schema says,
and every located field's spans must read its content out of ``result.content``.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from azure.ai.formrecognizer import (
    AddressValue,
    AnalysisFeature,
    AnalyzeResult,
    CurrencyValue,
    DocumentAnalysisClient,
    DocumentField,
    DocumentModelAdministrationClient,
)
from azure.core.credentials import AzureKeyCredential

from tests.conformance.conftest import Server
from tests.helpers import documents as docs

pytestmark = [pytest.mark.conformance, pytest.mark.engine, pytest.mark.slow]

VERSIONS = ("2022-08-31", "2023-07-31")


@functools.cache
def invoice_pdf() -> bytes:
    """A US invoice (text layer) with a borderless item table."""
    return docs.placed_pdf([docs.INVOICE_US])


@functools.cache
def receipt_png() -> bytes:
    """A narrow cafe receipt rendered as a slightly rotated photo-like PNG (goes through OCR)."""
    pdf = docs.placed_pdf([docs.RECEIPT_LINES], size=(3.0, 3.8))
    return docs.render_pdf_page(pdf, dpi=220, angle=1.2)


@functools.cache
def form_pdf() -> bytes:
    """A short form with ``Label: value`` pairs and one empty label."""
    return docs.placed_pdf([docs.FORM_LINES])


def client(server: Server, version: str) -> DocumentAnalysisClient:
    """An SDK client for one api-version."""
    return DocumentAnalysisClient(server.url, AzureKeyCredential("any-key"), api_version=version)


def check_located(result: AnalyzeResult, field: DocumentField) -> None:
    """Spans read the field's content out of ``content``; regions are on real pages."""
    if not field.spans:
        return
    text = " ".join(result.content[s.offset : s.offset + s.length] for s in field.spans)
    assert text.replace("\n", " ") == field.content
    pages = {p.page_number for p in result.pages}
    assert field.bounding_regions
    for region in field.bounding_regions:
        assert region.page_number in pages and len(region.polygon) == 4


def walk(result: AnalyzeResult, field: DocumentField) -> None:
    """Check a field and everything inside it."""
    check_located(result, field)
    assert field.confidence is None or 0 <= field.confidence <= 1
    if field.value_type == "list":
        for item in field.value:
            walk(result, item)
    elif field.value_type == "dictionary":
        for sub in field.value.values():
            walk(result, sub)


@pytest.mark.parametrize("version", VERSIONS)
def test_invoice_typed_fields(server: Server, version: str) -> None:
    """Dates are ``date``, money is ``CurrencyValue``, addresses ``AddressValue``, items a list."""
    result = (
        client(server, version).begin_analyze_document("prebuilt-invoice", invoice_pdf()).result()
    )
    assert result.model_id == "prebuilt-invoice"
    assert len(result.documents) == 1
    doc = result.documents[0]
    assert doc.doc_type == "invoice"
    assert doc.bounding_regions[0].page_number == 1
    f = doc.fields
    for field in f.values():
        walk(result, field)
    assert f["InvoiceId"].value == "NWL-20931"
    assert f["InvoiceDate"].value == dt.date(2024, 3, 14)
    assert f["DueDate"].value == dt.date(2024, 4, 13)
    total = f["InvoiceTotal"].value
    assert isinstance(total, CurrencyValue)
    assert total.amount == 864.0 and total.symbol == "$"
    if version == "2023-07-31":
        assert total.code == "USD"
    assert f["SubTotal"].value.amount == 800.0
    assert f["TotalTax"].value.amount == 64.0
    vendor = f["VendorAddress"].value
    assert isinstance(vendor, AddressValue)
    assert vendor.city == "Portland" and vendor.postal_code == "97204"
    assert "Northwind" in f["VendorName"].value
    assert f["CustomerName"].value == "Cascade Dental Group"
    items = f["Items"].value
    assert isinstance(items, list) and len(items) == 3
    first = items[0].value
    assert isinstance(first, dict)
    assert first["Description"].value == "LED panel 60x60"
    assert first["Quantity"].value == 4.0
    assert first["UnitPrice"].value.amount == 120.0
    assert first["Amount"].value.amount == 480.0


@pytest.mark.parametrize("version", VERSIONS)
def test_receipt_typed_fields(server: Server, version: str) -> None:
    """A photographed receipt: numbers are ``float``, date/time typed, phone in E.164."""
    result = (
        client(server, version).begin_analyze_document("prebuilt-receipt", receipt_png()).result()
    )
    assert result.pages[0].unit == "pixel"
    doc = result.documents[0]
    assert doc.doc_type.startswith("receipt")
    f = doc.fields
    for field in f.values():
        walk(result, field)
    assert f["MerchantName"].value == "BLUE HERON CAFE"
    assert f["Total"].value == pytest.approx(16.70)
    assert f["Total"].value_type == "float"
    assert f["TransactionDate"].value == dt.date(2024, 9, 2)
    assert f["TransactionTime"].value == dt.time(13, 42)
    assert f["MerchantPhoneNumber"].value == "+35391562340"
    items = f["Items"].value
    assert len(items) == 3
    assert items[0].value["TotalPrice"].value == pytest.approx(7.0)


@pytest.mark.parametrize("version", VERSIONS)
def test_document_key_value_pairs(server: Server, version: str) -> None:
    """Key-value pairs with content and spans; a key with no value has ``value`` None."""
    result = (
        client(server, version).begin_analyze_document("prebuilt-document", form_pdf()).result()
    )
    pairs = {kv.key.content.rstrip(":"): kv for kv in result.key_value_pairs}
    assert pairs["Name"].value.content == "Priya Raman"
    assert pairs["Department"].value.content == "Radiology"
    assert pairs["Employee ID"].value.content == "55-2318"
    assert pairs["Return date"].value is None
    for kv in result.key_value_pairs:
        for element in (kv.key, kv.value):
            if element is None:
                continue
            text = " ".join(result.content[s.offset : s.offset + s.length] for s in element.spans)
            assert text.replace("\n", " ") == element.content
        assert 0 <= kv.confidence <= 1
    assert result.tables is not None  # layout output is included


def test_layout_key_value_pairs_feature(server: Server) -> None:
    """3.1 ``features=keyValuePairs`` adds pairs to prebuilt-layout; without it there are none."""
    c = client(server, "2023-07-31")
    plain = c.begin_analyze_document("prebuilt-layout", form_pdf()).result()
    assert not plain.key_value_pairs
    with_kv = c.begin_analyze_document(
        "prebuilt-layout", form_pdf(), features=[AnalysisFeature.KEY_VALUE_PAIRS]
    ).result()
    assert any(kv.key.content.startswith("Name") for kv in with_kv.key_value_pairs)


@pytest.mark.parametrize("version", VERSIONS)
def test_prebuilt_model_details(server: Server, version: str) -> None:
    """``get_document_model`` exposes the docTypes and field schemas of invoice and receipt."""
    admin = DocumentModelAdministrationClient(
        server.url, AzureKeyCredential("any-key"), api_version=version
    )
    invoice = admin.get_document_model("prebuilt-invoice")
    schema = invoice.doc_types["invoice"].field_schema
    assert schema["InvoiceDate"]["type"] == "date"
    assert schema["Items"]["items"]["properties"]["Amount"]["type"] == "currency"
    receipt = admin.get_document_model("prebuilt-receipt")
    assert "receipt.retailMeal" in receipt.doc_types
    ids = {m.model_id for m in admin.list_document_models()}
    assert {"prebuilt-document", "prebuilt-invoice", "prebuilt-receipt"} <= ids
