"""Roles decided across pages: running headers, footers and page numbers repeat.

A paragraph near the top or bottom edge whose text, with digits masked (``Page 3 of 9`` →
``page # of #``), recurs at about the same height on other pages is a running header
(``pageHeader``), footer (``pageFooter``) or page number (``pageNumber``, when the text reads
like one). Per-page rules (:func:`docintel.layout.paragraphs.assign_roles`) cannot see this;
this pass runs once over all pages of a document before the result is assembled.
"""

from __future__ import annotations

import regex

from docintel.core.geometry import bbox
from docintel.core.types import PageLayout, Paragraph, ParagraphRole
from docintel.layout.paragraphs import PAGE_NUMBER

# Margin bands looked at, as a share of the page height.
BAND = 0.15
# Two occurrences are at the same place when their centres differ by at most this share of
# the page height.
SAME_PLACE = 0.03
# Roles a repeated margin paragraph may replace (a running title is no document title).
REPLACEABLE: frozenset[ParagraphRole | None] = frozenset({None, "title", "sectionHeading"})
MAX_TEXT = 120  # longer text is body, however often it repeats

_DIGITS = regex.compile(r"\d+")
_ROMAN = regex.compile(r"^[ivxlcdm]{1,7}$", regex.IGNORECASE)


def repeat_key(text: str) -> str:
    """Text of a margin paragraph as compared across pages: case, spaces and digits folded."""
    key = _DIGITS.sub("#", " ".join(text.lower().split()))
    return "#" if _ROMAN.match(key) else key


def _margin(page: PageLayout, p: Paragraph) -> tuple[str, float] | None:
    """``("top" | "bottom", centre as a share of the page height)``, or None for the body."""
    if page.height <= 0:
        return None
    box = bbox(p.polygon)
    if box[3] <= BAND * page.height:
        return "top", (box[1] + box[3]) / 2 / page.height
    if box[1] >= (1 - BAND) * page.height:
        return "bottom", (box[1] + box[3]) / 2 / page.height
    return None


def assign_cross_page_roles(pages: list[PageLayout]) -> None:
    """Mark margin paragraphs that repeat on other pages (see the module docstring), in place.

    Table cells are left alone. A document of one page is left as the page rules made it.
    """
    if len(pages) < 2:
        return
    entries: list[tuple[int, Paragraph, str, str, float]] = []
    for k, page in enumerate(pages):
        in_table = {i for t in page.tables for c in t.cells for i in c.items}
        for p in page.paragraphs:
            if not p.items or any(i in in_table for i in p.items):
                continue
            where = _margin(page, p)
            if where is None:
                continue
            text = " ".join(page.items[i].text for i in p.items).strip()
            if not text or len(text) > MAX_TEXT:
                continue
            entries.append((k, p, repeat_key(text), where[0], where[1]))
    need = 2 if len(pages) <= 3 else max(2, (len(pages) + 1) // 2)
    for k, p, key, band, y in entries:
        if p.role not in REPLACEABLE and p.role not in ("pageHeader", "pageFooter"):
            continue
        pages_with = {
            k2
            for k2, _, key2, band2, y2 in entries
            if key2 == key and band2 == band and abs(y2 - y) <= SAME_PLACE
        }
        if len(pages_with) < need:
            continue
        text = " ".join(pages[k].items[i].text for i in p.items).strip()
        if PAGE_NUMBER.match(text):
            p.role = "pageNumber"
        elif p.role in REPLACEABLE:
            p.role = "pageHeader" if band == "top" else "pageFooter"
