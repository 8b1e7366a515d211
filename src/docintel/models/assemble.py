"""Assemble the ``AnalyzeResult`` of a document from its pages' layouts.

Conventions (checked against the golden ``GetAnalyzeDocumentResult.json`` and Azure's published
read/layout samples):

* ``content`` and every span come from ``docintel.layout.content`` (nothing else computes
  offsets); spans are in the requested ``stringIndexType``.
* A multi-line element (paragraph, table cell, and likewise fields) has **one merged span**
  covering the ``"\\n"`` between its lines, while its ``content`` joins the lines with a
  **space**: the golden ``RemittanceAddress`` is ``"123 Remit St New York, NY, 10001"`` over the
  single span ``{913, 32}`` that reads ``"123 Remit St\\nNew York, NY, 10001"`` in content, and
  Azure's read sample paragraph (188 characters, several lines) has one 188-long span. So
  ``element.content == content-slice-of-its-spans`` with ``"\\n"`` read as ``" "`` and
  non-adjacent spans (cell ``"2 :unselected:"`` = ``{634,1}`` + ``{946,12}``) joined by ``" "``.
* Cells: ``kind`` omitted for ``content`` cells, ``rowSpan``/``columnSpan`` always present, an
  empty cell has ``"content": ""`` and ``"spans": []``; a table's spans are its cells' merged.
* Numbers: inch coordinates to 4 decimals, pixel coordinates to integers (as the cloud emits
  them), never negative; confidences to 3 decimals; integral values as JSON integers.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from docintel.core.types import Line, PageLayout, SelectionMark, Table, Unit, Word
from docintel.layout.content import (
    ContentIndex,
    PageSpans,
    Span,
    SpanConverter,
    build_content,
    merge_spans,
)
from docintel.schema import (
    API_V30,
    AnalyzeResult,
    BoundingRegion,
    DocumentLanguage,
    DocumentPage,
    DocumentParagraph,
    DocumentSpan,
    DocumentStyle,
    DocumentTable,
    DocumentTableCell,
)
from docintel.schema.base import StringIndexType

# What a model may emit (API_CONTRACT.md §6); the caller decides per model and request.
INCLUDE_ALL = frozenset(
    {"paragraphs", "roles", "tables", "selectionMarks", "languages", "styles", "styleFont"}
)


@dataclass(slots=True)
class Assembly:
    """The result plus what extractors need to point into it (code-point index, converter)."""

    result: AnalyzeResult
    index: ContentIndex
    converter: SpanConverter

    def doc_spans(self, cp_spans: Iterable[Span]) -> list[DocumentSpan]:
        """Merged code-point spans as REST spans in the result's ``stringIndexType``."""
        return to_doc_spans(self.index.content, self.converter, cp_spans)


def assemble_result(
    pages: list[PageLayout],
    *,
    model_id: str,
    api_version: str,
    string_index_type: str,
    include: set[str] | frozenset[str],
) -> AnalyzeResult:
    """The ``analyzeResult`` for ``pages`` (already in page order), emitting only ``include``."""
    return assemble(
        pages,
        model_id=model_id,
        api_version=api_version,
        string_index_type=string_index_type,
        include=include,
    ).result


def assemble(
    pages: Sequence[PageLayout],
    *,
    model_id: str,
    api_version: str,
    string_index_type: str,
    include: set[str] | frozenset[str],
) -> Assembly:
    """Like ``assemble_result`` but also returns the content index and span converter."""
    with _gc_paused():
        return _assemble(
            pages,
            model_id=model_id,
            api_version=api_version,
            string_index_type=string_index_type,
            include=include,
        )


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Assembly allocates hundreds of thousands of acyclic objects (one model per word); the
    # cyclic collector would rescan the growing heap over and over (measured: 2.5x slower).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _assemble(
    pages: Sequence[PageLayout],
    *,
    model_id: str,
    api_version: str,
    string_index_type: str,
    include: set[str] | frozenset[str],
) -> Assembly:
    index = build_content(pages, include_marks="selectionMarks" in include)
    content = index.content
    conv = SpanConverter(content, string_index_type)

    out_pages = [
        _page(page, spans, conv, include) for page, spans in zip(pages, index.pages, strict=True)
    ]
    result = AnalyzeResult(
        api_version=api_version,
        model_id=model_id,
        string_index_type=_index_type(string_index_type),
        content=content,
        pages=out_pages,
    )
    if "paragraphs" in include:
        with_roles = "roles" in include
        result.paragraphs = [
            para
            for page, spans in zip(pages, index.pages, strict=True)
            for para in _paragraphs(page, spans, content, conv, with_roles, api_version)
        ]
    if "tables" in include:
        result.tables = [
            _table(page, table, spans, content, conv)
            for page, spans in zip(pages, index.pages, strict=True)
            for table in page.tables
        ]
    if "styles" in include:
        font = "styleFont" in include and api_version != API_V30
        result.styles = _styles(pages, index, conv, font)
    if "languages" in include:
        result.languages = _languages(pages, index, conv)
    return Assembly(result, index, conv)


def _index_type(value: str) -> StringIndexType:
    if value == "textElements":
        return "textElements"
    if value == "unicodeCodePoint":
        return "unicodeCodePoint"
    if value == "utf16CodeUnit":
        return "utf16CodeUnit"
    raise ValueError(f"unknown stringIndexType {value!r}")


def to_doc_spans(content: str, conv: SpanConverter, cp_spans: Iterable[Span]) -> list[DocumentSpan]:
    """Merge code-point spans (Azure style) and convert them to REST spans."""
    out: list[DocumentSpan] = []
    for s in merge_spans(cp_spans, content):
        offset, length = conv.span(s.offset, s.length)
        out.append(DocumentSpan(offset=offset, length=length))
    return out


# --- numbers ------------------------------------------------------------------------------


def _compact(v: float) -> int | float:
    return int(v) if v.is_integer() else v


def coordinate(v: float, unit: Unit) -> int | float:
    """A coordinate or size for output: rounded for the unit, never negative."""
    if unit == "pixel":
        return max(0, round(v))
    return _compact(max(0.0, round(v, 4)) + 0.0)


def polygon_out(poly: Sequence[float], unit: Unit) -> list[int | float]:
    """A polygon for output (see ``coordinate``); hot: one call per word."""
    if unit == "pixel":
        ints: list[int | float] = [round(v) for v in poly]
        return ints if min(ints) >= 0 else [max(0, v) for v in ints]
    out: list[int | float] = [round(v, 4) for v in poly]
    # Also catches -0.0, which would print as "-0.0".
    return out if min(out) > 0 else [v if v > 0 else 0 for v in out]


def confidence_out(v: float) -> int | float:
    """A confidence clamped to [0, 1] and rounded to 3 decimals."""
    return _compact(min(1.0, max(0.0, round(v, 3))) + 0.0)


def angle_out(v: float) -> int | float:
    """An angle in (-180, 180], rounded to 4 decimals."""
    a = round(v, 4) + 0.0
    if a <= -180.0:
        a += 360.0
    return _compact(a)


# --- pages ----------------------------------------------------------------------------------


def _page(
    page: PageLayout, spans: PageSpans, conv: SpanConverter, include: set[str] | frozenset[str]
) -> DocumentPage:
    # Hot path (one entry per word): built as wire-shaped dicts and validated in one call,
    # which pydantic does several times faster than constructing each model in Python.
    unit = page.unit
    words: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    cspan = conv.span
    for item, item_span, word_spans in zip(
        page.items, spans.item_spans, spans.word_spans, strict=True
    ):
        if item_span is None:
            continue
        if isinstance(item, Line):
            for word, ws in zip(item.words, word_spans, strict=True):
                offset, length = cspan(ws.offset, ws.length)
                words.append(
                    {
                        "content": word.text,
                        "polygon": polygon_out(word.polygon, unit),
                        "confidence": confidence_out(word.confidence),
                        "span": {"offset": offset, "length": length},
                    }
                )
            offset, length = cspan(item_span.offset, item_span.length)
            lines.append(
                {
                    "content": item.text,
                    "polygon": polygon_out(item.polygon, unit),
                    "spans": [{"offset": offset, "length": length}],
                }
            )
        elif "selectionMarks" in include:
            offset, length = cspan(item_span.offset, item_span.length)
            marks.append(
                {
                    "state": item.state,
                    "polygon": polygon_out(item.polygon, unit),
                    "confidence": confidence_out(item.confidence),
                    "span": {"offset": offset, "length": length},
                }
            )
    offset, length = cspan(spans.page_span.offset, spans.page_span.length)
    return DocumentPage.model_validate(
        {
            "pageNumber": page.page_number,
            "angle": angle_out(page.angle),
            "width": coordinate(page.width, unit),
            "height": coordinate(page.height, unit),
            "unit": unit,
            "words": words,
            "selectionMarks": marks,
            "lines": lines,
            "spans": [{"offset": offset, "length": length}],
        }
    )


def _items_content_and_spans(
    page: PageLayout, spans: PageSpans, items: Iterable[int]
) -> tuple[str, list[Span]]:
    texts: list[str] = []
    cp: list[Span] = []
    for i in items:
        s = spans.item_spans[i]
        if s is None:
            continue
        texts.append(page.items[i].text)
        cp.append(s)
    return " ".join(texts), cp


def _paragraphs(
    page: PageLayout,
    spans: PageSpans,
    content: str,
    conv: SpanConverter,
    with_roles: bool,
    api_version: str,
) -> list[DocumentParagraph]:
    out: list[DocumentParagraph] = []
    for para in page.paragraphs:
        text, cp = _items_content_and_spans(page, spans, para.items)
        if not cp:
            continue
        role = para.role if with_roles else None
        if role == "formulaBlock" and api_version == API_V30:
            role = None
        out.append(
            DocumentParagraph(
                role=role,
                content=text,
                bounding_regions=[_region(page, para.polygon)],
                spans=to_doc_spans(content, conv, cp),
            )
        )
    return out


def _region(page: PageLayout, polygon: Sequence[float]) -> BoundingRegion:
    return BoundingRegion(page_number=page.page_number, polygon=polygon_out(polygon, page.unit))


def _table(
    page: PageLayout, table: Table, spans: PageSpans, content: str, conv: SpanConverter
) -> DocumentTable:
    cells: list[DocumentTableCell] = []
    all_cp: list[Span] = []
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        text, cp = _items_content_and_spans(page, spans, cell.items)
        all_cp.extend(cp)
        cells.append(
            DocumentTableCell(
                kind=None if cell.kind == "content" else cell.kind,
                row_index=cell.row,
                column_index=cell.col,
                row_span=cell.row_span,
                column_span=cell.col_span,
                content=text,
                bounding_regions=[_region(page, cell.polygon)],
                spans=to_doc_spans(content, conv, cp),
            )
        )
    return DocumentTable(
        row_count=table.row_count,
        column_count=table.column_count,
        cells=cells,
        bounding_regions=[_region(page, table.polygon)],
        spans=to_doc_spans(content, conv, all_cp),
    )


# --- styles and languages ----------------------------------------------------------------------


def _words_with_spans(pages: Sequence[PageLayout], index: ContentIndex) -> list[tuple[Word, Span]]:
    out: list[tuple[Word, Span]] = []
    for page, spans in zip(pages, index.pages, strict=True):
        for item, item_span, word_spans in zip(
            page.items, spans.item_spans, spans.word_spans, strict=True
        ):
            if item_span is not None and isinstance(item, Line):
                out.extend(zip(item.words, word_spans, strict=True))
    return out


_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_STYLE_SUFFIX = re.compile(r"(PSMT|MT|PS)$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def font_family(font_name: str) -> str:
    """A readable family from a PDF font name (``ABCDEF+TimesNewRomanPS-BoldMT`` → ``Times New
    Roman``)."""
    name = _SUBSET_PREFIX.sub("", font_name.strip())
    name = re.split(r"[-,]", name, maxsplit=1)[0]
    name = _STYLE_SUFFIX.sub("", name) or name
    return _CAMEL.sub(" ", name).strip() or font_name


def _styles(
    pages: Sequence[PageLayout], index: ContentIndex, conv: SpanConverter, font: bool
) -> list[DocumentStyle]:
    words = _words_with_spans(pages, index)
    content = index.content
    out: list[DocumentStyle] = []
    hand = [(w, s) for w, s in words if w.handwritten]
    if hand:
        out.append(
            DocumentStyle(
                is_handwritten=True,
                spans=to_doc_spans(content, conv, (s for _, s in hand)),
                confidence=confidence_out(sum(w.confidence for w, _ in hand) / len(hand)),
            )
        )
    if not font:
        return out
    families: dict[str, list[Span]] = {}
    for w, s in words:
        if w.font_name:
            families.setdefault(font_family(w.font_name), []).append(s)
    for family, fam_spans in families.items():
        out.append(
            DocumentStyle(
                similar_font_family=family,
                spans=to_doc_spans(content, conv, fam_spans),
                confidence=1,
            )
        )
    bold = [s for w, s in words if w.bold]
    if bold:
        out.append(
            DocumentStyle(font_weight="bold", spans=to_doc_spans(content, conv, bold), confidence=1)
        )
    italic = [s for w, s in words if w.italic]
    if italic:
        out.append(
            DocumentStyle(
                font_style="italic", spans=to_doc_spans(content, conv, italic), confidence=1
            )
        )
    return out


def _languages(
    pages: Sequence[PageLayout], index: ContentIndex, conv: SpanConverter
) -> list[DocumentLanguage]:
    from docintel.layout.language import detect_languages

    line_spans: list[Span] = []
    for page, spans in zip(pages, index.pages, strict=True):
        for item, item_span in zip(page.items, spans.item_spans, strict=True):
            if item_span is not None and not isinstance(item, SelectionMark):
                line_spans.append(item_span)
    return [
        DocumentLanguage(
            locale=found.locale,
            spans=to_doc_spans(index.content, conv, found.spans),
            confidence=confidence_out(found.confidence),
        )
        for found in detect_languages(index.content, line_spans)
    ]
