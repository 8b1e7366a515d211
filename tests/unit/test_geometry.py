"""Pure polygon geometry in page units."""

from __future__ import annotations

import math

import pytest

from docintel.core import geometry as g


def test_bbox_and_polygon_round_trip() -> None:
    """An axis-aligned box becomes a clockwise quad from the top-left and back."""
    quad = g.bbox_polygon((1.0, 2.0, 4.0, 3.0))
    assert quad == (1.0, 2.0, 4.0, 2.0, 4.0, 3.0, 1.0, 3.0)
    assert g.bbox(quad) == (1.0, 2.0, 4.0, 3.0)
    assert g.points(quad)[0] == (1.0, 2.0)
    assert g.from_points(g.points(quad)) == quad


def test_union_and_errors() -> None:
    """Union encloses all; the union of nothing is an error."""
    u = g.union_polygon([g.bbox_polygon((0, 0, 1, 1)), g.bbox_polygon((2, -1, 3, 0.5))])
    assert g.bbox(u) == (0, -1, 3, 1)
    with pytest.raises(ValueError):
        g.union_bbox([])


@pytest.mark.parametrize("degrees", [0.0, 1.5, 30.0, 90.0, 180.0, -90.0])
def test_rotation_preserves_sizes_and_reports_angle(degrees: float) -> None:
    """Rotating a word quad keeps its width/height; angle_of reads the rotation back."""
    quad = g.bbox_polygon((10.0, 10.0, 50.0, 20.0))
    rot = g.rotate(quad, 30.0, 15.0, degrees)
    assert g.width_of(rot) == pytest.approx(40.0)
    assert g.height_of(rot) == pytest.approx(10.0)
    expected = degrees if degrees != -180.0 else 180.0
    assert g.angle_of(rot) == pytest.approx(expected)
    assert g.center(rot) == pytest.approx((30.0, 15.0))


def test_angle_range_is_half_open() -> None:
    """Angles are in (-180, 180]: an upside-down word is 180, never -180."""
    upside_down = (50.0, 20.0, 10.0, 20.0, 10.0, 10.0, 50.0, 10.0)
    assert g.angle_of(upside_down) == 180.0


def test_overlap_measures() -> None:
    """IoU and containment of boxes."""
    a, b = (0.0, 0.0, 2.0, 2.0), (1.0, 1.0, 3.0, 3.0)
    assert g.intersection(a, b) == 1.0
    assert g.iou(a, b) == pytest.approx(1 / 7)
    assert g.containment((1.0, 1.0, 1.5, 1.5), a) == 1.0
    assert g.iou(a, (5.0, 5.0, 6.0, 6.0)) == 0.0
    assert g.iou((0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0)) == 0.0


def test_scale_round_clip() -> None:
    """Pixels → inches, output rounding without negative zero, clipping to the page."""
    assert g.scale((150.0, 300.0), 1 / 150) == (1.0, 2.0)
    rounded = g.round_polygon((-0.00001, 1.23456, -0.0, 2.0), 4)
    assert rounded == (0.0, 1.2346, 0.0, 2.0)
    assert all(math.copysign(1.0, v) > 0 for v in rounded)
    assert g.clip((-1.0, 5.0, 9.0, 12.0), 8.5, 11.0) == (0.0, 5.0, 8.5, 11.0)


def test_quad_from_baseline() -> None:
    """A quad built from its top edge extends downwards (y grows down on the page)."""
    q = g.quad_from_baseline(0.0, 0.0, 10.0, 0.0, 2.0)
    assert q == pytest.approx((0.0, 0.0, 10.0, 0.0, 10.0, 2.0, 0.0, 2.0))
    vertical = g.quad_from_baseline(0.0, 0.0, 0.0, 10.0, 2.0)
    assert g.angle_of(vertical) == pytest.approx(90.0)
    assert g.height_of(vertical) == pytest.approx(2.0)
