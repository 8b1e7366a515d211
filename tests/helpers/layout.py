"""Hand-made layout inputs for unit tests (inches, a simple fixed-pitch font)."""

from __future__ import annotations

from docintel.core.geometry import bbox_polygon
from docintel.core.types import Line, Word


def line(text: str, x0: float, y0: float, h: float = 0.14) -> Line:
    """A horizontal line of words starting at (x0, y0), 0.09 in per character."""
    words = []
    x = x0
    for t in text.split():
        w = 0.09 * len(t)
        words.append(Word(text=t, polygon=bbox_polygon((x, y0, x + w, y0 + h))))
        x += w + 0.05
    return Line(words=words, polygon=bbox_polygon((x0, y0, x - 0.05, y0 + h)))
