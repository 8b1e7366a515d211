"""Paragraphs from lines in reading order, and their roles (v1 rules).

A line continues the current paragraph when it sits just below the previous line (gap under
about 0.75 line heights, and no larger than the paragraph's own line pitch), overlaps it
horizontally, has a similar size and weight, is not indented further than a first-line indent
and does not start with a bullet or an enumerator. A selection mark starts a paragraph and takes
the text line right after it on the same row (``:selected: Yes``).

Roles use text size (the PDF font size when known, else the line height), weight, position on
the page and a few text patterns; see :func:`assign_roles`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from statistics import median

import numpy as np
import regex

from docintel.core.geometry import BBox
from docintel.core.types import ContentItem, Line, Paragraph, SelectionMark
from docintel.layout._frame import dominant_angle, enclosing_quad, frame_box

MAX_LINE_GAP = 0.75  # vertical gap between lines of one paragraph, in line heights
MAX_PITCH_GROWTH = 1.25  # a pitch this much larger than the paragraph's own starts a new one
INDENT = 1.0  # first-line indent that starts a paragraph, in line heights
SIZE_RATIO = 1.3  # lines whose heights differ more than this belong to different paragraphs
FONT_SIZE_RATIO = 1.08  # the same for known font sizes (exact, so much tighter)
MARK_GAP = 2.5  # a mark joins the text that follows it on its row within this many heights

BULLET = regex.compile(
    r"^(?:[•·▪‣◦●○■□➢➤►▶\-–—*]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxlcdmIVXLCDM]{1,5}[.)])(?:\s|$)"
)
PAGE_NUMBER = regex.compile(
    r"^(?:"
    r"\d{1,4}"
    r"|(?:page|p\.|pg\.?|seite|página|pagina)\s*\d{1,4}(?:\s*(?:of|/|von|de|di)\s*\d{1,4})?"
    r"|\d{1,4}\s*(?:/|of)\s*\d{1,4}"
    r"|[-–—]\s*\d{1,4}\s*[-–—]"
    r"|[ivxlcdm]{1,7}"
    r"|[A-Z]{1,2}\s?[-–.]\s?\d{1,4}"
    r")$",
    regex.IGNORECASE,
)
FOOTNOTE_START = regex.compile(r"^(?:[¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§]|\d{1,2}[.)]?\s|\[\d{1,2}\])")
FOOTNOTE_MARK = regex.compile(r"^[¹²³⁴⁵⁶⁷⁸⁹⁰†‡]")
NUMBERED_HEADING = regex.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|[IVX]{1,4}\.)\s+\p{Lu}")
CAPTION = regex.compile(r"^(?:table|figure|fig\.|chart|exhibit)\s", regex.IGNORECASE)


@dataclass(slots=True)
class _Feat:
    """Frame box, text size and weight of one item."""

    box: BBox
    size: float
    bold: bool
    text: str
    exact: bool = False  # size is a PDF font size, not a measured height

    @property
    def h(self) -> float:
        return max(self.box[3] - self.box[1], 1e-9)


def _features(items: list[ContentItem], angle: float) -> list[_Feat]:
    out: list[_Feat] = []
    for it in items:
        box = frame_box(it.polygon, angle)
        h = box[3] - box[1]
        if isinstance(it, Line) and it.words:
            sizes = [w.font_size for w in it.words if w.font_size]
            size = float(median(sizes)) if len(sizes) == len(it.words) else h
            bold = all(w.bold for w in it.words)
            out.append(_Feat(box, size, bold, it.text, len(sizes) == len(it.words)))
        else:
            out.append(_Feat(box, h, False, it.text))
    return out


def _v_overlap(a: BBox, b: BBox) -> float:
    inter = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min(a[3] - a[1], b[3] - b[1])
    return inter / smaller if smaller > 0 else 0.0


def _continues(para: list[int], cand: int, items: list[ContentItem], feats: list[_Feat]) -> bool:
    """Whether item ``cand`` continues the paragraph made of ``para``."""
    c_item = items[cand]
    if isinstance(c_item, SelectionMark):
        return False
    c = feats[cand]
    last = para[-1]
    p = feats[last]
    if isinstance(items[last], SelectionMark):
        # A mark followed by its label on the same row.
        return (
            len(para) == 1
            and _v_overlap(p.box, c.box) >= 0.5
            and -0.2 * c.h <= c.box[0] - p.box[2] <= MARK_GAP * max(p.h, c.h)
        )
    if any(isinstance(items[i], SelectionMark) for i in para):
        return False
    if _v_overlap(p.box, c.box) >= 0.5:
        return False  # side by side: separate paragraphs
    ref = max(p.h, c.h)
    gap = c.box[1] - p.box[3]
    if gap > MAX_LINE_GAP * ref or gap < -0.5 * ref:
        return False
    limit = FONT_SIZE_RATIO if c.exact and p.exact else SIZE_RATIO
    if not (1 / limit <= c.size / max(p.size, 1e-9) <= limit):
        return False
    if c.bold != p.bold:
        return False
    if len(para) >= 2:
        pitches = [feats[b].box[1] - feats[a].box[1] for a, b in itertools.pairwise(para)]
        pitch = float(median(pitches))
        if pitch > 0 and c.box[1] - p.box[1] > MAX_PITCH_GROWTH * pitch + 0.1 * ref:
            return False
    left = min(feats[i].box[0] for i in para)
    right = max(feats[i].box[2] for i in para)
    if min(p.box[2], c.box[2]) - max(p.box[0], c.box[0]) <= 0:
        return False
    centered = abs((p.box[0] + p.box[2]) / 2 - (c.box[0] + c.box[2]) / 2) < 0.75 * ref
    if c.box[0] > left + INDENT * ref and not centered:
        return False
    if BULLET.match(c.text) or FOOTNOTE_MARK.match(c.text):
        return False
    # A short previous line that ends a sentence closes the paragraph.
    short = p.box[2] < right - 4.0 * ref
    return not (short and len(para) >= 2 and p.text.rstrip().endswith((".", "!", "?", ":")))


def _paragraph(idx: list[int], items: list[ContentItem], angle: float) -> Paragraph:
    return Paragraph(items=idx, polygon=enclosing_quad((items[i].polygon for i in idx), angle))


def group_paragraphs(
    items: list[ContentItem],
    order: list[int],
    *,
    with_roles: bool,
    page_width: float | None = None,
    page_height: float | None = None,
) -> list[Paragraph]:
    """Merge consecutive items of ``order`` into paragraphs; roles when ``with_roles``.

    ``Paragraph.items`` index ``items``. The page size (for header/footer bands) defaults to the
    extent of the items.
    """
    if not order:
        return []
    angle = dominant_angle(items)
    if abs(angle) < 0.5:
        angle = 0.0
    feats = _features(items, angle)
    groups: list[list[int]] = []
    for i in order:
        if groups and _continues(groups[-1], i, items, feats):
            groups[-1].append(i)
        else:
            groups.append([i])
    paras = [_paragraph(g, items, angle) for g in groups]
    if with_roles:
        assign_roles(paras, items, page_width=page_width, page_height=page_height)
    return paras


def _body_size(items: list[ContentItem], feats: list[_Feat]) -> float:
    """Character-weighted median text size of the page's lines."""
    pairs = sorted(
        (feats[i].size, len(it.text)) for i, it in enumerate(items) if isinstance(it, Line)
    )
    total = sum(n for _, n in pairs)
    if not total:
        return 1.0
    acc = 0
    for size, n in pairs:
        acc += n
        if acc * 2 >= total:
            return size
    return pairs[-1][0]


def assign_roles(
    paragraphs: list[Paragraph],
    items: list[ContentItem],
    *,
    page_width: float | None = None,
    page_height: float | None = None,
) -> None:
    """Set ``role`` on paragraphs in place (v1 rules over size, weight, position and text).

    pageHeader/pageNumber: small text in the top band before any body; pageFooter/pageNumber:
    the bottom band; footnote: small text in the lower part of the page starting with a marker;
    title: the largest short text in the upper part of the page; sectionHeading: a short line,
    larger than body or bold where body is not (or numbered), alone on its row, followed by more
    text.
    """
    if not paragraphs:
        return
    angle = dominant_angle(items)
    if abs(angle) < 0.5:
        angle = 0.0
    feats = _features(items, angle)
    body = _body_size(items, feats)
    body_bold = _mostly_bold(items)
    if page_width is not None and page_height is not None:
        page = frame_box(
            (0.0, 0.0, page_width, 0.0, page_width, page_height, 0.0, page_height), angle
        )
    else:
        boxes = [feats[i].box for i in range(len(items))]
        page = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
    ph = max(page[3] - page[1], 1e-9)

    pboxes: list[BBox] = [frame_box(p.polygon, angle) for p in paragraphs]
    texts = [" ".join(items[i].text for i in p.items).strip() for p in paragraphs]
    sizes = [float(median(feats[i].size for i in p.items)) for p in paragraphs]
    bolds = [all(feats[i].bold for i in p.items if isinstance(items[i], Line)) for p in paragraphs]
    nlines = [sum(isinstance(items[i], Line) for i in p.items) for p in paragraphs]
    has_text = [any(isinstance(items[i], Line) for i in p.items) for p in paragraphs]

    top_band = page[1] + 0.08 * ph
    bottom_band = page[3] - 0.08 * ph
    # Header: leading paragraphs wholly in the top band, not large.
    for k, p in enumerate(paragraphs):
        if not has_text[k] or pboxes[k][3] > top_band or sizes[k] > 1.2 * body:
            break
        p.role = "pageNumber" if PAGE_NUMBER.match(texts[k]) else "pageHeader"
    for k, p in enumerate(paragraphs):
        if p.role is not None or not has_text[k]:
            continue
        small = sizes[k] <= 0.95 * body
        if small and pboxes[k][1] >= page[1] + 0.6 * ph and FOOTNOTE_START.match(texts[k]):
            p.role = "footnote"
        elif pboxes[k][1] >= bottom_band and PAGE_NUMBER.match(texts[k]) and sizes[k] <= 2 * body:
            # OCR boxes of short digit runs are often taller than the text they hold.
            p.role = "pageNumber"
        elif pboxes[k][1] >= bottom_band and sizes[k] <= 1.2 * body:
            p.role = "pageFooter"

    title = _pick_title(paragraphs, pboxes, sizes, nlines, has_text, body, page[1] + 0.4 * ph)
    if title is not None:
        paragraphs[title].role = "title"

    rows = _row_mates(pboxes)
    # Lowest top edge among the paragraphs after each one ("is anything below it?").
    later_top = [-np.inf] * len(pboxes)
    for k in range(len(pboxes) - 2, -1, -1):
        later_top[k] = max(later_top[k + 1], pboxes[k + 1][1])
    for k, p in enumerate(paragraphs):
        if p.role is not None or not has_text[k] or k == len(paragraphs) - 1:
            continue
        if _is_heading(
            k, texts, sizes, bolds, nlines, pboxes, rows[k], later_top[k], body, body_bold
        ):
            p.role = "sectionHeading"


def _row_mates(boxes: list[BBox]) -> list[list[int]]:
    """For each box, the other boxes sharing its row (vertical overlap ≥ half the smaller)."""
    if not boxes:
        return []
    b = np.array(boxes, dtype=np.float64)
    top, bottom = b[:, 1], b[:, 3]
    inter = np.minimum(bottom[:, None], bottom[None, :]) - np.maximum(top[:, None], top[None, :])
    h = bottom - top
    smaller = np.minimum(h[:, None], h[None, :])
    positive = smaller > 0
    overlap = np.where(positive, inter / np.where(positive, smaller, 1.0), 0.0)
    same = overlap >= 0.5
    np.fill_diagonal(same, False)
    return [np.flatnonzero(row).tolist() for row in same]


def _mostly_bold(items: list[ContentItem]) -> bool:
    words = [w for it in items if isinstance(it, Line) for w in it.words]
    return bool(words) and sum(w.bold for w in words) * 2 > len(words)


def _pick_title(
    paragraphs: list[Paragraph],
    pboxes: list[BBox],
    sizes: list[float],
    nlines: list[int],
    has_text: list[bool],
    body: float,
    limit: float,
) -> int | None:
    best: int | None = None
    for k, p in enumerate(paragraphs):
        if p.role is not None or not has_text[k] or nlines[k] > 3 or pboxes[k][1] > limit:
            continue
        if sizes[k] >= 1.45 * body and (best is None or sizes[k] > sizes[best] * 1.05):
            best = k
    return best


def _is_heading(
    k: int,
    texts: list[str],
    sizes: list[float],
    bolds: list[bool],
    nlines: list[int],
    pboxes: list[BBox],
    row: list[int],
    later_top: float,
    body: float,
    body_bold: bool,
) -> bool:
    text = texts[k]
    words = text.split()
    if nlines[k] > 2 or not words or len(words) > 14 or CAPTION.match(text):
        return False
    if text.endswith((":", ",", ";")) or (text.endswith(".") and len(words) > 4):
        return False
    # A bold form label next to its value is not a heading: no short neighbour on its row.
    box = pboxes[k]
    h = box[3] - box[1]
    for j in row:
        other = pboxes[j]
        if nlines[j] > 2:
            continue
        if bolds[j] == bolds[k] and abs(sizes[j] / max(sizes[k], 1e-9) - 1.0) < 0.1:
            continue  # a parallel heading of the next column
        if max(other[0] - box[2], box[0] - other[2]) < 8.0 * h:
            return False
    # Followed by something below it.
    if not later_top >= box[3] - 0.1 * (box[3] - box[1]):
        return False
    # In a row of three or more items (a table row) only a heading over running text counts.
    if len(row) >= 2 and not (
        k + 1 < len(pboxes) and nlines[k + 1] >= 2 and pboxes[k + 1][1] >= box[3]
    ):
        return False
    larger = sizes[k] >= 1.12 * body
    emphasized = bolds[k] and not body_bold and sizes[k] >= 0.95 * body
    numbered = bool(NUMBERED_HEADING.match(text)) and sizes[k] >= 0.95 * body and len(words) <= 8
    return larger or emphasized or (numbered and (bolds[k] or larger))
