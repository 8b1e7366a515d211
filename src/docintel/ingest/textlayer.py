"""Pure functions that turn a PDF text layer's characters into words.

Input is one tuple per character, ``(char, x0, y0, x1, y1)``: the character's loose box (font
ascent to descent, origin to advance) as an axis-aligned box in a y-down frame. The reading
direction of a run comes from a callback (``angle_of(index)``, degrees clockwise), asked only
for the first and last character of each run because it costs a PDFium call.

Words break at whitespace/control characters, at along-the-line gaps wider than
:data:`GAP_RATIO` of the text height, at backward jumps, and where consecutive characters do not
share a line. Geometry is exact for text at multiples of 90°; for other angles each character's
box is recovered from its axis-aligned bounds (approximate near 45°).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docintel.core.geometry import Polygon

CharTuple = tuple[str, float, float, float, float]

# A gap along the line wider than this fraction of the char-box height (≈ 1.1-1.2 em) splits a
# word. Word spaces are ≥ 0.25 em; inter-letter gaps of loose boxes are ~0 (boxes use advances).
GAP_RATIO = 0.18
# Consecutive characters whose boxes overlap across the line by less than this fraction of the
# smaller height are on different lines (superscripts still overlap enough to stay attached).
MIN_LINE_OVERLAP = 0.35
# A character starting this far (× height) before the previous one's start is a backward jump.
BACKWARD_RATIO = 0.1
# Angles closer than this (degrees) to a multiple of 90° are treated as exact right angles.
RIGHT_ANGLE_TOLERANCE = 0.5

# Ascender/descender (per 1000 em) of the standard 14 fonts from Adobe's AFM files. PDFium draws
# non-embedded standard fonts with substitutes whose metrics are taller, so their loose boxes
# are re-fitted to the metrics every other tool (and the original font) uses.
STANDARD_FONT_METRICS: dict[str, tuple[float, float]] = {
    "Courier": (629, -157),
    "Courier-Oblique": (629, -157),
    "Courier-Bold": (626, -142),
    "Courier-BoldOblique": (626, -142),
    "Helvetica": (718, -207),
    "Helvetica-Oblique": (718, -207),
    "Helvetica-Bold": (718, -207),
    "Helvetica-BoldOblique": (718, -207),
    "Times-Roman": (683, -217),
    "Times-Bold": (676, -205),
    "Times-Italic": (683, -205),
    "Times-BoldItalic": (699, -205),
}

_LIGATURES = frozenset("\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06")
_DROP = frozenset("\x00\ufeff\ufffe\uffff\u200b\u200c\u200d\u2060")
_SOFT_HYPHEN = "\u00ad"
# PDFium reports a line-end hyphen it recognised as U+0002.
_PDFIUM_HYPHEN = "\x02"


@dataclass(slots=True)
class WordRun:
    """A word found in the character list: ``chars[start:end]`` read at ``angle`` degrees.

    ``extent`` is ``(along0, along1, across0, across1)`` enclosing its characters in the frame of
    ``angle`` (see :func:`char_extent`).
    """

    start: int
    end: int
    angle: float
    extent: tuple[float, float, float, float]


def is_separator(ch: str) -> bool:
    """True for characters that end a word (whitespace, controls, zero-width marks)."""
    if ch.isprintable():
        return ch == " "
    if ch == _PDFIUM_HYPHEN:
        return False
    return ch.isspace() or ch < " " or ch in _DROP or ("\x7f" <= ch <= "\x9f")


def frame(angle: float) -> tuple[float, float, bool]:
    """Cosine and sine of the reading direction, and whether it is a right angle."""
    q = round(angle / 90.0)
    if abs(angle - q * 90.0) <= RIGHT_ANGLE_TOLERANCE:
        c, s = ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))[q % 4]
        return c, s, True
    a = math.radians(angle)
    return math.cos(a), math.sin(a), False


def char_extent(
    x0: float, y0: float, x1: float, y1: float, c: float, s: float, right: bool
) -> tuple[float, float, float, float]:
    """``(along0, along1, across0, across1)`` of a char box in the frame of direction (c, s).

    ``along`` runs with the text, ``across`` from the glyph tops (small) to bottoms (large).
    """
    if right:
        a0, a1 = c * x0 + s * y0, c * x1 + s * y1
        b0, b1 = c * y0 - s * x0, c * y1 - s * x1
        return (min(a0, a1), max(a0, a1), min(b0, b1), max(b0, b1))
    # The box is the bounds of a rotated w × h rectangle: solve for w and h about its center.
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bw, bh = x1 - x0, y1 - y0
    ac, as_ = abs(c), abs(s)
    det = ac * ac - as_ * as_
    if abs(det) > 0.2:
        w = max(0.0, (bw * ac - bh * as_) / det)
        h = max(0.0, (bh * ac - bw * as_) / det)
    else:  # near 45° the system is singular; assume a square cell
        w = h = (bw + bh) / 2 / (ac + as_)
    ca, cb = c * cx + s * cy, c * cy - s * cx
    return (ca - w / 2, ca + w / 2, cb - h / 2, cb + h / 2)


def split_words(chars: Sequence[CharTuple], angle_of: Callable[[int], float]) -> list[WordRun]:
    """Group characters into words (see the module docstring for the rules)."""
    runs: list[WordRun] = []
    start = -1
    angle = 0.0
    c, s, right = 1.0, 0.0, True
    horizontal = True
    # extent of the previous char (p*) and of the run so far (r*)
    pa0 = pa1 = pb0 = pb1 = ra0 = ra1 = rb0 = rb1 = 0.0
    for i, (ch, x0, y0, x1, y1) in enumerate(chars):
        if ch.isprintable() and ch != " ":
            pass
        elif is_separator(ch):
            if start >= 0:
                _close(runs, chars, start, i, angle, (ra0, ra1, rb0, rb1), angle_of)
                start = -1
            continue
        if start >= 0:
            if horizontal:  # the common case, inlined
                a0, a1, b0, b1 = x0, x1, y0, y1
            else:
                a0, a1, b0, b1 = char_extent(x0, y0, x1, y1, c, s, right)
            ph, qh = pb1 - pb0, b1 - b0
            h, lo_h = (ph, qh) if ph > qh else (qh, ph)
            overlap = (pb1 if pb1 < b1 else b1) - (pb0 if pb0 > b0 else b0)
            if (
                a0 - pa1 <= GAP_RATIO * h
                and a0 >= pa0 - BACKWARD_RATIO * h
                and overlap >= MIN_LINE_OVERLAP * lo_h
            ):
                pa0, pa1, pb0, pb1 = a0, a1, b0, b1
                if a0 < ra0:
                    ra0 = a0
                if a1 > ra1:
                    ra1 = a1
                if b0 < rb0:
                    rb0 = b0
                if b1 > rb1:
                    rb1 = b1
                continue
            _close(runs, chars, start, i, angle, (ra0, ra1, rb0, rb1), angle_of)
        start = i
        angle = angle_of(i)
        c, s, right = frame(angle)
        horizontal = right and c == 1.0
        pa0, pa1, pb0, pb1 = char_extent(x0, y0, x1, y1, c, s, right)
        ra0, ra1, rb0, rb1 = pa0, pa1, pb0, pb1
    if start >= 0:
        _close(runs, chars, start, len(chars), angle, (ra0, ra1, rb0, rb1), angle_of)
    return runs


def _close(
    runs: list[WordRun],
    chars: Sequence[CharTuple],
    start: int,
    end: int,
    angle: float,
    extent: tuple[float, float, float, float],
    angle_of: Callable[[int], float],
) -> None:
    """Append the run, split where the text direction changes (checked via the last char)."""
    if end - start > 1 and not _same_angle(angle_of(end - 1), angle):
        angles = [angle_of(k) for k in range(start, end)]
        cut = start
        for k in range(start + 1, end + 1):
            if k == end or not _same_angle(angles[k - start], angles[k - 1 - start]):
                a = angles[cut - start]
                runs.append(WordRun(cut, k, a, chars_extent(chars, cut, k, a)))
                cut = k
        return
    runs.append(WordRun(start, end, angle, extent))


def _same_angle(a: float, b: float) -> bool:
    """Whether two directions agree within a degree (modulo 360)."""
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d) <= 1.0


def chars_extent(
    chars: Sequence[CharTuple], start: int, end: int, angle: float
) -> tuple[float, float, float, float]:
    """``(along0, along1, across0, across1)`` enclosing ``chars[start:end]`` read at ``angle``."""
    c, s, right = frame(angle)
    a0 = b0 = math.inf
    a1 = b1 = -math.inf
    for k in range(start, end):
        _, x0, y0, x1, y1 = chars[k]
        e0, e1, f0, f1 = char_extent(x0, y0, x1, y1, c, s, right)
        a0, a1, b0, b1 = min(a0, e0), max(a1, e1), min(b0, f0), max(b1, f1)
    return a0, a1, b0, b1


def extent_quad(
    along0: float, along1: float, across0: float, across1: float, angle: float
) -> Polygon:
    """The clockwise quad (top-left first, as rotated with the text) of a frame extent."""
    c, s, _ = frame(angle)

    def pt(a: float, b: float) -> tuple[float, float]:
        return (a * c - b * s, a * s + b * c)

    (x1, y1), (x2, y2) = pt(along0, across0), pt(along1, across0)
    (x3, y3), (x4, y4) = pt(along1, across1), pt(along0, across1)
    return (x1, y1, x2, y2, x3, y3, x4, y4)


def refit_extent(
    across0: float,
    across1: float,
    ascent: float,
    descent: float,
    new_ascent: float,
    new_descent: float,
) -> tuple[float, float, float]:
    """Re-fit a loose extent drawn with ascent/descent (em fractions, descent < 0) to new metrics.

    Returns ``(across0, across1, em)``; the baseline stays where it was.
    """
    total = ascent - descent
    if total <= 0:
        return across0, across1, across1 - across0
    em = (across1 - across0) / total
    baseline = across1 + descent * em
    return baseline - new_ascent * em, baseline - new_descent * em, em


def normalize_word(text: str) -> str:
    """Clean a word's text: expand ligatures, resolve soft/line-end hyphens, drop junk, NFC."""
    if text.isascii() and text.isprintable():
        return text
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch in _LIGATURES:
            out.append(unicodedata.normalize("NFKC", ch))
        elif ch in (_SOFT_HYPHEN, _PDFIUM_HYPHEN):
            if i == last:  # a line-end hyphenation point is printed as a hyphen
                out.append("-")
        elif ch in _DROP or ch < " " or ("\x7f" <= ch <= "\x9f"):
            continue
        else:
            out.append(ch)
    joined = "".join(out)
    if any("\ud800" <= ch <= "\udfff" for ch in joined):
        joined = join_surrogates(joined)
    return unicodedata.normalize("NFC", joined)


def join_surrogates(text: str) -> str:
    """Combine UTF-16 surrogate pairs into code points; drop unpaired surrogates.

    PDFium gives a non-BMP character (e.g. 𝐀, emoji) two char indexes, one per UTF-16 unit.
    """
    raw = text.encode("utf-16-le", errors="surrogatepass")
    return raw.decode("utf-16-le", errors="ignore")


def real_char_count(text: str) -> tuple[int, int]:
    """``(usable, garbage)`` character counts of a page's text layer.

    Usable: letters, digits, punctuation and symbols. Garbage: U+FFFD, private-use and unassigned
    code points (typical of fonts without a Unicode map). Whitespace and controls count as neither.
    """
    usable = garbage = 0
    for ch in text:
        if ch.isspace() or ch < " ":
            continue
        if ch.isascii():
            usable += 1
            continue
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or cat in ("Co", "Cn", "Cs", "Cc"):
            garbage += 1
        elif cat[0] in "LNPS":
            usable += 1
    return usable, garbage
