"""Selection marks from synthetic rasters and from checkbox glyphs in text."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from docintel.core.geometry import bbox, bbox_polygon, iou
from docintel.core.types import ContentItem, Line, SelectionMark, Word
from docintel.layout.marks import detect_selection_marks, drop_mark_artifacts, extract_glyph_marks


@dataclass
class Raster:
    pixels: npt.NDArray[np.uint8]
    units_per_pixel: float


def text_line(text: str, x0: float, y0: float, x1: float, y1: float) -> Line:
    poly = bbox_polygon((x0, y0, x1, y1))
    return Line(words=[Word(text=text, polygon=poly)], polygon=poly)


def form_image() -> tuple[npt.NDArray[np.uint8], dict[str, tuple[int, int, int, int]]]:
    """Boxes of 24 px: empty, crossed, ticked (overflowing), radio empty, radio filled."""
    img = np.full((200, 700, 3), 255, dtype=np.uint8)
    boxes = {
        "empty": (40, 60, 64, 84),
        "cross": (160, 60, 184, 84),
        "tick": (280, 60, 304, 84),
        "radio": (400, 60, 424, 84),
        "radio_on": (520, 60, 544, 84),
    }
    for name in ("empty", "cross", "tick"):
        x0, y0, x1, y1 = boxes[name]
        cv2.rectangle(img, (x0, y0), (x1, y1), (0, 0, 0), 2)
    x0, y0, x1, y1 = boxes["cross"]
    cv2.line(img, (x0 + 5, y0 + 5), (x1 - 5, y1 - 5), (0, 0, 0), 2)
    cv2.line(img, (x0 + 5, y1 - 5), (x1 - 5, y0 + 5), (0, 0, 0), 2)
    x0, y0, x1, y1 = boxes["tick"]
    cv2.line(img, (x0 + 4, y0 + 12), (x0 + 10, y1 - 4), (0, 0, 0), 3)
    cv2.line(img, (x0 + 10, y1 - 4), (x1 + 6, y0 - 8), (0, 0, 0), 3)  # overflows the box
    for name, filled in (("radio", False), ("radio_on", True)):
        x0, y0, x1, y1 = boxes[name]
        c = ((x0 + x1) // 2, (y0 + y1) // 2)
        cv2.circle(img, c, 12, (0, 0, 0), 2, lineType=cv2.LINE_AA)
        if filled:
            cv2.circle(img, c, 6, (0, 0, 0), -1, lineType=cv2.LINE_AA)
    return img, boxes


def labels() -> list[ContentItem]:
    return [text_line("Label", 70 + 120 * k, 62, 140 + 120 * k, 82) for k in range(5)]


def test_detects_boxes_and_radios_with_states() -> None:
    img, boxes = form_image()
    marks = detect_selection_marks(Raster(img, 1.0), labels())
    want = {
        "empty": "unselected",
        "cross": "selected",
        "tick": "selected",
        "radio": "unselected",
        "radio_on": "selected",
    }
    assert len(marks) == 5
    for name, state in want.items():
        m = max(marks, key=lambda m: iou(bbox(m.polygon), boxes[name]))
        assert iou(bbox(m.polygon), boxes[name]) > 0.6, name
        assert m.state == state, name
        assert 0.5 <= m.confidence <= 1.0


def test_units_follow_units_per_pixel() -> None:
    img, boxes = form_image()
    items = [
        text_line("Label", (70 + 120 * k) / 150, 62 / 150, (140 + 120 * k) / 150, 82 / 150)
        for k in range(5)
    ]
    marks = detect_selection_marks(Raster(img, 1 / 150), list(items))
    first = min(marks, key=lambda m: m.polygon[0])
    assert abs(first.polygon[0] - boxes["empty"][0] / 150) < 0.02


def test_boxes_under_words_and_known_marks_are_skipped() -> None:
    img, boxes = form_image()
    x0, y0, x1, y1 = boxes["empty"]
    covering = text_line("Something", x0 - 5, y0 - 2, x1 + 60, y1 + 2)
    known = SelectionMark("selected", bbox_polygon(tuple(float(v) for v in boxes["cross"])), 1.0)  # type: ignore[arg-type]
    marks = detect_selection_marks(Raster(img, 1.0), [covering, known])
    assert all(iou(bbox(m.polygon), boxes["empty"]) < 0.3 for m in marks)
    assert all(iou(bbox(m.polygon), boxes["cross"]) < 0.3 for m in marks)
    assert len(marks) == 3


def test_blank_page_has_no_marks() -> None:
    img = np.full((100, 100, 3), 255, dtype=np.uint8)
    assert detect_selection_marks(Raster(img, 1.0), []) == []
    assert detect_selection_marks(Raster(np.zeros((0, 0, 3), dtype=np.uint8), 1.0), []) == []


def test_glyph_marks_become_selection_marks() -> None:
    words = [
        Word("☐", bbox_polygon((0, 0, 10, 10))),
        Word("Yes", bbox_polygon((14, 0, 40, 10))),
        Word("☒No", bbox_polygon((50, 0, 80, 10))),
    ]
    items: list[ContentItem] = [Line(words=words, polygon=bbox_polygon((0, 0, 80, 10)))]
    out = extract_glyph_marks(items)
    marks = [it for it in out if isinstance(it, SelectionMark)]
    lines = [it for it in out if isinstance(it, Line)]
    assert [m.state for m in marks] == ["unselected", "selected"]
    assert [ln.text for ln in lines] == ["Yes No"]
    assert marks[1].polygon[0] == 50 and marks[1].polygon[2] == 60
    assert lines[0].words[1].polygon[0] == 60


def test_bullets_stay_text_without_checkbox_glyphs() -> None:
    words = [Word("●", bbox_polygon((0, 0, 8, 10))), Word("item", bbox_polygon((12, 0, 40, 10)))]
    items: list[ContentItem] = [Line(words=words, polygon=bbox_polygon((0, 0, 40, 10)))]
    assert extract_glyph_marks(items) == items
    with_box = [*items, text_line("☐", 0, 20, 10, 30)]
    out = extract_glyph_marks(with_box)
    assert sum(isinstance(it, SelectionMark) for it in out) == 2


def test_ocr_artifacts_inside_marks_are_dropped() -> None:
    mark = SelectionMark("unselected", bbox_polygon((0, 0, 20, 20)), 0.9)
    words = [Word("口", bbox_polygon((1, 1, 19, 19))), Word("Adult", bbox_polygon((25, 2, 60, 18)))]
    items: list[ContentItem] = [Line(words=words, polygon=bbox_polygon((1, 1, 60, 19)))]
    out = drop_mark_artifacts(items, [mark])
    assert [it.text for it in out] == ["Adult"]
