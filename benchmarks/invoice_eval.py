"""prebuilt-invoice field accuracy on the eval invoices (PDF and page images) and synthetic sets.

Per document the extractor runs on the cached LAYOUT of the PDF and, separately, of its page
images (a multi-page invoice's images are joined into one DocView, pages renumbered 1..n).
Scoring follows the eval README: dates equal, amounts to the cent plus currency code, strings
exact (and ANLS), addresses as joined strings normalised; a field printed nowhere (GT ``null``)
but emitted counts as wrong. Line items: greedy one-to-one match by description similarity,
then precision/recall and per-column accuracy.

    .venv/bin/python -m benchmarks.invoice_eval [--synth DIR]
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from docintel.core.types import PageLayout  # noqa: E402
from docintel.extract.docview import DocView, build_view  # noqa: E402
from docintel.extract.fields import ExtractContext, Field  # noqa: E402
from docintel.extract.invoice import extract_invoice  # noqa: E402
from docintel.layout.content import build_content  # noqa: E402
from docintel.models.registry import Recipe  # noqa: E402

EVAL = REPO.parent / "shared" / "eval" / "invoices"
SCORED = (
    "VendorName", "VendorAddress", "CustomerName", "CustomerAddress", "InvoiceId", "InvoiceDate",
    "DueDate", "PurchaseOrder", "SubTotal", "TotalTax", "InvoiceTotal", "AmountDue",
)  # fmt: skip
ITEM_COLS = ("Description", "Quantity", "Unit", "UnitPrice", "Amount", "ProductCode")


def _norm_text(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    s = re.sub(r"[,·.;:\n]+", " ", s)
    return " ".join(s.split())


def anls(pred: str, ref: str) -> float:
    """Normalised Levenshtein similarity (ANLS with threshold 0.5)."""
    a, b = _norm_text(pred), _norm_text(ref)
    if not a and not b:
        return 1.0
    d = Levenshtein.normalized_distance(a, b)
    return 1.0 - d if d < 0.5 else 0.0


def _field_text(f: Field) -> str:
    return f.text()


def compare(name: str, f: Field | None, gt: dict[str, Any] | None) -> bool:
    """Whether a predicted field equals its GT entry (both absent counts as right)."""
    if gt is None:
        return f is None
    if f is None or f.value is None:
        return False
    want = gt["value"]
    if f.type == "currency":
        m = f.value
        return bool(
            isinstance(want, dict)
            and abs(float(m.amount) - float(want["amount"])) < 0.005
            and m.code == want["currencyCode"]
        )
    if f.type == "date":
        return bool(str(f.value.isoformat()) == want)
    if f.type == "number":
        return abs(float(f.value) - float(want)) < 1e-6
    if f.type == "address":
        return _norm_text(_field_text(f)) == _norm_text(str(want))
    return _norm_text(str(f.value)) == _norm_text(str(want))


def _view(pages: list[PageLayout]) -> DocView:
    return build_view(pages, build_content(pages))


def pdf_view(path: Path) -> DocView:
    """DocView of a PDF from the layout cache."""
    from benchmarks._layouts import layouts

    return _view(copy.deepcopy(layouts(path, Recipe.LAYOUT)))


def image_view(paths: list[Path]) -> DocView:
    """One DocView of page images (one file per page), pages renumbered 1..n."""
    from benchmarks._layouts import layouts

    pages: list[PageLayout] = []
    for i, p in enumerate(paths):
        for pl in copy.deepcopy(layouts(p, Recipe.LAYOUT)):
            pages.append(dataclasses.replace(pl, page_number=len(pages) + 1))
        del i
    return _view(pages)


def _match_items(pred: list[Field], gt: list[dict[str, Any]]) -> list[tuple[int, int]]:
    from rapidfuzz.fuzz import ratio

    pairs: list[tuple[float, int, int]] = []
    for i, p in enumerate(pred):
        d = p.value.get("Description") if isinstance(p.value, dict) else None
        ptext = _norm_text(str(d.value)) if d is not None else ""
        for j, g in enumerate(gt):
            gtext = _norm_text(str(g.get("Description", {}).get("value", "")))
            s = ratio(ptext, gtext) / 100.0
            # Same description on two items: the amount disambiguates.
            a = p.value.get("Amount") if isinstance(p.value, dict) else None
            if (
                a is not None
                and "Amount" in g
                and abs(a.value.amount - g["Amount"]["value"]["amount"]) < 0.005
            ):
                s += 0.01
            if s >= 0.6:
                pairs.append((s, i, j))
    pairs.sort(reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    out: list[tuple[int, int]] = []
    for _s, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return out


_ARRAYS = ("Items", "PaymentDetails", "TaxDetails")


def score_doc(
    fields: dict[str, Field], gt: dict[str, Any], scored: Sequence[str] | None = None
) -> dict[str, Any]:
    """Per-field correctness, item P/R and confidence pairs of one document.

    ``scored``: the top-level fields to score (default: the eval GT's twelve); the synthetic
    GT lists every printed field, so it is scored on all its non-array fields.
    """
    gf = gt["fields"]
    row: dict[str, Any] = {"fields": {}, "conf": []}
    names = list(scored) if scored is not None else list(SCORED)
    for name in names:
        f = fields.get(name)
        g = gf.get(name)
        if g is None and f is None:
            continue
        ok = compare(name, f, g)
        row["fields"][name] = ok
        if f is not None:
            row["conf"].append([name, f.confidence, ok])
    if scored is not None and "PaymentDetails" in gf:
        want = sorted(
            str(d.get("IBAN", {}).get("value", "")) for d in (gf.get("PaymentDetails") or [])
        )
        pf = fields.get("PaymentDetails")
        got = sorted(
            str(d.value["IBAN"].value) if "IBAN" in d.value else ""
            for d in (pf.value if pf is not None else [])
        )
        if want or got:
            row["fields"]["PaymentDetails.IBAN"] = want == got
    items_f = fields.get("Items")
    pred = list(items_f.value) if items_f is not None else []
    gitems = gf.get("Items") or []
    pairs = _match_items(pred, gitems)
    cols: dict[str, list[bool]] = {}
    for i, j in pairs:
        p, g = pred[i].value, gitems[j]
        for c in ITEM_COLS:
            if c not in g and c not in p:
                continue
            ok = compare(c, p.get(c), g.get(c))
            cols.setdefault(c, []).append(ok)
            if c in p:
                row["conf"].append([f"Items.{c}", p[c].confidence, ok])
    row["items"] = {"pred": len(pred), "gt": len(gitems), "matched": len(pairs), "cols": cols}
    return row


def _docs() -> list[tuple[str, Path, list[Path], dict[str, Any]]]:
    out = []
    for gt_path in sorted((EVAL / "gt").glob("*.json")):
        gt = json.loads(gt_path.read_text())
        doc_id = gt["id"]
        pdf = EVAL / "pdf" / f"{doc_id}.pdf"
        imgs = sorted((EVAL / "img").glob(f"{doc_id}_p*.*"), key=lambda p: p.name)
        out.append((doc_id, pdf, imgs, gt))
    return out


def _run(view: DocView, api_version: str = "2023-07-31") -> tuple[dict[str, Field], float]:
    t = time.perf_counter()
    ex = extract_invoice(view, ExtractContext(api_version=api_version))
    ms = (time.perf_counter() - t) * 1000
    fields = ex.documents[0].fields if ex.documents else {}
    return fields, ms


def _summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    per: dict[str, list[bool]] = {}
    cols: dict[str, list[bool]] = {}
    pred = gt = matched = 0
    for r in rows:
        for k, ok in r["fields"].items():
            per.setdefault(k, []).append(ok)
        it = r["items"]
        pred += it["pred"]
        gt += it["gt"]
        matched += it["matched"]
        for c, oks in it["cols"].items():
            cols.setdefault(c, []).extend(oks)
    allf = [ok for v in per.values() for ok in v]
    return {
        "field_accuracy": sum(allf) / len(allf) if allf else 0.0,
        "per_field": {k: sum(v) / len(v) for k, v in sorted(per.items())},
        "item_precision": matched / pred if pred else 0.0,
        "item_recall": matched / gt if gt else 0.0,
        "item_columns": {k: sum(v) / len(v) for k, v in sorted(cols.items())},
        "docs": len(rows),
    }


def evaluate_synth(directory: Path, with_images: bool = True) -> dict[str, Any]:
    """Score the extractor on a generated set laid out like the eval invoices (pdf/, gt/)."""
    from benchmarks._layouts import layouts

    rows: dict[str, list[dict[str, Any]]] = {"pdf": [], "image": []}
    pairs: list[list[Any]] = []
    image_pairs: list[list[Any]] = []
    gt_dir = directory / "gt" if (directory / "gt").is_dir() else directory
    for gt_path in sorted(gt_dir.glob("*.json")):
        gt = json.loads(gt_path.read_text())
        if "fields" not in gt:
            continue
        pdf = next(
            (p for p in (directory / "pdf" / f"{gt['id']}.pdf", directory / f"{gt['id']}.pdf")
             if p.exists()),
            None,
        )  # fmt: skip
        if pdf is None:
            continue
        scored = [k for k in gt["fields"] if k not in _ARRAYS]
        views = [("pdf", _view(copy.deepcopy(layouts(pdf, Recipe.LAYOUT))))]
        imgs = sorted(pdf.parent.glob(f"{gt['id']}_p*.jpg")) + sorted(
            pdf.parent.glob(f"{gt['id']}_p*.png")
        )
        if imgs and with_images:
            views.append(("image", image_view(imgs)))
        for kind, view in views:
            fields, ms = _run(view)
            row = score_doc(fields, gt, scored)
            row.update(id=gt["id"], kind=kind, ms=ms, layout=gt.get("layout"),
                       language=gt.get("language"))  # fmt: skip
            rows[kind].append(row)
            pairs.extend(row["conf"])
            if kind == "image":
                image_pairs.extend(row["conf"])
    return {
        "pdf": _summarise(rows["pdf"]),
        "image": _summarise(rows["image"]),
        "rows": rows["pdf"] + rows["image"],
        "confidence_pairs": pairs,
        "calibration": calibration(pairs),
        "calibration_image": calibration(image_pairs),
    }


def evaluate(files: list[Path] | None = None) -> dict[str, Any]:
    """Evaluate on the eval invoices (``files``: GT paths to restrict to)."""
    wanted = {p.stem for p in files} if files else None
    rows: dict[str, list[dict[str, Any]]] = {"pdf": [], "image": []}
    pairs: list[list[Any]] = []
    times: list[float] = []
    for doc_id, pdf, imgs, gt in _docs():
        if wanted is not None and doc_id not in wanted:
            continue
        for kind, view in (("pdf", pdf_view(pdf)), ("image", image_view(imgs))):
            fields, ms = _run(view)
            times.append(ms)
            row = score_doc(fields, gt)
            row.update(id=doc_id, kind=kind, ms=ms)
            rows[kind].append(row)
            pairs.extend(row["conf"])
    out: dict[str, Any] = {
        "pdf": _summarise(rows["pdf"]),
        "image": _summarise(rows["image"]),
        "rows": rows["pdf"] + rows["image"],
        "confidence_pairs": pairs,
        "ms_mean": sum(times) / len(times) if times else 0.0,
        "ms_max": max(times) if times else 0.0,
        "calibration": calibration(pairs),
    }
    return out


def calibration(pairs: list[list[Any]]) -> list[dict[str, Any]]:
    """Count and accuracy per confidence bin."""
    from benchmarks.metrics import confidence_bins

    return [{"bin": b, "n": n, "acc": acc} for b, n, acc in confidence_bins(pairs)]


def _print_summary(title: str, s: dict[str, Any]) -> None:
    print(f"== {title}: field accuracy {s['field_accuracy']:.3f} over {s['docs']} docs; "
          f"items P {s['item_precision']:.3f} R {s['item_recall']:.3f}")  # fmt: skip
    for k, v in s["per_field"].items():
        print(f"   {k:<16} {v:.3f}")
    print("   item columns: " + ", ".join(f"{k} {v:.3f}" for k, v in s["item_columns"].items()))


def main() -> None:
    """Print the accuracy tables (and the synthetic set's when given ``--synth DIR``)."""
    res = evaluate()
    _print_summary("PDF", res["pdf"])
    _print_summary("image", res["image"])
    print("calibration (bin, n, accuracy):")
    for b in res["calibration"]:
        acc = "-" if b["acc"] is None else f"{b['acc']:.3f}"
        print(f"   {b['bin']}  {b['n']:5d}  {acc}")
    print(f"extract time: mean {res['ms_mean']:.1f} ms, max {res['ms_max']:.1f} ms")
    if "-v" in sys.argv:
        for r in res["rows"]:
            bad = [k for k, ok in r["fields"].items() if not ok]
            it = r["items"]
            cols = [(c, sum(v), len(v)) for c, v in it["cols"].items() if not all(v)]
            print(f"{r['id']:<12} {r['kind']:<5} bad={bad} items {it['matched']}/{it['pred']}/"
                  f"{it['gt']} {cols}")  # fmt: skip
    if "--synth" in sys.argv:
        d = Path(sys.argv[sys.argv.index("--synth") + 1])
        syn = evaluate_synth(d)
        _print_summary(f"synthetic PDF ({d})", syn["pdf"])
        if syn["image"]["docs"]:
            _print_summary(f"synthetic image ({d})", syn["image"])
        for title, key in (("", "calibration"), (" (scans only)", "calibration_image")):
            print(f"synthetic calibration{title} (bin, n, accuracy):")
            for b in syn[key]:
                acc = "-" if b["acc"] is None else f"{b['acc']:.3f}"
                print(f"   {b['bin']}  {b['n']:5d}  {acc}")
        if "-v" in sys.argv:
            for r in syn["rows"]:
                bad = [k for k, ok in r["fields"].items() if not ok]
                it = r["items"]
                cols = [(c, sum(v), len(v)) for c, v in it["cols"].items() if not all(v)]
                print(f"{r['id']:<12} {r['kind']:<5} {r['layout']} {r['language']} bad={bad} "
                      f"items {it['matched']}/{it['pred']}/{it['gt']} {cols}")  # fmt: skip


if __name__ == "__main__":
    main()
