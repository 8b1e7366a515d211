"""Layout quality floors on the shared eval set (see ``benchmarks/layout_quality.py``).

Borderless tables (layout_07's rules-only and striped tables), no false tables on text pages,
table adjacency F1 on the PDF tables and on PubTabNet images through the real OCR, roles
across pages, and selection marks on the scanned form through the real OCR.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from benchmarks.layout_quality import (
    TableScore,
    run_document,
    score_layout_doc,
    score_tables,
)

from tests.integration.test_layout_eval import ROUTES, layout_of

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
needs_eval = pytest.mark.skipif(not EVAL.is_dir(), reason="shared eval set not present")


def _gt(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVAL / "layout" / "gt" / f"{name}.json").read_text())
    return data


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


@needs_eval
@pytest.mark.slow
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("style", ["rules", "striped"])
def test_borderless_tables_layout_07(route: str, style: str) -> None:
    name = "layout_07_tables_page"
    layout = layout_of(EVAL / "layout" / "pdf" / f"{name}.pdf", 0, route)
    gt = next(t for t in _gt(name)["tables"] if t["style"] == style)
    y0 = gt["bbox"][1]
    table = next(t for t in layout.tables if y0 - 0.2 <= t.polygon[1] <= y0 + 0.3)
    assert (table.row_count, table.column_count) == (gt["row_count"], gt["column_count"])
    ours = {
        (c.row, c.col, c.row_span, c.col_span): (
            _norm(" ".join(layout.items[i].text for i in c.items)),
            c.kind,
        )
        for c in table.cells
    }
    want = {
        (c["row"], c["col"], c["row_span"], c["col_span"]): (_norm(c["text"]), c["kind"])
        for c in gt["cells"]
    }
    assert ours == want
    # Cell text is never duplicated: every item sits in at most one cell.
    items = [i for c in table.cells for i in c.items]
    assert len(items) == len(set(items))


@needs_eval
@pytest.mark.slow
@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "name",
    [
        "layout_01_two_column_article",
        "layout_03_checkbox_form",
        "layout_04_newsletter_3col",
        "layout_05_business_letter",
        "layout_06_numbered_sections",
    ],
)
def test_no_false_tables_on_text_pages(name: str, route: str) -> None:
    assert layout_of(EVAL / "layout" / "pdf" / f"{name}.pdf", 0, route).tables == []


def _f1(score: TableScore) -> float:
    p = score.matched / max(score.predicted, 1)
    r = score.matched / max(score.gt, 1)
    return 2 * p * r / (p + r) if p + r else 0.0


@needs_eval
@pytest.mark.slow
def test_table_adjacency_on_pdf_tables() -> None:
    score = TableScore()
    for pdf in sorted((EVAL / "tables" / "tabula" / "pdf").glob("*.pdf")):
        gts = [
            json.loads(p.read_text())
            for p in sorted((EVAL / "tables" / "tabula" / "gt").glob(f"tabula_{pdf.stem}_t*.json"))
        ]
        score_tables(score, run_document(pdf), gts)
    for name in ("layout_02_report_two_pages", "layout_07_tables_page"):
        gt = _gt(name)
        score_tables(score, run_document(EVAL / "layout" / gt["document"]), gt["tables"])
    f1 = _f1(score)
    print(f"PDF tables: adjacency F1 {f1:.3f}, found {score.found}/{score.tables}")
    assert score.found == score.tables
    assert f1 >= 0.97


@needs_eval
@pytest.mark.slow
@pytest.mark.engine
def test_table_adjacency_on_pubtabnet_images() -> None:
    """Every other PubTabNet image (20), OCR included."""
    score = TableScore()
    images = sorted((EVAL / "tables" / "pubtabnet" / "images").glob("*.png"))[::2]
    for img in images:
        gt_file = EVAL / "tables" / "pubtabnet" / "gt" / f"pubtabnet_{img.stem}.json"
        score_tables(score, run_document(img), [json.loads(gt_file.read_text())])
    f1 = _f1(score)
    print(f"PubTabNet: adjacency F1 {f1:.3f}, found {score.found}/{score.tables}")
    assert score.found >= 0.9 * score.tables
    assert f1 >= 0.75


@needs_eval
@pytest.mark.slow
def test_roles_across_pages_layout_02() -> None:
    gt = _gt("layout_02_report_two_pages")
    runs = run_document(EVAL / "layout" / gt["document"])
    for run in runs:
        roles = [p.role for p in run.layout.paragraphs]
        assert roles.count("pageHeader") == 1
        assert roles.count("pageNumber") == 1
    s = score_layout_doc(gt, runs)
    assert s["roles"].rate >= 0.95
    assert s["order"].rate >= 0.95


@needs_eval
@pytest.mark.slow
@pytest.mark.engine
@pytest.mark.parametrize(
    ("name", "min_roles"),
    [("layout_08_scan_of_01", 0.9), ("layout_09_scan_of_03", 0.8), ("layout_10_scan_of_05", 0.9)],
)
def test_scans_through_ocr(name: str, min_roles: float) -> None:
    """Reading order, roles and (on the form) selection marks of the scans, OCR included."""
    gt = _gt(name)
    s = score_layout_doc(gt, run_document(EVAL / "layout" / gt["document"]))
    print(
        f"{name}: order {s['order'].rate:.3f}, roles {s['roles'].rate:.3f}, marks "
        f"{s['mark_recall'].good}/{s['mark_recall'].total} "
        f"(predicted {s['mark_recall'].extra['predicted']:.0f}), state {s['mark_state'].rate:.3f}"
    )
    assert s["order"].rate >= 0.95
    assert s["roles"].rate >= min_roles
    n = s["mark_recall"].total
    if n:
        assert s["mark_recall"].rate >= 0.95
        assert s["mark_state"].rate >= 0.95
        assert s["mark_recall"].extra["predicted"] <= n + 1  # no false marks on letters
