"""Locale-aware number parsing shared by amounts, quantities and percentages.

The grammar is deliberately strict: a number is digits with optional thousands groups
(``,`` ``.`` space, narrow no-break space, ``'`` or ``’``) and an optional decimal part. Anything
else (letters, ``/``, ``:``, inner ``-``) makes the text *not a number*, which is what keeps
dates, phone numbers and identifiers from being read as amounts.
"""

from __future__ import annotations

import re
from typing import Literal

from ._cache import typed_cache

__all__ = ["Decimal", "parse_number", "parse_numeric_core"]

Decimal = Literal[",", "."]

_GROUP_SEPS = ",. '’\u00a0\u202f\u2009"
# digits, optionally grouped by one separator kind, optionally followed by a decimal part.
_NUM = re.compile(
    r"^(?P<int>\d{1,3}(?:(?P<g>[,. '’\u00a0\u202f\u2009])\d{3})(?:(?P=g)\d{3})*|\d+)"
    r"(?:(?P<d>[.,])(?P<frac>\d+))?$"
)
_MAX_DIGITS = 15
_MINUS = "-−–"  # hyphen-minus, minus sign, en dash
_UNIT_TAIL = re.compile(r"^(.*?\d)\s*(?:[^\W\d_]{1,12}\.?)$")
_TIMES = re.compile(r"^(?:[xX×]\s*(?P<a>.+)|(?P<b>.+?)\s*[xX×])$")


def parse_numeric_core(text: str, decimal: Decimal | None, *, dot_thousands: bool) -> float | None:
    """Parse an unsigned number made only of digits and separators.

    ``dot_thousands`` says how a lone ``.`` followed by exactly three digits is read when
    ``decimal`` is unknown (amounts: thousands, ``"1.234"`` -> 1234; quantities: decimal).
    """
    s = text.strip()
    if not s or not s[0].isdigit() or not s[-1].isdigit():
        return None
    if sum(ch.isdigit() for ch in s) > _MAX_DIGITS:
        return None
    m = _NUM.match(s)
    if m is None:
        # "1234,567.89"-like (ungrouped integer part followed by both separators) is rejected.
        return None
    int_part: str = m.group("int")
    group: str | None = m.group("g")
    dec: str | None = m.group("d")
    frac: str | None = m.group("frac")
    if group is not None and dec is not None:
        if group == dec:
            # "1.234.567" matched as groups + ".567" is impossible by regex; "1,234,5" -> reject
            return None
        # Both kinds present: the text is unambiguous ("1.234,56") and wins over ``decimal``.
        return float(int_part.replace(group, "") + "." + str(frac))
    if group is not None:
        # Only one separator kind, used as a 3-digit grouping: "1,234" / "1.234.567" / "1 234".
        if decimal is not None and decimal == group and int_part.count(group) == 1:
            # Forced decimal separator: "1,234" with decimal "," is 1.234.
            return float(int_part.replace(group, "."))
        if group == "." and int_part.count(".") == 1 and decimal is None and not dot_thousands:
            return float(int_part)
        if group in ".," and int_part.count(group) == 1 and int_part.startswith("0"):
            return float(int_part.replace(group, "."))  # "0,125" / "0.125"
        return float(int_part.replace(group, ""))
    if dec is not None:
        return float(int_part + "." + str(frac))
    return float(int_part)


def _split_sign(s: str) -> tuple[str, bool] | None:
    """Strip a leading/trailing minus or surrounding parentheses; return (rest, negative)."""
    neg = False
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip()
        neg = True
    if s and s[0] in _MINUS:
        s = s[1:].lstrip()
        neg = True
    elif s and s[-1] in _MINUS:
        s = s[:-1].rstrip()
        neg = True
    elif s.startswith("+"):
        s = s[1:].lstrip()
    if not s:
        return None
    return s, neg


@typed_cache(16384)
def parse_number(text: str, *, decimal: Decimal | None = None) -> float | None:
    """Parse a quantity such as ``"2"``, ``"1.5"``, ``"1,5"``, ``"2 pcs"``, ``"x2"``, ``"3 kg"``.

    One trailing unit word (letters only, at most 12, optional final ``.``) and a leading or
    trailing multiplication sign (``x``/``×``) are removed. ``decimal`` forces the decimal
    separator; when unknown a lone ``.`` is decimal, and a lone ``,`` is decimal unless followed
    by exactly three digits (``"1,234"`` -> 1234). Returns ``None`` for anything else.
    """
    s = text.strip()
    if not s:
        return None
    m = _TIMES.match(s)
    if m is not None:
        s = (m.group("a") or m.group("b") or "").strip()
    m2 = _UNIT_TAIL.match(s)
    if m2 is not None:
        s = m2.group(1)
    split = _split_sign(s)
    if split is None:
        return None
    body, neg = split
    value = parse_numeric_core(body, decimal, dot_thousands=False)
    if value is None:
        return None
    return -value if neg else value
