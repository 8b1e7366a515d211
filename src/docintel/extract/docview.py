"""A read-only view of an assembled document for field extractors.

Extractors work on lines and words in document reading order with their code-point spans in
``content`` (so every field they build points into the result exactly), plus the tables,
paragraphs and selection marks of layout. Geometry is offered twice: ``polygon`` in page units
as reported, and ``box``, the axis-aligned box in the page's *upright* frame (the page turned
by ``-angle``), which is what "right of" and "below" mean on a skewed photo.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from docintel.core.geometry import BBox, Polygon, bbox, rotate
from docintel.core.types import Line, PageLayout, SelectionMark, Unit
from docintel.layout.content import ContentIndex, Span

# Below this page angle (degrees) boxes are taken as they are.
_UPRIGHT_TOLERANCE = 0.3


@dataclass(slots=True)
class Token:
    """One word of the document."""

    text: str
    page: int
    polygon: Polygon
    box: BBox
    confidence: float
    span: Span
    line: int
    index: int


@dataclass(frozen=True, slots=True)
class SubToken:
    """Part of a word, ``token.text[start:end]``: a key and its value glued by OCR
    ("DATE3/17/82") become two pieces with their own spans. The box is cut from the word's by
    character position (monospace estimate)."""

    token: Token
    start: int
    end: int

    @property
    def text(self) -> str:
        """The characters of this part."""
        return self.token.text[self.start : self.end]

    @property
    def page(self) -> int:
        """The word's page."""
        return self.token.page

    @property
    def confidence(self) -> float:
        """The word's recognition confidence."""
        return self.token.confidence

    @property
    def span(self) -> Span:
        """The part's code-point span in content."""
        return Span(self.token.span.offset + self.start, self.end - self.start)

    @property
    def box(self) -> BBox:
        """The word's upright box narrowed to this part's characters."""
        x0, y0, x1, y1 = self.token.box
        n = max(1, len(self.token.text))
        return (x0 + (x1 - x0) * self.start / n, y0, x0 + (x1 - x0) * self.end / n, y1)


@dataclass(slots=True)
class TextLine:
    """One line of the document, in reading order (``index`` into ``DocView.lines``)."""

    index: int
    page: int
    text: str
    polygon: Polygon
    box: BBox
    span: Span
    tokens: list[Token]
    paragraph: int | None = None
    cell: tuple[int, int, int] | None = None  # (table index in DocView.tables, row, col)

    @property
    def height(self) -> float:
        """Height of the upright box."""
        return self.box[3] - self.box[1]


@dataclass(slots=True)
class Mark:
    """A selection mark; ``span`` is ``None`` when the model leaves marks out of content."""

    page: int
    state: str
    polygon: Polygon
    box: BBox
    confidence: float
    span: Span | None


@dataclass(slots=True)
class CellView:
    """A table cell; ``lines`` index ``DocView.lines``."""

    row: int
    col: int
    row_span: int
    col_span: int
    kind: str
    box: BBox
    lines: list[int]


@dataclass(slots=True)
class TableView:
    """A table of one page."""

    page: int
    row_count: int
    column_count: int
    box: BBox
    cells: list[CellView]

    def grid(self) -> list[list[CellView | None]]:
        """``row_count`` × ``column_count`` slots; a spanning cell fills every slot it covers."""
        out: list[list[CellView | None]] = [
            [None] * self.column_count for _ in range(self.row_count)
        ]
        for c in self.cells:
            for r in range(c.row, min(c.row + c.row_span, self.row_count)):
                for k in range(c.col, min(c.col + c.col_span, self.column_count)):
                    out[r][k] = c
        return out


@dataclass(slots=True)
class PageView:
    """One page: size, unit, angle and its lines (indexes into ``DocView.lines``)."""

    number: int
    width: float
    height: float
    unit: Unit
    angle: float
    span: Span
    lines: list[int] = field(default_factory=list)


@dataclass(slots=True)
class DocView:
    """Everything an extractor reads; see the module docstring."""

    content: str
    pages: list[PageView]
    lines: list[TextLine]
    tokens: list[Token]
    marks: list[Mark]
    tables: list[TableView]

    def page(self, number: int) -> PageView:
        """The page with this 1-based number."""
        for p in self.pages:
            if p.number == number:
                return p
        raise KeyError(number)

    def page_lines(self, number: int) -> Iterator[TextLine]:
        """The lines of one page, in reading order."""
        for i in self.page(number).lines:
            yield self.lines[i]

    def cell_text(self, table: int, cell: CellView) -> str:
        """A cell's lines joined by spaces."""
        return " ".join(self.lines[i].text for i in cell.lines)

    def cell_tokens(self, cell: CellView) -> list[Token]:
        """A cell's words in reading order."""
        return [t for i in cell.lines for t in self.lines[i].tokens]


def upright_box(poly: Sequence[float], page: PageLayout) -> BBox:
    """The box of ``poly`` in the page's upright frame (turned by ``-angle`` about the centre)."""
    if abs(page.angle) < _UPRIGHT_TOLERANCE:
        return bbox(poly)
    return bbox(rotate(poly, page.width / 2, page.height / 2, -page.angle))


def build_view(pages: Sequence[PageLayout], index: ContentIndex) -> DocView:
    """The view of assembled ``pages`` whose content and spans are ``index``."""
    lines: list[TextLine] = []
    tokens: list[Token] = []
    marks: list[Mark] = []
    tables: list[TableView] = []
    page_views: list[PageView] = []
    for page, spans in zip(pages, index.pages, strict=True):
        pv = PageView(
            page.page_number, page.width, page.height, page.unit, page.angle, spans.page_span
        )
        page_views.append(pv)
        item_line: dict[int, int] = {}
        for i, item in enumerate(page.items):
            span = spans.item_spans[i]
            if isinstance(item, SelectionMark):
                marks.append(
                    Mark(
                        page.page_number,
                        item.state,
                        item.polygon,
                        upright_box(item.polygon, page),
                        item.confidence,
                        span,
                    )
                )
                continue
            if span is None or not isinstance(item, Line):
                continue
            li = len(lines)
            toks: list[Token] = []
            for word, wspan in zip(item.words, spans.word_spans[i], strict=True):
                tok = Token(
                    word.text,
                    page.page_number,
                    word.polygon,
                    upright_box(word.polygon, page),
                    word.confidence,
                    wspan,
                    li,
                    len(tokens),
                )
                toks.append(tok)
                tokens.append(tok)
            lines.append(
                TextLine(
                    li,
                    page.page_number,
                    item.text,
                    item.polygon,
                    upright_box(item.polygon, page),
                    span,
                    toks,
                )
            )
            item_line[i] = li
            pv.lines.append(li)
        for p_index, para in enumerate(page.paragraphs):
            for i in para.items:
                if i in item_line:
                    lines[item_line[i]].paragraph = p_index
        for table in page.tables:
            t_index = len(tables)
            cells: list[CellView] = []
            for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
                cell_lines = [item_line[i] for i in cell.items if i in item_line]
                for li in cell_lines:
                    lines[li].cell = (t_index, cell.row, cell.col)
                cells.append(
                    CellView(
                        cell.row,
                        cell.col,
                        cell.row_span,
                        cell.col_span,
                        cell.kind,
                        upright_box(cell.polygon, page),
                        cell_lines,
                    )
                )
            tables.append(
                TableView(
                    page.page_number,
                    table.row_count,
                    table.column_count,
                    upright_box(table.polygon, page),
                    cells,
                )
            )
    return DocView(index.content, page_views, lines, tokens, marks, tables)
