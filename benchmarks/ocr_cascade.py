"""OCR engines head to head per page class: pages/s on N worker processes, accuracy, peak RSS.

Engines: ``tesseract`` (docintel's TesseractEngine), ``shipped`` (``rapidocr.RapidOCR()`` with
its defaults), ``rapidocr`` (docintel's RapidOcrEngine), ``cascade`` (docintel's CascadeEngine),
optionally ``cascade-int8`` (same, int8 recognition). All engines read the same images in one
run, class by class, so ratios hold on a loaded machine. Page orientation is not run (the same
~20 ms for every engine).

Classes and ground truth (evaluation only, from ``../shared/eval``):
- dense: born-digital layout/invoice PDF pages with >= 80 words rendered to 300-DPI gray;
  GT = the PDF text-layer words. Score: word F1 (bag of exact tokens).
- forms: FUNSD images; GT = annotation words. Score: word F1.
- receipts: SROIE images; GT = lines. Score: line CER (lines matched by IoU >= 0.5,
  case-insensitive, as ``tests/integration/test_ocr_engines.py``) and case-insensitive word F1.
- mrz: ID-card photos; GT = MRZ lines and visual-zone values. Score: MRZ CER (best OCR line
  per MRZ line, spaces removed) and visual-zone recall (values found in the text).

Run: ``.venv/bin/python -m benchmarks.ocr_cascade --workers 2 [--limit N] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from benchmarks.metrics import edit_distance

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
BBox = tuple[float, float, float, float]
OcrLine = tuple[str, BBox]

_ENGINE: Any = None
_KIND = ""


def _init(kind: str) -> None:
    global _ENGINE, _KIND
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    _KIND = kind
    if kind == "shipped":
        import logging

        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        _ENGINE = RapidOCR()
        return
    from docintel.ocr.base import OcrOptions, create_engine

    name = "cascade" if kind.startswith("cascade") else kind
    _ENGINE = create_engine(OcrOptions(engine=name, threads=1, quantize=kind.endswith("int8")))


def _read(path: str) -> tuple[list[OcrLine], float, dict[str, int], float, float]:
    import numpy as np
    from PIL import Image

    with Image.open(path) as im:
        rgb = np.array(im.convert("RGB"))
    before = Counter(getattr(_ENGINE, "route_counts", {}))
    t0 = time.perf_counter()
    c0 = time.process_time()
    if _KIND == "shipped":
        out = _ENGINE(rgb[:, :, ::-1].copy())
        lines: list[OcrLine] = []
        for text, box in zip(
            out.txts or (), out.boxes if out.boxes is not None else (), strict=False
        ):
            xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
            lines.append((str(text), (min(xs), min(ys), max(xs), max(ys))))
    else:
        from docintel.core.geometry import bbox

        lines = [(ln.text, bbox(ln.polygon)) for ln in _ENGINE.recognize(rgb)]
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    after = Counter(getattr(_ENGINE, "route_counts", {}))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return lines, rss, dict(after - before), dt, cpu


def _ready(_: int) -> int:
    time.sleep(0.2)
    return os.getpid()


# ---------------------------------------------------------------- page sets


def dense_pages(cache: Path) -> list[tuple[str, list[str]]]:
    """300-DPI gray renders of born-digital eval pages with >= 80 words, and their words."""
    import pypdfium2 as pdfium

    cache.mkdir(parents=True, exist_ok=True)
    pdfs = sorted((EVAL / "layout" / "pdf").glob("*.pdf")) + sorted(
        (EVAL / "invoices" / "pdf").glob("*.pdf")
    )
    out: list[tuple[str, list[str]]] = []
    for pdf in pdfs:
        doc = pdfium.PdfDocument(pdf)
        for i in range(len(doc)):
            words = doc[i].get_textpage().get_text_range().split()
            if len(words) < 80:
                continue
            png = cache / f"{pdf.stem}_p{i + 1}.png"
            if not png.is_file():
                doc[i].render(scale=300 / 72, grayscale=True).to_pil().save(png)
            out.append((str(png), words))
    return out


def form_pages() -> list[tuple[str, list[str]]]:
    """FUNSD images and their annotated words."""
    out = []
    for img in sorted((EVAL / "forms" / "images").glob("*.png")):
        ann = json.loads((EVAL / "forms" / "annotations" / f"{img.stem}.json").read_text())
        words = [w["text"] for f in ann["form"] for w in f["words"] if w["text"]]
        out.append((str(img), [t for w in words for t in w.split()]))
    return out


def receipt_pages() -> list[tuple[str, list[dict[str, Any]]]]:
    """SROIE images and their GT lines."""
    out = []
    for img in sorted((EVAL / "receipts" / "images").glob("*.jpg")):
        gt = json.loads((EVAL / "receipts" / "gt" / f"{img.stem}.json").read_text())
        out.append((str(img), gt["lines"]))
    return out


def mrz_pages() -> list[tuple[str, dict[str, Any]]]:
    """ID-card photos and their GT."""
    out = []
    for img in sorted((EVAL / "mrz" / "images").glob("*.jpg")):
        out.append((str(img), json.loads((EVAL / "mrz" / "gt" / f"{img.stem}.json").read_text())))
    return out


# ---------------------------------------------------------------- scoring


def bag_counts(pred: Sequence[str], ref: Sequence[str]) -> tuple[int, int, int]:
    """True positives, predicted and reference counts of a bag-of-words match."""
    p, r = Counter(pred), Counter(ref)
    return sum((p & r).values()), sum(p.values()), sum(r.values())


def f1(tp: int, n_pred: int, n_ref: int) -> float:
    """F1 from counts."""
    return 2 * tp / (n_pred + n_ref) if n_pred + n_ref else 1.0


def iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def receipt_score(lines: list[OcrLine], gt: list[dict[str, Any]]) -> tuple[int, int, int]:
    """Edit errors and GT length over GT lines matched by IoU >= 0.5; and the match count."""
    errors = total = matched = 0
    for g in gt:
        p = [float(v) for v in g["polygon"]]
        gb = (min(p[0::2]), min(p[1::2]), max(p[0::2]), max(p[1::2]))
        best = max(((iou(gb, b), t) for t, b in lines), default=(0.0, ""))
        if best[0] < 0.5:
            continue
        matched += 1
        truth = " ".join(str(g["text"]).lower().split())
        errors += edit_distance(" ".join(best[1].lower().split()), truth)
        total += len(truth)
    return errors, total, matched


def mrz_score(lines: list[OcrLine], gt: dict[str, Any]) -> tuple[int, int, int, int]:
    """MRZ edit errors and length; visual-zone values found and total."""
    texts = ["".join(t.split()).upper() for t, _ in lines]
    errors = total = 0
    for m in gt["mrz_lines"]:
        errors += min((edit_distance(t, m) for t in texts), default=len(m))
        total += len(m)
    joined = " ".join(t for t, _ in lines).lower()
    values = [str(v).lower() for v in gt.get("visual_zone", {}).values() if v]
    found = sum(1 for v in values if v in joined)
    return errors, total, found, len(values)


# ---------------------------------------------------------------- run


def run(kind: str, paths: list[str], workers: int) -> dict[str, Any]:
    """Read ``paths`` with engine ``kind`` on ``workers`` processes; lines, pages/s, RSS, routes."""
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(kind,)) as pool:
        list(pool.map(_ready, range(workers * 2)))  # engines built before the clock starts
        t0 = time.perf_counter()
        results = list(pool.map(_read, paths))
        wall = time.perf_counter() - t0
    routes: Counter[str] = Counter()
    for r in results:
        routes.update(r[2])
    return {
        "lines": [r[0] for r in results],
        "pages_per_s": len(paths) / wall if wall > 0 else 0.0,
        "rss_mb": max((r[1] for r in results), default=0.0),
        "s_per_page": sum(r[3] for r in results) / max(len(results), 1),
        "cpu_per_page": sum(r[4] for r in results) / max(len(results), 1),
        "routes": dict(routes),
    }


def main() -> int:
    """Print one table row per (class, engine)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--engines", default="tesseract,shipped,rapidocr,cascade")
    ap.add_argument("--classes", default="dense,forms,receipts,mrz")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/docintel-bench/dense300"))
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    sets: dict[str, list[tuple[str, Any]]] = {
        "dense": dense_pages(args.cache) if "dense" in args.classes else [],
        "forms": form_pages() if "forms" in args.classes else [],
        "receipts": receipt_pages() if "receipts" in args.classes else [],
        "mrz": mrz_pages() if "mrz" in args.classes else [],
    }
    report: dict[str, Any] = {"load_before": os.getloadavg(), "rows": []}
    print(f"load average at start: {os.getloadavg()}")
    print(
        "| class | engine | pages | pages/s | s/page (worker wall) | CPU s/page | accuracy "
        "| peak RSS MB | routes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for cls in args.classes.split(","):
        items = sets[cls][: args.limit]
        if not items:
            continue
        paths = [p for p, _ in items]
        for kind in args.engines.split(","):
            res = run(kind, paths, args.workers)
            acc = score(cls, res["lines"], [g for _, g in items])
            row = {"class": cls, "engine": kind, "pages": len(paths), **acc}
            keys = ("pages_per_s", "s_per_page", "cpu_per_page", "rss_mb", "routes")
            row |= {k: res[k] for k in keys}
            report["rows"].append(row)
            acc_txt = ", ".join(f"{k} {v:.4f}" for k, v in acc.items())
            routes = " ".join(f"{k}={v}" for k, v in sorted(res["routes"].items()))
            print(
                f"| {cls} | {kind} | {len(paths)} | {res['pages_per_s']:.3f} | "
                f"{res['s_per_page']:.2f} | {res['cpu_per_page']:.2f} | {acc_txt} | "
                f"{res['rss_mb']:.0f} | {routes} |",
                flush=True,
            )
    report["load_after"] = os.getloadavg()
    print(f"load average at end: {os.getloadavg()}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


def score(cls: str, pages: list[list[OcrLine]], gts: list[Any]) -> dict[str, float]:
    """Accuracy figures of one engine on one class."""
    if cls in ("dense", "forms"):
        tp = n_p = n_r = 0
        for lines, words in zip(pages, gts, strict=True):
            a, b, c = bag_counts([w for t, _ in lines for w in t.split()], words)
            tp, n_p, n_r = tp + a, n_p + b, n_r + c
        return {"word_f1": f1(tp, n_p, n_r)}
    if cls == "receipts":
        e = t = m = n = tp = n_p = n_r = 0
        for lines, gt in zip(pages, gts, strict=True):
            a, b, c = receipt_score(lines, gt)
            e, t, m, n = e + a, t + b, m + c, n + len(gt)
            x, y, z = bag_counts(
                [w for s, _ in lines for w in s.lower().split()],
                [w for g in gt for w in str(g["text"]).lower().split()],
            )
            tp, n_p, n_r = tp + x, n_p + y, n_r + z
        return {"line_cer": e / max(t, 1), "matched": m / max(n, 1), "word_f1": f1(tp, n_p, n_r)}
    e = t = found = vals = 0
    for lines, gt in zip(pages, gts, strict=True):
        a, b, c, d = mrz_score(lines, gt)
        e, t, found, vals = e + a, t + b, found + c, vals + d
    return {"mrz_cer": e / max(t, 1), "vz_recall": found / max(vals, 1)}


if __name__ == "__main__":
    raise SystemExit(main())
