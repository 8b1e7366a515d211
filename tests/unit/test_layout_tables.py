"""Ruled tables from synthetic rasters: rulings → grid → cells (spans) → table + items."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from docintel.core.geometry import bbox_polygon
from docintel.core.types import ContentItem, Line, Word
from docintel.layout.tables import (
    Segment,
    cells_to_table,
    detect_rulings,
    find_tables,
    grid_to_cells,
    rulings_to_grid,
    to_gray,
)

XS = [50, 200, 300, 400]  # 3 columns
YS = [40, 80, 120, 160, 200]  # 4 rows


@dataclass
class Raster:
    pixels: npt.NDArray[np.uint8]
    units_per_pixel: float


def grid_image(*, merge_top: bool = True) -> npt.NDArray[np.uint8]:
    """A white page with a 4×3 ruled grid; the top row's two right cells merged."""
    img = np.full((300, 500, 3), 255, dtype=np.uint8)
    for y in YS:
        cv2.line(img, (XS[0], y), (XS[-1], y), (0, 0, 0), 2)
    for k, x in enumerate(XS):
        if merge_top and k == 2:
            cv2.line(img, (x, YS[1]), (x, YS[-1]), (0, 0, 0), 2)  # no ruling in the top row
        else:
            cv2.line(img, (x, YS[0]), (x, YS[-1]), (0, 0, 0), 2)
    return img


def test_detect_rulings_finds_horizontal_and_vertical_segments() -> None:
    segs = detect_rulings(to_gray(grid_image()), min_length=20)
    hs = sorted(s.pos for s in segs if s.orient == "h")
    vs = [s for s in segs if s.orient == "v"]
    assert len(hs) == 5 and all(abs(a - b) <= 1.5 for a, b in zip(hs, YS, strict=True))
    assert len(vs) == 4


def test_thick_band_and_text_are_not_rulings() -> None:
    img = np.full((200, 400), 255, dtype=np.uint8)
    img[50:80, 20:380] = 40  # a shaded band
    cv2.putText(img, "Hello world", (30, 150), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    assert detect_rulings(img, min_length=40, max_thickness=6) == []


def test_grid_and_cells_with_a_column_span() -> None:
    grids = rulings_to_grid(detect_rulings(to_gray(grid_image()), min_length=20), tol=3)
    assert len(grids) == 1
    g = grids[0]
    assert len(g.ys) == 5 and len(g.xs) == 4
    cells = grid_to_cells(g, tol=3)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in cells}
    assert spans[(0, 1)] == (1, 2)
    assert (0, 2) not in spans
    assert len(cells) == 11
    covered = sorted(
        (c.row + dr, c.col + dc)
        for c in cells
        for dr in range(c.row_span)
        for dc in range(c.col_span)
    )
    assert covered == [(r, c) for r in range(4) for c in range(3)]


def test_row_span_where_horizontal_ruling_is_missing() -> None:
    h = [Segment("h", y, 0, 300) for y in (0, 100, 200)]
    h.append(Segment("h", 50, 100, 300))  # splits only the right column
    v = [Segment("v", x, 0, 200) for x in (0, 100, 300)]
    (g,) = rulings_to_grid(h + v, tol=2)
    cells = grid_to_cells(g, tol=2)
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in cells}
    assert spans == {(0, 0): (2, 1), (0, 1): (1, 1), (1, 1): (1, 1), (2, 0): (1, 1), (2, 1): (1, 1)}


def test_header_band_follows_the_first_row_span() -> None:
    h = [Segment("h", y, 0, 300) for y in (0, 100, 200, 300)]
    h.append(Segment("h", 50, 100, 300))
    v = [Segment("v", x, 0, 300) for x in (0, 100, 300)]
    (g,) = rulings_to_grid(h + v, tol=2)
    table = cells_to_table(grid_to_cells(g, tol=2), g, scale=0.01)
    kinds = {(c.row, c.col): c.kind for c in table.cells}
    assert kinds[(0, 0)] == kinds[(0, 1)] == kinds[(1, 1)] == "columnHeader"
    assert kinds[(2, 0)] == kinds[(3, 1)] == "content"
    assert table.polygon == bbox_polygon((0.0, 0.0, 3.0, 3.0))


def test_lone_box_and_lone_rules_are_not_tables() -> None:
    img = np.full((300, 500), 255, dtype=np.uint8)
    cv2.rectangle(img, (50, 50), (300, 120), 0, 2)  # a box: 1×1
    cv2.line(img, (50, 200), (450, 200), 0, 2)  # underlines only
    cv2.line(img, (50, 240), (450, 240), 0, 2)
    assert rulings_to_grid(detect_rulings(img, min_length=20), tol=3) == []


def _line(texts: list[tuple[str, float, float, float, float]]) -> Line:
    words = [Word(text=t, polygon=bbox_polygon((x0, y0, x1, y1))) for t, x0, y0, x1, y1 in texts]
    xs = [v for _, a, _, b, _ in texts for v in (a, b)]
    ys = [v for _, _, a, _, b in texts for v in (a, b)]
    return Line(words=words, polygon=bbox_polygon((min(xs), min(ys), max(xs), max(ys))))


def test_find_tables_assigns_and_splits_lines() -> None:
    # page units = pixels / 100
    items: list[ContentItem] = [
        _line([("Name", 0.6, 0.5, 0.9, 0.62)]),
        # crosses the ruling at x=2.0 → split into two cell lines
        _line([("Alpha", 0.6, 0.9, 0.95, 1.02), ("Beta", 2.1, 0.9, 2.4, 1.02)]),
        _line([("outside", 0.6, 2.5, 1.2, 2.62)]),
    ]
    new_items, tables = find_tables(items, Raster(grid_image(merge_top=False), 0.01))
    assert len(tables) == 1
    t = tables[0]
    assert (t.row_count, t.column_count) == (4, 3)
    assert len(new_items) == 4
    content = {(c.row, c.col): [new_items[i].text for i in c.items] for c in t.cells}
    assert content[(0, 0)] == ["Name"]
    assert content[(1, 0)] == ["Alpha"]
    assert content[(1, 1)] == ["Beta"]
    assert sum(len(c.items) for c in t.cells) == 3
    assert [c.kind for c in t.cells if c.row == 0] == ["columnHeader"] * 3
    words = sorted(w.text for it in new_items if isinstance(it, Line) for w in it.words)
    assert words == ["Alpha", "Beta", "Name", "outside"]


def test_find_tables_without_raster_or_when_rotated() -> None:
    items: list[ContentItem] = [_line([("x", 0, 0, 1, 0.2)])]
    assert find_tables(items, None) == (items, [])
    assert find_tables([], Raster(np.zeros((0, 0, 3), dtype=np.uint8), 1.0)) == ([], [])
