"""Page analysis entry points: ``analyze_read`` (order + paragraphs) and ``analyze_layout``
(+ selection marks, ruled tables, paragraph roles).

Tables stay in the reading order where they sit: the reading order is computed with each table
as one block, which is then expanded into its cells row by row. Every non-empty cell's items
form a paragraph of their own (Azure reports cell text as paragraphs too); roles are given only
to paragraphs outside tables.
"""

from __future__ import annotations

from docintel.core.types import (
    ContentItem,
    Line,
    PageLayout,
    PageText,
    Paragraph,
    SelectionMark,
    Table,
)
from docintel.ingest.vector import VectorGraphics
from docintel.layout._frame import dominant_angle, enclosing_quad
from docintel.layout.marks import (
    detect_selection_marks,
    detect_vector_marks,
    drop_mark_artifacts,
    extract_glyph_marks,
)
from docintel.layout.paragraphs import assign_roles, group_paragraphs
from docintel.layout.reading_order import reading_order
from docintel.layout.tables import HasPixels, find_tables

# Tables and drawn marks are looked for only on (nearly) upright pages.
MAX_RASTER_ANGLE = 5.0
# A page whose images cover this share of it may draw its tables and boxes in pixels (a scan
# with a text layer): its vector graphics do not tell the whole story.
MAX_VECTOR_IMAGE_SHARE = 0.25


def analyze_read(page: PageText) -> PageLayout:
    """Reading order and paragraphs (no roles, marks or tables), as ``prebuilt-read`` reports."""
    items: list[ContentItem] = list(page.lines)
    order = reading_order(items, page.width, page.height)
    items = [items[i] for i in order]
    paragraphs = group_paragraphs(items, list(range(len(items))), with_roles=False)
    return _layout(page, items, paragraphs, [])


def usable_vectors(vectors: VectorGraphics | None) -> bool:
    """Whether a page's paths can stand in for its raster (complete, not mostly images)."""
    return (
        vectors is not None
        and not vectors.truncated
        and vectors.image_share() < MAX_VECTOR_IMAGE_SHARE
    )


def analyze_layout(
    page: PageText, raster: HasPixels | None, vectors: VectorGraphics | None = None
) -> PageLayout:
    """Reading order, paragraphs with roles, selection marks and ruled tables of one page.

    Marks and rulings come from ``vectors`` (a born-digital PDF page's paths) when they are
    usable, and then ``raster`` may be None; otherwise from the raster.
    """
    items: list[ContentItem] = extract_glyph_marks(list(page.lines))
    upright = abs(dominant_angle(items)) <= MAX_RASTER_ANGLE
    tables: list[Table] = []
    usable = vectors if usable_vectors(vectors) else None
    if upright and (usable is not None or (raster is not None and raster.pixels.size)):
        marks: list[SelectionMark] = []
        if usable is not None:
            marks = detect_vector_marks(usable, items)
        elif raster is not None:
            marks = detect_selection_marks(raster, items)
        items = drop_mark_artifacts(items, marks) + list(marks)
        items, tables = find_tables(items, raster, usable)
    items, tables = _order_with_tables(items, tables, page.width, page.height)

    in_table = {i for t in tables for c in t.cells for i in c.items}
    body = [i for i in range(len(items)) if i not in in_table]
    paragraphs = group_paragraphs(items, body, with_roles=False)
    assign_roles(paragraphs, items, page_width=page.width, page_height=page.height)
    angle = dominant_angle(items)
    for t in tables:
        for c in t.cells:
            if c.items:
                poly = enclosing_quad((items[i].polygon for i in c.items), angle)
                paragraphs.append(Paragraph(items=list(c.items), polygon=poly))
    paragraphs.sort(key=lambda p: p.items[0])
    return _layout(page, items, paragraphs, tables)


def _order_with_tables(
    items: list[ContentItem], tables: list[Table], width: float, height: float
) -> tuple[list[ContentItem], list[Table]]:
    """Items in reading order with each table read as one block, cells row-major; tables'
    item indexes remapped to the new order."""
    owner: dict[int, int] = {}
    for t, table in enumerate(tables):
        for cell in table.cells:
            for i in cell.items:
                owner[i] = t
    free = [i for i in range(len(items)) if i not in owner]
    # One stand-in line per table (no words: it never reaches the output).
    blocks: list[ContentItem] = [items[i] for i in free]
    blocks += [Line(words=[], polygon=t.polygon) for t in tables]
    order = reading_order(blocks, width, height)
    new_index: dict[int, int] = {}
    out: list[ContentItem] = []
    for k in order:
        if k < len(free):
            new_index[free[k]] = len(out)
            out.append(items[free[k]])
            continue
        table = tables[k - len(free)]
        for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
            for i in cell.items:
                new_index[i] = len(out)
                out.append(items[i])
    for table in tables:
        for cell in table.cells:
            cell.items = [new_index[i] for i in cell.items]
    return out, tables


def _layout(
    page: PageText, items: list[ContentItem], paragraphs: list[Paragraph], tables: list[Table]
) -> PageLayout:
    return PageLayout(
        page_number=page.page_number,
        width=page.width,
        height=page.height,
        unit=page.unit,
        angle=page.angle,
        items=items,
        paragraphs=paragraphs,
        tables=tables,
        text_source=page.source,
    )
