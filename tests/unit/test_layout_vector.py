"""Marks and rulings from PDF vector paths (no raster): path → segments, path → checkbox."""

from __future__ import annotations

import math

import pytest

from docintel.core.geometry import bbox, bbox_polygon
from docintel.core.types import ContentItem, PageText, SelectionMark
from docintel.ingest.vector import VectorGraphics, VectorPath
from docintel.layout.analyze import analyze_layout
from docintel.layout.marks import detect_vector_marks, path_mark_candidates, vector_mark_state
from docintel.layout.tables import axis_rect, find_tables, path_rulings, vector_rulings
from tests.helpers.layout import line


def path(
    kinds: str, pts: list[float], *, stroke: bool = True, fill: bool = False, width: float = 0.01
) -> VectorPath:
    xs, ys = pts[0::2], pts[1::2]
    return VectorPath(kinds, tuple(pts), stroke, fill, width, (min(xs), min(ys), max(xs), max(ys)))


def rect(x0: float, y0: float, x1: float, y1: float, **kw: bool | float) -> VectorPath:
    return path("MLLLL", [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0], **kw)  # type: ignore[arg-type]


def circle(cx: float, cy: float, r: float, **kw: bool | float) -> VectorPath:
    k = 0.5523 * r
    pts = [cx + r, cy]
    for q in range(4):
        a0, a1 = q * math.pi / 2, (q + 1) * math.pi / 2
        p0 = (cx + r * math.cos(a0), cy + r * math.sin(a0))
        p1 = (cx + r * math.cos(a1), cy + r * math.sin(a1))
        pts += [p0[0] - k * math.sin(a0), p0[1] + k * math.cos(a0)]
        pts += [p1[0] + k * math.sin(a1), p1[1] - k * math.cos(a1)]
        pts += [round(p1[0], 12), round(p1[1], 12)]
    pts[-2:] = [cx + r, cy]
    return path("M" + "B" * 12, pts, **kw)  # type: ignore[arg-type]


def graphics(*paths: VectorPath) -> VectorGraphics:
    return VectorGraphics(paths=paths, image_boxes=(), width=8.5, height=11.0)


# ------------------------------------------------------------------------------- rulings


def test_axis_rect_accepts_closed_rectangles_only() -> None:
    assert axis_rect("MLLLL", (0, 0, 2, 0, 2, 1, 0, 1, 0, 0)) == (0, 0, 2, 1)
    assert axis_rect("MLLL", (0, 0, 2, 0, 2, 1, 0, 1)) == (0, 0, 2, 1)
    assert axis_rect("MLLLL", (0, 0, 2, 0, 2, 1, 0, 1, 1, 1)) is None  # not closed
    assert axis_rect("MLLL", (0, 0, 2, 0, 3, 1, 0, 1)) is None  # slanted side
    assert axis_rect("MBBB", (0, 0, 2, 0, 2, 1, 0, 1)) is None


def test_stroked_lines_become_rulings_slanted_and_short_do_not() -> None:
    p = path("MLMLMLML", [1, 2, 5, 2, 3, 1, 3, 4, 1, 1, 4, 3, 6, 6, 6.05, 6])
    segs = path_rulings(p, min_length=0.5, max_thickness=0.05)
    assert [(s.orient, s.pos, s.start, s.end) for s in segs] == [
        ("h", 2, 1, 5),
        ("v", 3, 1, 4),
    ]
    assert all(s.thickness == 0.01 for s in segs)


def test_thin_filled_rect_is_a_ruling_thick_fill_is_shading() -> None:
    thin = rect(1, 2, 5, 2.01, stroke=False, fill=True, width=0.0)
    bar = rect(1, 3, 1.008, 6, stroke=False, fill=True, width=0.0)
    band = rect(1, 2, 5, 2.5, stroke=False, fill=True, width=0.0)
    assert [(s.orient, round(s.pos, 3)) for s in path_rulings(thin, 0.5, 0.05)] == [("h", 2.005)]
    assert [(s.orient, round(s.pos, 3)) for s in path_rulings(bar, 0.5, 0.05)] == [("v", 1.004)]
    assert path_rulings(band, 0.5, 0.05) == []


def test_stroked_rect_gives_its_four_sides_in_pixels() -> None:
    segs = vector_rulings(graphics(rect(1, 1, 3, 2)), 0.01, min_length=10, max_thickness=5)
    assert sorted((s.orient, round(s.pos), round(s.start), round(s.end)) for s in segs) == [
        ("h", 100, 100, 300),
        ("h", 200, 100, 300),
        ("v", 100, 100, 200),
        ("v", 300, 100, 200),
    ]
    assert all(s.thickness == 1.0 for s in segs)


def test_find_tables_from_vector_cells_without_a_raster() -> None:
    # 3 rows × 2 columns of stroked cell rectangles, as report generators draw them.
    cells = [
        rect(1 + 2 * c, 1 + 0.5 * r, 3 + 2 * c, 1.5 + 0.5 * r) for r in range(3) for c in range(2)
    ]
    items: list[ContentItem] = [line("Name Qty", 1.1, 1.15), line("Apple 3", 1.1, 1.65)]
    new_items, tables = find_tables(items, None, graphics(*cells))
    assert len(tables) == 1
    t = tables[0]
    assert (t.row_count, t.column_count) == (3, 2)
    assert bbox(t.polygon) == (1, 1, 5, 2.5)
    texts = {(c.row, c.col): " ".join(new_items[i].text for i in c.items) for c in t.cells}
    assert texts[(0, 0)] == "Name Qty"  # both words sit left of x=3
    assert texts[(1, 0)] == "Apple 3"


# ------------------------------------------------------------------------------- marks


def test_square_and_circle_candidates_with_stroke_border() -> None:
    sq = rect(1, 1, 1.15, 1.15, width=0.01)
    (cand,) = path_mark_candidates(sq, 0.07, 0.36)
    assert cand[1] == "square"
    assert cand[0] == pytest.approx((0.995, 0.995, 1.155, 1.155))  # half the stroke is outside
    ((box, kind),) = path_mark_candidates(circle(2, 2, 0.08), 0.07, 0.36)
    assert kind == "circle" and abs(box[2] - box[0] - 0.17) < 1e-6


def test_non_candidates() -> None:
    assert path_mark_candidates(rect(1, 1, 1.15, 1.15, stroke=False, fill=True), 0.07, 0.36) == []
    assert path_mark_candidates(rect(1, 1, 3, 3), 0.07, 0.36) == []  # a big frame
    assert path_mark_candidates(rect(1, 1, 1.3, 1.1), 0.07, 0.36) == []  # not square
    assert path_mark_candidates(path("ML", [1, 1, 1.1, 1.1]), 0.07, 0.36) == []


def test_mark_state_from_what_is_drawn_inside() -> None:
    box = (1.0, 1.0, 1.2, 1.2)
    tick = (1.04, 1.05, 1.16, 1.17)
    assert vector_mark_state(box, [tick], []) == "selected"
    assert vector_mark_state(box, [], [tick]) == "selected"
    assert vector_mark_state(box, [], []) == "unselected"
    beside = (1.3, 1.05, 1.4, 1.15)
    assert vector_mark_state(box, [beside], []) == "unselected"


def test_detect_vector_marks_states_and_word_veto() -> None:
    text = [line("Accept the terms", 1.3, 1.0), line("Subscribe", 1.3, 1.5)]
    paths = (
        rect(1.0, 1.0, 1.14, 1.14),  # empty box
        rect(1.0, 1.5, 1.14, 1.64),  # ticked box
        path("MLL", [1.02, 1.57, 1.06, 1.62, 1.12, 1.52]),  # the tick
        circle(1.07, 2.07, 0.07),  # radio with dot
        circle(1.07, 2.07, 0.03, stroke=False, fill=True),
        rect(2.0, 1.0, 2.14, 1.14),  # under the word "the": not a mark
    )
    marks = detect_vector_marks(graphics(*paths), list(text))
    assert [(m.state, round(m.polygon[1], 1)) for m in marks] == [
        ("unselected", 1.0),
        ("selected", 1.5),
        ("selected", 2.0),
    ]


def test_glyph_marks_are_not_reported_twice() -> None:
    glyph = SelectionMark("selected", bbox_polygon((1.0, 1.0, 1.14, 1.14)), 1.0)
    marks = detect_vector_marks(graphics(rect(1.0, 1.0, 1.14, 1.14)), [glyph, line("Yes", 1.3, 1)])
    assert marks == []


def test_analyze_layout_uses_vectors_without_a_raster() -> None:
    page = PageText(1, 8.5, 11.0, "inch", 0.0, [line("Agree", 1.3, 1.0)], "textLayer")
    layout = analyze_layout(page, None, graphics(rect(1.0, 1.0, 1.14, 1.14)))
    assert [m.state for m in layout.selection_marks] == ["unselected"]
    # A page that is mostly an image (a scan with a text layer) does not trust its paths.
    scan = VectorGraphics(
        paths=(rect(1.0, 1.0, 1.14, 1.14),), image_boxes=((0, 0, 8.5, 11),), width=8.5, height=11
    )
    assert analyze_layout(page, None, scan).selection_marks == []
