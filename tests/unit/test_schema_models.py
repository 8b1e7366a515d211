"""REST models: golden examples round-trip, omission rules, version gating, date-times."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from docintel import schema as sch

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs"
VERSIONS = ("2022-08-31", "2023-07-31")

# Example file → the model of its 200 body (classifier examples exist for 3.1 only).
EXAMPLES: dict[str, type[BaseModel]] = {
    "GetAnalyzeDocumentResult": sch.AnalyzeResultOperation,
    "GetDocumentModels": sch.GetDocumentModelsResponse,
    "GetDocumentModel_Custom": sch.DocumentModelDetails,
    "GetDocumentModel_Prebuilt": sch.DocumentModelDetails,
    "GetOperation": sch.OperationDetails,
    "GetOperations": sch.GetOperationsResponse,
    "GetResourceDetails": sch.ResourceDetails,
    "AuthorizeCopyDocumentModel": sch.CopyAuthorization,
    "GetDocumentClassifier": sch.DocumentClassifierDetails,
    "GetDocumentClassifiers": sch.GetDocumentClassifiersResponse,
    "GetClassifyDocumentResult": sch.AnalyzeResultOperation,
}
REQUESTS: dict[str, tuple[str, type[BaseModel]]] = {
    "BuildDocumentModel": ("buildRequest", sch.BuildDocumentModelRequest),
    "ComposeDocumentModel": ("composeRequest", sch.ComposeDocumentModelRequest),
    "AuthorizeCopyDocumentModel": ("authorizeCopyRequest", sch.AuthorizeCopyRequest),
}


def example(version: str, name: str) -> dict[str, Any]:
    """One swagger example file (skips when the shared specs are absent or lack it)."""
    path = SPECS / version / "examples" / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"{path} not available")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def golden(version: str) -> dict[str, Any]:
    """The golden analyze operation body of one api-version."""
    body: dict[str, Any] = example(version, "GetAnalyzeDocumentResult")["responses"]["200"]["body"]
    return body


# The model-management examples disagree with each other on key order; these do not.
KEY_ORDERED = {"GetAnalyzeDocumentResult", "GetClassifyDocumentResult", "GetOperation"}
CASES = [
    (version, name)
    for version in VERSIONS
    for name in sorted(EXAMPLES)
    if version == "2023-07-31" or "Classif" not in name
]


@pytest.mark.parametrize(("version", "name"), CASES)
def test_example_bodies_round_trip_exactly(version: str, name: str) -> None:
    body = example(version, name)["responses"]["200"]["body"]
    model = EXAMPLES[name].model_validate(body)
    out = sch.dump(model, version)
    assert out == body
    if name in KEY_ORDERED:
        # Key order too: our output diffs cleanly against the cloud's.
        assert json.dumps(out) == json.dumps(body)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_example_requests_round_trip(version: str, name: str) -> None:
    key, cls = REQUESTS[name]
    body = example(version, name)["parameters"][key]
    assert sch.dump(cls.model_validate(body), version) == body


@pytest.mark.parametrize("version", VERSIONS)
def test_golden_analyze_result_dump_json_matches(version: str) -> None:
    body = golden(version)
    op = sch.AnalyzeResultOperation.model_validate(body)
    assert json.loads(sch.dump_json(op)) == body
    assert json.loads(sch.dump_json(op.analyze_result or op)) == body["analyzeResult"]


@pytest.mark.parametrize("version", VERSIONS)
def test_golden_dump_deserializes_through_the_official_sdk(version: str) -> None:
    pytest.importorskip("azure.ai.formrecognizer")
    from azure.ai.formrecognizer import AnalyzeResult
    from azure.ai.formrecognizer._helpers import _get_deserialize

    body = sch.dump(sch.AnalyzeResultOperation.model_validate(golden(version)))
    op = _get_deserialize(version)("AnalyzeResultOperation", body)
    result = AnalyzeResult._from_generated(op.analyze_result)
    assert len(result.pages[0].words) == len(body["analyzeResult"]["pages"][0]["words"])
    assert result.documents[0].fields["DueDate"].value == dt.date(2019, 12, 15)
    assert [w.content for w in result.pages[0].lines[0].get_words()] == ["CONTOSO", "LTD."]


def test_absent_optionals_and_empty_optional_lists_are_omitted() -> None:
    page = sch.DocumentPage(page_number=1, words=[], lines=None, spans=[])
    out = sch.dump(page)
    assert out == {"pageNumber": 1, "spans": []}
    cell = sch.DocumentTableCell(row_index=0, column_index=1, content="", spans=[])
    assert sch.dump(cell) == {"rowIndex": 0, "columnIndex": 1, "content": "", "spans": []}
    table = sch.DocumentTable(row_count=1, column_count=1, cells=[], spans=[])
    assert sch.dump(table) == {"rowCount": 1, "columnCount": 1, "cells": [], "spans": []}
    assert "null" not in json.dumps(sch.dump(sch.Error(code="X", message="m", details=[])))


def test_array_field_keeps_an_empty_value_array() -> None:
    field = sch.DocumentField(type="array", value_array=[], spans=[])
    assert sch.dump(field) == {"type": "array", "valueArray": []}


def test_field_values_use_the_strict_wire_formats() -> None:
    field = sch.DocumentField(
        type="object",
        value_object={
            "D": sch.DocumentField(type="date", value_date=dt.date(2024, 2, 3)),
            "T": sch.DocumentField(type="time", value_time=dt.time(9, 5, 7, 123)),
            "N": sch.DocumentField(type="number", value_number=12.5, confidence=0.9),
        },
    )
    out = sch.dump(field)["valueObject"]
    assert out["D"] == {"type": "date", "valueDate": "2024-02-03"}
    assert out["T"] == {"type": "time", "valueTime": "09:05:07"}
    assert out["N"] == {"type": "number", "valueNumber": 12.5, "confidence": 0.9}


def test_version_gating_drops_31_only_properties() -> None:
    v30, v31 = sch.API_V30, sch.API_V31
    page = sch.DocumentPage(
        page_number=1,
        spans=[sch.DocumentSpan(offset=0, length=0)],
        barcodes=[
            sch.DocumentBarcode(
                kind="QRCode", value="x", span=sch.DocumentSpan(offset=0, length=9), confidence=1
            )
        ],
        annotations=[
            sch.DocumentAnnotation(kind="check", polygon=[0, 0, 1, 0, 1, 1, 0, 1], confidence=1)
        ],
        formulas=[
            sch.DocumentFormula(
                kind="inline", value="x^2", span=sch.DocumentSpan(offset=0, length=9), confidence=1
            )
        ],
    )
    assert set(sch.dump(page, v31)) == {
        "pageNumber",
        "spans",
        "barcodes",
        "annotations",
        "formulas",
    }
    assert set(sch.dump(page, v30)) == {"pageNumber", "spans"}

    money = sch.CurrencyValue(amount=3, currency_symbol="$", currency_code="USD")
    assert sch.dump(money, v30) == {"amount": 3, "currencySymbol": "$"}
    assert sch.dump(money, v31)["currencyCode"] == "USD"

    address = sch.AddressValue(city="Redmond", unit="4", level="2", street_address="1 Way")
    assert sch.dump(address, v30) == {"city": "Redmond", "streetAddress": "1 Way"}
    assert sch.dump(address, v31)["level"] == "2"

    flag = sch.DocumentField(type="boolean", value_boolean=True, content="yes")
    assert sch.dump(flag, v30) == {"type": "string", "valueString": "true", "content": "yes"}
    assert sch.dump(flag, v31) == {"type": "boolean", "valueBoolean": True, "content": "yes"}

    para = sch.DocumentParagraph(role="formulaBlock", content="x", spans=[])
    assert "role" not in sch.dump(para, v30)
    assert sch.dump(para, v31)["role"] == "formulaBlock"

    model = sch.DocumentModelSummary(
        model_id="m",
        created_date_time="2024-01-01T00:00:00Z",
        expiration_date_time="2025-01-01T00:00:00Z",
    )
    assert "expirationDateTime" not in sch.dump(model, v30)
    assert "expirationDateTime" in sch.dump(model, v31)

    info = sch.ResourceDetails(
        custom_document_models=sch.CustomDocumentModelsDetails(count=1, limit=5000),
        custom_neural_document_model_builds=sch.QuotaDetails(
            used=0, quota=20, quota_reset_date_time="2024-02-01T00:00:00Z"
        ),
    )
    assert sch.dump(info, v30) == {"customDocumentModels": {"count": 1, "limit": 5000}}
    assert "customNeuralDocumentModelBuilds" in sch.dump(info, v31)
    # Without an api-version nothing is gated.
    assert "customNeuralDocumentModelBuilds" in sch.dump(info)


def test_font_only_styles_vanish_under_30() -> None:
    span = [sch.DocumentSpan(offset=0, length=3)]
    result = sch.AnalyzeResult(
        api_version=sch.API_V30,
        model_id="prebuilt-layout",
        string_index_type="unicodeCodePoint",
        content="abc",
        pages=[sch.DocumentPage(page_number=1, spans=span)],
        styles=[
            sch.DocumentStyle(is_handwritten=True, font_weight="bold", spans=span, confidence=0.9),
            sch.DocumentStyle(font_style="italic", spans=span, confidence=1),
        ],
    )
    assert sch.dump(result)["styles"] == [
        {"isHandwritten": True, "spans": [{"offset": 0, "length": 3}], "confidence": 0.9}
    ]
    result.styles = [sch.DocumentStyle(font_style="italic", spans=span, confidence=1)]
    assert "styles" not in sch.dump(result)
    # The result's own apiVersion drives gating; an explicit one wins.
    assert sch.dump(result, sch.API_V31)["styles"][0]["fontStyle"] == "italic"


def test_format_datetime_is_exact_and_utc() -> None:
    naive = dt.datetime(2024, 1, 2, 3, 4, 5, 678901)
    assert sch.format_datetime(naive) == "2024-01-02T03:04:05Z"
    plus2 = dt.datetime(2024, 1, 2, 5, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert sch.format_datetime(plus2) == "2024-01-02T03:04:05Z"
    assert sch.is_canonical_datetime("2024-01-02T03:04:05Z")
    assert not sch.is_canonical_datetime("2024-01-02T03:04:05.123Z")


def test_datetime_fields_accept_datetime_objects() -> None:
    op = sch.OperationSummary(
        operation_id="1",
        status="running",
        created_date_time=dt.datetime(2024, 1, 2, 3, 4, 5, 999, tzinfo=dt.UTC),
        last_updated_date_time="2024-01-02T03:04:06Z",
        kind="documentModelBuild",
        resource_location="http://x/formrecognizer/documentModels/m?api-version=2023-07-31",
    )
    out = sch.dump(op)
    assert out["createdDateTime"] == "2024-01-02T03:04:05Z"
    assert list(out) == [
        "operationId",
        "status",
        "createdDateTime",
        "lastUpdatedDateTime",
        "kind",
        "resourceLocation",
    ]


def test_error_envelope_nests_inner_errors_without_nulls() -> None:
    env = sch.error_envelope(
        "InvalidRequest",
        "Invalid request.",
        innererror=sch.InnerError(code="InvalidContent", message="The file is corrupted."),
    )
    assert env == {
        "error": {
            "code": "InvalidRequest",
            "message": "Invalid request.",
            "innererror": {"code": "InvalidContent", "message": "The file is corrupted."},
        }
    }


def test_models_accept_python_names_and_wire_names() -> None:
    a = sch.DocumentSpan(offset=1, length=2)
    b = sch.DocumentSpan.model_validate({"offset": 1, "length": 2})
    assert a == b
    r1 = sch.BoundingRegion(page_number=2, polygon=[0, 0, 1, 0, 1, 1, 0, 1])
    r2 = sch.BoundingRegion.model_validate({"pageNumber": 2, "polygon": [0, 0, 1, 0, 1, 1, 0, 1]})
    assert r1 == r2
    assert sch.dump(r1) == {"pageNumber": 2, "polygon": [0, 0, 1, 0, 1, 1, 0, 1]}
