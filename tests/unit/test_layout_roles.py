"""Cross-page roles: running headers, footers and page numbers found by repetition."""

from __future__ import annotations

from docintel.core.geometry import bbox_polygon
from docintel.core.types import ContentItem, Line, PageLayout, Paragraph, Word
from docintel.layout.roles import assign_cross_page_roles, repeat_key


def page(number: int, texts: list[tuple[float, str]]) -> PageLayout:
    """A Letter page (inches) with one single-line paragraph per ``(y, text)``."""
    items: list[ContentItem] = []
    paras: list[Paragraph] = []
    for y, text in texts:
        poly = bbox_polygon((1.0, y, 4.0, y + 0.15))
        items.append(Line([Word(text, poly)], poly))
        paras.append(Paragraph(items=[len(items) - 1], polygon=poly))
    return PageLayout(number, 8.5, 11.0, "inch", 0.0, items, paras)


def roles(p: PageLayout) -> list[str | None]:
    return [x.role for x in p.paragraphs]


def test_repeat_key_masks_digits_and_roman_numerals() -> None:
    assert repeat_key("Page  3 of 9") == repeat_key("page 12 of 9") == "page # of #"
    assert repeat_key("xiv") == repeat_key("17") == "#"


def test_running_header_footer_and_page_number() -> None:
    pages = [
        page(
            n,
            [
                (0.4, "Quarterly Report"),
                (3.0, f"Body text {n}"),
                (10.3, "Confidential"),
                (10.5, f"Page {n} of 3"),
            ],
        )
        for n in (1, 2, 3)
    ]
    assign_cross_page_roles(pages)
    for p in pages:
        assert roles(p) == ["pageHeader", None, "pageFooter", "pageNumber"]


def test_single_page_and_body_text_left_alone() -> None:
    one = [page(1, [(0.4, "Quarterly Report"), (10.5, "Confidential")])]
    assign_cross_page_roles(one)
    assert roles(one[0]) == [None, None]
    # The same text in the body of every page is no header.
    pages = [page(n, [(5.0, "Repeated body line")]) for n in (1, 2)]
    assign_cross_page_roles(pages)
    assert roles(pages[0]) == roles(pages[1]) == [None]


def test_margin_text_must_repeat_at_the_same_height() -> None:
    pages = [page(1, [(0.3, "Chapter one")]), page(2, [(1.2, "Chapter one")])]
    assign_cross_page_roles(pages)
    assert roles(pages[0]) == roles(pages[1]) == [None]


def test_existing_specific_roles_are_kept() -> None:
    pages = [page(n, [(10.5, "Notes")]) for n in (1, 2)]
    pages[0].paragraphs[0].role = "footnote"
    assign_cross_page_roles(pages)
    assert roles(pages[0]) == ["footnote"] and roles(pages[1]) == ["pageFooter"]
