"""Pure geometry over Azure-style polygons.

A polygon is a flat tuple ``(x1, y1, x2, y2, ...)``, normally four points listed clockwise from
the element's top-left corner (as rotated with the text), in page units (inch for PDF, pixel
for images).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

Polygon = tuple[float, ...]
BBox = tuple[float, float, float, float]  # x0, y0, x1, y1


def points(poly: Sequence[float]) -> list[tuple[float, float]]:
    """The polygon's vertices as (x, y) pairs."""
    return [(poly[i], poly[i + 1]) for i in range(0, len(poly) - 1, 2)]


def from_points(pts: Iterable[tuple[float, float]]) -> Polygon:
    """Flatten (x, y) pairs into a polygon."""
    out: list[float] = []
    for x, y in pts:
        out.extend((x, y))
    return tuple(out)


def bbox(poly: Sequence[float]) -> BBox:
    """Axis-aligned bounding box of a polygon."""
    xs = poly[0::2]
    ys = poly[1::2]
    return (min(xs), min(ys), max(xs), max(ys))


def bbox_polygon(box: BBox) -> Polygon:
    """The clockwise 4-point polygon of an axis-aligned box."""
    x0, y0, x1, y1 = box
    return (x0, y0, x1, y0, x1, y1, x0, y1)


def union_bbox(boxes: Iterable[BBox]) -> BBox:
    """Smallest axis-aligned box containing all boxes."""
    bs = list(boxes)
    if not bs:
        raise ValueError("union of no boxes")
    return (
        min(b[0] for b in bs),
        min(b[1] for b in bs),
        max(b[2] for b in bs),
        max(b[3] for b in bs),
    )


def union_polygon(polys: Iterable[Sequence[float]]) -> Polygon:
    """Axis-aligned polygon enclosing several polygons."""
    return bbox_polygon(union_bbox(bbox(p) for p in polys))


def scale(poly: Sequence[float], factor: float) -> Polygon:
    """Multiply every coordinate by ``factor`` (pixels of a render → page units)."""
    return tuple(v * factor for v in poly)


def round_polygon(poly: Sequence[float], ndigits: int) -> Polygon:
    """Round coordinates for output; negative zero and tiny negatives become 0."""
    return tuple(max(0.0, round(v, ndigits)) + 0.0 for v in poly)


def clip(poly: Sequence[float], width: float, height: float) -> Polygon:
    """Clamp coordinates into the page rectangle."""
    out: list[float] = []
    for i, v in enumerate(poly):
        lim = width if i % 2 == 0 else height
        out.append(min(max(v, 0.0), lim))
    return tuple(out)


def rotate_point(x: float, y: float, cx: float, cy: float, degrees: float) -> tuple[float, float]:
    """Rotate (x, y) clockwise on screen (y down) by ``degrees`` around (cx, cy)."""
    a = math.radians(degrees)
    dx, dy = x - cx, y - cy
    return (cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a))


def rotate(poly: Sequence[float], cx: float, cy: float, degrees: float) -> Polygon:
    """Rotate every vertex clockwise (screen coordinates) around (cx, cy)."""
    return from_points(rotate_point(x, y, cx, cy, degrees) for x, y in points(poly))


def angle_of(poly: Sequence[float]) -> float:
    """Direction of the top edge (first→second vertex) in degrees, clockwise, in (-180, 180]."""
    x1, y1, x2, y2 = poly[0], poly[1], poly[2], poly[3]
    a = math.degrees(math.atan2(y2 - y1, x2 - x1))
    return 180.0 if a == -180.0 else a


def height_of(poly: Sequence[float]) -> float:
    """Length of the left edge (first→last vertex): the text height of a word or line quad."""
    pts = points(poly)
    (x1, y1), (x4, y4) = pts[0], pts[-1]
    return math.hypot(x4 - x1, y4 - y1)


def width_of(poly: Sequence[float]) -> float:
    """Length of the top edge (first→second vertex)."""
    x1, y1, x2, y2 = poly[0], poly[1], poly[2], poly[3]
    return math.hypot(x2 - x1, y2 - y1)


def center(poly: Sequence[float]) -> tuple[float, float]:
    """Mean of the vertices."""
    pts = points(poly)
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def area(box: BBox) -> float:
    """Area of an axis-aligned box (0 when degenerate)."""
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def intersection(a: BBox, b: BBox) -> float:
    """Area of the overlap of two boxes."""
    return area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two boxes."""
    inter = intersection(a, b)
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


def containment(inner: BBox, outer: BBox) -> float:
    """Fraction of ``inner``'s area that lies inside ``outer``."""
    a = area(inner)
    return intersection(inner, outer) / a if a > 0 else 0.0


def quad_from_baseline(x0: float, y0: float, x1: float, y1: float, height: float) -> Polygon:
    """A rotated quad whose top edge runs (x0, y0)→(x1, y1), extending ``height`` downwards."""
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length  # normal pointing "down" on screen
    return (x0, y0, x1, y1, x1 + nx * height, y1 + ny * height, x0 + nx * height, y0 + ny * height)
