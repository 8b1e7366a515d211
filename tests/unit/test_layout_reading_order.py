"""reading_order: columns, bands, header/footer, rotation, and the permutation property."""

from __future__ import annotations

import random

from docintel.core.geometry import bbox_polygon, rotate
from docintel.core.types import ContentItem, Line, SelectionMark, Word
from docintel.layout.reading_order import reading_order

W, H = 8.5, 11.0


def line(text: str, x0: float, y0: float, x1: float, h: float = 0.14) -> Line:
    """A line whose words share the box width evenly."""
    parts = text.split()
    step = (x1 - x0) / len(parts)
    words = [
        Word(text=t, polygon=bbox_polygon((x0 + k * step, y0, x0 + (k + 1) * step - 0.05, y0 + h)))
        for k, t in enumerate(parts)
    ]
    return Line(words=words, polygon=bbox_polygon((x0, y0, x1 - 0.05, y0 + h)))


def body(prefix: str, x0: float, x1: float, y0: float, n: int) -> list[Line]:
    return [
        line(f"{prefix}{k} alpha beta gamma delta epsilon", x0, y0 + k * 0.2, x1) for k in range(n)
    ]


def two_column_page() -> list[Line]:
    items = [line("Journal header text here", 0.75, 0.35, 5.0, 0.11)]
    items.append(line("A Title Spanning Both Columns Of The Page", 1.0, 0.9, 7.5, 0.25))
    items += body("L", 0.75, 4.1, 1.5, 12)
    items += body("R", 4.4, 7.75, 1.5, 12)
    items.append(line("A full width figure caption that spans the gutter", 0.75, 4.2, 7.75))
    items += body("M", 0.75, 4.1, 4.6, 5)
    items += body("N", 4.4, 7.75, 4.6, 5)
    items.append(line("Footer text", 0.75, 10.5, 3.0, 0.11))
    items.append(line("7", 7.6, 10.5, 7.75, 0.11))
    return items


def expected_two_column() -> list[str]:
    return (
        ["Journal header text here", "A Title Spanning Both Columns Of The Page"]
        + [f"L{k} alpha beta gamma delta epsilon" for k in range(12)]
        + [f"R{k} alpha beta gamma delta epsilon" for k in range(12)]
        + ["A full width figure caption that spans the gutter"]
        + [f"M{k} alpha beta gamma delta epsilon" for k in range(5)]
        + [f"N{k} alpha beta gamma delta epsilon" for k in range(5)]
        + ["Footer text", "7"]
    )


def texts(items: list[ContentItem], order: list[int]) -> list[str]:
    return [items[i].text for i in order]


def test_two_columns_with_full_width_bands() -> None:
    items: list[ContentItem] = list(two_column_page())
    shuffled = items[:]
    random.Random(1).shuffle(shuffled)
    assert texts(shuffled, reading_order(shuffled, W, H)) == expected_two_column()


def test_three_columns() -> None:
    items: list[ContentItem] = []
    for c, x0 in enumerate((0.5, 3.0, 5.5)):
        items += body(f"C{c}-", x0, x0 + 2.3, 1.0, 8)
    order = reading_order(items[::-1], W, H)
    got = texts(items[::-1], order)
    assert [t.split()[0] for t in got] == [f"C{c}-{k}" for c in range(3) for k in range(8)]


def test_form_rows_are_read_row_by_row() -> None:
    items: list[ContentItem] = []
    for k, (label, value) in enumerate(
        [("Name:", "Jane Doe"), ("Date:", "1 May 2024"), ("City:", "Oslo")]
    ):
        items.append(line(label, 0.75, 1.0 + 0.35 * k, 1.5))
        items.append(line(value, 2.3, 1.0 + 0.35 * k, 4.0))
    order = reading_order(items[::-1], W, H)
    assert texts(items[::-1], order) == [
        "Name:",
        "Jane Doe",
        "Date:",
        "1 May 2024",
        "City:",
        "Oslo",
    ]


def test_marks_on_a_row_are_read_left_to_right() -> None:
    items: list[ContentItem] = []
    for k, label in enumerate(["Adult", "Student", "Family"]):
        x = 0.75 + 1.7 * k
        items.append(SelectionMark("unselected", bbox_polygon((x, 2.0, x + 0.15, 2.15)), 0.9))
        items.append(line(label, x + 0.25, 2.01, x + 1.0))
    order = reading_order(items[::-1], W, H)
    assert texts(items[::-1], order) == [
        ":unselected:",
        "Adult",
        ":unselected:",
        "Student",
        ":unselected:",
        "Family",
    ]


def test_rotated_page_reads_along_the_text() -> None:
    upright = two_column_page()
    # the page turned 90° clockwise: a portrait page becomes landscape H × W
    rotated: list[ContentItem] = []
    for ln in upright:
        words = [Word(w.text, _turn(w.polygon)) for w in ln.words]
        rotated.append(Line(words=words, polygon=_turn(ln.polygon)))
    random.Random(2).shuffle(rotated)
    assert texts(rotated, reading_order(rotated, H, W)) == expected_two_column()


def _turn(poly: tuple[float, ...]) -> tuple[float, ...]:
    # rotate about the origin by 90° clockwise, then shift into the landscape page
    r = rotate(poly, 0.0, 0.0, 90.0)
    return tuple(v + H if k % 2 == 0 else v for k, v in enumerate(r))


def test_empty_and_single() -> None:
    assert reading_order([], W, H) == []
    assert reading_order([line("only", 1, 1, 2)], W, H) == [0]


def test_order_is_always_a_permutation() -> None:
    rng = random.Random(20240501)
    for trial in range(300):
        n = rng.randint(0, 40)
        items: list[ContentItem] = []
        angle = rng.choice([0.0, 0.0, 0.0, 3.0, 90.0, -90.0, 180.0, 45.0])
        for _ in range(n):
            x0, y0 = rng.uniform(-1, W), rng.uniform(-1, H)
            w, h = rng.choice([0.0, rng.uniform(0, 4)]), rng.choice([0.0, rng.uniform(0.01, 0.5)])
            poly = bbox_polygon((x0, y0, x0 + w, y0 + h))
            if rng.random() < 0.5:
                poly = rotate(poly, W / 2, H / 2, angle + rng.uniform(-2, 2))
            if rng.random() < 0.15:
                items.append(SelectionMark("selected", poly, 0.5))
            else:
                k = rng.randint(0, 6)
                words = [Word(text=f"w{j}", polygon=poly) for j in range(k)]
                items.append(Line(words=words, polygon=poly))
        order = reading_order(items, W, H)
        assert sorted(order) == list(range(len(items))), f"trial {trial}"
