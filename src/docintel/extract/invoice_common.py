"""Shared geometry and value helpers of the invoice extractor (rows, neighbours, money)."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from docintel.extract.docview import DocView, TextLine, Token
from docintel.extract.normalize import Money, parse_money

_ISO_TAIL = re.compile(r"^(.*?\d.*?)\s*\b([A-Z]{3})$")
_ISO_HEAD = re.compile(r"^([A-Z]{3})\b\s*(.*\d.*)$")
_MONEY_CHARS = re.compile(r"^[\s\d.,'’\u00a0\u202f()+\-−]*$")


@dataclass
class DocFacts:
    """Document-wide facts votes once: decimal separator, currency, date order, text height."""

    decimal: str | None = None
    currency: str | None = None
    date_order: str | None = None
    country: str | None = None
    line_height: dict[int, float] = field(default_factory=dict)

    def h(self, page: int) -> float:
        """Median line height of a page."""
        return self.line_height.get(page, 1.0)


def median_heights(view: DocView) -> dict[int, float]:
    """Median text-line height per page."""
    out: dict[int, float] = {}
    for p in view.pages:
        hs = [view.lines[i].height for i in p.lines if view.lines[i].height > 0]
        out[p.number] = statistics.median(hs) if hs else 1.0
    return out


def money_of(text: str, facts: DocFacts) -> Money | None:
    """Parse a printed amount; a trailing/leading ISO code (``"$3.00 CAD"``) sets the code."""
    t = text.strip()
    if not t or not any(ch.isdigit() for ch in t):
        return None
    m = parse_money(
        t,
        decimal=facts.decimal,  # type: ignore[arg-type]
        default_code=facts.currency,
        country=facts.country,
    )
    if m is not None:
        return m
    for rx, num_group, code_group in ((_ISO_TAIL, 1, 2), (_ISO_HEAD, 2, 1)):
        mm = rx.match(t)
        if mm is None:
            continue
        code = mm.group(code_group)
        probe = parse_money(f"{code} 1")
        if probe is None or probe.code != code:
            continue
        inner = parse_money(mm.group(num_group), decimal=facts.decimal, default_code=code)  # type: ignore[arg-type]
        if inner is not None:
            return Money(inner.amount, inner.symbol, code)
    return None


def is_amount_text(text: str) -> bool:
    """Whether a text is only a number/amount (no words apart from a currency)."""
    if not any(ch.isdigit() for ch in text):
        return False
    if _MONEY_CHARS.match(text):
        return True
    rest = re.sub(r"\b[A-Z]{3}\b", "", text, count=1)
    return len(re.sub(r"[\d\s.,'’()+\-−]", "", rest)) <= 3


def v_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Vertical overlap over the smaller height."""
    inter = min(a[3], b[3]) - max(a[1], b[1])
    hmin = min(a[3] - a[1], b[3] - b[1])
    return inter / hmin if hmin > 0 else 0.0


def h_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Horizontal overlap length."""
    return min(a[2], b[2]) - max(a[0], b[0])


def cluster_rows(lines: Iterable[TextLine]) -> list[list[TextLine]]:
    """Group lines into visual rows (same baseline band), top to bottom, each left to right."""
    rows: list[list[TextLine]] = []
    bands: list[tuple[float, float]] = []
    for ln in sorted(lines, key=lambda x: (x.box[1] + x.box[3]) / 2):
        cy = (ln.box[1] + ln.box[3]) / 2
        if rows:
            y0, y1 = bands[-1]
            if y0 <= cy <= y1 and v_overlap(rows[-1][-1].box, ln.box) > 0.4:
                rows[-1].append(ln)
                bands[-1] = (min(y0, ln.box[1]), max(y1, ln.box[3]))
                continue
        rows.append([ln])
        bands.append((ln.box[1], ln.box[3]))
    for r in rows:
        r.sort(key=lambda x: x.box[0])
    return rows


def tokens_text(tokens: Sequence[Token]) -> str:
    """Words joined by spaces."""
    return " ".join(t.text for t in tokens)


def mean_conf(tokens: Sequence[Token]) -> float:
    """Mean OCR confidence of words (1 when there are none)."""
    return sum(t.confidence for t in tokens) / len(tokens) if tokens else 1.0
