"""prebuilt-receipt field accuracy on the SROIE eval receipts (SROIE task-3 style).

Per-field exact match after upper-casing and removing whitespace (MerchantName vs company,
MerchantAddress content vs address); dates are compared after parsing to ISO, totals
numerically. Micro F1 over the four fields: a field predicted and right is a true positive, a
field predicted and wrong is a false positive *and* a false negative, a GT field not predicted is
a false negative. Layouts come from the cache (``benchmarks._layouts``), so one run takes about
a second once the cache is warm.

    python -m benchmarks.receipt_eval
"""

from __future__ import annotations

import copy
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

EVAL = REPO.parent / "shared" / "eval" / "receipts"
FIELDS = ("MerchantName", "TransactionDate", "MerchantAddress", "Total")
_GT_KEY = {
    "MerchantName": "company",
    "TransactionDate": "date",
    "MerchantAddress": "address",
    "Total": "total",
}
BINS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.01))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _gt_date(text: str) -> str | None:
    from docintel.extract.normalize.dates import parse_date

    d = parse_date(text, order="DMY")  # SROIE receipts are Malaysian: day first
    return d.isoformat() if d else None


def _gt_total(text: str) -> float | None:
    m = re.search(r"\d[\d,]*\.?\d*", text.replace(" ", ""))
    return float(m.group(0).replace(",", "")) if m else None


def files_with_gt() -> list[Path]:
    """Every eval receipt image that has a GT file."""
    return sorted((EVAL / "images").glob("*.jpg"))


def _predict(path: Path) -> tuple[dict[str, Any], float, str]:
    from benchmarks._layouts import layouts
    from docintel.extract.docview import build_view
    from docintel.extract.fields import ExtractContext
    from docintel.extract.receipt import extract_receipt
    from docintel.layout.content import build_content
    from docintel.models.registry import Recipe

    pages = copy.deepcopy(layouts(path, Recipe.READ))
    view = build_view(pages, build_content(pages, include_marks=False))
    t0 = time.perf_counter()
    out = extract_receipt(view, ExtractContext(api_version="2023-07-31"))
    ms = (time.perf_counter() - t0) * 1000
    doc = out.documents[0] if out.documents else None
    return (doc.fields if doc else {}), ms, (doc.doc_type if doc else "-")


def _correct(name: str, f: Any, gt: str) -> bool:
    if name == "TransactionDate":
        return f.value is not None and f.value.isoformat() == _gt_date(gt)
    if name == "Total":
        g = _gt_total(gt)
        return f.value is not None and g is not None and abs(float(f.value) - g) < 0.005
    return _squash(f.text()) == _squash(gt)


def evaluate(files: list[Path] | None = None) -> dict[str, Any]:
    """Field accuracy, micro F1, doc types, timing and confidence pairs on eval receipts."""
    files = files if files is not None else files_with_gt()
    rows: list[dict[str, Any]] = []
    pairs: list[list[Any]] = []
    tp = fp = fn = 0
    per_field: dict[str, list[int]] = {k: [0, 0, 0] for k in FIELDS}  # right, predicted, gt
    types: Counter[str] = Counter()
    times: list[float] = []
    for path in files:
        gt_path = EVAL / "gt" / (path.stem + ".json")
        gt = json.loads(gt_path.read_text(encoding="utf-8"))["fields"]
        fields, ms, doc_type = _predict(path)
        times.append(ms)
        types[doc_type] += 1
        row: dict[str, Any] = {"file": path.name, "ms": round(ms, 2), "docType": doc_type}
        for name in FIELDS:
            g = gt.get(_GT_KEY[name])
            f = fields.get(name)
            if g:
                per_field[name][2] += 1
            if f is None:
                row[name] = None
                if g:
                    fn += 1
                continue
            per_field[name][1] += 1
            ok = bool(g) and _correct(name, f, g)
            pairs.append([name, round(f.confidence, 4), ok])
            row[name] = {"pred": f.text(), "value": str(f.value), "gt": g, "ok": ok}
            if ok:
                tp += 1
                per_field[name][0] += 1
            else:
                fp += 1
                if g:
                    fn += 1
        rows.append(row)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    times.sort()
    return {
        "documents": len(files),
        "micro_f1": round(f1, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "accuracy": {k: round(v[0] / v[2], 4) if v[2] else 0.0 for k, v in per_field.items()},
        "predicted": {k: v[1] for k, v in per_field.items()},
        "doc_types": dict(types),
        "ms_median": round(times[len(times) // 2], 2) if times else 0.0,
        "ms_max": round(times[-1], 2) if times else 0.0,
        "rows": rows,
        "confidence_pairs": pairs,
    }


def calibration(pairs: list[list[Any]]) -> list[tuple[str, int, float]]:
    """(bin, count, accuracy) over the confidence bins."""
    out: list[tuple[str, int, float]] = []
    for lo, hi in BINS:
        sel = [p for p in pairs if lo <= p[1] < hi]
        acc = sum(1 for p in sel if p[2]) / len(sel) if sel else 0.0
        out.append((f"{lo:.1f}-{min(hi, 1.0):.1f}", len(sel), round(acc, 3)))
    return out


def main() -> None:
    """Print the summary, the misses and the calibration table."""
    res = evaluate()
    verbose = "-v" in sys.argv
    if verbose:
        for row in res["rows"]:
            for name in FIELDS:
                cell = row[name]
                if cell is None or not cell["ok"]:
                    print(row["file"], name, "->", cell)
    print(
        f"documents {res['documents']}  micro F1 {res['micro_f1']:.3f}  "
        f"P {res['precision']:.3f}  R {res['recall']:.3f}"
    )
    for k, v in res["accuracy"].items():
        print(f"  {k:18s} accuracy {v:.3f}  predicted {res['predicted'][k]}")
    print("doc types", res["doc_types"])
    print(f"extractor time: median {res['ms_median']} ms, max {res['ms_max']} ms")
    print("confidence bin  count  accuracy")
    for b, n, acc in calibration(res["confidence_pairs"]):
        print(f"  {b:12s} {n:5d}  {acc:.3f}")


if __name__ == "__main__":
    main()
