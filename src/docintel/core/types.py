"""Internal, picklable result objects that flow from the text stage through layout to assembly.

All coordinates are in page units (inch for PDF pages, pixel for images), so no conversion
happens twice. These are ``slots`` dataclasses because they are created in hot loops; the REST
JSON is built from them only at the edge (``docintel.layout.content`` + ``docintel.schema``).

Chain: ``Word`` → ``Line`` → (``Paragraph`` | ``TableCell``) → ``PageLayout``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from docintel.core.geometry import Polygon

Unit = Literal["inch", "pixel"]
MarkState = Literal["selected", "unselected"]
ParagraphRole = Literal[
    "title", "sectionHeading", "pageHeader", "pageFooter", "pageNumber", "footnote", "formulaBlock"
]
CellKind = Literal["content", "rowHeader", "columnHeader", "stubHead", "description"]


@dataclass(slots=True)
class Word:
    """One word: text, polygon in page units, recognition confidence in [0, 1].

    ``font_size`` (page units, the em height) and ``bold``/``italic``/``font_name`` come from a
    PDF text layer when known; OCR leaves them unset. ``handwritten`` is set by engines that can
    tell.
    """

    text: str
    polygon: Polygon
    confidence: float = 1.0
    font_size: float | None = None
    font_name: str | None = None
    bold: bool = False
    italic: bool = False
    handwritten: bool = False


@dataclass(slots=True)
class Line:
    """A run of words on one visual line, in reading order; polygon encloses the words."""

    words: list[Word]
    polygon: Polygon

    @property
    def text(self) -> str:
        """Words joined by single spaces (what ``content`` holds for this line)."""
        return " ".join(w.text for w in self.words)


@dataclass(slots=True)
class SelectionMark:
    """A checkbox or radio button with its state; appears in content as ``:selected:``."""

    state: MarkState
    polygon: Polygon
    confidence: float

    @property
    def text(self) -> str:
        """The content token Azure uses for the mark."""
        return f":{self.state}:"


# An item of a page's reading order: a text line or a selection mark (own token in content).
ContentItem = Line | SelectionMark


@dataclass(slots=True)
class Paragraph:
    """Consecutive items of the page's reading order, with an optional role.

    ``items`` are indexes into ``PageLayout.items``.
    """

    items: list[int]
    polygon: Polygon
    role: ParagraphRole | None = None


@dataclass(slots=True)
class TableCell:
    """One grid cell; ``items`` index ``PageLayout.items`` (empty for an empty cell)."""

    row: int
    col: int
    polygon: Polygon
    items: list[int] = field(default_factory=list)
    row_span: int = 1
    col_span: int = 1
    kind: CellKind = "content"


@dataclass(slots=True)
class Table:
    """A table found on one page."""

    row_count: int
    column_count: int
    cells: list[TableCell]
    polygon: Polygon


@dataclass(slots=True)
class PageText:
    """Output of the text stage for one page: lines of words, page geometry, and their origin.

    ``lines`` are visual lines (words left to right along the text direction); their order is
    not yet the reading order (layout decides that). ``angle`` is the dominant text
    orientation in degrees, clockwise, in (-180, 180].
    """

    page_number: int
    width: float
    height: float
    unit: Unit
    angle: float
    lines: list[Line]
    source: Literal["textLayer", "ocr", "empty"]


@dataclass(slots=True)
class PageLayout:
    """Everything known about one analysed page, in reading order.

    ``items`` is the page's reading order: every line and selection mark exactly once. Content is
    built by joining the items' text with ``\\n``. ``paragraphs`` and table cells refer to items
    by index; paragraphs are listed in reading order.
    """

    page_number: int
    width: float
    height: float
    unit: Unit
    angle: float
    items: list[ContentItem]
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    text_source: Literal["textLayer", "ocr", "empty"] = "empty"

    @property
    def lines(self) -> list[Line]:
        """The text lines (selection marks excluded), in reading order."""
        return [it for it in self.items if isinstance(it, Line)]

    @property
    def selection_marks(self) -> list[SelectionMark]:
        """The selection marks, in reading order."""
        return [it for it in self.items if isinstance(it, SelectionMark)]
