"""Pure routing decisions of the OCR cascade (docintel.ocr.routing) on synthetic inputs."""

from __future__ import annotations

import numpy as np
import pytest

from docintel.core.geometry import bbox_polygon, union_polygon
from docintel.core.types import Line, Word
from docintel.ocr.routing import (
    PageStats,
    RoutingThresholds,
    foreign_script,
    implausible_text,
    page_stats,
    page_too_unsure,
    prefer_reread,
    route_line,
    route_page,
    typical_word_height,
    unsure_word,
)

CLEAN = PageStats(contrast=200.0, saturation=0.0, sharpness=900.0, text_height=26.0)


def word(text: str, x0: float, conf: float = 0.97, y0: float = 100.0, h: float = 30.0) -> Word:
    width = 20.0 * max(len(text), 1)
    return Word(text, bbox_polygon((x0, y0, x0 + width, y0 + h)), conf)


def line(*words: Word) -> Line:
    return Line(words=list(words), polygon=union_polygon(w.polygon for w in words))


def test_clean_scan_goes_to_tesseract() -> None:
    assert route_page(CLEAN) == ("tesseract", "clean")


@pytest.mark.parametrize(
    ("stats", "reason"),
    [
        (PageStats(200.0, 0.0, 900.0, 9.0), "small-text"),  # FUNSD-like 100-DPI scan
        (PageStats(200.0, 40.0, 900.0, 28.0), "photo"),  # colourful ID-card photo
        (PageStats(50.0, 0.0, 900.0, 26.0), "low-contrast"),
        (PageStats(200.0, 0.0, 30.0, 26.0), "blurred"),
        (PageStats(200.0, 0.0, 900.0, None), "no-glyphs"),
    ],
)
def test_poor_pages_go_to_ppocr(stats: PageStats, reason: str) -> None:
    assert route_page(stats) == ("ppocr", reason)


def test_thresholds_are_honoured() -> None:
    lenient = RoutingThresholds(min_text_height=5.0)
    assert route_page(PageStats(200.0, 0.0, 900.0, 9.0), lenient)[0] == "tesseract"


def test_page_stats_tell_a_clean_page_from_a_noisy_photo() -> None:
    rng = np.random.default_rng(0)
    clean = np.full((1200, 900, 3), 255, np.uint8)
    for row in range(10):  # glyph-sized dark blocks, 26 px tall
        for col in range(20):
            y, x = 80 + row * 100, 40 + col * 40
            clean[y : y + 26, x : x + 16] = 0
    stats = page_stats(clean)
    assert stats.text_height is not None and 20 <= stats.text_height <= 32
    assert stats.saturation < 1 and stats.contrast > 200
    assert route_page(stats)[0] == "tesseract"
    photo = clean.astype(np.int16)
    photo[..., 0] = photo[..., 0] // 2 + 60  # tinted, flat, noisy
    photo = np.clip(photo // 3 + 120 + rng.normal(0, 8, photo.shape), 0, 255).astype(np.uint8)
    assert route_page(page_stats(photo))[0] == "ppocr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invoice", False),
        ("12,50", False),
        ("-", False),
        ("€", False),
        ("|", True),  # a table rule read as text
        ("1}ea", True),
        ("¢", True),  # a bullet misread
        ("—", False),
        ("~~", True),
        ("", True),
    ],
)
def test_implausible_text(text: str, expected: bool) -> None:
    assert implausible_text(text) is expected


def test_unsure_word_by_confidence_glyphs_and_box() -> None:
    assert not unsure_word(word("Total", 0), 30.0)
    assert unsure_word(word("Total", 0, conf=0.6), 30.0)
    assert unsure_word(word("|", 0), 30.0)
    assert unsure_word(word("Total", 0, h=90.0), 30.0)  # far taller than the page's words


def test_route_line_merges_close_unsure_words_and_keeps_sure_ones() -> None:
    ln = line(
        word("Price", 0),
        word("12", 110, conf=0.5),
        word("ea", 160, conf=0.7),  # 10 px after "12": same crop
        word("net", 300),
        word("|", 400),  # far from the run before: own crop
    )
    assert route_line(ln, typical_word_height([ln])) == [(1, 3), (4, 5)]


def test_route_line_splits_runs_separated_by_a_wide_gap() -> None:
    ln = line(word("a1", 0, conf=0.5), word("b2", 500, conf=0.5))
    assert route_line(ln, 30.0) == [(0, 1), (1, 2)]


def test_route_line_of_a_confident_line_is_empty() -> None:
    ln = line(word("All", 0), word("good", 80), word("here", 200))
    assert route_line(ln, 30.0) == []


def test_page_too_unsure() -> None:
    assert not page_too_unsure(5, 100)
    assert page_too_unsure(40, 100)
    assert page_too_unsure(0, 0)  # Tesseract found nothing: let PP-OCR look


def test_prefer_reread() -> None:
    unsure = [word("Fallig", 0, conf=0.85)]
    assert prefer_reread(unsure, "Fällig", 0.99) == "replace"
    assert prefer_reread(unsure, "Fa11ig", 0.7) == "keep"  # less sure than Tesseract
    assert prefer_reread(unsure, "", 0.0) == "keep"  # text stays unless it was noise
    rule = [word("|", 0, conf=0.95)]
    assert prefer_reread(rule, "山", 0.34) == "drop"
    assert prefer_reread(rule, "", 0.0) == "drop"
    assert prefer_reread(rule, "1", 0.97) == "replace"
    dash = [word("—", 0, conf=0.5)]
    assert prefer_reread(dash, "一", 0.99) == "keep"  # a CJK reading never replaces Latin


def test_foreign_script() -> None:
    assert foreign_script("一") and foreign_script("a山") and foreign_script("한")
    assert not foreign_script("Größe ½ — €")


def test_missed_text_regions_finds_uncovered_words_not_rules_or_frames() -> None:
    """Ink no word covers becomes a region; covered words, rules and a frame do not."""
    import cv2

    from docintel.core.geometry import bbox_polygon
    from docintel.core.types import Line, Word
    from docintel.ocr.routing import missed_text_regions

    img = np.full((400, 900), 255, np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(img, "Covered words here", (40, 60), font, 0.8, 0, 2)
    cv2.putText(img, "Subtotal", (420, 260), font, 0.8, 0, 2)  # inside the frame, unread
    cv2.rectangle(img, (400, 220), (860, 300), 0, 2)  # a drawn box around it
    cv2.line(img, (40, 120), (860, 120), 0, 2)  # a table rule
    words = [
        Word("Covered", bbox_polygon((40, 40, 150, 66))),
        Word("words", bbox_polygon((160, 40, 240, 66))),
        Word("here", bbox_polygon((250, 40, 310, 66))),
    ]
    covered = Line(words, bbox_polygon((40, 40, 310, 66)))
    regions = missed_text_regions(img, [covered], 24.0)
    assert len(regions) == 1
    x0, y0, x1, y1 = regions[0]
    assert x0 <= 420 and x1 >= 520 and y0 <= 242 and y1 >= 262 and y1 - y0 < 60
    # Once a word covers it, nothing is missed.
    word = Word("Subtotal", bbox_polygon((420, 240, 540, 266)))
    assert missed_text_regions(img, [covered, Line([word], word.polygon)], 24.0) == []
