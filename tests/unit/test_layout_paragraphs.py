"""group_paragraphs and assign_roles on synthetic pages (inches, letter size)."""

from __future__ import annotations

import pytest

from docintel.core.geometry import bbox_polygon
from docintel.core.types import ContentItem, Line, SelectionMark, Word
from docintel.layout.paragraphs import PAGE_NUMBER, group_paragraphs

W, H = 8.5, 11.0


def line(
    text: str,
    x0: float,
    y0: float,
    x1: float,
    h: float = 0.14,
    *,
    size: float | None = None,
    bold: bool = False,
) -> Line:
    parts = text.split()
    step = (x1 - x0) / len(parts)
    words = [
        Word(
            text=t,
            polygon=bbox_polygon((x0 + k * step, y0, x0 + (k + 1) * step - 0.04, y0 + h)),
            font_size=size,
            bold=bold,
        )
        for k, t in enumerate(parts)
    ]
    return Line(words=words, polygon=bbox_polygon((x0, y0, x1 - 0.04, y0 + h)))


def groups(items: list[ContentItem], **kw: object) -> list[list[str]]:
    paras = group_paragraphs(items, list(range(len(items))), with_roles=False, **kw)  # type: ignore[arg-type]
    return [[items[i].text for i in p.items] for p in paras]


def test_close_lines_merge_and_a_gap_splits() -> None:
    items: list[ContentItem] = [
        line("one two three four five six", 1, 1.0, 7),
        line("seven eight nine ten eleven", 1, 1.2, 7),
        line("twelve.", 1, 1.4, 2),
        line("new paragraph after a gap", 1, 1.9, 7),
        line("and its second line", 1, 2.1, 7),
    ]
    assert [len(g) for g in groups(items)] == [3, 2]


def test_bullets_indent_and_size_start_paragraphs() -> None:
    items: list[ContentItem] = [
        line("Body text that runs the full width", 1, 1.0, 7),
        line("• first bullet item", 1.2, 1.2, 7),
        line("• second bullet item", 1.2, 1.4, 7),
        line("(a) lettered item", 1.2, 1.6, 7),
        line("Big text line", 1, 1.85, 7, h=0.3),
        line("Full width body again here", 1, 2.2, 7),
        line("    indented first line", 1.6, 2.4, 7),
    ]
    assert [len(g) for g in groups(items)] == [1, 1, 1, 1, 1, 1, 1]


def test_bold_heading_is_separate_from_body() -> None:
    items: list[ContentItem] = [
        line("Heading", 1, 1.0, 2.5, size=0.15, bold=True),
        line("Body text that runs wide", 1, 1.2, 7, size=0.15),
        line("and continues here", 1, 1.4, 7, size=0.15),
    ]
    assert [len(g) for g in groups(items)] == [1, 2]


def test_centered_title_lines_merge() -> None:
    items: list[ContentItem] = [
        line("A long centered title line", 2, 1.0, 6.5, h=0.25),
        line("second part", 3, 1.3, 5.5, h=0.25),
    ]
    assert [len(g) for g in groups(items)] == [2]


def test_side_by_side_lines_do_not_merge() -> None:
    items: list[ContentItem] = [line("Name:", 1, 1, 2), line("Jane Doe", 2.5, 1, 4)]
    assert [len(g) for g in groups(items)] == [1, 1]


def test_mark_takes_its_label() -> None:
    mark = SelectionMark("selected", bbox_polygon((1.0, 1.0, 1.14, 1.14)), 0.9)
    items: list[ContentItem] = [
        mark,
        line("Yes please", 1.25, 1.0, 2.5),
        line("Next line", 1, 1.5, 3),
    ]
    assert groups(items) == [[":selected:", "Yes please"], ["Next line"]]


def test_roles() -> None:
    items: list[ContentItem] = [
        line("Acme Journal · Vol 3", 0.75, 0.3, 4, h=0.1, size=0.11),
        line("A Big Document Title", 1.0, 0.9, 7, h=0.3, size=0.3),
        line("1 Introduction", 0.75, 1.5, 2.5, size=0.15, bold=True),
    ]
    items += [
        line(f"body line {k} with several words in it", 0.75, 1.8 + 0.2 * k, 7.5, size=0.14)
        for k in range(4)
    ]
    items.append(line("Methods", 0.75, 3.0, 2.0, h=0.18, size=0.18))
    items += [
        line(f"more body {k} with several words in it", 0.75, 3.3 + 0.2 * k, 7.5, size=0.14)
        for k in range(3)
    ]
    items.append(line("¹ A footnote in small print", 0.75, 9.8, 6, h=0.1, size=0.1))
    items.append(line("Confidential – internal", 0.75, 10.5, 3, h=0.1, size=0.11))
    items.append(line("Page 2 of 5", 6.5, 10.5, 7.5, h=0.1, size=0.11))
    paras = group_paragraphs(
        items, list(range(len(items))), with_roles=True, page_width=W, page_height=H
    )
    roles = {" ".join(items[i].text for i in p.items)[:12]: p.role for p in paras}
    assert roles == {
        "Acme Journal": "pageHeader",
        "A Big Docume": "title",
        "1 Introducti": "sectionHeading",
        "body line 0 ": None,
        "Methods": "sectionHeading",
        "more body 0 ": None,
        "¹ A footnote": "footnote",
        "Confidential": "pageFooter",
        "Page 2 of 5": "pageNumber",
    }
    plain = group_paragraphs(items, list(range(len(items))), with_roles=False)
    assert all(p.role is None for p in plain)


def test_roles_from_line_heights_without_font_info() -> None:
    items: list[ContentItem] = [line("Big Title Here", 100, 80, 900, h=60)]
    items += [
        line(f"ordinary body text number {k} here", 100, 200 + 40 * k, 1100, h=24)
        for k in range(10)
    ]
    items.append(line("12", 600, 1600, 630, h=20))
    paras = group_paragraphs(
        items, list(range(len(items))), with_roles=True, page_width=1275, page_height=1650
    )
    assert paras[0].role == "title"
    assert paras[-1].role == "pageNumber"
    assert all(p.role is None for p in paras[1:-1])


@pytest.mark.parametrize("text", ["3", "Page 2 of 5", "- 4 -", "iv", "B-2", "2/7", "p. 12"])
def test_page_number_patterns(text: str) -> None:
    assert PAGE_NUMBER.match(text)


@pytest.mark.parametrize("text", ["Chapter two", "2024 Annual", "Total 12"])
def test_not_page_numbers(text: str) -> None:
    assert not PAGE_NUMBER.match(text)


def test_empty_order() -> None:
    assert group_paragraphs([], [], with_roles=True) == []
