"""The whole pipeline (ingest → text → layout → assemble) on the eval invoices, with CER floors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from benchmarks.metrics import edit_distance

from docintel.models.pipeline import (
    AnalyzeOptions,
    EngineConfig,
    analyze_pages,
    assemble_json,
    plan_document,
)
from docintel.models.registry import Recipe

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
INVOICES = EVAL / "invoices"

pytestmark = pytest.mark.skipif(not INVOICES.exists(), reason="../shared/eval not present")


def run(path: Path, recipe: Recipe, **kw: Any) -> dict[str, Any]:
    """Analyse a file in-process and return the analyzeResult dict."""
    opts = AnalyzeOptions(
        model_id=f"prebuilt-{recipe.value}",
        recipe=recipe,
        api_version="2023-07-31",
        string_index_type="unicodeCodePoint",
        **kw,
    )
    plan = plan_document(path, opts, EngineConfig().limits)
    pages = analyze_pages(path, list(plan.pages), opts)
    result: dict[str, Any] = json.loads(assemble_json(pages, opts))
    return result


def gt_lines(doc_id: str, page: int | None = None) -> list[str]:
    """The invoice's drawn text lines (optionally of one page)."""
    gt = json.loads((INVOICES / "gt" / f"{doc_id}.json").read_text())
    return [ln["text"] for ln in gt["lines"] if page is None or ln["page"] == page]


def page_cer(result: dict[str, Any], truth: list[str]) -> float:
    """CER of the page's words against the GT words, order-free per line (sorted tokens)."""
    got = sorted(w["content"] for p in result["pages"] for w in p["words"])
    want = sorted(t for line in truth for t in line.split())
    a, b = " ".join(got), " ".join(want)
    return edit_distance(a, b) / max(1, len(b))


@pytest.mark.parametrize("doc_id", ["invoice_a01", "invoice_b02", "invoice_e01"])
def test_born_digital_invoice_text_is_exact(doc_id: str) -> None:
    """Text-layer pages: every GT line's words are read exactly (CER ≈ 0)."""
    result = run(INVOICES / "pdf" / f"{doc_id}.pdf", Recipe.LAYOUT)
    assert all(p["unit"] == "inch" for p in result["pages"])
    assert page_cer(result, gt_lines(doc_id)) <= 0.01
    content = result["content"]
    for p in result["pages"]:
        for w in p["words"]:
            assert (
                content[w["span"]["offset"] : w["span"]["offset"] + w["span"]["length"]]
                == w["content"]
            )


@pytest.mark.engine
@pytest.mark.slow
@pytest.mark.parametrize("image", ["invoice_a01_p1.png", "invoice_c01_p1.jpg"])
def test_scanned_invoice_cer(image: str) -> None:
    """OCR'd renders (one clean PNG, one noisy JPEG scan) stay under a CER floor."""
    doc_id = image.rsplit("_p", 1)[0]
    result = run(INVOICES / "img" / image, Recipe.READ)
    assert result["pages"][0]["unit"] == "pixel"
    cer = page_cer(result, gt_lines(doc_id, page=1))
    assert cer <= 0.08, cer


def test_pages_selection_keeps_numbers() -> None:
    """``pages=2`` of a two-page invoice returns page 2 only, numbered 2."""
    result = run(INVOICES / "pdf" / "invoice_e01.pdf", Recipe.READ, pages="2")
    assert [p["pageNumber"] for p in result["pages"]] == [2]
