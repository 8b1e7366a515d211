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
from docintel.ingest.vector import VectorGraphics, VectorPath
from docintel.layout._frame import enclosing_quad, median_text_height
from docintel.layout.tables import (
    Gray,
    HasPixels,
    axis_rect,
    component_stats,
    ink_mask,
    to_gray,
)

SELECTED_GLYPHS = "☑☒◉■●"
UNSELECTED_GLYPHS = "☐□◯○"
# Filled shapes double as list bullets: only marks when an unambiguous glyph is on the page.
AMBIGUOUS_GLYPHS = "■●"

MIN_SIDE = 0.5  # mark side, in text heights
MAX_SIDE = 2.6
FILL_THRESHOLD = 0.08  # ink fraction inside the border above which a mark is selected
MAX_ASPECT = 1.25  # width/height of a mark either way
# Confidence of a drawn mark's state read from the PDF's own paths (no pixels to doubt).
VECTOR_CONFIDENCE = 0.95


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
    n, stats = component_stats(hmask)  # type: ignore[arg-type]
    st = stats[1:n, :4]
    w_, h_ = st[:, 2], st[:, 3]
    keep = (0.8 * lo <= w_) & (w_ <= 1.1 * hi) & (h_ <= np.maximum(4, 0.3 * w_))
    sides: list[tuple[int, ...]] = [tuple(r) for r in st[keep].tolist()]
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


def path_mark_candidates(path: VectorPath, lo: float, hi: float) -> list[tuple[BBox, str]]:
    """Subpaths of a stroked path that look like a checkbox (closed axis-aligned square) or a
    radio button (closed curve in a square box), with sides in ``[lo, hi]`` page units."""
    if not path.stroke:
        return []
    out: list[tuple[BBox, str]] = []
    for kinds, pts in path.subpaths():
        box = axis_rect(kinds, pts)
        kind = "square"
        if box is None:
            closed = len(pts) >= 4 and (pts[0], pts[1]) == (pts[-2], pts[-1])
            if "B" not in kinds or not closed:
                continue
            xs, ys = pts[0::2], pts[1::2]
            box, kind = (min(xs), min(ys), max(xs), max(ys)), "circle"
        # The border as drawn: half the stroke lies outside the path.
        d = path.line_width / 2
        box = (box[0] - d, box[1] - d, box[2] + d, box[3] + d)
        w, h = box[2] - box[0], box[3] - box[1]
        if lo <= w <= hi and lo <= h <= hi and 1 / MAX_ASPECT <= w / h <= MAX_ASPECT:
            out.append((box, kind))
    return out


def _inner(box: BBox) -> BBox:
    """The box shrunk by its border margin (what lies there is the mark's content)."""
    m = 0.15 * min(box[2] - box[0], box[3] - box[1])
    return (box[0] + m, box[1] + m, box[2] - m, box[3] - m)


def vector_mark_state(box: BBox, others: list[BBox], words: list[BBox]) -> MarkState:
    """``selected`` when another drawn path or a word sits inside the mark's border."""
    inner = _inner(box)
    for ob in others + words:
        cx, cy = (ob[0] + ob[2]) / 2, (ob[1] + ob[3]) / 2
        if (
            inner[0] <= cx <= inner[2]
            and inner[1] <= cy <= inner[3]
            and containment(ob, box) >= 0.5
        ):
            return "selected"
    return "unselected"


def detect_vector_marks(vectors: VectorGraphics, items: list[ContentItem]) -> list[SelectionMark]:
    """Checkboxes and radio buttons drawn as paths on a born-digital page, not overlapping
    words; marks already in ``items`` (from glyphs) are not reported again."""
    lines = [it for it in items if isinstance(it, Line) and it.words]
    text_h = median_text_height(lines) if lines else min(vectors.width, vectors.height) / 70.0
    lo, hi = MIN_SIDE * text_h, MAX_SIDE * text_h
    cands: list[tuple[BBox, str, int]] = []
    for k, path in enumerate(vectors.paths):
        b = path.box
        if path.kinds.count("M") == 1 and not (lo <= b[2] - b[0] <= hi and lo <= b[3] - b[1] <= hi):
            continue
        cands.extend((box, kind, k) for box, kind in path_mark_candidates(path, lo, hi))
    if not cands:
        return []
    kept = _dedupe([(box, kind) for box, kind, _ in cands])
    owner = {box: k for box, _, k in cands}
    word_boxes = [bbox(w.polygon) for it in lines for w in it.words if len(w.text.strip()) > 2]
    small_words = [bbox(w.polygon) for it in lines for w in it.words if len(w.text.strip()) <= 2]
    existing = [bbox(it.polygon) for it in items if isinstance(it, SelectionMark)]
    # Paths small enough to be a tick, a cross or a dot inside a mark.
    small_paths = [
        (k, p.box)
        for k, p in enumerate(vectors.paths)
        if p.box[2] - p.box[0] <= hi and p.box[3] - p.box[1] <= hi
    ]
    out: list[SelectionMark] = []
    for box, _kind in kept:
        a = (box[2] - box[0]) * (box[3] - box[1])
        if any(intersection(box, wb) > 0.2 * a for wb in word_boxes):
            continue
        if any(
            intersection(box, wb) > 0.2 * a and containment(wb, box) < 0.6 for wb in small_words
        ):
            continue
        if any(iou(box, eb) > 0.3 for eb in existing):
            continue
        others = [pb for k, pb in small_paths if k != owner[box] and pb != box]
        inside = [wb for wb in small_words if containment(wb, box) >= 0.6]
        state = vector_mark_state(box, others, inside)
        out.append(
            SelectionMark(state=state, polygon=bbox_polygon(box), confidence=VECTOR_CONFIDENCE)
        )
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
