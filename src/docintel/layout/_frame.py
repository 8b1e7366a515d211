"""Small geometry helpers shared by the layout modules: text-aligned frames and item boxes.

A *frame* is a rotation by the text angle: coordinates ``(u, v)`` run along the text direction
(``u``) and down across it (``v``), so upright logic works on rotated text too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from statistics import median

from docintel.core.geometry import BBox, Polygon, angle_of, bbox, height_of, points
from docintel.core.types import ContentItem, Line


def to_frame(x: float, y: float, angle: float) -> tuple[float, float]:
    """Page point → text frame (u along the text direction, v across it, downwards)."""
    a = math.radians(angle)
    c, s = math.cos(a), math.sin(a)
    return (x * c + y * s, -x * s + y * c)


def from_frame(u: float, v: float, angle: float) -> tuple[float, float]:
    """Text-frame point → page point (inverse of :func:`to_frame`)."""
    a = math.radians(angle)
    c, s = math.cos(a), math.sin(a)
    return (u * c - v * s, u * s + v * c)


def frame_box(poly: Sequence[float], angle: float) -> BBox:
    """Axis-aligned box ``(u0, v0, u1, v1)`` of a polygon in the frame rotated by ``angle``."""
    if angle == 0.0:
        return bbox(poly)
    pts = [to_frame(x, y, angle) for x, y in points(poly)]
    us = [p[0] for p in pts]
    vs = [p[1] for p in pts]
    return (min(us), min(vs), max(us), max(vs))


def frame_box_polygon(box: BBox, angle: float) -> Polygon:
    """The page-space quad (clockwise from the text's top-left) of a frame box."""
    u0, v0, u1, v1 = box
    out: list[float] = []
    for u, v in ((u0, v0), (u1, v0), (u1, v1), (u0, v1)):
        x, y = from_frame(u, v, angle)
        out.extend((x, y))
    return tuple(out)


def enclosing_quad(polys: Iterable[Sequence[float]], angle: float) -> Polygon:
    """Smallest quad aligned with ``angle`` that encloses every polygon."""
    boxes = [frame_box(p, angle) for p in polys]
    if not boxes:
        raise ValueError("enclosing quad of no polygons")
    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    return frame_box_polygon(box, angle)


def angle_diff(a: float, b: float) -> float:
    """Smallest absolute difference between two angles in degrees."""
    d = (a - b) % 360.0
    return min(d, 360.0 - d)


def circular_mean(angles: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Weighted circular mean of angles in degrees, in (-180, 180]."""
    ws = weights if weights is not None else [1.0] * len(angles)
    sx = sum(w * math.cos(math.radians(a)) for a, w in zip(angles, ws, strict=True))
    sy = sum(w * math.sin(math.radians(a)) for a, w in zip(angles, ws, strict=True))
    if sx == 0.0 and sy == 0.0:
        return 0.0
    m = math.degrees(math.atan2(sy, sx))
    return 180.0 if m <= -180.0 else m


def dominant_angle(items: Sequence[ContentItem]) -> float:
    """Text angle of the page's lines, weighted by text length; 0 when there is no text."""
    angles: list[float] = []
    weights: list[float] = []
    for it in items:
        if isinstance(it, Line) and it.words:
            angles.append(angle_of(it.polygon))
            weights.append(float(max(1, len(it.text))))
    if not angles:
        return 0.0
    # Snap to the mode first so a few stray vertical labels do not tilt the mean.
    buckets: dict[int, float] = {}
    for a, w in zip(angles, weights, strict=True):
        key = round(a / 15.0)
        buckets[key] = buckets.get(key, 0.0) + w
    mode = max(buckets.items(), key=lambda kv: kv[1])[0] * 15.0
    near = [(a, w) for a, w in zip(angles, weights, strict=True) if angle_diff(a, mode) <= 20.0]
    return circular_mean([a for a, _ in near], [w for _, w in near])


def item_height(item: ContentItem) -> float:
    """Text height of an item (its quad's left edge)."""
    return height_of(item.polygon)


def median_text_height(items: Sequence[ContentItem]) -> float:
    """Median height of the text lines (marks when there is no text); 1.0 for an empty page."""
    hs = [item_height(it) for it in items if isinstance(it, Line) and it.words]
    if not hs:
        hs = [item_height(it) for it in items]
    hs = [h for h in hs if h > 0]
    return float(median(hs)) if hs else 1.0
