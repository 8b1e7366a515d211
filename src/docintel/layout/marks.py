"""Selection marks: drawn checkboxes and radio buttons (OpenCV), and checkbox glyphs in text.

Drawn marks are found as small hollow squares (frames kept by short horizontal and vertical
openings, so ticks and crosses inside or over the box do not break them) and as small circles
(ink contours with high circularity), roughly the size of the text, away from words. The state
comes from the ink density inside the border: ``selected`` when it is clearly above what an
empty box shows; the confidence grows with the distance from the threshold.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from docintel.core.geometry import (
    BBox,
    angle_of,
    bbox,
    bbox_polygon,
    containment,
    intersection,
    iou,
)
from docintel.core.types import ContentItem, Line, MarkState, SelectionMark, Word
from docintel.layout._frame import enclosing_quad, median_text_height
from docintel.layout.tables import Gray, HasPixels, ink_mask, to_gray

SELECTED_GLYPHS = "☑☒◉■●"
UNSELECTED_GLYPHS = "☐□◯○"
# Filled shapes double as list bullets: only marks when an unambiguous glyph is on the page.
AMBIGUOUS_GLYPHS = "■●"

MIN_SIDE = 0.5  # mark side, in text heights
MAX_SIDE = 2.6
FILL_THRESHOLD = 0.08  # ink fraction inside the border above which a mark is selected


def _glyph_state(ch: str) -> MarkState | None:
    if ch in SELECTED_GLYPHS:
        return "selected"
    if ch in UNSELECTED_GLYPHS:
        return "unselected"
    return None


def extract_glyph_marks(items: list[ContentItem]) -> list[ContentItem]:
    """Turn checkbox glyph words (☐ ☑ ☒ □ ◯ ◉ ○, and ■ ● when not bullets) into marks.

    A glyph glued to a word (``☐Yes``) is split off; its box is the word's first character
    share. Lines left without words disappear. Returns the new items list.
    """
    texts = "".join(w.text for it in items if isinstance(it, Line) for w in it.words)
    clear = any(ch in texts for ch in "☑☒◉☐□◯○")
    out: list[ContentItem] = []
    for it in items:
        if not isinstance(it, Line):
            out.append(it)
            continue
        kept: list[Word] = []
        marks: list[SelectionMark] = []
        for w in it.words:
            ch = w.text[:1]
            state = _glyph_state(ch)
            if state is None or (ch in AMBIGUOUS_GLYPHS and not clear):
                kept.append(w)
                continue
            if len(w.text) == 1:
                marks.append(SelectionMark(state=state, polygon=w.polygon, confidence=w.confidence))
                continue
            head, tail = _split_word(w, 1)
            marks.append(SelectionMark(state=state, polygon=head, confidence=w.confidence))
            kept.append(
                Word(
                    text=w.text[1:].lstrip(),
                    polygon=tail,
                    confidence=w.confidence,
                    font_size=w.font_size,
                    font_name=w.font_name,
                    bold=w.bold,
                    italic=w.italic,
                    handwritten=w.handwritten,
                )
            )
        out.extend(marks)
        if len(kept) == len(it.words):
            out.append(it)
        elif kept:
            angle = angle_of(it.polygon)
            out.append(Line(words=kept, polygon=enclosing_quad((w.polygon for w in kept), angle)))
    return out


def _split_word(w: Word, n: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Polygons of the first ``n`` characters of a word and of the rest (linear share)."""
    p = w.polygon
    f = n / max(len(w.text), 1)

    def lerp(a: int, b: int) -> tuple[float, float]:
        return (p[a] + (p[b] - p[a]) * f, p[a + 1] + (p[b + 1] - p[a + 1]) * f)

    top = lerp(0, 2)
    bottom = lerp(6, 4)
    head = (p[0], p[1], top[0], top[1], bottom[0], bottom[1], p[6], p[7])
    tail = (top[0], top[1], p[2], p[3], p[4], p[5], bottom[0], bottom[1])
    return head, tail


def _frame_candidates(ink: Gray, lo: float, hi: float) -> list[tuple[BBox, str]]:
    """Squares made of two matching horizontal sides joined by two vertical sides.

    Sides come from short horizontal/vertical openings, so a tick or cross that runs over the
    border (and merges with it in the plain ink) does not hide the box.
    """
    k = max(3, int(0.6 * lo))
    hmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    vmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(hmask, connectivity=8)
    sides = [
        tuple(int(v) for v in stats[i][:4])
        for i in range(1, n)
        if 0.8 * lo <= stats[i][2] <= 1.1 * hi and stats[i][3] <= max(4, 0.3 * stats[i][2])
    ]
    buckets: dict[int, list[tuple[int, ...]]] = {}
    t = max(2.0, 0.15 * lo)
    for sd in sides:
        buckets.setdefault(int(sd[0] // t), []).append(sd)
    out: list[tuple[BBox, str]] = []
    for top in sides:
        x, y, w, hh = top
        reach = int(0.3 * hi // t) + 1
        for key in range(int(x // t) - reach, int(x // t) + reach + 1):
            for bot in buckets.get(key, ()):
                bx, by, bw, bh = bot
                d = (by + bh / 2) - (y + hh / 2)
                # A tick crossing one side lengthens it: ends may differ, the overlap counts.
                x0, x1 = max(x, bx), min(x + w, bx + bw)
                slack = max(t, 0.3 * (x1 - x0))
                if not (lo <= d <= hi and abs(bx - x) <= slack and abs(bx + bw - x - w) <= slack):
                    continue
                if min(abs(bx - x), abs(bx + bw - x - w)) > t or abs((x1 - x0) - d) > 0.25 * d:
                    continue
                y0, y1 = y, by + bh
                band = max(2, round(0.15 * (x1 - x0)))
                left = vmask[y0:y1, x0 : x0 + band].any(axis=1).mean()
                right = vmask[y0:y1, x1 - band : x1].any(axis=1).mean()
                # Square corners: letters such as "o" or "d" have round ones.
                c = max(2, round(0.12 * (x1 - x0)))
                corners = (
                    ink[y0 : y0 + c, x0 : x0 + c],
                    ink[y0 : y0 + c, x1 - c : x1],
                    ink[y1 - c : y1, x0 : x0 + c],
                    ink[y1 - c : y1, x1 - c : x1],
                )
                if not all(float((q > 0).mean()) >= 0.3 for q in corners):
                    continue
                if min(left, right) >= 0.8:
                    out.append(((float(x0), float(y0), float(x1), float(y1)), "square"))
    return out


def _circle_candidates(ink: Gray, lo: float, hi: float) -> list[tuple[BBox, str]]:
    """Ring-shaped ink contours of mark size (radio buttons)."""
    contours, _ = cv2.findContours(ink, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    out: list[tuple[BBox, str]] = []
    for c in contours:
        x, y, w, hh = cv2.boundingRect(c)
        if not (lo <= w <= hi and lo <= hh <= hi and 0.8 <= w / hh <= 1.25):
            continue
        area = cv2.contourArea(c)
        perim = cv2.arcLength(c, True)
        if perim <= 0 or area <= 0:
            continue
        circularity = 4 * math.pi * area / (perim * perim)
        fill = area / (w * hh)
        if circularity >= 0.8 and 0.65 <= fill <= 0.9:
            out.append(((float(x), float(y), float(x + w), float(y + hh)), "circle"))
    return out


def _dedupe(cands: list[tuple[BBox, str]]) -> list[tuple[BBox, str]]:
    """Keep the outer box where an inner border contour duplicates it."""
    cands = sorted(cands, key=lambda c: -(c[0][2] - c[0][0]) * (c[0][3] - c[0][1]))
    kept: list[tuple[BBox, str]] = []
    for box, kind in cands:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        if any(k[0] <= cx <= k[2] and k[1] <= cy <= k[3] for k, _ in kept):
            continue
        kept.append((box, kind))
    return kept


def fill_ratio(ink: Gray, box: BBox, kind: str) -> float:
    """Fraction of inked pixels inside the mark, its border excluded."""
    x0, y0, x1, y1 = (round(v) for v in box)
    w, h = x1 - x0, y1 - y0
    m = max(2, round(0.22 * min(w, h)))
    sub = ink[y0 + m : y1 - m, x0 + m : x1 - m] > 0
    if sub.size == 0:
        return 0.0
    if kind == "circle":
        hh, ww = sub.shape
        yy, xx = np.mgrid[0:hh, 0:ww]
        r = min(hh, ww) / 2
        inside = (yy - (hh - 1) / 2) ** 2 + (xx - (ww - 1) / 2) ** 2 <= (0.8 * r) ** 2
        return float(sub[inside].mean()) if inside.any() else 0.0
    return float(sub.mean())


def _state(ratio: float) -> tuple[MarkState, float]:
    """State and confidence from the inner ink fraction."""
    if ratio > FILL_THRESHOLD:
        margin = min(1.0, (ratio - FILL_THRESHOLD) / FILL_THRESHOLD)
        return "selected", round(0.6 + 0.39 * margin, 3)
    margin = min(1.0, (FILL_THRESHOLD - ratio) / FILL_THRESHOLD)
    return "unselected", round(0.6 + 0.39 * margin, 3)


def detect_selection_marks(raster: HasPixels, items: list[ContentItem]) -> list[SelectionMark]:
    """Drawn checkboxes and radio buttons on the raster, in page units, not overlapping words.

    Marks already in ``items`` (from glyphs) are not reported again.
    """
    pixels = raster.pixels
    if pixels.size == 0:
        return []
    upp = raster.units_per_pixel
    gray = to_gray(pixels)
    lines = [it for it in items if isinstance(it, Line) and it.words]
    text_px = median_text_height(lines) / upp if lines else min(gray.shape) / 70.0
    lo, hi = max(6.0, MIN_SIDE * text_px), max(10.0, MAX_SIDE * text_px)
    ink = ink_mask(gray)
    cands = _dedupe(_frame_candidates(ink, lo, hi) + _circle_candidates(ink, lo, hi))
    # OCR often reads an empty box as a one- or two-character word ("口", "[]"); such a word
    # inside the box does not veto it (the caller drops it, see ``drop_mark_artifacts``).
    word_boxes = [
        tuple(v / upp for v in bbox(w.polygon))
        for it in lines
        for w in it.words
        if len(w.text.strip()) > 2
    ]
    small_words = [
        tuple(v / upp for v in bbox(w.polygon))
        for it in lines
        for w in it.words
        if len(w.text.strip()) <= 2
    ]
    existing = [
        tuple(v / upp for v in bbox(it.polygon)) for it in items if isinstance(it, SelectionMark)
    ]
    out: list[SelectionMark] = []
    for box, kind in cands:
        a = (box[2] - box[0]) * (box[3] - box[1])
        if any(intersection(box, wb) > 0.2 * a for wb in word_boxes):  # type: ignore[arg-type]
            continue
        if any(
            intersection(box, wb) > 0.2 * a and containment(wb, box) < 0.6  # type: ignore[arg-type]
            for wb in small_words
        ):
            continue
        if any(iou(box, eb) > 0.3 for eb in existing):  # type: ignore[arg-type]
            continue
        state, conf = _state(fill_ratio(ink, box, kind))
        poly = bbox_polygon((box[0] * upp, box[1] * upp, box[2] * upp, box[3] * upp))
        out.append(SelectionMark(state=state, polygon=poly, confidence=conf))
    out.sort(key=lambda m: (m.polygon[1], m.polygon[0]))
    return out


def drop_mark_artifacts(items: list[ContentItem], marks: list[SelectionMark]) -> list[ContentItem]:
    """Remove words of at most two characters lying mostly inside a mark (OCR reading a box)."""
    if not marks:
        return list(items)
    mboxes = [bbox(m.polygon) for m in marks]
    out: list[ContentItem] = []
    for it in items:
        if not isinstance(it, Line):
            out.append(it)
            continue
        kept = [
            w
            for w in it.words
            if len(w.text.strip()) > 2
            or not any(containment(bbox(w.polygon), mb) >= 0.6 for mb in mboxes)
        ]
        if len(kept) == len(it.words):
            out.append(it)
        elif kept:
            angle = angle_of(it.polygon)
            out.append(Line(words=kept, polygon=enclosing_quad((w.polygon for w in kept), angle)))
    return out
