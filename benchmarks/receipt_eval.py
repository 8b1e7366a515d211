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
    from benchmarks.metrics import confidence_bins

    return [(b, n, round(acc or 0.0, 3)) for b, n, acc in confidence_bins(pairs)]


# --- synthetic receipts (benchmarks/synth/receipts.py) -----------------------------------------

SYNTH_FIELDS = (
    "MerchantName",
    "MerchantAddress",
    "MerchantPhoneNumber",
    "TransactionDate",
    "TransactionTime",
    "Subtotal",
    "TotalTax",
    "Tip",
    "Total",
    "CountryRegion",
)
_AMOUNTS = frozenset({"Subtotal", "TotalTax", "Tip", "Total"})


def _json_value(f: dict[str, Any]) -> Any:
    """The typed value of an analyzeResult field (``None`` when absent)."""
    for key in (
        "valueString",
        "valueDate",
        "valueTime",
        "valueNumber",
        "valuePhoneNumber",
        "valueCountryRegion",
        "valueInteger",
    ):
        if key in f:
            return f[key]
    if "valueCurrency" in f:
        return f["valueCurrency"].get("amount")
    if "valueAddress" in f:
        return f.get("content")
    return None


def _ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(_squash(a), _squash(b))) / 100.0


def _synth_ok(name: str, pred: dict[str, Any], gt: dict[str, Any]) -> tuple[bool, bool]:
    """(strict, fuzzy) correctness of one predicted field against its GT ``{value, content}``."""
    if name in ("MerchantName", "MerchantAddress"):
        # GT content = printed lines joined with newlines; value = lines joined with ", "
        text = str(pred.get("content") or _json_value(pred) or "")
        printed = str(gt.get("content") or gt["value"])
        strict = _squash(text) == _squash(printed)
        fuzzy = max(_ratio(text, printed), _ratio(text, str(gt["value"])))
        return strict, strict or fuzzy >= 0.9
    v = _json_value(pred)
    if v is None:
        return False, False
    if name in _AMOUNTS:
        ok = isinstance(v, int | float) and abs(float(v) - float(gt["value"])) < 0.005
    elif name == "TransactionTime":
        ok = str(v)[:8] == str(gt["value"])[:8]
    else:
        ok = str(v) == str(gt["value"])
    return ok, ok


def _synth_items(pred: list[dict[str, Any]], gt: list[dict[str, Any]]) -> dict[str, int]:
    """Greedy item matching by description similarity (>= 0.8); counts of matched items/prices."""
    from rapidfuzz import fuzz

    def desc(it: dict[str, Any]) -> str:
        d = it.get("valueObject", it).get("Description") or {}
        return str(d.get("content") or d.get("value") or d.get("valueString") or "")

    used: set[int] = set()
    matched = price_ok = 0
    for p in pred:
        pd = desc(p).upper()
        best, best_j = 0.0, -1
        for j, g in enumerate(gt):
            if j in used:
                continue
            r = fuzz.ratio(pd, desc(g).upper()) / 100.0
            if r > best:
                best, best_j = r, j
        if best_j >= 0 and best >= 0.8:
            used.add(best_j)
            matched += 1
            tp = p.get("valueObject", {}).get("TotalPrice")
            gv = gt[best_j]["TotalPrice"]["value"]
            if tp is not None and _json_value(tp) is not None:
                price_ok += int(abs(float(_json_value(tp)) - float(gv)) < 0.005)
    return {"pred": len(pred), "gt": len(gt), "matched": matched, "price_ok": price_ok}


def evaluate_synth(dir: Path) -> dict[str, Any]:
    """prebuilt-receipt accuracy on synthetic receipts (``benchmarks.synth.receipts`` output).

    Per field: recall-style accuracy over GT fields that are printed (strict and fuzzy for the
    merchant name/address), precision over predicted fields, doc-type accuracy, item P/R (items
    matched by description similarity >= 0.8) and ``confidence_pairs`` (strict correctness).
    """
    from benchmarks._layouts import analyze

    rows: list[dict[str, Any]] = []
    pairs: list[list[Any]] = []
    # name -> [gt, predicted, strict ok, fuzzy ok, predicted-without-gt]
    stats: dict[str, list[int]] = {k: [0, 0, 0, 0, 0] for k in SYNTH_FIELDS}
    items = Counter[str]()
    type_ok = 0
    confusion: Counter[str] = Counter()
    gts = sorted(dir.glob("*.json"))
    for js in gts:
        gt = json.loads(js.read_text(encoding="utf-8"))
        path = dir / (gt.get("image") or gt["pdf"])
        res = analyze(path, "prebuilt-receipt")
        docs: list[dict[str, Any]] = res.get("documents") or []
        doc: dict[str, Any] = docs[0] if docs else {"docType": "-", "fields": {}}
        fields: dict[str, Any] = doc.get("fields") or {}
        row: dict[str, Any] = {
            "file": path.name,
            "docType": doc["docType"],
            "gt_type": gt["doc_type"],
        }
        type_ok += int(doc["docType"] == gt["doc_type"])
        confusion[f"{gt['doc_type']} -> {doc['docType']}"] += 1
        for name in SYNTH_FIELDS:
            g = gt["fields"].get(name)
            p = fields.get(name)
            st = stats[name]
            if g is not None:
                st[0] += 1
            if p is None:
                row[name] = None if g is None else {"pred": None, "gt": g["value"], "ok": False}
                continue
            st[1] += 1
            if g is None:
                st[4] += 1
                pairs.append([name, round(float(p.get("confidence", 0.0)), 4), False])
                row[name] = {"pred": _json_value(p), "content": p.get("content"), "gt": None}
                continue
            strict, fuzzy = _synth_ok(name, p, g)
            st[2] += int(strict)
            st[3] += int(fuzzy)
            pairs.append([name, round(float(p.get("confidence", 0.0)), 4), strict])
            row[name] = {
                "pred": _json_value(p),
                "content": p.get("content"),
                "gt": g["value"],
                "ok": strict,
                "fuzzy": fuzzy,
            }
        pred_items = (fields.get("Items") or {}).get("valueArray") or []
        it = _synth_items(pred_items, gt["fields"].get("Items") or [])
        items.update(it)
        row["items"] = it
        rows.append(row)
    per_field = {
        k: {
            "gt": v[0],
            "predicted": v[1],
            "accuracy": round(v[2] / v[0], 4) if v[0] else None,
            "fuzzy_accuracy": round(v[3] / v[0], 4) if v[0] else None,
            "precision": round(v[2] / (v[1] - v[4]), 4) if v[1] - v[4] else None,
            "spurious": v[4],
        }
        for k, v in stats.items()
    }
    return {
        "documents": len(gts),
        "fields": per_field,
        "doc_type_accuracy": round(type_ok / len(gts), 4) if gts else 0.0,
        "doc_type_confusion": dict(confusion),
        "items": {
            **dict(items),
            "precision": round(items["matched"] / items["pred"], 4) if items["pred"] else 0.0,
            "recall": round(items["matched"] / items["gt"], 4) if items["gt"] else 0.0,
            "price_accuracy": round(items["price_ok"] / items["matched"], 4)
            if items["matched"]
            else 0.0,
        },
        "rows": rows,
        "confidence_pairs": pairs,
    }


def main_synth(dir: Path, verbose: bool) -> None:
    """Print the synthetic-receipt table."""
    res = evaluate_synth(dir)
    if verbose:
        for row in res["rows"]:
            if row["docType"] != row["gt_type"]:
                print(row["file"], "docType", row["docType"], "gt", row["gt_type"])
            for name in SYNTH_FIELDS:
                cell = row[name]
                if cell is not None and not cell.get("ok"):
                    print(row["file"], name, "->", cell)
            print(row["file"], "items", row["items"])
    print(f"documents {res['documents']}  doc type accuracy {res['doc_type_accuracy']:.3f}")
    print(f"  {'field':20s} {'gt':>4s} {'pred':>5s} {'acc':>6s} {'fuzzy':>6s} {'prec':>6s} spur")
    for k, v in res["fields"].items():
        acc = "-" if v["accuracy"] is None else f"{v['accuracy']:.3f}"
        fz = "-" if v["fuzzy_accuracy"] is None else f"{v['fuzzy_accuracy']:.3f}"
        pr = "-" if v["precision"] is None else f"{v['precision']:.3f}"
        print(
            f"  {k:20s} {v['gt']:4d} {v['predicted']:5d} {acc:>6s} {fz:>6s} {pr:>6s} "
            f"{v['spurious']}"
        )
    it = res["items"]
    print(
        f"items: gt {it.get('gt', 0)} pred {it.get('pred', 0)} matched {it.get('matched', 0)}  "
        f"P {it['precision']:.3f} R {it['recall']:.3f}  price acc {it['price_accuracy']:.3f}"
    )
    print("doc types", res["doc_type_confusion"])
    print("confidence bin  count  accuracy")
    for bin_, count, accuracy in calibration(res["confidence_pairs"]):
        print(f"  {bin_:12s} {count:5d}  {accuracy:.3f}")


def main() -> None:
    """Print the summary, the misses and the calibration table (``--synth DIR``: synthetic set)."""
    verbose = "-v" in sys.argv
    if "--synth" in sys.argv:
        main_synth(Path(sys.argv[sys.argv.index("--synth") + 1]), verbose)
        return
    res = evaluate()
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
