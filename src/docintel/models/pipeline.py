"""The analyze pipeline as it runs inside a worker process.

Three steps, each a plain function on picklable inputs so that the job runner can spread them
over worker processes:

1. ``plan_document``: open and validate the stored input, choose the pages to analyse.
2. ``analyze_pages``: ingest → text (text layer or OCR) → layout, for a chunk of pages.
3. ``assemble_json``: join the pages' layouts into one ``analyzeResult`` (content, spans, …)
   and serialise it.

Heavy engines are created once per process (``WorkerContext``), never per call.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docintel.core.types import PageLayout
from docintel.ingest.limits import Limits
from docintel.ingest.pages import parse_pages, select_pages
from docintel.ingest.source import SourceDocument, open_document
from docintel.models.registry import PREBUILT, Recipe

log = logging.getLogger(__name__)

# Resolution of the raster that layout inspects (ruling lines, checkboxes) on text-layer pages.
LAYOUT_RENDER_DPI = 150.0


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    """Per-request options that reach the workers (all picklable)."""

    model_id: str
    recipe: Recipe
    api_version: str
    string_index_type: str = "textElements"
    pages: str | None = None
    locale: str | None = None
    features: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form for the operation store."""
        return {
            "model_id": self.model_id,
            "recipe": self.recipe.value,
            "api_version": self.api_version,
            "string_index_type": self.string_index_type,
            "pages": self.pages,
            "locale": self.locale,
            "features": list(self.features),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnalyzeOptions:
        """Inverse of ``to_json``."""
        return cls(
            model_id=data["model_id"],
            recipe=Recipe(data["recipe"]),
            api_version=data["api_version"],
            string_index_type=data.get("string_index_type", "textElements"),
            pages=data.get("pages"),
            locale=data.get("locale"),
            features=tuple(data.get("features", ())),
        )


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """How a worker builds its engines (from Settings; picklable)."""

    ocr_engine: str = "cascade"
    ocr_threads: int = 1
    max_document_bytes: int = 500 * 1024 * 1024
    max_pages: int = 2000

    @property
    def limits(self) -> Limits:
        """Input limits for ingest."""
        return Limits(max_bytes=self.max_document_bytes, max_pages=self.max_pages)


@dataclass(slots=True)
class WorkerContext:
    """Per-process state: the config and lazily created engines (created once, then reused)."""

    config: EngineConfig
    _engine: Any = field(default=None)

    def ocr_engine(self) -> Any:
        """The OCR engine of this process, created on first use."""
        if self._engine is None:
            from docintel.ocr.base import OcrOptions, create_engine

            self._engine = create_engine(
                OcrOptions(engine=self.config.ocr_engine, threads=self.config.ocr_threads)
            )
        return self._engine


_CONTEXT: WorkerContext | None = None


def init_worker(config: EngineConfig, warm: bool = True) -> None:
    """Process-pool initializer: build this process's context and load the engines once."""
    global _CONTEXT
    # One intra-op thread per worker process: parallelism comes from processes.
    os.environ.setdefault("OMP_NUM_THREADS", str(config.ocr_threads))
    _CONTEXT = WorkerContext(config)
    if warm:
        _CONTEXT.ocr_engine()
        from docintel.extract.run import warm_extractors

        warm_extractors()


def context() -> WorkerContext:
    """This process's context (created with defaults when no initializer ran, e.g. the CLI)."""
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = WorkerContext(EngineConfig())
    return _CONTEXT


def ping() -> int:
    """A no-op task that proves a worker is up and its engines are loaded."""
    context().ocr_engine()
    return os.getpid()


@dataclass(frozen=True, slots=True)
class DocumentPlan:
    """What ``plan_document`` found: the pages to analyse, in order, and which need OCR."""

    format: str
    page_count: int
    pages: tuple[int, ...]
    ocr_pages: tuple[int, ...] = ()


# A document whose pages all have a text layer is analysed in one worker call up to this many
# pages (a few ms each: splitting it would cost more in process round-trips than it saves).
INLINE_TEXT_PAGES = 64


def plan_document(path: Path, options: AnalyzeOptions, limits: Limits) -> DocumentPlan:
    """Open and validate the input; resolve ``pages``; note which selected pages need OCR."""
    with open_document(path, limits) as doc:
        return _plan(doc, options)


def _plan(doc: SourceDocument, options: AnalyzeOptions) -> DocumentPlan:
    ranges = parse_pages(options.pages) if options.pages else None
    pages = select_pages(ranges, doc.page_count)
    ocr = tuple(n for n in pages if not doc.page(n).has_text_layer())
    return DocumentPlan(
        format=str(doc.format), page_count=doc.page_count, pages=tuple(pages), ocr_pages=ocr
    )


def plan_or_analyze(
    path: Path, options: AnalyzeOptions, limits: Limits
) -> DocumentPlan | tuple[bytes, int]:
    """Plan the document; a short one (text layer only, or a single page) is done right away.

    Returns the result JSON and page count when done inline, else the plan for the runner to
    split across workers.
    """
    with open_document(path, limits) as doc:
        plan = _plan(doc, options)
        short = not plan.ocr_pages and len(plan.pages) <= INLINE_TEXT_PAGES
        if not (short or len(plan.pages) == 1):
            return plan
        pages = _analyze_open(doc, list(plan.pages), options)
    return assemble_json(pages, options), len(pages)


def analyze_pages(path: Path, page_numbers: list[int], options: AnalyzeOptions) -> list[PageLayout]:
    """Ingest, read and lay out a chunk of pages of one document (runs in a worker)."""
    with open_document(path, context().config.limits) as doc:
        return _analyze_open(doc, page_numbers, options)


def _analyze_open(
    doc: SourceDocument, page_numbers: list[int], options: AnalyzeOptions
) -> list[PageLayout]:
    from docintel.layout.analyze import analyze_layout, analyze_read, usable_vectors
    from docintel.ocr.page import read_page

    ctx = context()
    out: list[PageLayout] = []
    force_hi_res = "ocrHighResolution" in options.features
    for number in page_numbers:
        page = doc.page(number)
        engine = None if page.has_text_layer() else ctx.ocr_engine()
        text, raster = read_page(page, engine)
        if options.recipe is Recipe.READ:
            out.append(analyze_read(text))
            continue
        if raster is None:
            # Text-layer page: its own vector graphics give rulings and checkboxes exactly
            # and cheaply; render only when they cannot (e.g. a scan with a text layer).
            vectors = page.vector_graphics()
            if vectors is not None and usable_vectors(vectors):
                out.append(analyze_layout(text, None, vectors))
                continue
            dpi = 2 * LAYOUT_RENDER_DPI if force_hi_res else LAYOUT_RENDER_DPI
            raster = page.render(dpi)
        out.append(analyze_layout(text, raster))
    return out


def includes_for(options: AnalyzeOptions) -> set[str]:
    """Which optional outputs the model emits for this request (API_CONTRACT.md §6)."""
    features = set(options.features)
    info = PREBUILT.get(options.model_id)
    if info is not None:
        include = set(info.emits)
    else:
        include = {"paragraphs", "styles"}
        if options.recipe is Recipe.LAYOUT:
            include |= {"roles", "tables", "selectionMarks"}
    # 3.0 read emits languages always; 3.1 only with features=languages.
    if "languages" in features or (
        options.model_id == "prebuilt-read" and options.api_version == "2022-08-31"
    ):
        include.add("languages")
    if "styleFont" in features:
        include.add("styleFont")
    if "keyValuePairs" in features and options.model_id != "prebuilt-read":
        include.add("keyValuePairs")
    return include


def assemble_json(pages: list[PageLayout], options: AnalyzeOptions) -> bytes:
    """Build the ``analyzeResult`` JSON (bytes) from the pages' layouts, in page order.

    Models with fields (and key-value pairs) run their extractor on the assembled content here,
    in the worker, so every field's spans point into exactly this ``content``.
    """
    from docintel.layout.roles import assign_cross_page_roles
    from docintel.models.assemble import assemble
    from docintel.schema import dump_json

    pages = sorted(pages, key=lambda p: p.page_number)
    include = includes_for(options)
    if "roles" in include:
        # Pages were analysed apart: running headers and footers show only across them.
        assign_cross_page_roles(pages)
    assembly = assemble(
        pages,
        model_id=options.model_id,
        api_version=options.api_version,
        string_index_type=options.string_index_type,
        include=include,
    )
    info = PREBUILT.get(options.model_id)
    extractor = info.extractor if info is not None else None
    if extractor is not None or "keyValuePairs" in include:
        from docintel.extract.run import run_extractors

        run_extractors(assembly, pages, options, extractor, "keyValuePairs" in include)
    return dump_json(assembly.result)
