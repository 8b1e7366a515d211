"""Money amounts, currencies and percentages.

Amount grammar is strict (see :mod:`.numbers`); the currency symbol/code table comes from
price-parser's currency data (symbols, native symbols, alternatives) plus ISO 4217 codes, and
ambiguous symbols (``$``, ``¥``, ``kr``, ``Rs`` ...) are resolved with babel's
territory→currency data when a country is known.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ._cache import typed_cache
from .numbers import Decimal, parse_numeric_core

__all__ = [
    "Money",
    "infer_decimal_separator",
    "parse_amount",
    "parse_money",
    "parse_percent",
]


@dataclass(frozen=True, slots=True)
class Money:
    """A parsed money value: amount, the symbol as printed, and the ISO 4217 code if known."""

    amount: float
    symbol: str | None
    code: str | None


# Extra tokens seen on invoices/receipts that price-parser's table lacks or spells differently.
_EXTRA_TOKENS: dict[str, tuple[str, ...]] = {
    "US$": ("USD",),
    "U$S": ("USD",),
    "USD$": ("USD",),
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "ARS", "CLP", "COP"),
    "¥": ("JPY", "CNY"),
    "￥": ("JPY", "CNY"),
    "円": ("JPY",),
    "元": ("CNY",),
    "RMB": ("CNY",),
    "£": ("GBP",),
    "€": ("EUR",),
    "euro": ("EUR",),
    "euros": ("EUR",),
    "Rs": ("INR", "PKR", "LKR", "NPR", "MUR"),
    "Rs.": ("INR", "PKR", "LKR", "NPR", "MUR"),
    "₹": ("INR",),
    "RM": ("MYR",),
    "kr": ("SEK", "NOK", "DKK", "ISK"),
    "kr.": ("DKK", "SEK", "NOK", "ISK"),
    "Fr.": ("CHF",),
    "SFr.": ("CHF",),
    "zł": ("PLN",),
    "Kč": ("CZK",),
    "Ft": ("HUF",),
    "R$": ("BRL",),
    "S$": ("SGD",),
    "A$": ("AUD",),
    "AU$": ("AUD",),
    "C$": ("CAD",),
    "CA$": ("CAD",),
    "NZ$": ("NZD",),
    "HK$": ("HKD",),
    "MX$": ("MXN",),
    "NT$": ("TWD",),
    "R": ("ZAR",),
    "₩": ("KRW",),
    "₺": ("TRY",),
    "₽": ("RUB",),
    "₪": ("ILS",),
    "฿": ("THB",),
    "₱": ("PHP",),
    "₫": ("VND",),
    "Rp": ("IDR",),
}
# Short ASCII symbols from price-parser's table are mostly also tax codes, units or abbreviations
# on receipts ("SR" = standard-rated GST, "KM", "TL", "DA", "FR" ...): only these are trusted.
_SHORT_ASCII_OK = frozenset({"RM", "Rp", "Ft", "kr", "Rs", "R", "TL", "Bs", "Tk", "Kz", "Br"})
_DROP = frozenset({"-", "man.", "SR", "KM", "DA", "FR", "UM", "CF", "FC"})
# Preferred reading of an ambiguous symbol when nothing else decides.
_PREFERRED = ("USD", "EUR", "GBP", "JPY", "INR", "SEK", "CHF", "ZAR", "CNY", "MYR")


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], frozenset[str]]:
    """(exact token -> codes, casefolded token -> codes, ISO codes), built once."""
    from price_parser._currencies import CURRENCIES, REPLACED_BY_EURO

    codes = frozenset(c for c in CURRENCIES if c not in REPLACED_BY_EURO) | {"EUR"}
    exact: dict[str, list[str]] = {}

    def add(token: str, code: str) -> None:
        token = token.strip()
        if not token or token.isdigit():
            return
        lst = exact.setdefault(token, [])
        if code not in lst:
            lst.append(code)

    for token, cands in _EXTRA_TOKENS.items():
        for code in cands:
            add(token, code)
    for code, info in CURRENCIES.items():
        if code not in codes:
            continue
        for key in ("s", "sn"):
            value = info.get(key)
            if isinstance(value, str):
                add(value, code)
        for value in info.get("sn2", []):
            add(value, code)
    # single ASCII letters are never trusted as currency symbols ("R" aside, kept explicitly)
    frozen = {
        k: tuple(v)
        for k, v in exact.items()
        if k not in _DROP
        and not (k.isascii() and k.isalpha() and len(k) <= 2 and k not in _SHORT_ASCII_OK)
    }
    folded: dict[str, tuple[str, ...]] = {}
    for k, v in frozen.items():
        folded.setdefault(k.casefold(), v)
    return frozen, folded, codes


@functools.lru_cache(maxsize=4096)
def _lookup_token(token: str) -> tuple[tuple[str, ...], bool] | None:
    """Currency candidates for a printed token and whether the token is an ISO code itself."""
    exact, folded, codes = _tables()
    if len(token) == 3 and token.isascii() and token.isupper() and token in codes:
        return (token,), True
    hit = exact.get(token) or exact.get(token.rstrip("."))
    if hit is None and len(token) > 1:
        hit = folded.get(token.casefold()) or folded.get(token.rstrip(".").casefold())
    if hit is None:
        return None
    return hit, False


_MINUS = "-−–"
_CUR_CHARS = re.compile(r"^[^\d\s()]+$")


@functools.lru_cache(maxsize=32768)
def _split_money(text: str, decimal: Decimal | None) -> tuple[float, str | None] | None:
    """Parse ``text`` into (amount, printed currency token or None); None if not an amount."""
    s = text.strip()
    if not s or "%" in s:
        return None
    first = next((i for i, ch in enumerate(s) if ch.isdigit()), -1)
    if first < 0:
        return None
    last = len(s) - 1 - next(i for i, ch in enumerate(reversed(s)) if ch.isdigit())
    pre, core, post = s[:first], s[first : last + 1], s[last + 1 :]
    neg = False
    pre = pre.strip()
    post = post.strip()
    if pre.startswith("(") and post.endswith(")"):
        neg = True
        pre, post = pre[1:].strip(), post[:-1].strip()
    if post[:2] in (",-", ".-", ",–"):  # "12,-" (no cents)
        post = post[2:].strip()
    if pre and pre[-1] in _MINUS:
        neg = True
        pre = pre[:-1].strip()
    elif pre and pre[-1] == "+":
        pre = pre[:-1].strip()
    if pre and pre[0] in _MINUS:
        neg = True
        pre = pre[1:].strip()
    if post and post[-1] in _MINUS:
        neg = True
        post = post[:-1].strip()
    if post and post[0] in _MINUS:
        neg = True
        post = post[1:].strip()
    if pre and post:
        # "$1,200.00 USD": a symbol and an ISO code that agree; keep "$ USD" as the token pair.
        a, b = _lookup_token(pre), _lookup_token(post)
        if a is None or b is None or a[1] == b[1]:
            return None
        (sym, sym_info), code = ((pre, a), post) if b[1] else ((post, b), pre)
        if code not in sym_info[0]:
            return None
        pre, post = f"{sym}\x00{code}", ""
    if len(post) == 1 and post.isascii():
        return None  # "12.50 R" / "12.50 S": receipt tax/flag letters, not "R" for rand
    token = pre or post or None
    if (
        token is not None
        and "\x00" not in token
        and (not _CUR_CHARS.match(token) or _lookup_token(token) is None)
    ):
        return None
    value = parse_numeric_core(core, decimal, dot_thousands=True)
    if value is None:
        return None
    return (-value if neg else value), token


def parse_amount(text: str, *, decimal: Decimal | None = None) -> float | None:
    """Parse a money amount such as ``"1,234.56"``, ``"1.234,56"``, ``"($1,200.00)"``.

    Accepts an optional currency symbol/code before or after the number, a leading or trailing
    minus (``"12.00-"`` on receipts), accounting parentheses and ``"12,-"``. Returns ``None`` for
    percentages, dates, phone numbers and texts with other words. ``decimal`` forces the decimal
    separator; when ``None`` a lone separator followed by exactly three digits is a thousands
    separator (``"1,234"`` -> 1234) and otherwise a decimal one (``"12,50"`` -> 12.5).
    """
    got = _split_money(text, decimal)
    return None if got is None else got[0]


@functools.lru_cache(maxsize=512)
def _territory_currencies(country: str) -> tuple[str, ...]:
    from babel.numbers import get_territory_currencies

    from .country import country_alpha2, country_alpha3

    c = country.strip()
    alpha2: str | None
    if len(c) == 2 and c.isalpha():
        alpha2 = c.upper()
    else:
        a3 = country_alpha3(c)
        alpha2 = country_alpha2(a3) if a3 else None
    if alpha2 is None:
        return ()
    try:
        return tuple(get_territory_currencies(alpha2))
    except Exception:  # unknown territory
        return ()


def _is_symbol_of(token: str, code: str) -> bool:
    from price_parser._currencies import CURRENCIES

    info = CURRENCIES.get(code)
    return info is not None and token in (info.get("s"), info.get("sn"))


@typed_cache(16384)
def parse_money(
    text: str,
    *,
    decimal: Decimal | None = None,
    default_code: str | None = None,
    country: str | None = None,
) -> Money | None:
    """Parse an amount with its currency: ``"1.234,56 €"`` -> ``Money(1234.56, "€", "EUR")``.

    The symbol is kept as printed (``None`` when only an ISO code such as ``"USD"`` is printed,
    unless the code is itself the usual symbol, as for ``"CHF"``). Ambiguous symbols are resolved
    by ``country`` (alpha-2, alpha-3 or a name) through babel's territory currencies, then by
    ``default_code``, then by a fixed preference (``$`` -> USD, ``¥`` -> JPY, ``kr`` -> SEK).
    Without a printed currency, ``code`` is ``default_code``.
    """
    got = _split_money(text, decimal)
    if got is None:
        return None
    amount, token = got
    if token is None:
        return Money(amount, None, default_code.upper() if default_code else None)
    if "\x00" in token:
        sym, code = token.split("\x00")
        return Money(amount, sym, code)
    found = _lookup_token(token)
    assert found is not None
    cands, is_code = found
    if is_code:
        code = cands[0]
        return Money(amount, token if _is_symbol_of(token, code) else None, code)
    code_: str | None = cands[0] if len(cands) == 1 else None
    if code_ is None and country:
        code_ = next((c for c in _territory_currencies(country) if c in cands), None)
    if code_ is None and default_code and default_code.upper() in cands:
        code_ = default_code.upper()
    if code_ is None:
        code_ = next((c for c in _PREFERRED if c in cands), cands[0])
    return Money(amount, token, code_)


# Document-level decimal separator vote. A candidate is a number not glued to other digits or
# separators on either side (so dates "12.01.2024" and times "12:30" do not vote).
_COMMA_DEC = re.compile(r"(?<![\d.,:/])\d{1,3}(?:\.\d{3})*,\d{2}(?![\d.,:/])")
_DOT_DEC = re.compile(r"(?<![\d.,:/])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d.,:/])")
_COMMA_DEC_LONG = re.compile(r"(?<![\d.,:/])\d{4,},\d{2}(?![\d.,:/])")
_DOT_DEC_LONG = re.compile(r"(?<![\d.,:/])\d{4,}\.\d{2}(?![\d.,:/])")


def infer_decimal_separator(texts: Iterable[str]) -> Decimal | None:
    """Vote the document's decimal separator from amounts with two decimals.

    ``"1.234,56"`` / ``"12,50"`` vote ``","``; ``"1,234.56"`` / ``"12.50"`` vote ``"."``. Returns
    the majority, or ``None`` when there is no vote or a tie.
    """
    comma = dot = 0
    for t in texts:
        if not t or not any(ch.isdigit() for ch in t):
            continue
        comma += len(_COMMA_DEC.findall(t)) + len(_COMMA_DEC_LONG.findall(t))
        dot += len(_DOT_DEC.findall(t)) + len(_DOT_DEC_LONG.findall(t))
    if comma == dot:
        return None
    return "," if comma > dot else "."


_PERCENT = re.compile(r"(?<![\d.,])([-−]?\d{1,3}(?:[.,]\d+)?)\s*%")
_PERCENT_REST = re.compile(r"^[^\W\d_]*[\s:.]*$")


@typed_cache(8192)
def parse_percent(text: str) -> float | None:
    """Parse a percentage: ``"19%"``, ``"7,5 %"``, ``"VAT 20%"`` -> 19.0, 7.5, 20.0.

    Exactly one percentage must be present; a short label word before it is tolerated.
    """
    matches = _PERCENT.findall(text)
    if len(matches) != 1:
        return None
    m = _PERCENT.search(text)
    assert m is not None
    rest = (text[: m.start()] + " " + text[m.end() :]).replace("(", " ").replace(")", " ").strip()
    if rest and not all(_PERCENT_REST.match(w) for w in rest.split()):
        return None
    return float(matches[0].replace(",", ".").replace("−", "-"))
