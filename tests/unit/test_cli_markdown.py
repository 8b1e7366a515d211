"""Markdown rendering of analyze results: headings, tables, key-value pairs, document fields."""

from __future__ import annotations

from typing import Any

from docintel.cli.markdown import field_value_text, to_markdown


def _span(offset: int, length: int) -> list[dict[str, int]]:
    return [{"offset": offset, "length": length}]


def test_roles_tables_pairs_and_fields() -> None:
    """Titles become headings, tables pipe tables; pairs and fields follow the text."""
    result: dict[str, Any] = {
        "content": "Order\nName: Ada\nA\nB",
        "paragraphs": [
            {"content": "Order", "role": "title", "spans": _span(0, 5)},
            {"content": "Name: Ada", "spans": _span(6, 9)},
            {"content": "A", "spans": _span(16, 1)},
            {"content": "B", "spans": _span(18, 1)},
        ],
        "tables": [
            {
                "rowCount": 1,
                "columnCount": 2,
                "spans": _span(16, 3),
                "cells": [
                    {"rowIndex": 0, "columnIndex": 0, "content": "A"},
                    {"rowIndex": 0, "columnIndex": 1, "content": "B"},
                ],
            }
        ],
        "keyValuePairs": [
            {"key": {"content": "Name:"}, "value": {"content": "Ada"}, "confidence": 0.9},
            {"key": {"content": "Signed:"}, "confidence": 0.7},
        ],
        "documents": [
            {
                "docType": "invoice",
                "fields": {
                    "InvoiceTotal": {
                        "type": "currency",
                        "valueCurrency": {"amount": 12.5, "currencyCode": "EUR"},
                        "content": "12,50 €",
                        "confidence": 0.95,
                    },
                    "Items": {
                        "type": "array",
                        "valueArray": [
                            {
                                "type": "object",
                                "valueObject": {
                                    "Description": {"type": "string", "valueString": "Pen"},
                                    "Quantity": {"type": "number", "valueNumber": 2},
                                },
                            }
                        ],
                    },
                },
            }
        ],
    }
    md = to_markdown(result)
    assert md.startswith("# Order\n\nName: Ada\n\n| A | B |")
    assert "| Name: | Ada | 0.9 |" in md and "| Signed: |  | 0.7 |" in md
    assert "## Document: invoice" in md
    assert "| InvoiceTotal | 12.5 EUR | 12,50 € | 0.95 |" in md
    assert "| Description | Quantity |" in md and "| Pen | 2 |" in md


def test_field_value_text_falls_back_to_content() -> None:
    """A field that could not be normalised shows its printed content."""
    assert field_value_text({"type": "number", "content": "10%"}) == "10%"
    assert field_value_text({"type": "date", "valueDate": "2024-03-01"}) == "2024-03-01"
    assert field_value_text({"type": "address", "valueAddress": {"city": "Oslo"}}) == "city=Oslo"
