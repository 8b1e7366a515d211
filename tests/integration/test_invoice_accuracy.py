"""Accuracy floors of prebuilt-invoice on the eval invoices (PDFs and page images, cached)."""

from __future__ import annotations

from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"

pytestmark = pytest.mark.skipif(
    not (EVAL / "invoices" / "gt").is_dir(), reason="eval invoices not available"
)


@pytest.fixture(scope="module")
def results() -> dict[str, object]:
    from benchmarks.invoice_eval import evaluate

    return evaluate()


def test_pdf_field_accuracy(results: dict[str, object]) -> None:
    pdf = results["pdf"]
    assert isinstance(pdf, dict)
    assert pdf["field_accuracy"] >= 0.97
    assert pdf["item_precision"] >= 0.97
    assert pdf["item_recall"] >= 0.97
    for column, acc in pdf["item_columns"].items():
        assert acc >= 0.95, column


def test_image_field_accuracy(results: dict[str, object]) -> None:
    img = results["image"]
    assert isinstance(img, dict)
    assert img["field_accuracy"] >= 0.95
    assert img["item_precision"] >= 0.95
    assert img["item_recall"] >= 0.95
    for column, acc in img["item_columns"].items():
        assert acc >= 0.9, column


def test_confidence_is_calibrated(results: dict[str, object]) -> None:
    pairs = results["confidence_pairs"]
    assert isinstance(pairs, list)
    high = [ok for _name, conf, ok in pairs if conf >= 0.8]
    assert len(high) >= 100
    assert sum(high) / len(high) >= 0.9


def test_extraction_is_fast(results: dict[str, object]) -> None:
    ms = results["ms_mean"]
    assert isinstance(ms, float)
    assert ms < 50.0
