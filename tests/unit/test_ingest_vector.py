"""PDF vector graphics: paths in displayed inches (rotation, forms, paint), pure helpers."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest

from docintel.ingest.vector import (
    VectorGraphics,
    VectorPath,
    compose,
    display_mapper,
    is_ink,
    page_vector_graphics,
)


def _pdf(draw: object, rotate: int = 0, size: tuple[float, float] = (612.0, 792.0)) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    draw(c)  # type: ignore[operator]
    if rotate:
        c.setPageRotation(rotate)
    c.showPage()
    c.save()
    return buf.getvalue()


def _graphics(data: bytes) -> VectorGraphics:
    pdf = pdfium.PdfDocument(data)
    try:
        return page_vector_graphics(pdf[0])
    finally:
        pdf.close()


def test_stroked_line_and_rect_in_display_inches() -> None:
    def draw(c: object) -> None:
        c.setLineWidth(1)  # type: ignore[attr-defined]
        c.line(72, 792 - 144, 288, 792 - 144)  # type: ignore[attr-defined]
        c.rect(72, 792 - 360, 144, 72, stroke=1, fill=0)  # type: ignore[attr-defined]

    g = _graphics(_pdf(draw))
    assert (g.width, g.height) == (8.5, 11.0)
    line, rect = g.paths
    assert line.kinds == "ML" and line.stroke and not line.fill
    assert line.box == pytest.approx((1.0, 2.0, 4.0, 2.0))
    assert line.line_width == pytest.approx(1 / 72)
    assert rect.kinds.startswith("MLLL")
    assert rect.box == pytest.approx((1.0, 4.0, 3.0, 5.0))
    assert [k for k, _ in rect.subpaths()] == [rect.kinds]


def test_white_paint_is_not_ink_and_filled_rect_is() -> None:
    def draw(c: object) -> None:
        c.setFillColorRGB(1, 1, 1)  # type: ignore[attr-defined]
        c.rect(0, 0, 612, 792, stroke=0, fill=1)  # type: ignore[attr-defined]
        c.setFillColorRGB(0, 0, 0)  # type: ignore[attr-defined]
        c.rect(72, 72, 200, 1, stroke=0, fill=1)  # type: ignore[attr-defined]

    (thin,) = _graphics(_pdf(draw)).paths
    assert thin.fill and not thin.stroke
    assert thin.box == pytest.approx((1.0, 11.0 - 73 / 72, 1.0 + 200 / 72, 10.0))


@pytest.mark.parametrize(
    ("rotate", "expected"),
    [(90, (2.0, 1.0, 2.0, 4.0)), (180, (4.5, 2.0, 7.5, 2.0)), (270, (6.5, 7.0, 6.5, 10.0))],
)
def test_rotated_page_maps_like_the_text_layer(
    rotate: int, expected: tuple[float, float, float, float]
) -> None:
    # reportlab swaps the MediaBox of a page turned by 90/270 (so it shows as portrait): the
    # line sits at y=144 pt, inside both boxes.
    def draw(c: object) -> None:
        c.line(72, 144, 288, 144)  # type: ignore[attr-defined]

    g = _graphics(_pdf(draw, rotate))
    assert (g.width, g.height) == (8.5, 11.0)
    (line,) = g.paths
    assert line.box == pytest.approx(expected)


def test_form_xobject_matrix_is_applied() -> None:
    def draw(c: object) -> None:
        c.beginForm("box")  # type: ignore[attr-defined]
        c.rect(0, 0, 72, 72, stroke=1, fill=0)  # type: ignore[attr-defined]
        c.endForm()  # type: ignore[attr-defined]
        c.saveState()  # type: ignore[attr-defined]
        c.translate(144, 792 - 288)  # type: ignore[attr-defined]
        c.doForm("box")  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]

    (rect,) = _graphics(_pdf(draw)).paths
    assert rect.box == pytest.approx((2.0, 3.0, 3.0, 4.0))


def test_display_mapper_and_compose() -> None:
    a, b, c, d, e, f = display_mapper((0.0, 0.0, 612.0, 792.0), 0)
    assert (a * 72 + c * 720 + e, b * 72 + d * 720 + f) == pytest.approx((1.0, 1.0))
    m = compose((2.0, 0.0, 0.0, 2.0, 10.0, 0.0), (1.0, 0.0, 0.0, 1.0, 0.0, 5.0))
    assert m == (2.0, 0.0, 0.0, 2.0, 10.0, 5.0)


def test_is_ink() -> None:
    assert is_ink(0, 0, 0, 255)
    assert not is_ink(255, 255, 255, 255)
    assert not is_ink(0, 0, 0, 0)
    assert not is_ink(0, 0, 0, 20)  # nearly transparent black is pale gray
    assert is_ink(120, 120, 120, 255)


def test_subpaths_split_at_moves() -> None:
    p = VectorPath("MLML", (0, 0, 1, 0, 0, 1, 1, 1), True, False, 0.01, (0, 0, 1, 1))
    assert p.subpaths() == [("ML", (0, 0, 1, 0)), ("ML", (0, 1, 1, 1))]


def test_image_share() -> None:
    g = VectorGraphics(paths=(), image_boxes=((0.0, 0.0, 4.25, 11.0),), width=8.5, height=11.0)
    assert g.image_share() == pytest.approx(0.5)
