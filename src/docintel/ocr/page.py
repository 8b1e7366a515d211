"""The per-page text stage: a PDF text layer when usable, otherwise OCR of the rendered page.

OCR path: render, classify the page orientation (0/90/180/270), right the image, recognise,
then map every polygon back into the original page (vertex order kept, so polygons still
start at the text's own top-left corner), convert pixels to page units and clip to the page.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Literal, Protocol, TypeVar

import numpy as np

from docintel.core.geometry import Polygon, angle_of, clip, scale
from docintel.core.types import Line, PageText, Word
from docintel.ocr.base import OcrEngine
from docintel.ocr.orientation import orientation_classifier, polygon_from_upright, upright

# Below this probability a non-zero orientation is not trusted (blank or photo-only pages
# give near-uniform scores).
MIN_ORIENTATION_PROBABILITY = 0.6


class RasterLike(Protocol):
    """What ``read_page`` needs of a rendered page (``docintel.ingest``'s ``RasterPage``)."""

    @property
    def pixels(self) -> np.ndarray:
        """H x W x 3 uint8 RGB."""
        ...

    @property
    def units_per_pixel(self) -> float:
        """Pixel coordinates times this are page units."""
        ...


R = TypeVar("R", bound=RasterLike, covariant=True)


class PageLike(Protocol[R]):
    """What ``read_page`` needs of a source page (``docintel.ingest``'s ``SourcePage``)."""

    @property
    def number(self) -> int:
        """1-based page number."""
        ...

    @property
    def width(self) -> float:
        """Page width in page units."""
        ...

    @property
    def height(self) -> float:
        """Page height in page units."""
        ...

    @property
    def unit(self) -> Literal["inch", "pixel"]:
        """The page unit."""
        ...

    def text_words(self) -> list[Word]:
        """Text-layer words in page units."""
        ...

    def has_text_layer(self) -> bool:
        """Whether the page has a usable text layer."""
        ...

    def render(self, dpi: float | None = None) -> R:
        """Render the page (images ignore ``dpi``)."""
        ...

    def ocr_dpi(self) -> float:
        """The resolution to render at for OCR."""
        ...


def wrap_angle(a: float) -> float:
    """Normalise an angle in degrees into (-180, 180]."""
    a = (a + 180.0) % 360.0 - 180.0
    return 180.0 if a == -180.0 else a


def dominant_angle(lines: Sequence[Line], around: float = 0.0) -> float:
    """Median clockwise angle of the lines' top edges, in (-180, 180].

    Angles are taken relative to ``around`` (the page orientation) before the median so a
    180-degree page whose lines read 179.5 and -179.5 gives ~180, not 0.
    """
    if not lines:
        return 0.0
    rel = [wrap_angle(angle_of(ln.polygon) - around) for ln in lines]
    return round(wrap_angle(around + statistics.median(rel)), 2)


def map_lines(
    lines: Sequence[Line],
    angle: int,
    image_width: float,
    image_height: float,
    units_per_pixel: float,
    page_width: float,
    page_height: float,
) -> list[Line]:
    """Map lines from a righted image back to page units of the original page, clipped."""

    def to_page(poly: Polygon) -> Polygon:
        back = polygon_from_upright(poly, angle, image_width, image_height)
        return clip(scale(back, units_per_pixel), page_width, page_height)

    out: list[Line] = []
    for ln in lines:
        words = [
            Word(
                w.text,
                to_page(w.polygon),
                w.confidence,
                font_size=w.font_size,
                font_name=w.font_name,
                bold=w.bold,
                italic=w.italic,
                handwritten=w.handwritten,
            )
            for w in ln.words
            if w.text.strip()
        ]
        if words:
            out.append(Line(words=words, polygon=to_page(ln.polygon)))
    return out


def _page_text(
    page: PageLike[R], lines: list[Line], angle: float, source: Literal["textLayer", "ocr"]
) -> PageText:
    return PageText(
        page_number=page.number,
        width=page.width,
        height=page.height,
        unit=page.unit,
        angle=angle,
        lines=lines,
        source=source if lines else "empty",
    )


def read_page(
    page: PageLike[R], engine: OcrEngine | None, *, force_ocr: bool = False
) -> tuple[PageText, R | None]:
    """Text of one page and, when OCR ran, the raster it read (else ``None``).

    A usable text layer is used as is (no render, no OCR) unless ``force_ocr``. Without a text
    layer and without an engine the page comes back empty.
    """
    if not force_ocr and page.has_text_layer():
        words = [w for w in page.text_words() if w.text.strip()]
        if words or engine is None:
            from docintel.layout.lines import words_to_lines

            lines = words_to_lines(words)
            return _page_text(page, lines, dominant_angle(lines), "textLayer"), None
    if engine is None:
        return _page_text(page, [], 0.0, "ocr"), None

    raster = page.render(page.ocr_dpi())
    pixels = raster.pixels
    height, width = pixels.shape[:2]
    orientation = 0
    if engine.options.detect_orientation:
        label, prob = orientation_classifier(engine.options.threads).classify(pixels)
        if prob >= MIN_ORIENTATION_PROBABILITY:
            orientation = label
    found = engine.recognize(upright(pixels, orientation))
    lines = map_lines(
        found, orientation, width, height, raster.units_per_pixel, page.width, page.height
    )
    return _page_text(page, lines, dominant_angle(lines, orientation), "ocr"), raster
