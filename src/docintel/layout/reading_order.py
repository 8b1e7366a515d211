"""Reading order of a page's items: header band, body by recursive XY-cut, footer band.

All work happens in the frame of the page's dominant text angle, so rotated pages are read
along their text. The body is cut recursively:

* horizontal gaps split a region into bands (top to bottom); consecutive bands are merged while
  their union still has a *column gutter* (a vertical gap between text-column-like blocks), so a
  two-column body is read column by column, while a full-width title or abstract breaks the
  columns into separate bands;
* a region with a column gutter is split into columns, left to right;
* a single band with vertical gaps (a form row, a row of checkboxes) is read left to right;
* anything left (overlapping boxes) is sorted top to bottom, then left to right.
"""

from __future__ import annotations

from collections.abc import Sequence

from docintel.core.geometry import BBox
from docintel.core.types import ContentItem, Line
from docintel.layout._frame import dominant_angle, frame_box, median_text_height

# Header/footer bands: items wholly inside the top/bottom fraction of the page, separated from
# the body by at least MARGIN_GAP text heights.
MARGIN_FRACTION = 0.07
MARGIN_GAP = 0.5
# A column gutter is at least this many text heights wide.
GUTTER_MIN = 1.0
# A text column is at least this many text heights wide and its lines hold this many words on
# average (labels of a form or cells of a table do not).
COLUMN_MIN_WIDTH = 10.0
COLUMN_MIN_WORDS = 2.5
# Boxes are shrunk by this fraction of the text height before projecting them on the y axis, so
# lines whose ascenders touch the previous line's descenders still leave a gap.
V_SHRINK = 0.15


class _Ctx:
    """Per-page data the recursive cut needs: frame boxes, word counts and the text height."""

    __slots__ = ("boxes", "h", "words")

    def __init__(self, boxes: list[BBox], words: list[int], h: float) -> None:
        self.boxes = boxes
        self.words = words
        self.h = h


def _gaps(intervals: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """Gaps of at least ``min_gap`` between the union of 1-D intervals (sorted)."""
    if not intervals:
        return []
    ivs = sorted(intervals)
    out: list[tuple[float, float]] = []
    end = ivs[0][1]
    for a, b in ivs[1:]:
        if a - end > min_gap:
            out.append((end, a))
        end = max(end, b)
    return out


def _split_by_gaps(
    idx: list[int], key: dict[int, float], gaps: list[tuple[float, float]]
) -> list[list[int]]:
    """Partition items by which gap interval their coordinate ``key`` falls before."""
    groups: list[list[int]] = [[] for _ in range(len(gaps) + 1)]
    for i in idx:
        k = 0
        while k < len(gaps) and key[i] > gaps[k][0]:
            k += 1
        groups[k].append(i)
    return [g for g in groups if g]


def _h_bands(idx: list[int], ctx: _Ctx) -> list[list[int]]:
    """Split items into horizontal bands at y gaps, top to bottom."""
    shrink = V_SHRINK * ctx.h
    ivs = []
    for i in idx:
        b = ctx.boxes[i]
        s = min(shrink, (b[3] - b[1]) / 4)
        ivs.append((b[1] + s, b[3] - s))
    gaps = _gaps(ivs, 0.0)
    centers = {i: (ctx.boxes[i][1] + ctx.boxes[i][3]) / 2 for i in idx}
    return _split_by_gaps(idx, centers, gaps)


def _v_pieces(idx: list[int], ctx: _Ctx, min_gap: float) -> list[list[int]]:
    """Split items into vertical slices at x gaps of at least ``min_gap``, left to right."""
    gaps = _gaps([(ctx.boxes[i][0], ctx.boxes[i][2]) for i in idx], min_gap)
    centers = {i: (ctx.boxes[i][0] + ctx.boxes[i][2]) / 2 for i in idx}
    return _split_by_gaps(idx, centers, gaps)


def _column_like(group: list[int], ctx: _Ctx) -> bool:
    """Whether a block of items looks like a column of running text."""
    x0 = min(ctx.boxes[i][0] for i in group)
    x1 = max(ctx.boxes[i][2] for i in group)
    if x1 - x0 < COLUMN_MIN_WIDTH * ctx.h:
        return False
    counts = [ctx.words[i] for i in group if ctx.words[i] > 0]
    return bool(counts) and sum(counts) / len(counts) >= COLUMN_MIN_WORDS


def _columns(idx: list[int], ctx: _Ctx) -> list[list[int]] | None:
    """Split a region into text columns at its gutters, or None when it is not columnar."""
    pieces = _v_pieces(idx, ctx, GUTTER_MIN * ctx.h)
    if len(pieces) < 2:
        return None
    if all(_column_like(p, ctx) for p in pieces):
        return pieces
    # Otherwise try a single cut at each gap: both sides must read as text.
    best: tuple[float, list[list[int]]] | None = None
    for k in range(1, len(pieces)):
        left = [i for p in pieces[:k] for i in p]
        right = [i for p in pieces[k:] for i in p]
        if _column_like(left, ctx) and _column_like(right, ctx):
            width = min(ctx.boxes[i][0] for i in right) - max(ctx.boxes[i][2] for i in left)
            if best is None or width > best[0]:
                best = (width, [left, right])
    return best[1] if best else None


def _merge_column_bands(bands: list[list[int]], ctx: _Ctx) -> list[list[int]]:
    """Merge consecutive bands while their union keeps a text-column gutter."""
    out: list[list[int]] = []
    cur = bands[0]
    for band in bands[1:]:
        union = cur + band
        if _columns(union, ctx) is not None:
            cur = union
        else:
            out.append(cur)
            cur = band
    out.append(cur)
    return out


def _fallback(idx: list[int], ctx: _Ctx) -> list[int]:
    """Top to bottom by center, then left to right."""
    return sorted(idx, key=lambda i: ((ctx.boxes[i][1] + ctx.boxes[i][3]) / 2, ctx.boxes[i][0]))


def _xy_cut(idx: list[int], ctx: _Ctx) -> list[int]:
    """Recursive XY-cut with column-aware band merging (see the module docstring)."""
    if len(idx) <= 1:
        return list(idx)
    bands = _h_bands(idx, ctx)
    if len(bands) > 1:
        merged = _merge_column_bands(bands, ctx)
        if len(merged) > 1:
            return [i for b in merged for i in _xy_cut(b, ctx)]
    cols = _columns(idx, ctx)
    if cols is not None:
        return [i for c in cols for i in _xy_cut(c, ctx)]
    if len(bands) > 1:
        return [i for b in bands for i in _xy_cut(b, ctx)]
    pieces = _v_pieces(idx, ctx, 0.0)
    if len(pieces) > 1:
        return [i for p in pieces for i in _xy_cut(p, ctx)]
    return _fallback(idx, ctx)


def _margin_split(idx: list[int], ctx: _Ctx, page: BBox) -> tuple[list[int], list[int], list[int]]:
    """Split off header items (top band) and footer items (bottom band) from the body."""
    ph = page[3] - page[1]
    top_limit = page[1] + MARGIN_FRACTION * ph
    bottom_limit = page[3] - MARGIN_FRACTION * ph
    boxes = ctx.boxes
    gap = MARGIN_GAP * ctx.h

    header = [i for i in idx if boxes[i][3] <= top_limit]
    rest = [i for i in idx if i not in set(header)]
    if header and (
        not rest or min(boxes[i][1] for i in rest) - max(boxes[i][3] for i in header) < gap
    ):
        header, rest = [], idx
    footer = [i for i in rest if boxes[i][1] >= bottom_limit]
    body = [i for i in rest if i not in set(footer)]
    if footer and (
        not body or min(boxes[i][1] for i in footer) - max(boxes[i][3] for i in body) < gap
    ):
        footer, body = [], rest
    return header, body, footer


def item_frame_boxes(items: Sequence[ContentItem], angle: float) -> list[BBox]:
    """Boxes of the items in the frame of ``angle``."""
    return [frame_box(it.polygon, angle) for it in items]


def reading_order(items: list[ContentItem], page_width: float, page_height: float) -> list[int]:
    """A permutation of ``range(len(items))``: header band, body columns, footer band."""
    n = len(items)
    if n <= 1:
        return list(range(n))
    angle = dominant_angle(items)
    if abs(angle) < 0.5:
        angle = 0.0
    boxes = item_frame_boxes(items, angle)
    words = [len(it.words) if isinstance(it, Line) else 0 for it in items]
    ctx = _Ctx(boxes, words, median_text_height(items))
    page = frame_box((0.0, 0.0, page_width, 0.0, page_width, page_height, 0.0, page_height), angle)
    header, body, footer = _margin_split(list(range(n)), ctx, page)
    order = _xy_cut(header, ctx) + _xy_cut(body, ctx) + _xy_cut(footer, ctx)
    if sorted(order) != list(range(n)):  # defensive: never lose or duplicate an item
        order = list(dict.fromkeys(i for i in order if 0 <= i < n))
        seen = set(order)
        order += [i for i in range(n) if i not in seen]
    return order
