"""Page-parallel speed-up: one scanned document split across 1, then 2, worker processes.

    .venv/bin/python benchmarks/parallel.py [--pages 20] [--workers 1 2]

Builds an image-only PDF (every page a 200-dpi JPEG of rendered report text, so OCR is needed),
then runs prebuilt-read over it the way the job runner does (``split_pages`` chunks on a process
pool whose workers load the OCR engine once) and prints wall time per worker count. Model load
time is excluded (each pool is warmed up first).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from docintel.jobs.runner import split_pages
from docintel.models import pipeline
from docintel.models.pipeline import AnalyzeOptions, EngineConfig
from docintel.models.registry import Recipe

WORDS = [
    "the",
    "committee",
    "reviewed",
    "budget",
    "revenue",
    "increased",
    "twelve",
    "percent",
    "compared",
    "last",
    "year",
    "invoice",
    "number",
    "paid",
    "march",
    "office",
    "contact",
    "details",
    "quarterly",
    "report",
    "figures",
    "growth",
]


def scanned_pdf(pages: int, dpi: int = 200) -> bytes:
    """An image-only PDF of ``pages`` letter pages with ~30 lines of text each."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    font = (
        ImageFont.truetype(str(font_path), int(dpi * 0.15))
        if font_path.exists()
        else ImageFont.load_default(int(dpi * 0.15))
    )
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    for p in range(pages):
        img = Image.new("L", (int(8.5 * dpi), int(11 * dpi)), 255)
        draw = ImageDraw.Draw(img)
        for i in range(30):
            words = [WORDS[(p * 7 + i * 3 + k) % len(WORDS)] for k in range(9)]
            draw.text((dpi, dpi + i * int(dpi * 0.3)), " ".join(words), fill=0, font=font)
        jpg = io.BytesIO()
        img.save(jpg, format="JPEG", quality=85)
        jpg.seek(0)
        c.drawImage(ImageReader(jpg), 0, 0, width=letter[0], height=letter[1])
        c.showPage()
    c.save()
    return buf.getvalue()


def run(path: Path, workers: int) -> float:
    """Seconds to read every page with ``workers`` processes (after warm-up)."""
    options = AnalyzeOptions("prebuilt-read", Recipe.READ, "2023-07-31")
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=pipeline.init_worker, initargs=(EngineConfig(),)
    ) as pool:
        for f in [pool.submit(pipeline.ping) for _ in range(workers)]:
            f.result()
        plan = pipeline.plan_document(path, options, EngineConfig().limits)
        t0 = time.perf_counter()
        futures = [
            pool.submit(pipeline.analyze_pages, path, chunk, options)
            for chunk in split_pages(list(plan.pages), workers)
        ]
        pages = [p for f in futures for p in f.result()]
        pipeline.assemble_json(pages, options)
        return time.perf_counter() - t0


def main() -> int:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scan.pdf"
        path.write_bytes(scanned_pdf(args.pages))
        base: float | None = None
        print(f"{'workers':>8} {'seconds':>9} {'pages/s':>8} {'speed-up':>9}")
        for w in args.workers:
            secs = run(path, w)
            base = base or secs
            print(f"{w:>8} {secs:>9.1f} {args.pages / secs:>8.2f} {base / secs:>8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
