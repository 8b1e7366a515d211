"""Orientation back-mapping, dominant angle and read_page with fake pages and engines."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pytest

from docintel.core.errors import ConfigurationError, EngineUnavailableError
from docintel.core.geometry import angle_of, bbox, bbox_polygon, rotate
from docintel.core.types import Line, Word
from docintel.ocr.base import OcrOptions, create_engine
from docintel.ocr.orientation import point_from_upright, polygon_from_upright, upright
from docintel.ocr.page import dominant_angle, map_lines, read_page, wrap_angle


def rotate_clockwise(image: np.ndarray, angle: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(image, k=-(angle // 90)))


@pytest.mark.parametrize("angle", [0, 90, 180, 270])
def test_point_from_upright_inverts_the_righting_rotation(angle: int) -> None:
    h, w = 7, 11
    original = np.zeros((h, w, 3), np.uint8)
    x, y = 8, 2
    original[y, x] = 255
    # A page whose content is turned ``angle`` clockwise is righted by ``upright``.
    righted = upright(original, angle)
    v, u = (int(i) for i in np.argwhere(righted[:, :, 0] == 255)[0])
    assert point_from_upright(u + 0.5, v + 0.5, angle, w, h) == pytest.approx((x + 0.5, y + 0.5))


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_polygon_from_upright_starts_at_the_texts_own_top_left(angle: int) -> None:
    w, h = 300.0, 200.0
    word = bbox_polygon((50.0, 40.0, 150.0, 60.0))  # upright: TL, TR, BR, BL
    back = polygon_from_upright(word, angle, w, h)
    # The top edge now runs along the text direction, clockwise by ``angle``.
    assert wrap_angle(angle_of(back)) == pytest.approx(wrap_angle(angle))
    # Mapping the first vertex of the righted image gives the text's TL in the original.
    assert back[0:2] == pytest.approx(point_from_upright(50.0, 40.0, angle, w, h))


def test_upright_then_rotate_clockwise_round_trips() -> None:
    img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    for angle in (0, 90, 180, 270):
        assert np.array_equal(upright(rotate_clockwise(img, angle), angle), img)


def test_dominant_angle_is_circular_and_keeps_small_skew() -> None:
    def line(deg: float) -> Line:
        poly = rotate((0, 0, 100, 0, 100, 10, 0, 10), 50, 5, deg)
        return Line(words=[Word("x", poly)], polygon=poly)

    assert dominant_angle([line(1.5), line(1.4), line(1.6)]) == pytest.approx(1.5)
    assert abs(dominant_angle([line(179.5), line(-179.5), line(180.0)], 180)) == pytest.approx(180)
    assert dominant_angle([line(-90.0)] * 3, 270) == pytest.approx(-90.0)
    assert dominant_angle([]) == 0.0


def test_map_lines_scales_clips_and_drops_blank_words() -> None:
    line = Line(
        words=[
            Word("a", bbox_polygon((10, 10, 50, 30))),
            Word(" ", bbox_polygon((60, 10, 70, 30))),
        ],
        polygon=bbox_polygon((10, 10, 250, 30)),
    )
    out = map_lines([line], 0, 200.0, 100.0, 0.01, 2.0, 1.0)
    assert [w.text for w in out[0].words] == ["a"]
    assert bbox(out[0].words[0].polygon) == pytest.approx((0.1, 0.1, 0.5, 0.3))
    assert bbox(out[0].polygon)[2] == pytest.approx(2.0)  # clipped to the page


@dataclass(slots=True)
class FakeRaster:
    pixels: np.ndarray
    units_per_pixel: float


@dataclass(slots=True)
class FakePage:
    words: list[Word]
    text_layer: bool
    pixels: np.ndarray = field(default_factory=lambda: np.full((100, 200, 3), 255, np.uint8))
    number: int = 3
    width: float = 2.0
    height: float = 1.0
    unit: Literal["inch", "pixel"] = "inch"
    rendered_at: list[float | None] = field(default_factory=list)

    def text_words(self) -> list[Word]:
        return self.words

    def has_text_layer(self) -> bool:
        return self.text_layer

    def render(self, dpi: float | None = None) -> FakeRaster:
        self.rendered_at.append(dpi)
        return FakeRaster(self.pixels, 1 / 100)

    def ocr_dpi(self) -> float:
        return 100.0


@dataclass(slots=True)
class FakeEngine:
    lines: list[Line]
    name: str = "fake"
    options: OcrOptions = field(default_factory=lambda: OcrOptions(detect_orientation=False))
    seen: list[tuple[int, ...]] = field(default_factory=list)

    def recognize(self, image: np.ndarray) -> list[Line]:
        self.seen.append(image.shape)
        return self.lines


def ocr_line() -> Line:
    poly = rotate((20, 20, 120, 20, 120, 40, 20, 40), 70, 30, 1.5)
    return Line(words=[Word("Hello", poly, 0.9)], polygon=poly)


def test_read_page_uses_text_layer_without_rendering() -> None:
    words = [
        Word("Hello", bbox_polygon((0.1, 0.1, 0.5, 0.2))),
        Word("world", bbox_polygon((0.6, 0.1, 1.0, 0.2))),
    ]
    page = FakePage(words, text_layer=True)
    engine = FakeEngine([ocr_line()])
    text, raster = read_page(page, engine)
    assert raster is None and page.rendered_at == [] and engine.seen == []
    assert text.source == "textLayer" and text.page_number == 3 and text.unit == "inch"
    assert [ln.text for ln in text.lines] == ["Hello world"]


def test_read_page_force_ocr_renders_at_ocr_dpi_and_maps_to_page_units() -> None:
    page = FakePage([], text_layer=True)
    engine = FakeEngine([ocr_line()])
    text, raster = read_page(page, engine, force_ocr=True)
    assert raster is not None and page.rendered_at == [100.0]
    assert text.source == "ocr"
    assert text.angle == pytest.approx(1.5)
    (word,) = text.lines[0].words
    assert word.text == "Hello" and word.confidence == 0.9
    b = bbox(word.polygon)
    assert 0.19 < b[0] < 0.21 and 1.19 < b[2] < 1.21  # pixels / 100 dpi = inches


def test_read_page_without_text_or_engine_is_empty() -> None:
    text, raster = read_page(FakePage([], text_layer=False), None)
    assert text.source == "empty" and text.lines == [] and raster is None
    text, raster = read_page(FakePage([], text_layer=False), FakeEngine([]))
    assert text.source == "empty" and raster is not None


def test_create_engine_rejects_unknown_names() -> None:
    with pytest.raises(ConfigurationError):
        create_engine(OcrOptions(engine="nonexistent"))
    with pytest.raises(ConfigurationError):
        create_engine(OcrOptions(threads=0))


def test_create_engine_reports_missing_package_with_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # makes ``import tesserocr`` fail
    with pytest.raises(EngineUnavailableError, match="pip install tesserocr"):
        create_engine(OcrOptions(engine="tesseract"))
