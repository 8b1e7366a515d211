"""Pure text-layer word grouping: characters (boxes in a y-down frame) → word runs and quads."""

from __future__ import annotations

import math

import pytest

from docintel.core.geometry import angle_of, bbox, rotate
from docintel.ingest.textlayer import (
    CharTuple,
    extent_quad,
    normalize_word,
    real_char_count,
    refit_extent,
    split_words,
)

ADV = 6.0  # advance of every test glyph
H = 12.0  # loose box height


def _line(text: str, x: float = 10.0, y: float = 100.0, gap: float = ADV) -> list[CharTuple]:
    """Horizontal chars, one advance each; a space advances by ``gap``."""
    out: list[CharTuple] = []
    for ch in text:
        w = gap if ch == " " else ADV
        out.append((ch, x, y, x + w, y + H))
        x += w
    return out


def _rotated(chars: list[CharTuple], deg: float, cx: float, cy: float) -> list[CharTuple]:
    """The same chars turned ``deg`` clockwise: each box becomes its rotated bounds."""
    out: list[CharTuple] = []
    for ch, x0, y0, x1, y1 in chars:
        b = bbox(rotate((x0, y0, x1, y0, x1, y1, x0, y1), cx, cy, deg))
        out.append((ch, *b))
    return out


def _texts(chars: list[CharTuple], angle: float = 0.0) -> list[str]:
    return [
        "".join(c[0] for c in chars[r.start : r.end]) for r in split_words(chars, lambda i: angle)
    ]


def test_words_split_at_spaces() -> None:
    """Whitespace and control characters end words."""
    chars = [
        *_line("Hello  big\tworld"),
        ("\r", 0, 0, 0, 0),
        ("\n", 0, 0, 0, 0),
        *_line("x", y=200),
    ]
    assert _texts(chars) == ["Hello", "big", "world", "x"]


def test_gap_splits_without_space() -> None:
    """A wide gap along the line splits; touching boxes do not."""
    chars = _line("ab") + _line("cd", x=10 + 2 * ADV + 0.5 * H)
    assert _texts(chars) == ["ab", "cd"]
    tight = _line("ab") + _line("cd", x=10 + 2 * ADV + 0.05 * H)
    assert _texts(tight) == ["abcd"]


def test_line_change_and_backward_jump_split() -> None:
    """A char on another line, or one jumping back, starts a new word."""
    assert _texts(_line("ab") + _line("cd", x=10 + 2 * ADV, y=100 + 2 * H)) == ["ab", "cd"]
    assert _texts(_line("ab", x=100) + _line("cd", x=10)) == ["ab", "cd"]


def test_superscript_stays_attached() -> None:
    """A raised char that still overlaps the line belongs to the word."""
    chars = [*_line("m"), ("2", 10 + ADV, 100 - H * 0.4, 10 + ADV + 4, 100 + H * 0.5)]
    assert _texts(chars) == ["m2"]


def test_horizontal_quad_and_extent() -> None:
    """A horizontal word's quad is its box, clockwise from the top-left."""
    chars = _line("abc")
    (run,) = split_words(chars, lambda i: 0.0)
    assert run.extent == (10.0, 10 + 3 * ADV, 100.0, 100 + H)
    assert extent_quad(*run.extent, run.angle) == (10, 100, 28, 100, 28, 112, 10, 112)


@pytest.mark.parametrize("deg", [90.0, 180.0, 270.0, 30.0, -20.0, 120.0])
def test_rotated_words_keep_text_and_geometry(deg: float) -> None:
    """Rotated text groups the same and its quad is the rotated horizontal quad."""
    flat = _line("ab cd")
    rot = _rotated(flat, deg, 50.0, 50.0)
    runs = split_words(rot, lambda i: deg)
    assert ["".join(c[0] for c in rot[r.start : r.end]) for r in runs] == ["ab", "cd"]
    flat_runs = split_words(flat, lambda i: 0.0)
    for r, fr in zip(runs, flat_runs, strict=True):
        quad = extent_quad(*r.extent, r.angle)
        expected = rotate(extent_quad(*fr.extent, 0.0), 50.0, 50.0, deg)
        assert max(abs(a - b) for a, b in zip(quad, expected, strict=True)) < 1e-6
        assert math.isclose(angle_of(quad) % 360, deg % 360, abs_tol=1e-6)


def test_diagonal_text_is_approximate() -> None:
    """Near 45° the char size cannot be recovered exactly; words and centers still are."""
    flat = _line("ab cd")
    rot = _rotated(flat, 45.0, 50.0, 50.0)
    runs = split_words(rot, lambda i: 45.0)
    assert ["".join(c[0] for c in rot[r.start : r.end]) for r in runs] == ["ab", "cd"]
    for r, fr in zip(runs, split_words(flat, lambda i: 0.0), strict=True):
        quad = extent_quad(*r.extent, r.angle)
        expected = rotate(extent_quad(*fr.extent, 0.0), 50.0, 50.0, 45.0)
        cx, cy = sum(quad[0::2]) / 4, sum(quad[1::2]) / 4
        ex, ey = sum(expected[0::2]) / 4, sum(expected[1::2]) / 4
        assert math.hypot(cx - ex, cy - ey) < 1e-6
        assert max(abs(a - b) for a, b in zip(quad, expected, strict=True)) < H / 2


def test_direction_change_inside_run_splits() -> None:
    """Chars touching but read in another direction start a new word."""
    chars = _line("abcd")
    angles = [0.0, 0.0, 90.0, 90.0]
    runs = split_words(chars, lambda i: angles[i])
    assert [(r.start, r.end, r.angle) for r in runs] == [(0, 2, 0.0), (2, 4, 90.0)]


def test_refit_extent_keeps_baseline() -> None:
    """Re-fitting to new metrics moves top/bottom around the same baseline."""
    # drawn with ascent .9 / descent -.2 at em 10: top = 100 - 9, bottom = 100 + 2
    top, bottom, em = refit_extent(91.0, 102.0, 0.9, -0.2, 0.718, -0.207)
    assert math.isclose(em, 10.0)
    assert math.isclose(top, 100 - 7.18)
    assert math.isclose(bottom, 100 + 2.07)
    assert refit_extent(5.0, 9.0, 0.0, 0.0, 0.7, -0.2) == (5.0, 9.0, 4.0)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain", "plain"),
        ("\ufb01ne", "fine"),
        ("e\ufb03cient", "efficient"),
        ("co\u00adop", "coop"),
        ("hyphen\u00ad", "hyphen-"),
        ("hyphen\x02", "hyphen-"),
        ("a\x00b\u200b", "ab"),
        ("e\u0301", "\u00e9"),
        ("\u2460", "\u2460"),  # NFKC would turn this into "1": only ligatures are expanded
    ],
)
def test_normalize_word(raw: str, clean: str) -> None:
    """Ligatures expand, soft/line-end hyphens resolve, junk drops, text is NFC."""
    assert normalize_word(raw) == clean


def test_real_char_count() -> None:
    """Letters and symbols are usable; private-use and U+FFFD are garbage."""
    assert real_char_count("Total: 12 €\r\n") == (9, 0)
    assert real_char_count("\ue000\ue001\ufffd a") == (1, 3)
    assert real_char_count(" \n\t") == (0, 0)


def test_surrogate_pairs_become_code_points() -> None:
    """PDFium's per-unit surrogates are joined; a lone surrogate is dropped."""
    from docintel.ingest.textlayer import join_surrogates

    assert normalize_word("\ud835\udc00\ud835\udc01") == "\U0001d400\U0001d401"
    assert normalize_word("a\ud83d\ude00b") == "a\U0001f600b"
    assert join_surrogates("x\ud835y") == "xy"
