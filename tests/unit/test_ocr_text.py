"""Pure line → word functions of docintel.ocr.text."""

from __future__ import annotations

import itertools

import pytest

from docintel.core.geometry import angle_of, bbox, rotate
from docintel.ocr.text import (
    apportion_chars,
    char_spans_from_boxes,
    fix_digit_confusions,
    line_from_text,
    map_homoglyphs,
    split_key_value,
    sub_quad,
    tokenize_line,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Tοtal", "Total"),  # Greek omicron
        ("INVΟICE", "INVOICE"),  # Greek capital omicron
        ("Аpple", "Apple"),  # Cyrillic A
        ("ε9", "e9"),  # shape-only mapping: never guessed to be a digit
        ("No：", "No:"),  # full-width colon
        ("（RM）", "(RM)"),
        ("λόγος", "λόγος"),  # a real Greek word stays Greek
        ("Москва", "Москва"),  # a real Cyrillic word stays Cyrillic
        ("ΟΚ", "ΟΚ"),  # only lookalikes, no Latin evidence: untouched
        ("価格", "価格"),
        ("café", "café"),
    ],
)
def test_map_homoglyphs(raw: str, expected: str) -> None:
    assert map_homoglyphs(raw) == expected


@pytest.mark.parametrize(
    ("token", "parts"),
    [
        ("No:INV-1001", ["No:", "INV-1001"]),
        ("Date:12/03/2024", ["Date:12/03/2024"]),  # a digit follows: not split
        ("10:30AM", ["10:30AM"]),
        ("https://example.com", ["https://example.com"]),
        ("mailto:a@b.c", ["mailto:a@b.c"]),
        ("Key:", ["Key:"]),
        ("A:B:C", ["A:", "B:", "C"]),
    ],
)
def test_split_key_value(token: str, parts: list[str]) -> None:
    assert [token[a:b] for a, b in split_key_value(token)] == parts


def test_tokenize_line_indexes_non_space_characters() -> None:
    toks = tokenize_line("  Invoice   No:INV-7  Tοtal ")
    assert [t.text for t in toks] == ["Invoice", "No:", "INV-7", "Total"]
    # Non-space characters: Invoice=0..7, No:INV-7=7..15, Total=15..20
    assert [(t.start, t.end) for t in toks] == [(0, 7), (7, 10), (10, 15), (15, 20)]


def test_apportion_chars_is_monotonic_and_covers_the_line() -> None:
    spans = apportion_chars("Wide mill")
    assert len(spans) == 8
    assert spans[0][0] == 0.0 and spans[-1][1] == pytest.approx(1.0)
    assert all(a[1] <= b[0] + 1e-9 for a, b in itertools.pairwise(spans))
    # "W" is wider than "l"
    assert spans[0][1] - spans[0][0] > spans[6][1] - spans[6][0]


def test_sub_quad_keeps_rotation_and_stays_inside() -> None:
    quad = rotate((0, 0, 100, 0, 100, 20, 0, 20), 50, 10, 30.0)
    part = sub_quad(quad, 0.25, 0.5)
    assert angle_of(part) == pytest.approx(30.0)
    qb, pb = bbox(quad), bbox(part)
    assert qb[0] <= pb[0] and pb[2] <= qb[2] and qb[1] <= pb[1] and pb[3] <= qb[3]


def test_char_spans_from_boxes_projects_on_rotated_line() -> None:
    line = rotate((0, 0, 100, 0, 100, 20, 0, 20), 0, 0, 90.0)  # runs downwards
    chars = [rotate((x, 0, x + 10, 0, x + 10, 20, x, 20), 0, 0, 90.0) for x in (0, 50, 90)]
    spans = char_spans_from_boxes(line, chars)
    assert spans == [
        pytest.approx((0.0, 0.1), abs=1e-9),
        pytest.approx((0.5, 0.6), abs=1e-9),
        pytest.approx((0.9, 1.0), abs=1e-9),
    ]


def test_line_from_text_words_are_split_sane_and_inside_line() -> None:
    quad = (10.0, 10.0, 210.0, 10.0, 210.0, 40.0, 10.0, 40.0)
    line = line_from_text("Total  Due:USD 12.00 ", quad, 0.9)
    assert line is not None
    assert [w.text for w in line.words] == ["Total", "Due:", "USD", "12.00"]
    assert line.polygon == quad
    lb = bbox(quad)
    prev_right = lb[0]
    for w in line.words:
        b = bbox(w.polygon)
        assert w.text and w.confidence == 0.9
        assert lb[0] <= b[0] < b[2] <= lb[2] and b[1] == lb[1] and b[3] == lb[3]
        assert b[0] >= prev_right - 1e-9  # left to right, no overlap
        prev_right = b[2]


def test_line_from_text_uses_char_positions_and_confidences() -> None:
    quad = (0.0, 0.0, 100.0, 0.0, 100.0, 10.0, 0.0, 10.0)
    spans = [(0.0, 0.1), (0.1, 0.2), (0.8, 0.9), (0.9, 1.0)]
    line = line_from_text("ab cd", quad, 0.5, spans, [1.0, 0.8, 0.6, 0.4])
    assert line is not None
    a, c = line.words
    assert bbox(a.polygon) == pytest.approx((0.0, 0.0, 20.0, 10.0))
    assert bbox(c.polygon) == pytest.approx((80.0, 0.0, 100.0, 10.0))
    assert a.confidence == pytest.approx(0.9) and c.confidence == pytest.approx(0.5)


def test_line_from_text_ignores_mismatched_char_data_and_blank_text() -> None:
    quad = (0.0, 0.0, 100.0, 0.0, 100.0, 10.0, 0.0, 10.0)
    line = line_from_text("ab cd", quad, 0.7, [(0.0, 1.0)], [0.1])
    assert line is not None
    assert [w.confidence for w in line.words] == [0.7, 0.7]
    assert line_from_text("   ", quad, 0.7) is None


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("4330O", "43300"),
        ("47l6O,", "47l6O,"),  # another letter in the run: not a number
        ("25O.50", "250.50"),
        ("RM1O.00", "RM1O.00"),  # letters in the run (RM1O): left alone
        ("CO2", "CO2"),
        ("H2O", "H2O"),
        ("NO.", "NO."),
        ("1O-G", "1O-G"),  # one digit is too little evidence
        ("No.1OO8", "No.1008"),
        ("O", "O"),
    ],
)
def test_fix_digit_confusions(word: str, expected: str) -> None:
    """A letter O inside a run of digits is a zero; other words are untouched."""
    assert fix_digit_confusions(word) == expected
