"""Vector graphics of a PDF page: the drawn paths, in inches on the displayed page.

Layout uses them on born-digital pages instead of rendering: straight strokes and thin filled
rectangles are table rulings, small closed squares and circles are checkboxes and radio buttons.
Only paint that would show as ink is kept (a path filled or stroked in white is background).

Coordinates follow :mod:`docintel.ingest.pdf`: PDF user space (points, y up) composed with every
enclosing form's matrix, then the visible box (CropBox ∩ MediaBox) turned by ``/Rotate``, in
inches from the top-left corner.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from docintel.core.geometry import BBox

PT_PER_INCH = 72.0
# Bounds on the walk (hostile files nest forms deeply or draw millions of paths).
MAX_FORM_DEPTH = 8
MAX_PAGE_OBJECTS = 50_000
MAX_PATHS = 20_000
MAX_SEGMENTS = 200_000
# Paint lighter than this gray level (0-255) does not count as ink (the raster detectors'
# threshold, so both routes see the same lines).
INK_LEVEL = 200.0

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class VectorPath:
    """One drawn path in display inches.

    ``kinds`` has one letter per point: ``M`` starts a subpath, ``L`` draws a straight line to
    the point, ``B`` is a Bézier point (control or end). A closed subpath ends with an explicit
    ``L`` back to its start. ``points`` is flat ``x0, y0, x1, y1, ...``.
    """

    kinds: str
    points: tuple[float, ...]
    stroke: bool
    fill: bool
    line_width: float
    box: BBox

    def subpaths(self) -> list[tuple[str, tuple[float, ...]]]:
        """``(kinds, points)`` of each subpath (split at ``M``)."""
        out: list[tuple[str, tuple[float, ...]]] = []
        start = 0
        for k in range(1, len(self.kinds) + 1):
            if k == len(self.kinds) or self.kinds[k] == "M":
                out.append((self.kinds[start:k], self.points[2 * start : 2 * k]))
                start = k
        return out


@dataclass(frozen=True, slots=True)
class VectorGraphics:
    """The visible paths of a page, the boxes of its images, and whether the walk was cut."""

    paths: tuple[VectorPath, ...]
    image_boxes: tuple[BBox, ...]
    width: float
    height: float
    truncated: bool = False

    def image_share(self) -> float:
        """Fraction of the page area covered by image boxes (overlaps counted twice, max 1)."""
        area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in self.image_boxes)
        return min(1.0, area / max(self.width * self.height, 1e-9))


def display_mapper(
    box: tuple[float, float, float, float], rotation: int
) -> tuple[float, float, float, float, float, float]:
    """Affine map ``(a, b, c, d, e, f)``: user-space point (pt, y up) → displayed inches, as
    ``x' = a·x + c·y + e``, ``y' = b·x + d·y + f``, for a visible box and a ``/Rotate``."""
    left, bottom, right, top = box
    s = 1.0 / PT_PER_INCH
    if rotation == 90:
        return (0.0, s, s, 0.0, -bottom * s, -left * s)
    if rotation == 180:
        return (-s, 0.0, 0.0, s, right * s, -bottom * s)
    if rotation == 270:
        return (0.0, -s, -s, 0.0, top * s, right * s)
    return (s, 0.0, 0.0, -s, -left * s, top * s)


def compose(child: Matrix, parent: Matrix) -> Matrix:
    """The matrix applying ``child`` first, then ``parent`` (PDF row-vector convention)."""
    a, b, c, d, e, f = child
    pa, pb, pc, pd, pe, pf = parent
    return (
        a * pa + b * pc,
        a * pb + b * pd,
        c * pa + d * pc,
        c * pb + d * pd,
        e * pa + f * pc + pe,
        e * pb + f * pd + pf,
    )


def is_ink(r: int, g: int, b: int, a: int) -> bool:
    """Whether a paint colour shows as ink on white paper (dark enough, not transparent)."""
    if a <= 0:
        return False
    gray = 0.299 * r + 0.587 * g + 0.114 * b
    # Blend with the white page by alpha, as the renderer would.
    shown = 255.0 - (255.0 - gray) * (a / 255.0)
    return shown < INK_LEVEL


def page_vector_graphics(page: pdfium.PdfPage) -> VectorGraphics:
    """The visible paths (and image boxes) of a PDF page, in inches on the displayed page."""
    rotation = page.get_rotation() % 360
    left, bottom, right, top = page.get_bbox()
    to_display = display_mapper((left, bottom, right, top), rotation)
    w_pt, h_pt = right - left, top - bottom
    if rotation in (90, 270):
        w_pt, h_pt = h_pt, w_pt
    walk = _Walk()
    raw = page.raw
    n = pdfium_c.FPDFPage_CountObjects(raw)
    walk.visit([pdfium_c.FPDFPage_GetObject(raw, i) for i in range(max(0, n))], to_display, 0)
    return VectorGraphics(
        paths=tuple(walk.paths),
        image_boxes=tuple(walk.images),
        width=w_pt / PT_PER_INCH,
        height=h_pt / PT_PER_INCH,
        truncated=walk.truncated,
    )


class _Walk:
    """State of one walk over a page's objects (budgets, results)."""

    def __init__(self) -> None:
        self.paths: list[VectorPath] = []
        self.images: list[BBox] = []
        self.objects = MAX_PAGE_OBJECTS
        self.segments = MAX_SEGMENTS
        self.truncated = False
        self._fm = pdfium_c.FS_MATRIX()
        self._x = ctypes.c_float()
        self._y = ctypes.c_float()
        self._rgba = [ctypes.c_uint() for _ in range(4)]
        self._fill_mode = ctypes.c_int()
        self._stroke = ctypes.c_int()
        self._width = ctypes.c_float()

    def visit(self, objs: list[pdfium_c.FPDF_PAGEOBJECT], parent: Matrix, depth: int) -> None:
        """Collect paths and images of ``objs`` drawn through ``parent``, forms included."""
        for obj in objs:
            self.objects -= 1
            if self.objects < 0 or len(self.paths) >= MAX_PATHS:
                self.truncated = True
                return
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (
                pdfium_c.FPDF_PAGEOBJ_PATH,
                pdfium_c.FPDF_PAGEOBJ_FORM,
                pdfium_c.FPDF_PAGEOBJ_IMAGE,
            ):
                continue
            fm = self._fm
            if not pdfium_c.FPDFPageObj_GetMatrix(obj, fm):
                continue
            m = compose((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), parent)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                path = self._path(obj, m)
                if path is not None:
                    self.paths.append(path)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                self.images.append(
                    _points_box(
                        [
                            m[4],
                            m[5],
                            m[0] + m[4],
                            m[1] + m[5],
                            m[0] + m[2] + m[4],
                            m[1] + m[3] + m[5],
                            m[2] + m[4],
                            m[3] + m[5],
                        ]
                    )
                )
            elif depth < MAX_FORM_DEPTH:
                k = pdfium_c.FPDFFormObj_CountObjects(obj)
                kids = [pdfium_c.FPDFFormObj_GetObject(obj, j) for j in range(max(0, k))]
                self.visit(kids, m, depth + 1)
            else:
                self.truncated = True

    def _paint(self, obj: pdfium_c.FPDF_PAGEOBJECT) -> tuple[bool, bool]:
        """Whether the path is filled and whether it is stroked with visible ink."""
        if not pdfium_c.FPDFPath_GetDrawMode(obj, self._fill_mode, self._stroke):
            return False, False
        r, g, b, a = self._rgba
        fill = False
        if (
            self._fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE
            and pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a)
        ):
            fill = is_ink(r.value, g.value, b.value, a.value)
        stroke = False
        if self._stroke.value and pdfium_c.FPDFPageObj_GetStrokeColor(obj, r, g, b, a):
            stroke = is_ink(r.value, g.value, b.value, a.value)
        return fill, stroke

    def _path(self, obj: pdfium_c.FPDF_PAGEOBJECT, m: Matrix) -> VectorPath | None:
        """The path object through matrix ``m`` (to display inches), or None when invisible."""
        fill, stroke = self._paint(obj)
        if not (fill or stroke):
            return None
        n = pdfium_c.FPDFPath_CountSegments(obj)
        if n <= 0:
            return None
        self.segments -= n
        if self.segments < 0:
            self.truncated = True
            return None
        a, b, c, d, e, f = m
        kinds: list[str] = []
        pts: list[float] = []
        x, y = self._x, self._y
        start = (0.0, 0.0)
        for i in range(n):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            if not seg or not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
                continue
            t = pdfium_c.FPDFPathSegment_GetType(seg)
            px, py = x.value, y.value
            p = (a * px + c * py + e, b * px + d * py + f)
            if t == pdfium_c.FPDF_SEGMENT_MOVETO:
                kinds.append("M")
                start = p
            elif t == pdfium_c.FPDF_SEGMENT_LINETO:
                kinds.append("L")
            elif t == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                kinds.append("B")
            else:
                continue
            pts.extend(p)
            if pdfium_c.FPDFPathSegment_GetClose(seg) and p != start:
                kinds.append("L")
                pts.extend(start)
        if not kinds or kinds[0] != "M":
            return None
        width = 0.0
        if stroke and pdfium_c.FPDFPageObj_GetStrokeWidth(obj, self._width):
            width = self._width.value * math.sqrt(abs(a * d - b * c))
        return VectorPath(
            kinds="".join(kinds),
            points=tuple(pts),
            stroke=stroke,
            fill=fill,
            line_width=width,
            box=_points_box(pts),
        )


def _points_box(pts: list[float]) -> BBox:
    xs, ys = pts[0::2], pts[1::2]
    return (min(xs), min(ys), max(xs), max(ys))
