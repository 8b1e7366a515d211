"""Pure routing decisions of the OCR cascade: which pages and which words PP-OCR re-reads.

Measured on dense 300-DPI office pages (``benchmarks/ocr_cascade.py``): Tesseract words with
confidence >= 0.9 were right as often as PP-OCR's reading of the same crop (98.7 % vs 98.3 %),
while below 0.9 Tesseract was right on 71 % and PP-OCR on 86 %; about 6 % of words fall below.
Whole Tesseract lines are poor re-read units: on invoices they span table cells with wide gaps
(PP-OCR's word F1 on such crops was 0.63) and a line costs ~80 ms, a word ~12 ms. So the
cascade re-reads runs of unsure *words* within a line, and sends whole pages that look like
photos, small print or poor scans to PP-OCR (detection and recognition) directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from docintel.core.geometry import bbox
from docintel.core.types import Line, Word

PageRoute = Literal["tesseract", "ppocr"]

# Glyphs Tesseract emits for table rules, bullets and speckle, rarely for real text.
_NOISE_CHARS = frozenset("|¦¢}{\\~^")
# Stand-alone symbols that are plausible words in office documents.
_SYMBOL_WORDS = frozenset("-–—&/+=%€$£:;,.()*#@§")


@dataclass(frozen=True, slots=True)
class PageStats:
    """Cheap whole-image measurements that predict whether Tesseract will read a page well.

    - ``contrast``: mean paper minus mean ink gray level (0-255), split by Otsu's threshold.
    - ``saturation``: mean HSV saturation (0-255); photos of cards are colourful, scans not.
    - ``sharpness``: variance of the Laplacian of the gray image shrunk to <= 1200 px.
    - ``text_height``: median glyph height in pixels, ``None`` when too few glyphs were found.
    - ``aspect``: long side over short side (receipts are long strips).
    - ``text_span``: horizontal extent of the glyphs as a fraction of the width.
    """

    contrast: float
    saturation: float
    sharpness: float
    text_height: float | None
    aspect: float = 1.3
    text_span: float = 0.8


@dataclass(frozen=True, slots=True)
class RoutingThresholds:
    """Cut-offs of the cascade (defaults measured on the four page classes of the benchmark).

    Pages: PP-OCR reads the whole page when the glyphs are shorter than ``min_text_height``
    px (Tesseract's LSTM wants ~20 px; FUNSD forms have 6-10 px, receipts 8-20 px, 300-DPI
    office text 23-28 px), the image is colourful (``max_saturation``; ID-card photos 18-55,
    scans < 7), flat (``min_contrast``), blurred (``min_sharpness``), shaped like a receipt
    (long strip, ``max_aspect``; legal paper is 1.65) or holding text only in a narrow band
    (``min_text_span``, a receipt on a flatbed scan), or after Tesseract
    when more than ``max_unsure_fraction`` of its words are unsure.
    Words: re-read when the confidence is below ``word_confidence``, the text holds noise
    glyphs or no letter/digit, or the box is far taller than the page's typical word.
    """

    min_text_height: float = 16.0
    max_saturation: float = 12.0
    min_contrast: float = 80.0
    min_sharpness: float = 100.0
    max_aspect: float = 1.7
    min_text_span: float = 0.45
    max_unsure_fraction: float = 0.3
    word_confidence: float = 0.9
    max_height_ratio: float = 2.2
    merge_gap: float = 1.5
    min_reread_confidence: float = 0.6


DEFAULT_THRESHOLDS = RoutingThresholds()


def glyph_geometry(gray: np.ndarray) -> tuple[float | None, float]:
    """Median glyph height (px, ``None`` if too few glyphs) and the glyphs' horizontal span.

    The span is the 5th-95th percentile range of glyph centres as a fraction of the width:
    text on an office page spans most of it, a receipt scanned on an A4 bed a narrow band.
    Same glyph filter as ``docintel.ocr.rapid.estimate_text_height``.
    """
    import cv2

    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, _, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n < 2:
        return None, 0.0
    bw, bh, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    glyph = (bh >= 3) & (bh <= gray.shape[0] * 0.1) & (bw <= bh * 3) & (area >= bw * bh * 0.1)
    if int(glyph.sum()) < 10:
        return None, 0.0
    xs = centroids[1:, 0][glyph]
    lo, hi = np.percentile(xs, [5, 95])
    return float(np.median(bh[glyph])), float(hi - lo) / gray.shape[1]


def page_stats(rgb: np.ndarray) -> PageStats:
    """Measure ``rgb`` (H x W x 3 uint8) on one copy shrunk to at most 1200 px (~20 ms)."""
    import cv2

    h, w = rgb.shape[:2]
    # Striding first makes shrinking a 300-DPI page 4x cheaper; the stats do not notice.
    step = max(1, round(max(h, w) / 1800))
    sub = rgb[::step, ::step]
    sh, sw = sub.shape[:2]
    f = min(1.0, 1200.0 / max(sh, sw, 1))
    small = cv2.resize(
        sub, (max(1, round(sw * f)), max(1, round(sh * f))), interpolation=cv2.INTER_AREA
    )
    f /= step
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    # Ink vs paper means either side of Otsu's threshold: unlike percentiles, this does not
    # depend on how much of the page is ink.
    cut, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    ink, paper = gray[gray <= cut], gray[gray > cut]
    contrast = float(paper.mean() - ink.mean()) if ink.size and paper.size else 0.0
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    glyph_height, span = glyph_geometry(gray)
    return PageStats(
        contrast=contrast,
        saturation=float(hsv[..., 1].mean()),
        sharpness=float(cv2.Laplacian(gray, cv2.CV_32F).var()),
        text_height=None if glyph_height is None else glyph_height / f,
        aspect=max(h, w) / max(min(h, w), 1),
        text_span=span,
    )


def route_page(
    stats: PageStats, thresholds: RoutingThresholds = DEFAULT_THRESHOLDS
) -> tuple[PageRoute, str]:
    """Which engine reads the page first, and why (a short reason for logs and benchmarks)."""
    t = thresholds
    if stats.text_height is None:
        return "ppocr", "no-glyphs"
    if stats.text_height < t.min_text_height:
        return "ppocr", "small-text"
    if stats.saturation > t.max_saturation:
        return "ppocr", "photo"
    if stats.contrast < t.min_contrast:
        return "ppocr", "low-contrast"
    if stats.sharpness < t.min_sharpness:
        return "ppocr", "blurred"
    if stats.aspect > t.max_aspect or stats.text_span < t.min_text_span:
        return "ppocr", "receipt-like"
    return "tesseract", "clean"


def implausible_text(text: str) -> bool:
    """Whether a Tesseract word looks like misread noise rather than text."""
    stripped = text.strip()
    if not stripped:
        return True
    if any(ch in _NOISE_CHARS for ch in stripped):
        return True
    if any(ch.isalnum() for ch in stripped):
        return False
    return stripped not in _SYMBOL_WORDS


def foreign_script(text: str) -> bool:
    """Whether ``text`` holds CJK or Hangul characters.

    PP-OCR's multilingual character set can read a dash as "一" (CJK "one") or a bullet as
    "山"; a Latin-script page never wants those in place of Tesseract's reading.
    """
    return any(
        "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"
        for ch in text
    )


def _height(word: Word) -> float:
    b = bbox(word.polygon)
    return b[3] - b[1]


def typical_word_height(lines: Sequence[Line]) -> float:
    """Median word box height over the page (0 when there are no words)."""
    heights = [_height(w) for ln in lines for w in ln.words]
    return float(np.median(heights)) if heights else 0.0


def unsure_word(
    word: Word, typical_height: float, thresholds: RoutingThresholds = DEFAULT_THRESHOLDS
) -> bool:
    """Whether PP-OCR should re-read this Tesseract word."""
    if word.confidence < thresholds.word_confidence or implausible_text(word.text):
        return True
    return typical_height > 0 and _height(word) > thresholds.max_height_ratio * typical_height


def route_line(
    line: Line, typical_height: float, thresholds: RoutingThresholds = DEFAULT_THRESHOLDS
) -> list[tuple[int, int]]:
    """Runs ``[start, end)`` of word indices in ``line`` that PP-OCR re-reads, left to right.

    Unsure words close together (gap below ``merge_gap`` line heights) share one crop, which
    also lets PP-OCR fix a word Tesseract split in two.
    """
    if not line.words:
        return []
    lb = bbox(line.polygon)
    gap_limit = thresholds.merge_gap * max(lb[3] - lb[1], 1.0)
    runs: list[tuple[int, int]] = []
    for i, word in enumerate(line.words):
        if not unsure_word(word, typical_height, thresholds):
            continue
        if runs and runs[-1][1] == i:
            prev_right = bbox(line.words[i - 1].polygon)[2]
            if bbox(word.polygon)[0] - prev_right <= gap_limit:
                runs[-1] = (runs[-1][0], i + 1)
                continue
        runs.append((i, i + 1))
    return runs


def page_too_unsure(
    n_unsure: int, n_words: int, thresholds: RoutingThresholds = DEFAULT_THRESHOLDS
) -> bool:
    """Whether Tesseract's reading is poor enough that PP-OCR should read the whole page."""
    if n_words == 0:
        return True
    return n_unsure > thresholds.max_unsure_fraction * n_words


def prefer_reread(
    tesseract_words: Sequence[Word],
    reread_text: str,
    reread_confidence: float,
    thresholds: RoutingThresholds = DEFAULT_THRESHOLDS,
) -> Literal["keep", "replace", "drop"]:
    """Keep Tesseract's words, replace them by PP-OCR's reading, or drop them as noise.

    PP-OCR wins when it is at least as confident as Tesseract was (mean over the run), above
    ``min_reread_confidence``, and its reading holds no CJK characters. When PP-OCR finds
    nothing confident where Tesseract read only noise glyphs (table rules read as "|"), the
    words are dropped.
    """
    if not tesseract_words:
        return "keep"
    mean = sum(w.confidence for w in tesseract_words) / len(tesseract_words)
    has_text = bool(reread_text.strip()) and not foreign_script(reread_text)
    if has_text and reread_confidence >= max(thresholds.min_reread_confidence, mean):
        return "replace"
    all_noise = all(implausible_text(w.text) for w in tesseract_words)
    if all_noise and (not has_text or reread_confidence < thresholds.min_reread_confidence):
        return "drop"
    return "keep"


# --- text Tesseract did not see ------------------------------------------------------------------

# Glyph-sized ink components left after Tesseract's words are masked out, in typical word heights.
_GLYPH_MIN_H = 0.35
_GLYPH_MAX_H = 2.5
_GLYPH_MAX_W = 4.0
# A region is worth a PP-OCR pass when it holds this many glyph components and this much ink.
_MIN_GLYPHS = 4
_MIN_INK_AREA = 0.6  # in typical word heights squared (four thin glyphs)


def missed_text_regions(
    gray: np.ndarray, lines: Sequence[Line], typical_height: float
) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x0, y0, x1, y1)`` of text-like ink that no Tesseract word covers.

    Tesseract's page segmentation sometimes skips whole blocks (labels inside a drawn box, text
    beside a picture) and the word-level cascade never sees them. Ink is Otsu-thresholded,
    the words' boxes (padded) are erased, ruling lines and frames drop out because they are
    longer than a glyph, and the glyph-sized components left are grouped into word-like
    regions; a region with a few glyphs is returned, padded, for PP-OCR to read.
    """
    import cv2

    if typical_height <= 0 or gray.size == 0:
        return []
    h = typical_height
    height, width = gray.shape[:2]
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    pad = round(0.35 * h)
    for ln in lines:
        for w in ln.words:
            x0, y0, x1, y1 = bbox(w.polygon)
            ink[
                max(0, int(y0) - pad) : min(height, int(y1) + pad + 1),
                max(0, int(x0) - pad) : min(width, int(x1) + pad + 1),
            ] = 0
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    glyphs = np.zeros_like(ink)
    kept = 0
    for i in range(1, n):
        x, y, cw, ch, area = (int(v) for v in stats[i])
        if not (_GLYPH_MIN_H * h <= ch <= _GLYPH_MAX_H * h) or cw > _GLYPH_MAX_W * h:
            continue
        if area < 0.05 * cw * ch:
            continue  # a thin outline (a corner of a frame), not a glyph
        glyphs[y : y + ch, x : x + cw] = 255
        kept += 1
    if kept < _MIN_GLYPHS:
        return []
    # Glyphs of one word or label join across letter and word gaps, not across lines.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(1.2 * h)), 1))
    joined = cv2.dilate(glyphs, kernel)
    n2, _labels, stats2, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out: list[tuple[int, int, int, int]] = []
    for i in range(1, n2):
        x, y, cw, ch, _ = (int(v) for v in stats2[i])
        region = glyphs[y : y + ch, x : x + cw]
        count, _ = cv2.connectedComponents(region)
        ink_area = int(np.count_nonzero(ink[y : y + ch, x : x + cw]))
        if count - 1 < _MIN_GLYPHS or ink_area < _MIN_INK_AREA * h * h:
            continue
        m = round(0.4 * h)
        out.append((max(0, x - m), max(0, y - m), min(width, x + cw + m), min(height, y + ch + m)))
    return out
