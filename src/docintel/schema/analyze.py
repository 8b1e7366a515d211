"""The analyze result model (API_CONTRACT.md §5) for api-versions 2022-08-31 and 2023-07-31.

Field order follows the golden ``GetAnalyzeDocumentResult.json`` where it differs from the
swagger (e.g. a page's ``spans`` come last, a word's ``confidence`` before its ``span``), so
our output diffs cleanly against the cloud's.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from docintel.schema.base import ApiModel, DateTime, GatedModel, Number, StringIndexType
from docintel.schema.common import BoundingRegion, DocumentSpan, Polygon
from docintel.schema.fields import AnalyzedDocument
from docintel.schema.management import Error

ParagraphRole = Literal[
    "pageHeader", "pageFooter", "pageNumber", "title", "sectionHeading", "footnote", "formulaBlock"
]
CellKind = Literal["content", "rowHeader", "columnHeader", "stubHead", "description"]
SelectionMarkState = Literal["selected", "unselected"]


class DocumentWord(ApiModel):
    """A word: content, polygon, confidence and its single span."""

    content: str
    polygon: Polygon | None = None
    confidence: Number
    span: DocumentSpan


class DocumentSelectionMark(ApiModel):
    """A checkbox or radio button; its span points at the ``:selected:`` token in content."""

    state: SelectionMarkState
    polygon: Polygon | None = None
    confidence: Number
    span: DocumentSpan


class DocumentLine(ApiModel):
    """A line of text (no confidence in the REST model)."""

    content: str
    polygon: Polygon | None = None
    spans: list[DocumentSpan]


class DocumentAnnotation(ApiModel):
    """[3.1] A check or cross drawn on the page."""

    kind: Literal["check", "cross"]
    polygon: Polygon
    confidence: Number


class DocumentBarcode(ApiModel):
    """[3.1] A decoded barcode (``features=barcodes``)."""

    kind: str
    value: str
    polygon: Polygon | None = None
    span: DocumentSpan
    confidence: Number


class DocumentFormula(ApiModel):
    """[3.1] A formula in LaTeX (``features=formulas``)."""

    kind: Literal["inline", "display"]
    value: str
    polygon: Polygon | None = None
    span: DocumentSpan
    confidence: Number


class DocumentPage(GatedModel):
    """One analysed page with its words, selection marks and lines."""

    v31_only: ClassVar[frozenset[str]] = frozenset({"annotations", "barcodes", "formulas"})

    page_number: int
    angle: Number | None = None
    width: Number | None = None
    height: Number | None = None
    unit: Literal["pixel", "inch"] | None = None
    words: list[DocumentWord] | None = None
    selection_marks: list[DocumentSelectionMark] | None = None
    lines: list[DocumentLine] | None = None
    annotations: list[DocumentAnnotation] | None = None
    barcodes: list[DocumentBarcode] | None = None
    formulas: list[DocumentFormula] | None = None
    spans: list[DocumentSpan]


class DocumentParagraph(GatedModel):
    """A paragraph in reading order, with an optional role (omitted for body text)."""

    role: ParagraphRole | None = None
    content: str
    bounding_regions: list[BoundingRegion] | None = None
    spans: list[DocumentSpan]

    def downgrade(self, data: dict[str, Any]) -> None:
        """3.0 has no ``formulaBlock`` role: such a paragraph becomes body text."""
        if data.get("role") == "formulaBlock":
            del data["role"]


class DocumentTableCell(GatedModel):
    """A table cell; ``kind`` omitted for plain content cells, empty cells have no spans."""

    kind: CellKind | None = None
    row_index: int
    column_index: int
    row_span: int | None = None
    column_span: int | None = None
    content: str
    bounding_regions: list[BoundingRegion] | None = None
    spans: list[DocumentSpan]


class DocumentTable(GatedModel):
    """A table: grid size, cells listed row-major, regions and the merged spans of its cells."""

    row_count: int
    column_count: int
    cells: list[DocumentTableCell]
    bounding_regions: list[BoundingRegion] | None = None
    spans: list[DocumentSpan]


class DocumentKeyValueElement(GatedModel):
    """The key or the value of a key-value pair."""

    content: str
    bounding_regions: list[BoundingRegion] | None = None
    spans: list[DocumentSpan]


class DocumentKeyValuePair(ApiModel):
    """A key with its value (absent when the key has none)."""

    key: DocumentKeyValueElement
    value: DocumentKeyValueElement | None = None
    confidence: Number


class DocumentStyle(GatedModel):
    """A text style over some spans: handwriting, and [3.1] font properties."""

    v31_only: ClassVar[frozenset[str]] = frozenset(
        {"similarFontFamily", "fontStyle", "fontWeight", "color", "backgroundColor"}
    )

    is_handwritten: bool | None = None
    similar_font_family: str | None = None
    font_style: Literal["normal", "italic"] | None = None
    font_weight: Literal["normal", "bold"] | None = None
    color: str | None = None
    background_color: str | None = None
    spans: list[DocumentSpan]
    confidence: Number


class DocumentLanguage(ApiModel):
    """A detected language over some spans."""

    locale: str
    spans: list[DocumentSpan]
    confidence: Number


class AnalyzeResult(GatedModel):
    """The ``analyzeResult`` object: content, pages and everything found in them."""

    api_version: str
    model_id: str
    string_index_type: StringIndexType
    content: str
    pages: list[DocumentPage]
    paragraphs: list[DocumentParagraph] | None = None
    tables: list[DocumentTable] | None = None
    key_value_pairs: list[DocumentKeyValuePair] | None = None
    styles: list[DocumentStyle] | None = None
    languages: list[DocumentLanguage] | None = None
    documents: list[AnalyzedDocument] | None = None

    def downgrade(self, data: dict[str, Any]) -> None:
        """Styles left with no 3.0 property (font-only styles) say nothing under 3.0: drop."""
        styles = [s for s in data.get("styles", ()) if "isHandwritten" in s]
        if styles:
            data["styles"] = styles
        else:
            data.pop("styles", None)


class AnalyzeResultOperation(ApiModel):
    """The body of ``GET .../analyzeResults/{resultId}``."""

    status: Literal["notStarted", "running", "failed", "succeeded"]
    created_date_time: DateTime
    last_updated_date_time: DateTime
    error: Error | None = None
    analyze_result: AnalyzeResult | None = None
