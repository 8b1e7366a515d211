"""words_to_lines: baseline grouping, gap splits, rotated text."""

from __future__ import annotations

import pytest

from docintel.core.geometry import angle_of, bbox, bbox_polygon, rotate
from docintel.core.types import Word
from docintel.layout.lines import words_to_lines


def word(text: str, x0: float, y0: float, x1: float, y1: float) -> Word:
    return Word(text=text, polygon=bbox_polygon((x0, y0, x1, y1)))


def test_words_on_one_baseline_form_one_line_in_order() -> None:
    words = [
        word("world", 60, 10, 100, 22),
        word("Hello", 10, 10, 52, 22),
        word("!", 103, 11, 106, 22),
    ]
    lines = words_to_lines(words)
    assert [ln.text for ln in lines] == ["Hello world !"]
    assert bbox(lines[0].polygon) == (10, 10, 106, 22)


def test_rows_become_separate_lines_top_to_bottom() -> None:
    words = [
        word("second", 10, 30, 60, 42),
        word("first", 10, 10, 50, 22),
        word("row", 55, 10, 80, 22),
        word("line", 65, 31, 90, 42),
    ]
    assert [ln.text for ln in words_to_lines(words)] == ["first row", "second line"]


def test_column_gutter_splits_a_row() -> None:
    # gap of 40 units with a text height of 12: a gutter, not a space
    words = [
        word("left", 10, 10, 40, 22),
        word("col", 44, 10, 64, 22),
        word("right", 104, 10, 140, 22),
    ]
    assert [ln.text for ln in words_to_lines(words)] == ["left col", "right"]


def test_superscript_stays_on_its_line() -> None:
    words = [word("E=mc", 10, 10, 50, 22), word("2", 51, 7, 55, 15), word("holds", 60, 10, 95, 22)]
    assert [ln.text for ln in words_to_lines(words)] == ["E=mc 2 holds"]


def test_different_heights_do_not_merge() -> None:
    words = [word("Big", 10, 0, 80, 40), word("tiny", 85, 20, 100, 25)]
    assert len(words_to_lines(words)) == 2


@pytest.mark.parametrize("degrees", [90.0, -90.0, 30.0, 180.0])
def test_rotated_text_is_grouped_along_its_direction(degrees: float) -> None:
    upright = [
        word("one", 100, 100, 140, 112),
        word("two", 146, 100, 180, 112),
        word("three", 100, 120, 150, 132),
    ]
    words = [Word(text=w.text, polygon=rotate(w.polygon, 200, 200, degrees)) for w in upright]
    lines = words_to_lines(list(reversed(words)))
    assert [ln.text for ln in lines] == ["one two", "three"]
    assert abs(((angle_of(lines[0].polygon) - degrees) + 180) % 360 - 180) < 1e-6
    # the line quad is rotated with the text, not an axis-aligned box
    first = bbox(lines[0].polygon)
    assert first[2] - first[0] > 0 and first[3] - first[1] > 0


def test_mixed_orientations_are_not_merged() -> None:
    horizontal = word("across", 100, 100, 160, 112)
    vertical = Word(text="down", polygon=rotate(bbox_polygon((170, 100, 210, 112)), 170, 100, 90))
    lines = words_to_lines([horizontal, vertical])
    assert sorted(ln.text for ln in lines) == ["across", "down"]


def test_empty_and_blank_words() -> None:
    assert words_to_lines([]) == []
    assert words_to_lines([word(" ", 0, 0, 5, 5)]) == []
