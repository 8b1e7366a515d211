"""analyze_read / analyze_layout on synthetic pages: every item exactly once, tables in place."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from docintel.core.geometry import rotate
from docintel.core.types import Line, PageLayout, PageText, SelectionMark, Word
from docintel.layout.analyze import analyze_layout, analyze_read
from tests.helpers.layout import line

UPP = 0.01  # page units per pixel: a 850×1100 px raster of an 8.5×11 page


@dataclass
class Raster:
    pixels: npt.NDArray[np.uint8]
    units_per_pixel: float


def page(lines: list[Line], angle: float = 0.0) -> PageText:
    return PageText(1, 8.5, 11.0, "inch", angle, lines, "textLayer")


def words_of(layout: PageLayout) -> Counter[str]:
    return Counter(w.text for ln in layout.lines for w in ln.words)


def check_invariants(layout: PageLayout) -> None:
    n = len(layout.items)
    seen = [i for p in layout.paragraphs for i in p.items]
    assert len(seen) == len(set(seen)) and all(0 <= i < n for i in seen)
    firsts = [p.items[0] for p in layout.paragraphs]
    assert firsts == sorted(firsts)
    for t in layout.tables:
        slots = Counter(
            (c.row + dr, c.col + dc)
            for c in t.cells
            for dr in range(c.row_span)
            for dc in range(c.col_span)
        )
        assert set(slots.values()) == {1} and len(slots) == t.row_count * t.column_count


def test_empty_page() -> None:
    for layout in (analyze_read(page([])), analyze_layout(page([]), None)):
        assert layout.items == [] and layout.paragraphs == [] and layout.tables == []
    blank = Raster(np.full((1100, 850, 3), 255, dtype=np.uint8), UPP)
    assert analyze_layout(page([]), blank).items == []


def test_one_line_page() -> None:
    layout = analyze_read(page([line("Hello there", 1, 1)]))
    assert [it.text for it in layout.items] == ["Hello there"]
    assert [p.items for p in layout.paragraphs] == [[0]]


def form_raster() -> npt.NDArray[np.uint8]:
    img = np.full((1100, 850, 3), 255, dtype=np.uint8)
    xs, ys = [100, 300, 500], [400, 440, 480, 520]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), (0, 0, 0), 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), (0, 0, 0), 2)
    cv2.rectangle(img, (100, 700), (115, 715), (0, 0, 0), 2)  # a checkbox with a cross
    cv2.line(img, (103, 703), (112, 712), (0, 0, 0), 2)
    cv2.line(img, (103, 712), (112, 703), (0, 0, 0), 2)
    return img


def form_lines() -> list[Line]:
    lines = [
        line("Report title", 1.0, 1.0, 0.3),
        line("Some body text before the table here", 1.0, 2.0),
    ]
    lines += [line("Name", 1.1, 4.1), line("Qty", 3.1, 4.1)]
    lines += [
        line("apples", 1.1, 4.5),
        line("3", 3.1, 4.5),
        line("pears", 1.1, 4.9),
        line("5", 3.1, 4.9),
    ]
    lines += [line("Agree", 1.25, 7.0), line("Text after the table", 1.0, 6.0)]
    return lines


def test_layout_with_table_and_mark() -> None:
    lines = form_lines()
    shuffled = lines[:]
    random.Random(3).shuffle(shuffled)
    layout = analyze_layout(page(shuffled), Raster(form_raster(), UPP))
    check_invariants(layout)
    assert words_of(layout) == Counter(w.text for ln in lines for w in ln.words)
    (table,) = layout.tables
    assert (table.row_count, table.column_count) == (3, 2)
    cells = {(c.row, c.col): " ".join(layout.items[i].text for i in c.items) for c in table.cells}
    assert cells == {
        (0, 0): "Name",
        (0, 1): "Qty",
        (1, 0): "apples",
        (1, 1): "3",
        (2, 0): "pears",
        (2, 1): "5",
    }
    assert {c.kind for c in table.cells if c.row == 0} == {"columnHeader"}
    texts = [it.text for it in layout.items]
    # the table sits between the text before and after it, read row by row
    assert texts == [
        "Report title",
        "Some body text before the table here",
        "Name",
        "Qty",
        "apples",
        "3",
        "pears",
        "5",
        "Text after the table",
        ":selected:",
        "Agree",
    ]
    (mark,) = layout.selection_marks
    assert mark.state == "selected"
    roles = {" ".join(layout.items[i].text for i in p.items): p.role for p in layout.paragraphs}
    assert roles["Report title"] == "title"
    assert roles["apples"] is None and roles[":selected: Agree"] is None


def test_rotated_page_keeps_every_item() -> None:
    lines = form_lines()
    turned = [
        Line(
            words=[Word(w.text, rotate(w.polygon, 4.25, 5.5, 90.0)) for w in ln.words],
            polygon=rotate(ln.polygon, 4.25, 5.5, 90.0),
        )
        for ln in lines
    ]
    raster = Raster(np.ascontiguousarray(np.rot90(form_raster(), k=-1)), UPP)
    for layout in (analyze_layout(page(turned, 90.0), raster), analyze_read(page(turned, 90.0))):
        check_invariants(layout)
        assert words_of(layout) == Counter(w.text for ln in lines for w in ln.words)
        assert layout.tables == []
        assert not any(isinstance(it, SelectionMark) for it in layout.items)
        assert layout.items[0].text == "Report title"


def test_random_pages_keep_every_word() -> None:
    rng = random.Random(7)
    for _ in range(30):
        lines = [
            line(
                " ".join(f"w{k}x{j}" for j in range(rng.randint(1, 6))),
                rng.uniform(0, 7),
                rng.uniform(0, 10.5),
            )
            for k in range(rng.randint(0, 30))
        ]
        layout = analyze_layout(page(lines), Raster(form_raster(), UPP))
        check_invariants(layout)
        assert words_of(layout) == Counter(w.text for ln in lines for w in ln.words)
