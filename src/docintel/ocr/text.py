"""Pure functions that turn one recognised text line into words with polygons.

An OCR engine gives a line quad, the line's text and (for rapidocr) a box per non-space
character. Words are cut from the line quad by each character's position along the line's
top edge (a fraction ``t`` in [0, 1]), so every word quad lies inside its line quad and keeps
the line's rotation. When no character boxes are available, positions are apportioned by
typical relative character widths of proportional Latin fonts.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from docintel.core.geometry import Polygon, points
from docintel.core.types import Line, Word

# Greek and Cyrillic letters that PP-OCR's multilingual character set emits for Latin glyphs
# of the same shape. Only letters whose upright shapes are (near) identical are listed: "ε" is
# mapped to "e" but never guessed to be a digit.
_HOMOGLYPHS: dict[str, str] = {
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Greek small
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "υ": "u",
    "χ": "x", "γ": "y",
    # Cyrillic capitals
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J",
    # Cyrillic small
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "і": "i", "ј": "j", "ԁ": "d", "һ": "h", "ӏ": "l",
}  # fmt: skip

# Relative advance widths (em fractions) of a proportional Latin font, for apportioning a line
# quad among its characters when the engine gives no character positions.
_NARROW = frozenset("il.,:;'|!`ijlIft()[]{}\"")
_WIDE = frozenset("mwMW@%")
_SPACE_WIDTH = 0.3


@dataclass(frozen=True, slots=True)
class Token:
    """A word cut from a line: its text and the index range of its non-space characters."""

    text: str
    start: int  # index of the first non-space character of the line
    end: int  # one past the last


def _is_latin_or_digit(ch: str) -> bool:
    if ch.isascii():
        return True
    # Latin letters with diacritics (é, ß, ø ...) count as Latin.
    return unicodedata.name(ch, "").startswith("LATIN")


def map_homoglyphs(word: str) -> str:
    """Replace Greek/Cyrillic lookalikes and full-width forms by Latin, in Latin-only words.

    Lookalike letters are mapped only when every other character is Latin, a digit or ASCII
    punctuation and at least one Latin letter or digit is present, so genuine Greek or
    Cyrillic words stay intact. Full-width ASCII forms ("：", "（") are mapped whenever the
    word holds no other non-Latin character.
    """
    out: list[str] = []
    latin_seen = False
    lookalike_seen = False
    for ch in word:
        if ch in _HOMOGLYPHS:
            out.append(_HOMOGLYPHS[ch])
            lookalike_seen = True
            continue
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII variants of the Chinese charset
            out.append(chr(code - 0xFEE0))
            continue
        if not _is_latin_or_digit(ch):
            return word
        latin_seen = latin_seen or ch.isalnum()
        out.append(ch)
    if lookalike_seen and not latin_seen:
        return word
    return "".join(out)


_ALNUM_RUN = re.compile(r"[0-9A-Za-z]+")


def fix_digit_confusions(word: str) -> str:
    """Read a letter O inside a run of digits as zero (``4330O`` → ``43300``).

    Engines trained on mixed text confuse the two glyphs; within a run of letters and digits
    that holds at least two digits and no other letter, an ``O``/``o`` can only be a zero.
    Words like ``CO2``, ``H2O`` or ``NO.`` are left alone.
    """
    if "O" not in word and "o" not in word:
        return word

    def fix(m: re.Match[str]) -> str:
        run = m.group(0)
        digits = sum(c.isdigit() for c in run)
        if digits >= 2 and all(c.isdigit() or c in "Oo" for c in run):
            return run.replace("O", "0").replace("o", "0")
        return run

    return _ALNUM_RUN.sub(fix, word)


def split_key_value(token: str) -> list[tuple[int, int]]:
    """Split ``Key:Value`` at a colon followed by a letter; returns character index ranges.

    rapidocr 3 sometimes drops the space after a colon ("Invoice No:INV-1"). Times
    ("10:30"), ratios and URLs ("http://", "mailto:") are left whole.
    """
    lowered = token.lower()
    if "://" in token or "@" in token or lowered.startswith(("mailto:", "urn:")):
        return [(0, len(token))]
    cuts: list[int] = []
    for i in range(1, len(token) - 1):
        if token[i] == ":" and token[i + 1].isalpha() and not token[i - 1].isdigit():
            cuts.append(i + 1)
    bounds = [0, *cuts, len(token)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def tokenize_line(text: str) -> list[Token]:
    """Split a line's text into word tokens (whitespace, then ``Key:Value``), mapped to Latin.

    Token ranges index the line's non-space characters, which is how engines number
    character boxes.
    """
    tokens: list[Token] = []
    pos = 0
    for raw in text.split():
        for a, b in split_key_value(raw):
            text = fix_digit_confusions(map_homoglyphs(raw[a:b]))
            tokens.append(Token(text, pos + a, pos + b))
        pos += len(raw)
    return tokens


def _char_width(ch: str) -> float:
    if ch.isspace():
        return _SPACE_WIDTH
    if ch in _NARROW:
        return 0.3
    if ch in _WIDE:
        return 0.85
    if ch.isupper() or ch.isdigit():
        return 0.62
    return 0.5


def apportion_chars(text: str) -> list[tuple[float, float]]:
    """Span ``(t0, t1)`` of each non-space character along the line, from typical widths."""
    widths = [_char_width(ch) for ch in text]
    total = sum(widths) or 1.0
    spans: list[tuple[float, float]] = []
    acc = 0.0
    for ch, w in zip(text, widths, strict=True):
        if not ch.isspace():
            spans.append((acc / total, (acc + w) / total))
        acc += w
    return spans


def char_spans_from_boxes(
    line_quad: Sequence[float], char_boxes: Sequence[Sequence[float]]
) -> list[tuple[float, float]]:
    """Project character polygons onto the line's top edge: span ``(t0, t1)`` of each, in order.

    Spans are clamped to [0, 1] and made monotonic so words cut from them never run backwards.
    """
    (x0, y0), (x1, y1) = points(line_quad)[:2]
    ex, ey = x1 - x0, y1 - y0
    norm = ex * ex + ey * ey
    if norm <= 0:
        return [(0.0, 1.0)] * len(char_boxes)
    spans: list[tuple[float, float]] = []
    prev = 0.0
    for box in char_boxes:
        ts = [((px - x0) * ex + (py - y0) * ey) / norm for px, py in points(box)]
        t0 = min(max(min(ts), prev), 1.0)
        t1 = min(max(max(ts), t0), 1.0)
        spans.append((t0, t1))
        prev = t0
    return spans


def sub_quad(quad: Sequence[float], t0: float, t1: float) -> Polygon:
    """The part of a 4-point quad between fractions ``t0`` and ``t1`` along its top edge."""
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = points(quad)[:4]
    return (
        ax + (bx - ax) * t0, ay + (by - ay) * t0,
        ax + (bx - ax) * t1, ay + (by - ay) * t1,
        dx + (cx - dx) * t1, dy + (cy - dy) * t1,
        dx + (cx - dx) * t0, dy + (cy - dy) * t0,
    )  # fmt: skip


def line_from_text(
    text: str,
    quad: Sequence[float],
    confidence: float,
    char_spans: Sequence[tuple[float, float]] | None = None,
    char_confidences: Sequence[float] | None = None,
) -> Line | None:
    """Build a ``Line`` of words from a recognised line; ``None`` when it holds no text.

    ``char_spans``/``char_confidences`` give one entry per non-space character of ``text``;
    when missing or of the wrong length, spans are apportioned and the line confidence used.
    """
    n_chars = sum(1 for ch in text if not ch.isspace())
    if n_chars == 0:
        return None
    spans = list(char_spans) if char_spans is not None and len(char_spans) == n_chars else None
    if spans is None:
        spans = apportion_chars(text.strip())
    confs = (
        list(char_confidences)
        if char_confidences is not None and len(char_confidences) == n_chars
        else None
    )
    words: list[Word] = []
    for tok in tokenize_line(text):
        t0 = spans[tok.start][0]
        t1 = max(spans[tok.end - 1][1], t0)
        conf = sum(confs[tok.start : tok.end]) / (tok.end - tok.start) if confs else confidence
        words.append(Word(tok.text, sub_quad(quad, t0, t1), min(max(conf, 0.0), 1.0)))
    return Line(words=words, polygon=tuple(float(v) for v in quad[:8]))
