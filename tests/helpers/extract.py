"""Inputs for extractor tests: a DocView from hand-placed lines, or a full run on a new PDF.

``view_from_lines`` is for pure unit tests of extraction rules: each line is placed where the
test says (inches, a fixed-pitch font), reading order and paragraphs come from the real
``analyze_read``. ``analyze_bytes`` runs the real pipeline in-process (text-layer PDFs need no
OCR, so it takes milliseconds) and returns the ``analyzeResult`` JSON of any model.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docintel.core.types import PageLayout, PageText
from docintel.extract.docview import DocView, build_view
from docintel.layout.analyze import analyze_read
from docintel.layout.content import build_content
from tests.helpers.layout import line

# (text, x0, y0) in inches; optional 4th element: line height in inches.
PlacedLine = tuple[str, float, float] | tuple[str, float, float, float]


def page_layout(lines: Sequence[PlacedLine], number: int = 1) -> PageLayout:
    """A Letter page (inches) with the given lines, in the reading order layout finds."""
    made = [line(t[0], t[1], t[2], t[3] if len(t) > 3 else 0.14) for t in lines]
    text = PageText(number, 8.5, 11.0, "inch", 0.0, made, "textLayer")
    return analyze_read(text)


def view_from_lines(*pages: Sequence[PlacedLine]) -> DocView:
    """A DocView of one page per argument."""
    layouts = [page_layout(p, i + 1) for i, p in enumerate(pages)]
    return build_view(layouts, build_content(layouts))


def analyze_bytes(
    data: bytes, model_id: str, api_version: str = "2023-07-31", **options: Any
) -> dict[str, Any]:
    """The ``analyzeResult`` JSON of ``model_id`` on a document, run in this process."""
    from docintel.models.pipeline import (
        AnalyzeOptions,
        EngineConfig,
        analyze_pages,
        assemble_json,
        plan_document,
    )
    from docintel.models.registry import PREBUILT

    opts = AnalyzeOptions(
        model_id=model_id, recipe=PREBUILT[model_id].recipe, api_version=api_version, **options
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc"
        path.write_bytes(data)
        plan = plan_document(path, opts, EngineConfig().limits)
        pages = analyze_pages(path, list(plan.pages), opts)
        result: dict[str, Any] = json.loads(assemble_json(pages, opts))
    return result
