"""Ruled tables: a chain of small pure functions (pdfplumber style).

``detect_rulings`` (pixels → segments) → ``rulings_to_grid`` (connected ruling components →
row/column boundaries) → ``grid_to_cells`` (slots merged where an inner ruling is missing →
cells with spans) → ``cells_to_table`` (page units, header kinds) → ``find_tables`` (the whole
chain plus assignment of the page's lines to cells).

Header decision (v1): the first row band of a grid with at least three rows is
``columnHeader``; the band is the first row plus every row that a first-row cell spans into.
The first column is ``rowHeader`` when all its body cells are bold text and no other body cell
is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, Protocol

import cv2
import numpy as np
import numpy.typing as npt

from docintel.core.geometry import angle_of, bbox_polygon, center
from docintel.core.types import ContentItem, Line, SelectionMark, Table, TableCell
from docintel.ingest.vector import VectorGraphics, VectorPath
from docintel.layout._frame import dominant_angle, enclosing_quad, median_text_height
from docintel.layout.borderless import find_borderless_tables

Gray = npt.NDArray[np.uint8]

# Vector rulings are measured in virtual pixels of this size (page units), so the tolerances
# tuned on 150 dpi renders apply unchanged.
VECTOR_UNITS_PER_PIXEL = 1.0 / 150.0
# A stroke is axis-aligned when it leaves its axis by at most this share of its length.
AXIS_SLOPE = 0.02


class HasPixels(Protocol):
    """A page raster: RGB ``pixels`` (H×W×3 uint8) and the page units one pixel spans."""

    @property
    def pixels(self) -> npt.NDArray[np.uint8]: ...

    @property
    def units_per_pixel(self) -> float: ...


@dataclass(frozen=True, slots=True)
class Segment:
    """An axis-aligned ruling in pixels: ``pos`` is y (horizontal) or x (vertical)."""

    orient: Literal["h", "v"]
    pos: float
    start: float
    end: float
    thickness: float = 1.0

    @property
    def length(self) -> float:
        """Extent along the ruling."""
        return self.end - self.start


@dataclass(slots=True)
class Grid:
    """One connected component of rulings: sorted boundary positions and its segments."""

    xs: list[float]
    ys: list[float]
    h: list[Segment] = field(default_factory=list)
    v: list[Segment] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CellBox:
    """A cell of a grid: slot position, spans and its box in grid coordinates."""

    row: int
    col: int
    row_span: int
    col_span: int
    box: tuple[float, float, float, float]


def to_gray(pixels: npt.NDArray[np.uint8]) -> Gray:
    """RGB (or already gray) pixels → 2-D uint8 gray."""
    if pixels.ndim == 2:
        return np.ascontiguousarray(pixels, dtype=np.uint8)
    gray = cv2.cvtColor(np.ascontiguousarray(pixels[:, :, :3]), cv2.COLOR_RGB2GRAY)
    return np.asarray(gray, dtype=np.uint8)


def ink_mask(gray: Gray) -> Gray:
    """Dark pixels (255) on light paper (0); the threshold follows the page's brightness."""
    mean = float(gray.mean()) if gray.size else 255.0
    thr = min(200.0, mean - 25.0)
    # gray < thr  ⇔  gray <= ceil(thr) - 1 for integer levels; cv2's threshold is ~50× faster
    # than the numpy comparison on a page.
    _, ink = cv2.threshold(gray, math.ceil(thr) - 1, 255, cv2.THRESH_BINARY_INV)
    return np.asarray(ink, dtype=np.uint8)


def component_stats(mask: Gray) -> tuple[int, npt.NDArray[np.int32]]:
    """``(count, stats)`` of the 8-connected components, as ``connectedComponentsWithStats``.

    16-bit labels first: OpenCV computes the statistics several times faster with them; a page
    with more than 65534 components falls back to 32-bit labels.
    """
    try:
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return int(n), np.asarray(stats, dtype=np.int32)


def _components(mask: Gray, orient: Literal["h", "v"], max_thickness: float) -> list[Segment]:
    n, stats = component_stats(mask)
    out: list[Segment] = []
    for k in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[k])
        if orient == "h":
            thick = area / max(w, 1)
            if thick <= max_thickness:
                out.append(Segment("h", y + h / 2.0, float(x), float(x + w), thick))
        else:
            thick = area / max(h, 1)
            if thick <= max_thickness:
                out.append(Segment("v", x + w / 2.0, float(y), float(y + h), thick))
    return out


def detect_rulings(
    gray: Gray, *, min_length: int | None = None, max_thickness: float | None = None
) -> list[Segment]:
    """Horizontal and vertical rulings of a gray page by morphological opening.

    ``min_length`` (pixels) defaults to 1/40 of the smaller page side; glyph strokes are shorter.
    Components thicker than ``max_thickness`` are filled areas (shaded bands), not rulings.
    """
    if gray.ndim != 2 or gray.size == 0:
        return []
    height, width = gray.shape
    length = max(8, min_length if min_length is not None else min(height, width) // 40)
    thick = max_thickness if max_thickness is not None else max(4.0, length / 3.0)
    ink = ink_mask(gray)
    out: list[Segment] = []
    for orient, kernel, bridge in (
        ("h", (length, 1), (5, 1)),
        ("v", (1, length), (1, 5)),
    ):
        k = cv2.getStructuringElement(cv2.MORPH_RECT, kernel)
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, k)
        mask = cv2.morphologyEx(
            mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge)
        )
        out.extend(_components(np.asarray(mask, dtype=np.uint8), orient, thick))  # type: ignore[arg-type]
    return out


def axis_rect(kinds: str, pts: tuple[float, ...]) -> tuple[float, float, float, float] | None:
    """The box of a subpath that is an axis-aligned rectangle (4 corners, closed), else None."""
    if kinds not in ("MLLL", "MLLLL"):
        return None
    corners = [(pts[i], pts[i + 1]) for i in range(0, 8, 2)]
    if kinds == "MLLLL" and (pts[8], pts[9]) != corners[0]:
        return None
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
        if x0 != x1 and y0 != y1:
            return None
    xs = [c[0] for c in corners]
    ys = [c[1] for c in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def path_rulings(path: VectorPath, min_length: float, max_thickness: float) -> list[Segment]:
    """Rulings of one drawn path, in page units: its straight axis-aligned strokes, and its
    filled rectangles thin enough to be lines (thicker fills are shading, as on the raster)."""
    out: list[Segment] = []
    for kinds, pts in path.subpaths():
        if path.stroke and path.line_width <= max_thickness:
            for k in range(1, len(kinds)):
                if kinds[k] != "L":
                    continue
                x0, y0, x1, y1 = pts[2 * k - 2], pts[2 * k - 1], pts[2 * k], pts[2 * k + 1]
                dx, dy = abs(x1 - x0), abs(y1 - y0)
                if dx >= min_length and dy <= AXIS_SLOPE * dx:
                    seg = Segment("h", (y0 + y1) / 2, min(x0, x1), max(x0, x1), path.line_width)
                    out.append(seg)
                elif dy >= min_length and dx <= AXIS_SLOPE * dy:
                    seg = Segment("v", (x0 + x1) / 2, min(y0, y1), max(y0, y1), path.line_width)
                    out.append(seg)
        rect = axis_rect(kinds, pts) if path.fill else None
        if rect is not None:
            x0, y0, x1, y1 = rect
            w, h = x1 - x0, y1 - y0
            if h <= max_thickness and w >= min_length:
                out.append(Segment("h", (y0 + y1) / 2, x0, x1, h))
            elif w <= max_thickness and h >= min_length:
                out.append(Segment("v", (x0 + x1) / 2, y0, y1, w))
    return out


def vector_rulings(
    vectors: VectorGraphics, upp: float, min_length: float, max_thickness: float
) -> list[Segment]:
    """Rulings of a page's paths in pixels of ``upp`` page units (lengths given in pixels)."""
    out: list[Segment] = []
    for path in vectors.paths:
        for s in path_rulings(path, min_length * upp, max_thickness * upp):
            out.append(
                Segment(
                    s.orient, s.pos / upp, s.start / upp, s.end / upp, max(1.0, s.thickness / upp)
                )
            )
    return out


def merge_collinear(segments: list[Segment], tol: float) -> list[Segment]:
    """Join segments of one orientation that lie on one line and touch or overlap."""
    out: list[Segment] = []
    for orient in ("h", "v"):
        segs = sorted((s for s in segments if s.orient == orient), key=lambda s: (s.pos, s.start))
        groups: list[list[Segment]] = []
        for s in segs:
            for g in groups:
                if abs(g[0].pos - s.pos) <= tol and any(
                    s.start <= o.end + tol and o.start <= s.end + tol for o in g
                ):
                    g.append(s)
                    break
            else:
                groups.append([s])
        for g in groups:
            total = sum(s.length for s in g) or 1.0
            out.append(
                Segment(
                    orient,
                    sum(s.pos * s.length for s in g) / total,
                    min(s.start for s in g),
                    max(s.end for s in g),
                    max(s.thickness for s in g),
                )
            )
    return out


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted cluster means of 1-D values closer than ``tol``."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _crosses(h: Segment, v: Segment, tol: float) -> bool:
    return h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol


def prune_dangling(segments: list[Segment], tol: float) -> tuple[list[Segment], list[Segment]]:
    """Drop rulings crossing fewer than two perpendicular rulings, until none is left to drop.

    Every ruling of a grid meets a perpendicular one at each end; stray strokes (glyph parts,
    underlines, checkbox sides) do not.
    """
    hs = [s for s in segments if s.orient == "h"]
    vs = [s for s in segments if s.orient == "v"]
    while True:
        h_keep = [h for h in hs if sum(_crosses(h, v, tol) for v in vs) >= 2]
        v_keep = [v for v in vs if sum(_crosses(h, v, tol) for h in h_keep) >= 2]
        if len(h_keep) == len(hs) and len(v_keep) == len(vs):
            return hs, vs
        hs, vs = h_keep, v_keep


def rulings_to_grid(segments: list[Segment], tol: float) -> list[Grid]:
    """Connected components of crossing rulings spanning at least 2 rows and 2 columns."""
    hs, vs = prune_dangling(merge_collinear(segments, tol), tol)
    parent = list(range(len(hs) + len(vs)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _crosses(h, v, tol):
                parent[find(i)] = find(len(hs) + j)
    comps: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, h in enumerate(hs):
        comps.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        comps.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    grids: list[Grid] = []
    for ch, cv in comps.values():
        if len(ch) < 2 or len(cv) < 2:
            continue
        ys = _cluster([h.pos for h in ch], tol)
        xs = _cluster([v.pos for v in cv], tol)
        if len(ys) >= 3 and len(xs) >= 3:  # at least 2 rows and 2 columns
            grids.append(Grid(xs=xs, ys=ys, h=ch, v=cv))
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _covered(segs: list[Segment], pos: float, a: float, b: float, tol: float) -> bool:
    """Whether rulings at ``pos`` cover most of the interval [a, b]."""
    need = b - a
    if need <= 0:
        return True
    got = 0.0
    for s in segs:
        if abs(s.pos - pos) <= tol:
            got += max(0.0, min(s.end, b) - max(s.start, a))
    return got >= 0.6 * need


def grid_to_cells(grid: Grid, tol: float) -> list[CellBox]:
    """Cells of a grid: slots joined where the ruling between them is missing.

    A non-rectangular group of joined slots (an irregular grid) falls back to one cell per slot,
    so every slot is covered exactly once.
    """
    nr, nc = len(grid.ys) - 1, len(grid.xs) - 1
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in range(nr):
        for c in range(nc):
            y0, y1 = grid.ys[r], grid.ys[r + 1]
            x0, x1 = grid.xs[c], grid.xs[c + 1]
            if c + 1 < nc and not _covered(grid.v, grid.xs[c + 1], y0, y1, tol):
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and not _covered(grid.h, grid.ys[r + 1], x0, x1, tol):
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    cells: list[CellBox] = []
    for slots in groups.values():
        r0 = min(r for r, _ in slots)
        r1 = max(r for r, _ in slots)
        c0 = min(c for _, c in slots)
        c1 = max(c for _, c in slots)
        if (r1 - r0 + 1) * (c1 - c0 + 1) == len(slots):
            rects = [(r0, c0, r1 - r0 + 1, c1 - c0 + 1)]
        else:
            rects = [(r, c, 1, 1) for r, c in slots]
        for r, c, rs, cs in rects:
            box = (grid.xs[c], grid.ys[r], grid.xs[c + cs], grid.ys[r + rs])
            cells.append(CellBox(r, c, rs, cs, box))
    cells.sort(key=lambda cb: (cb.row, cb.col))
    return cells


def cells_to_table(cells: list[CellBox], grid: Grid, scale: float) -> Table:
    """A ``Table`` (page units: grid coordinates × ``scale``) with empty cells, header band set."""
    nr, nc = len(grid.ys) - 1, len(grid.xs) - 1
    header_rows = 0
    if nr >= 3:
        header_rows = max((cb.row_span for cb in cells if cb.row == 0), default=1)
        header_rows = min(header_rows, nr - 1)
    out: list[TableCell] = []
    for cb in cells:
        box = tuple(v * scale for v in cb.box)
        out.append(
            TableCell(
                row=cb.row,
                col=cb.col,
                polygon=bbox_polygon((box[0], box[1], box[2], box[3])),
                row_span=cb.row_span,
                col_span=cb.col_span,
                kind="columnHeader" if cb.row < header_rows else "content",
            )
        )
    tb = (grid.xs[0] * scale, grid.ys[0] * scale, grid.xs[-1] * scale, grid.ys[-1] * scale)
    return Table(row_count=nr, column_count=nc, cells=out, polygon=bbox_polygon(tb))


def _cell_at(tables: list[Table], x: float, y: float) -> tuple[int, int] | None:
    for t, table in enumerate(tables):
        x0, y0, x1, y1 = table.polygon[0], table.polygon[1], table.polygon[4], table.polygon[5]
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        for c, cell in enumerate(table.cells):
            p = cell.polygon
            if p[0] <= x <= p[4] and p[1] <= y <= p[5]:
                return (t, c)
    return None


def _split_line(
    line: Line, targets: list[tuple[int, int] | None]
) -> list[tuple[Line, tuple[int, int] | None]]:
    """Split a line into runs of consecutive words that fall into the same cell (or none)."""
    angle = angle_of(line.polygon)
    out: list[tuple[Line, tuple[int, int] | None]] = []
    start = 0
    for k in range(1, len(line.words) + 1):
        if k == len(line.words) or targets[k] != targets[start]:
            words = line.words[start:k]
            poly = (
                enclosing_quad((w.polygon for w in words), angle)
                if len(words) < len(line.words)
                else line.polygon
            )
            out.append((Line(words=words, polygon=poly), targets[start]))
            start = k
    return out


def _row_headers(table: Table, items: list[ContentItem]) -> None:
    """Mark the first column ``rowHeader`` when its body cells alone are bold."""

    def bold(cell: TableCell) -> bool | None:
        words = [w for i in cell.items if isinstance(items[i], Line) for w in items[i].words]  # type: ignore[union-attr]
        return all(w.bold for w in words) if words else None

    body = [c for c in table.cells if c.kind == "content"]
    first = [bold(c) for c in body if c.col == 0]
    rest = [bold(c) for c in body if c.col > 0]
    first_bold = bool(first) and any(first) and all(b is not False for b in first)
    if table.column_count >= 2 and first_bold and not any(b for b in rest):
        for c in body:
            if c.col == 0:
                c.kind = "rowHeader"


def find_tables(
    items: list[ContentItem], raster: HasPixels | None, vectors: VectorGraphics | None = None
) -> tuple[list[ContentItem], list[Table]]:
    """Ruled tables, then borderless ones (text alignment), with the page's items in cells.

    Returns ``(new_items, tables)``: a line whose words fall into different cells (or partly
    outside a table) is split into one line per cell, so ``new_items`` may be longer than
    ``items``; table cells index ``new_items``. Returns the items unchanged and no tables when
    there is neither vector graphics nor a raster, or the text is far from upright.

    With ``vectors`` (a born-digital page's paths) the rulings come from the drawing and the
    raster is not used.
    """
    if vectors is None and (raster is None or raster.pixels.size == 0):
        return list(items), []
    if abs(dominant_angle(items)) > 5.0:
        return list(items), []
    gray: Gray | None = None
    if vectors is not None:
        upp = VECTOR_UNITS_PER_PIXEL
        shape: tuple[float, ...] = (vectors.height / upp, vectors.width / upp)
    elif raster is not None:
        upp = raster.units_per_pixel
        gray = to_gray(raster.pixels)
        shape = gray.shape
    else:
        return list(items), []
    text_px = median_text_height(items) / upp if items else 12.0
    text_px = max(text_px, 4.0)
    thick = max(3.0, 0.4 * text_px)
    short_len = max(10, int(0.8 * text_px), int(min(shape)) // 120)
    if vectors is not None:
        # Paths hold no glyphs: every straight stroke of a row's height may be a ruling.
        segs = vector_rulings(vectors, upp, short_len, thick)
    elif gray is not None:
        # Long rulings from the page as drawn (text overflowing a cell does not cut them);
        # short ones, down to one table row, from the page with the words erased, so glyph
        # strokes drop.
        long_len = max(10, int(2.5 * text_px), int(min(shape)) // 60)
        segs = detect_rulings(gray, min_length=long_len, max_thickness=thick)
        segs += detect_rulings(
            erase_words(gray, items, upp), min_length=short_len, max_thickness=thick
        )
    else:
        return list(items), []
    tol = max(2.0, 0.3 * text_px)
    tables = [cells_to_table(grid_to_cells(g, tol), g, upp) for g in rulings_to_grid(segs, tol)]
    tables = [t for t in tables if t.row_count >= 2 and t.column_count >= 2]
    new_items = assign_to_cells(items, tables) if tables else list(items)
    taken = {i for t in tables for c in t.cells for i in c.items}
    rules = horizontal_rules(segs, upp, 3.0 * text_px)
    new_items, borderless = find_borderless_tables(new_items, taken, rules)
    for table, cell_items in borderless:
        for cell, idx in zip(table.cells, cell_items, strict=True):
            cell.items = _by_position(idx, new_items)
        tables.append(table)
    for table in tables:
        _row_headers(table, new_items)
    return new_items, tables


def horizontal_rules(
    segs: list[Segment], upp: float, min_length: float
) -> list[tuple[float, float, float]]:
    """Horizontal rulings at least ``min_length`` pixels long, as ``(y, x0, x1)`` page units."""
    return [
        (s.pos * upp, s.start * upp, s.end * upp)
        for s in segs
        if s.orient == "h" and s.length >= min_length
    ]


def _by_position(idx: list[int], items: list[ContentItem]) -> list[int]:
    return sorted(idx, key=lambda i: (center(items[i].polygon)[1], center(items[i].polygon)[0]))


def assign_to_cells(items: list[ContentItem], tables: list[Table]) -> list[ContentItem]:
    """Put each item (or, for a line across cells, each piece of it) into the cell holding it;
    returns the new items list that the cells' ``items`` index."""
    new_items: list[ContentItem] = []
    slot_items: dict[tuple[int, int], list[int]] = {}
    for it in items:
        if isinstance(it, SelectionMark):
            target = _cell_at(tables, *center(it.polygon))
            pieces: list[tuple[ContentItem, tuple[int, int] | None]] = [(it, target)]
        else:
            targets = [_cell_at(tables, *center(w.polygon)) for w in it.words]
            pieces = list(_split_line(it, targets)) if it.words else [(it, None)]
        for piece, tgt in pieces:
            if tgt is not None:
                slot_items.setdefault(tgt, []).append(len(new_items))
            new_items.append(piece)
    for (t, c), idx in slot_items.items():
        tables[t].cells[c].items = _by_position(idx, new_items)
    return new_items


def erase_words(gray: Gray, items: list[ContentItem], upp: float) -> Gray:
    """A copy of the page with every word's box painted white (slightly shrunk, so rulings
    touching a word survive)."""
    out = gray.copy()
    height, width = out.shape
    for it in items:
        if not isinstance(it, Line):
            continue
        for w in it.words:
            xs, ys = w.polygon[0::2], w.polygon[1::2]
            x0, x1 = min(xs) / upp, max(xs) / upp
            y0, y1 = min(ys) / upp, max(ys) / upp
            dy = 0.15 * (y1 - y0)
            dx = min(2.0, 0.1 * (y1 - y0))
            c0, c1 = max(0, int(x0 + dx + 0.5)), min(width, int(x1 - dx + 0.5))
            r0, r1 = max(0, int(y0 + dy + 0.5)), min(height, int(y1 - dy + 0.5))
            if c1 > c0 and r1 > r0:
                out[r0:r1, c0:c1] = 255
    return out
